// Builds the JavaScript test cell (fixtures/js-cell.js) with
// componentize-js: a real ~12 MiB StarlingMonkey component, the kind
// `ww build` will make. It takes 5-15 s and much memory, so it runs in a
// child process, once, and the result is kept in the temp directory under
// the hash of its inputs. Nothing here is committed.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { packageDir as findPackage } from '../../cell/build/package-dir.js';
import { onceAcrossWorkers } from '../once-across-workers.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SOURCE = join(HERE, 'fixtures', 'js-cell.js');
const WORLD = join(HERE, 'fixtures', 'js-cell-wit', 'world.wit');
const BUILDER = join(HERE, 'componentize', 'build.mjs');
const WASI = ['cli', 'clocks', 'filesystem', 'io', 'random', 'sockets'];

let built: Promise<Uint8Array> | undefined;

export function jsFixture(): Promise<Uint8Array> {
  return (built ??= build());
}

function packageDir(name: string): string {
  const dir = findPackage(name);
  if (!dir) throw new Error(`package ${name} is not installed`);
  return dir;
}

async function build(): Promise<Uint8Array> {
  const jco = packageDir('@bytecodealliance/jco');
  const cjs = packageDir('@bytecodealliance/componentize-js');
  const h = createHash('sha256');
  for (const f of [SOURCE, WORLD, BUILDER, join(jco, 'package.json'), join(cjs, 'package.json')]) h.update(readFileSync(f));
  const dir = join(tmpdir(), 'ww-cell-fixtures', `js-${h.digest('hex').slice(0, 20)}`);
  const out = join(dir, 'js-cell.wasm');
  await onceAcrossWorkers(dir, out, 180_000, async () => {
    const work = `${dir}.${process.pid}.${Date.now()}`;
    mkdirSync(join(work, 'wit', 'deps'), { recursive: true });
    cpSync(WORLD, join(work, 'wit', 'world.wit'));
    for (const p of WASI) cpSync(join(jco, 'lib', 'wit', 'builtin', '0.2.12', `wasi-${p}`), join(work, 'wit', 'deps', p), { recursive: true });
    // --single-threaded-gc: less than half the CPU (see componentizeCell in runtime/cell/build/build.ts).
    await promisify(execFile)(process.execPath, ['--single-threaded-gc', BUILDER, SOURCE, join(work, 'wit'), 'js-cell', join(work, 'js-cell.wasm')],
      { timeout: 180_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } });
    rmSync(join(work, 'wit'), { recursive: true, force: true });
    try { renameSync(work, dir); } catch { rmSync(work, { recursive: true, force: true }); }
  });
  return new Uint8Array(readFileSync(out));
}
