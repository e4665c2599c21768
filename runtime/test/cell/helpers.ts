// Shared by the cell tests: a runtime over a fresh cache directory, and
// collecting a stream.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CellRuntime } from '../../cell/runtime.js';
import { SHARED_CELL_CACHE } from '../ww-process.js';

export function tempCacheDir(): string {
  return mkdtempSync(join(tmpdir(), 'ww-cell-cache-'));
}

/**
 * A runtime with its own cache directory; `done()` closes it and removes the
 * directory. With `shared`, its cache is SHARED_CELL_CACHE (kept), for files
 * that load big cells other files or `ww` processes load too and do not
 * count translations.
 */
export function testRuntime(opts: { shared?: boolean } = {}): { rt: CellRuntime; dir: string; done: () => Promise<void> } {
  if (opts.shared) {
    const rt = new CellRuntime({ cacheDir: SHARED_CELL_CACHE });
    return { rt, dir: SHARED_CELL_CACHE, done: () => rt.close() };
  }
  const dir = tempCacheDir();
  const rt = new CellRuntime({ cacheDir: dir });
  return { rt, dir, done: async () => { await rt.close(); rmSync(dir, { recursive: true, force: true }); } };
}

export async function collect(s: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
