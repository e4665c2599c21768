// Builds Glia cell projects with the real `ww build` (bin/ww.js, from
// dist/), once per distinct input: componentize-js takes seconds and about
// 1 GB, so each artifact is kept in the temp directory under the hash of
// the project's files and of everything that goes into a cell (the cell
// runtime, the build, the Glia engine). Shared by the build tests.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onceAcrossWorkers } from '../once-across-workers.js';
import { ROOT, ww } from '../ww-process.js';

// Everything a built cell is made of, as `ww build` (bin/ww.js, so dist/)
// reads it: the compiled engine, the cell runtime and what it bundles (the
// in-cell RPC endpoint, the marshalling, the schema classes), the build
// itself, the WIT (beside the sources; jco's WASI WIT comes with its
// version), and the releases of the packages bundled into the cell or doing
// the componentizing. The compiled files are hashed, not the sources: a
// dist/ older than the sources builds an older cell, which must not be
// kept under the sources' key (the cache outlives the run, and this
// machine's dist/ is rebuilt by whoever builds).
const INPUTS = [
  'dist/glia', 'dist/runtime/cell/guest', 'dist/runtime/cell/build', 'dist/runtime/cell/sync-vat.js', 'dist/runtime/membrane',
  'dist/runtime/rpc', 'dist/schema/generated', 'runtime/cell/wit',
  ...['@bytecodealliance/componentize-js', '@bytecodealliance/jco', 'capnp-es', 'chevrotain', 'immutable'].map((p) => `node_modules/${p}/package.json`),
].map((d) => join(ROOT, d));

function hashTree(h: ReturnType<typeof createHash>, dir: string): void {
  if (!statSync(dir).isDirectory()) { h.update(readFileSync(dir)); return; }
  for (const name of readdirSync(dir).sort()) {
    if (name === 'bin' || name === 'test' || name === 'node_modules' || name.endsWith('.map') || name.endsWith('.d.ts')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) hashTree(h, p);
    else { h.update(name); h.update(readFileSync(p)); }
  }
}

export interface BuiltCell { wasm: Uint8Array; path: string; stdout: string; stderr: string; ms: number }

const built = new Map<string, Promise<BuiltCell>>();

/** Builds the project in `dir` (copied first: the build writes bin/ into it) and returns its component. */
export function builtCell(dir: string, name: string, flags: string[] = []): Promise<BuiltCell> {
  let p = built.get(dir);
  if (!p) { p = build(dir, name, flags); built.set(dir, p); }
  return p;
}

async function build(dir: string, name: string, flags: string[]): Promise<BuiltCell> {
  const h = createHash('sha256');
  h.update(flags.join(' '));
  hashTree(h, dir);
  for (const d of INPUTS) hashTree(h, d);
  const cache = join(tmpdir(), 'ww-glia-cells', `${name}-${h.digest('hex').slice(0, 20)}`);
  await onceAcrossWorkers(cache, join(cache, `${name}.wasm`), BUILD_TIMEOUT_MS, async () => {
    const work = `${cache}.${process.pid}.${Date.now()}`;
    mkdirSync(work, { recursive: true });
    cpSync(dir, join(work, 'project'), { recursive: true, filter: (s) => !s.includes('/bin') });
    const r = await ww(['build', ...flags, join(work, 'project')], { timeoutMs: BUILD_TIMEOUT_MS });
    if (r.code !== 0) throw new Error(`ww build ${dir} failed (${r.code}):\n${r.stderr}`);
    cpSync(join(work, 'project', 'bin', `${name}.wasm`), join(work, `${name}.wasm`));
    writeFileSync(join(work, 'build.json'), JSON.stringify({ stdout: r.stdout, stderr: r.stderr, ms: r.ms }));
    try { renameSync(work, cache); } catch { rmSync(work, { recursive: true, force: true }); }
  });
  const meta = JSON.parse(readFileSync(join(cache, 'build.json'), 'utf8'));
  return { wasm: new Uint8Array(readFileSync(join(cache, `${name}.wasm`))), path: join(cache, `${name}.wasm`), ...meta };
}


const BUILD_TIMEOUT_MS = 240_000;
