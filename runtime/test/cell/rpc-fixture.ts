// Builds the RPC test cell (fixtures/rpc-cell/cell.ts): esbuild bundles it
// with runtime/cell/sync-vat.ts, capnp-es and the generated schema classes
// into one ES module, and componentize-js makes a component of it against
// fixtures/rpc-cell/world.wit, which imports ww:cell/membrane from the
// repo's WIT (runtime/cell/wit/membrane.wit). Like js-fixture.ts: a
// child process, once, cached in the temp directory under the hash of its
// inputs. Nothing here is committed.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { packageDir as findPackage } from '../../cell/build/package-dir.js';
import { onceAcrossWorkers } from '../once-across-workers.js';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// The sources, from the repository root (this file also runs compiled, from dist/, in the benchmark).
const ROOT = findRoot();
const HERE = join(ROOT, 'runtime', 'test', 'cell');
const SOURCE = join(HERE, 'fixtures', 'rpc-cell', 'cell.ts');
const WORLD = join(HERE, 'fixtures', 'rpc-cell', 'world.wit');
const MEMBRANE_WIT = join(ROOT, 'runtime', 'cell', 'wit', 'membrane.wit');
const BUILDER = join(HERE, 'componentize', 'build.mjs');

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'runtime', 'test', 'cell', 'fixtures', 'rpc-cell'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('rpc-fixture: cannot find the repository root');
    dir = up;
  }
}
const WASI = ['cli', 'clocks', 'filesystem', 'io', 'random', 'sockets'];

let built: Promise<Uint8Array> | undefined;

export function rpcFixture(): Promise<Uint8Array> {
  return (built ??= build());
}

function packageDir(name: string): string {
  const dir = findPackage(name);
  if (!dir) throw new Error(`package ${name} is not installed`);
  return dir;
}

async function build(): Promise<Uint8Array> {
  const { build: bundle } = await import('esbuild');
  const out = await bundle({
    entryPoints: [SOURCE], bundle: true, write: false, format: 'esm', platform: 'neutral', target: 'es2022',
    external: ['wasi:*', 'ww:*'], mainFields: ['module', 'main'], conditions: ['import'], logLevel: 'silent',
  });
  const js = out.outputFiles[0]!.contents;
  const jco = packageDir('@bytecodealliance/jco');
  const cjs = packageDir('@bytecodealliance/componentize-js');
  const h = createHash('sha256').update(js);
  for (const f of [WORLD, MEMBRANE_WIT, BUILDER, join(jco, 'package.json'), join(cjs, 'package.json')]) h.update(readFileSync(f));
  const dir = join(tmpdir(), 'ww-cell-fixtures', `rpc-${h.digest('hex').slice(0, 20)}`);
  const wasm = join(dir, 'rpc-cell.wasm');
  await onceAcrossWorkers(dir, wasm, 240_000, async () => {
    const work = `${dir}.${process.pid}.${Date.now()}`;
    mkdirSync(join(work, 'wit', 'deps', 'ww-cell'), { recursive: true });
    cpSync(WORLD, join(work, 'wit', 'world.wit'));
    cpSync(MEMBRANE_WIT, join(work, 'wit', 'deps', 'ww-cell', 'membrane.wit'));
    for (const p of WASI) cpSync(join(jco, 'lib', 'wit', 'builtin', '0.2.12', `wasi-${p}`), join(work, 'wit', 'deps', p), { recursive: true });
    writeFileSync(join(work, 'cell.js'), js);
    // --single-threaded-gc: less than half the CPU (see componentizeCell in runtime/cell/build/build.ts).
    await promisify(execFile)(process.execPath, ['--single-threaded-gc', BUILDER, join(work, 'cell.js'), join(work, 'wit'), 'rpc-cell', join(work, 'rpc-cell.wasm')],
      { timeout: 240_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } });
    rmSync(join(work, 'wit'), { recursive: true, force: true });
    try { renameSync(work, dir); } catch { rmSync(work, { recursive: true, force: true }); }
  });
  return new Uint8Array(readFileSync(wasm));
}
