// The prelude and std modules are embedded in the program
// (glia/generated/sources.ts), not files the user has. Go-to-definition into
// them needs a place an editor can open, so they are written once to a
// read-only cache directory named after a hash of their contents, and
// addressed by ordinary file: URIs. This is how clojure-lsp serves
// definitions inside jars, and it works in every editor without a custom
// URI scheme.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SOURCES } from '../glia/index.js';
import { uriToPath } from './uri.js';

export const PRELUDE_KEY = 'glia/prelude/core.glia';

export class StdSources {
  readonly dir: string;
  private written = false;

  constructor(baseDir?: string) {
    const hash = createHash('sha256').update(JSON.stringify(SOURCES)).digest('hex').slice(0, 12);
    this.dir = join(baseDir ?? join(tmpdir(), 'wetware-glia-std'), hash);
  }

  keys(): string[] { return Object.keys(SOURCES); }

  source(key: string): string | undefined { return SOURCES[key]; }

  /** The std module a path names (`ww/coll` -> `std/ww/coll.glia`), if it is written in Glia. */
  moduleKey(path: string): string | undefined {
    const key = `std/${path.replace(/\.glia$/, '')}.glia`;
    return SOURCES[key] !== undefined ? key : undefined;
  }

  /** The file: URI of an embedded source, written to the cache on first use. */
  uriOf(key: string): string {
    this.materialize();
    return pathToFileURL(join(this.dir, ...key.split('/'))).href;
  }

  /** The embedded source a URI points at, if it is one of ours. */
  keyOf(uri: string): string | undefined {
    const path = uriToPath(uri);
    if (!path || !path.startsWith(this.dir + sep)) return undefined;
    const key = path.slice(this.dir.length + 1).split(sep).join('/');
    return SOURCES[key] !== undefined ? key : undefined;
  }

  /** Writes every source, read-only; a failure (a read-only disk) only costs the locations. */
  materialize(): void {
    if (this.written) return;
    this.written = true;
    for (const [key, text] of Object.entries(SOURCES)) {
      const file = join(this.dir, ...key.split('/'));
      try {
        if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
        mkdirSync(dirname(file), { recursive: true });
        if (existsSync(file)) chmodSync(file, 0o644);
        writeFileSync(file, text);
        chmodSync(file, 0o444);
      } catch {
        // Definitions in this module will have no location; everything else works.
      }
    }
  }
}
