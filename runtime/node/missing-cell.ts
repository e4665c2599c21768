// What to run when a script loads a cell the image does not have. A
// missing `bin/NAME.wasm` is most often a build output nobody built yet:
// when a local layer has, where that file would be, a cell project
// (`cell.edn` beside `bin/`, whose `:name` is NAME), `ww build` of that
// folder makes exactly the missing file, so the hint names the command.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The hint for a missing file at image path `path` (relative to the root,
 * normalized: `bin/counter.wasm`), or null when no layer builds it.
 * `layers` are as the node was given them, in merge order.
 */
export function missingCellHint(path: string, layers: readonly string[]): string | null {
  const project = cellProjectFor(path, layers);
  return project === null ? null : `${path} is what \`ww build ${project}\` makes of the cell project there: run it, then start the node again`;
}

/**
 * The folder whose `ww build` makes `path` (`DIR/bin/NAME.wasm`, relative
 * to each of `roots`, the last root first), or null.
 */
export function cellProjectFor(path: string, roots: readonly string[]): string | null {
  const m = /^(?:(.*)\/)?bin\/([^/]+)\.wasm$/.exec(path);
  if (!m) return null;
  const [, dir = '', name] = m;
  // The last layer wins a file, so it is the one whose project counts.
  for (const root of [...roots].reverse()) {
    if (root.startsWith('/ipfs/') || root.startsWith('/ipns/')) continue;
    const project = join(root, dir);
    let edn: string;
    try { edn = readFileSync(join(project, 'cell.edn'), 'utf8'); } catch { continue; }
    // `ww build` validates the whole project; here only its name matters, read
    // the way it is written (`:name "counter"`), so a broken cell.edn still
    // gets the hint and `ww build` reports what is wrong with it.
    if (/:name\s+"([^"]*)"/.exec(edn)?.[1] !== name) continue;
    return project;
  }
  return null;
}
