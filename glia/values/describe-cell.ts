// `(describe cell)`: what a cell value declares and what it would be
// handed, without spawning it (doc/language.md §8, "cell"). From the
// component: its size, its CID (as the runtime addresses it), the project
// `ww build` recorded in its `ww:cell` section (name, version, mode,
// export) and the grants its `ww:grants` section declares. From the value:
// the grants it would hand the cell, each with the methods it allows.
import { List, Map as IMap } from 'immutable';
import { kw, type Keyword } from './keyword.js';
import { sym } from './symbol.js';
import { CellValue } from './cell.js';
import { CapabilityBase } from './capability.js';
import { jsonSection } from './wasm-sections.js';
import { rawCid } from './sha256.js';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function sortedKeywords(names: Iterable<string | Keyword>): List<Keyword> {
  return List([...names].map((n) => (typeof n === 'string' ? kw(n) : n)).sort((a, b) => (a.fqn < b.fqn ? -1 : a.fqn > b.fqn ? 1 : 0)));
}

/** The ww:grants section as {"name" [:method ...]}; nil without one, :invalid when it is not the list ww build writes. */
function declared(wasm: Uint8Array): IMap<string, List<Keyword>> | Keyword | null {
  const json = jsonSection(wasm, 'ww:grants');
  if (json === undefined) return null;
  if (!Array.isArray(json)) return kw('invalid');
  let m = IMap<string, List<Keyword>>();
  for (const g of json) {
    if (typeof g?.name !== 'string' || !NAME.test(g.name) || !Array.isArray(g.methods) || !g.methods.every((x: unknown) => typeof x === 'string' && NAME.test(x))) return kw('invalid');
    m = m.set(g.name, sortedKeywords(g.methods as string[]));
  }
  return m;
}

export function describeCell(cell: CellValue): IMap<Keyword, unknown> {
  const project = jsonSection(cell.wasm, 'ww:cell') as Record<string, unknown> | undefined;
  const text = (k: string) => (project && typeof project[k] === 'string' ? project[k] as string : null);
  const declares = declared(cell.wasm);
  const grants = cell.grants
    ? IMap<string, unknown>([...cell.grants].map(([name, cap]) => {
      const ms = cap instanceof CapabilityBase ? cap.methods() : null;
      return [name as string, ms ? sortedKeywords(ms) : null];
    }))
    : IMap.isMap(declares) ? declares : IMap<string, unknown>();
  const entries: Array<[Keyword, unknown]> = [
    [kw('cid'), rawCid(cell.wasm)],
    [kw('size'), cell.wasm.length],
    [kw('name'), text('name')],
    [kw('version'), text('version')],
    [kw('mode'), text('mode') ? kw(text('mode')!) : null],
  ];
  if (text('export')) entries.push([kw('export'), sym(text('export')!)]);
  entries.push([kw('declares'), declares], [kw('grants'), grants]);
  return IMap(entries);
}
