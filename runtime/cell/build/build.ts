// `ww build`: a Glia cell project to a component, in four steps.
//   1. compile: the entry goes through the Glia engine (reader, analyzer,
//      JS emitter) in Node, so mistakes are reported with code frames
//      before the slow step; the entry function for the mode must exist.
//      It runs on a worker thread with a time limit (probe.ts).
//   2. bundle: esbuild bundles the cell runtime (runtime/cell/guest/cell.ts,
//      which carries the Glia engine) with the project's source and
//      settings into one ES module; wasi:* imports stay imports.
//   3. componentize: componentize-js makes a WASI command component of it
//      (exports wasi:cli/run). It runs the module's top level at build
//      time, which compiles the cell's source again inside the engine the
//      cell carries, so the component starts with its functions compiled.
//      Then the ww:grants section is appended.
//   4. write bin/<name>.wasm and give its CID.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { packageDir as findPackage } from './package-dir.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { cidOf } from '../cid.js';
import type { CellConfig } from '../guest/engine.js';
import { probeCell, PROBE_LIMITS } from './probe.js';
import { BuildError } from './errors.js';
import { withGrantsSection, withCellSection } from './grants-section.js';
import { readProject, readBuildSource, type Project } from './project.js';
import { isWatProject, componentOfWat, watWitSource } from './wat.js';

export interface BuildResult {
  project: Project;
  /** bin/<name>.wasm, absolute. */
  out: string;
  cid: string;
  bytes: number;
  /** Milliseconds spent in componentize-js. */
  componentizeMs: number;
}

export type BuildStep = 'compile' | 'bundle' | 'componentize' | 'write';
export interface BuildProgress {
  /** A step starts. */
  step?(step: BuildStep, detail: string): void;
  /** Every second while componentize-js works. */
  tick?(elapsedMs: number): void;
  /** Something the build did differently, and why (the component still works). */
  warn?(code: string, message: string): void;
}

/** WASI packages the cell world refers to, from jco's copy of the WASI 0.2.12 WIT. */
const WASI_PACKAGES = ['cli', 'clocks', 'filesystem', 'io', 'random', 'sockets'];
const WORLD = `package ww:glia-cell;

// What a Glia cell imports: its stdio, arguments and environment, exit,
// and its membrane channel (raw and http modes reach their grants on it;
// pid0 reaches them on stdio).
world glia-cell {
  import wasi:cli/environment@0.2.12;
  import wasi:cli/stdin@0.2.12;
  import wasi:cli/stdout@0.2.12;
  import wasi:cli/stderr@0.2.12;
  import wasi:cli/exit@0.2.12;
  import ww:cell/membrane@0.1.0;
  export wasi:cli/run@0.2.12;
}
`;

export async function buildProject(path: string, progress: BuildProgress = {}): Promise<BuildResult> {
  const project = readProject(path);
  if (isWatProject(project)) return buildWat(project, progress);
  const cfg = cellConfig(project);
  progress.step?.('compile', project.entry);
  const probe = await probeCell(cfg);
  if (cfg.mode === 'http' && !probe.handleAnswers) {
    cfg.warmHandle = false;
    progress.warn?.('build/warm-up', `${cfg.file}'s handle did not answer GET / within ${PROBE_LIMITS.handleMs / 1000} s, so the cell is built without asking it (its first request compiles what it runs)`);
  }

  const work = mkdtempSync(join(tmpdir(), 'ww-build-'));
  try {
    progress.step?.('bundle', 'the cell runtime and the Glia engine (esbuild)');
    const bundle = await bundleCell(cfg, work);
    progress.step?.('componentize', 'componentize-js (takes seconds)');
    const started = Date.now();
    const timer = setInterval(() => progress.tick?.(Date.now() - started), 1000);
    let component: Uint8Array;
    try { component = await componentizeCell(bundle, writeWit(work)); }
    finally { clearInterval(timer); }
    const componentizeMs = Date.now() - started;
    const bytes = withCellSection(withGrantsSection(component, project.grants), project);
    const out = writeComponent(project, bytes, progress);
    return { project, out, cid: cidOf(bytes), bytes: bytes.length, componentizeMs };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A project whose entry is a .wat file (wat.ts): parse, embed, component new; no componentize-js. */
async function buildWat(project: Project, progress: BuildProgress): Promise<BuildResult> {
  progress.step?.('compile', project.entry);
  const source = readBuildSource(project.entryPath, project.entry, 'build/compile');
  const component = await componentOfWat(project, source, watWitSource(packageDir('@bytecodealliance/jco'), membraneWit()));
  const bytes = withCellSection(withGrantsSection(component, project.grants), project);
  const out = writeComponent(project, bytes, progress);
  return { project, out, cid: cidOf(bytes), bytes: bytes.length, componentizeMs: 0 };
}

/** Step 4: bin/<name>.wasm of the project, written beside and renamed, so a reader never sees half a component. */
function writeComponent(project: Project, bytes: Uint8Array, progress: BuildProgress): string {
  const outDir = join(project.dir, 'bin');
  const out = join(outDir, `${project.name}.wasm`);
  progress.step?.('write', out);
  try {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(`${out}.tmp`, bytes);
    renameSync(`${out}.tmp`, out);
  } catch (e: any) {
    throw new BuildError('build/write', `cannot write ${out}: ${e.message}`);
  }
  return out;
}

/**
 * The shared Glia engine (stretch; doc/cells.md): the cell runtime and the
 * Glia engine with the prelude compiled in its snapshot and no program of
 * its own. A spawn's first argument is the program. Written to `out`.
 */
export async function buildEngine(out: string, progress: BuildProgress = {}): Promise<BuildResult> {
  const cfg: CellConfig = { name: 'glia-engine', version: '0.1.0', mode: 'http', file: 'program.glia', source: '', grants: [], engine: true };
  const work = mkdtempSync(join(tmpdir(), 'ww-build-'));
  try {
    progress.step?.('bundle', 'the cell runtime and the Glia engine (esbuild)');
    const bundle = await bundleCell(cfg, work);
    progress.step?.('componentize', 'componentize-js (takes seconds)');
    const started = Date.now();
    const timer = setInterval(() => progress.tick?.(Date.now() - started), 1000);
    let bytes: Uint8Array;
    try { bytes = await componentizeCell(bundle, writeWit(work)); } finally { clearInterval(timer); }
    progress.step?.('write', out);
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(`${out}.tmp`, bytes);
    renameSync(`${out}.tmp`, out);
    const project = { dir: join(out, '..'), name: cfg.name, version: cfg.version, mode: cfg.mode, entry: '', entryPath: '', grants: [] };
    return { project, out, cid: cidOf(bytes), bytes: bytes.length, componentizeMs: Date.now() - started };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function cellConfig(p: Project): CellConfig {
  return { name: p.name, version: p.version, mode: p.mode, file: p.entry, source: readBuildSource(p.entryPath, p.entry, 'build/compile'), grants: p.grants,
    ...(p.export !== undefined ? { export: p.export } : {}) };
}

/** Where the cell runtime's sources are: .ts beside this file in the source tree, .js in dist/. */
function guestModule(): string {
  const ts = fileURLToPath(new URL('../guest/cell.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../guest/cell.js', import.meta.url));
}

/** Step 2. */
async function bundleCell(cfg: CellConfig, work: string): Promise<string> {
  const { build } = await import('esbuild');
  const entry = join(work, 'entry.js');
  writeFileSync(entry, `import { startCell } from ${JSON.stringify(guestModule())};\nexport const run = startCell(${JSON.stringify(cfg)});\n`);
  const outfile = join(work, 'cell.js');
  try {
    await build({
      entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'neutral', target: 'es2022',
      mainFields: ['module', 'main'], conditions: ['import'], external: ['wasi:*', 'ww:*'], logLevel: 'silent', legalComments: 'none',
      // A cell compiles its prelude once, at build time (componentize-js
      // pre-initializes it), so the precompiled prelude would only add its
      // text to every cell: the cell's Session compiles core.glia instead.
      plugins: [{
        name: 'no-prelude-image',
        setup(b) {
          b.onResolve({ filter: /generated\/prelude-image\.js$/ }, () => ({ path: 'prelude-image', namespace: 'ww-stub' }));
          b.onLoad({ filter: /.*/, namespace: 'ww-stub' }, () => ({ contents: 'export const PRELUDE_IMAGES = null;', loader: 'js' }));
        },
      }],
    });
  } catch (e: any) {
    throw new BuildError('build/componentize', `bundling the cell failed: ${e.message}`);
  }
  return outfile;
}

function writeWit(work: string): string {
  const wit = join(work, 'wit');
  mkdirSync(join(wit, 'deps'), { recursive: true });
  writeFileSync(join(wit, 'world.wit'), WORLD);
  const jco = packageDir('@bytecodealliance/jco');
  for (const p of WASI_PACKAGES) cpSync(join(jco, 'lib', 'wit', 'builtin', '0.2.12', `wasi-${p}`), join(wit, 'deps', p), { recursive: true });
  mkdirSync(join(wit, 'deps', 'ww-cell'));
  cpSync(membraneWit(), join(wit, 'deps', 'ww-cell', 'membrane.wit'));
  return wit;
}

/** runtime/cell/wit/membrane.wit: beside the sources, or (from dist/, where tsc copies no .wit) in the source tree. */
function membraneWit(): string {
  for (const rel of ['../wit/membrane.wit', '../../../../runtime/cell/wit/membrane.wit']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new BuildError('build/componentize', 'runtime/cell/wit/membrane.wit is missing from this installation');
}

/** Step 3, in a child process (componentize-child.ts), or here when running from the TypeScript sources. */
async function componentizeCell(sourcePath: string, witPath: string): Promise<Uint8Array> {
  const child = fileURLToPath(new URL('./componentize-child.js', import.meta.url));
  const out = join(witPath, '..', 'cell.wasm');
  try {
    if (existsSync(child)) {
      await new Promise<void>((res, rej) => {
        // --single-threaded-gc: the splicer grows its WASM memory in small
        // steps, and each step sets off a V8 collection; with helper GC
        // threads these cost more than twice the CPU of the whole build
        // (25 s against 11 s of CPU for a cell, measured on 2 cores).
        const p = spawn(process.execPath, ['--single-threaded-gc', child, sourcePath, witPath, 'glia-cell', out], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
        let text = '';
        p.stdout.on('data', (d) => { text += d; });
        p.stderr.on('data', (d) => { text += d; });
        p.once('error', rej);
        p.once('close', (code, signal) => (code === 0 ? res() : rej(new Error(`${text.trim()}\n(componentize-js exited with ${signal ?? `code ${code}`})`))));
      });
    } else {
      const { _setPreopens } = await import('@bytecodealliance/preview2-shim/filesystem' as string);
      _setPreopens({ '/': '/' });
      const { componentize } = await import('@bytecodealliance/componentize-js' as string);
      writeFileSync(out, (await componentize({ sourcePath, witPath, worldName: 'glia-cell', disableFeatures: ['http', 'fetch-event'] })).component);
    }
    return new Uint8Array(readFileSync(out));
  } catch (e: any) {
    const lines = String(e?.message ?? e).split('\n').filter((l) => l.trim());
    throw new BuildError('build/componentize', `componentize-js failed: ${lines.slice(-8).join('\n')}`,
      'this is a fault in ww build or componentize-js, not in the cell\'s source; please report it with the message');
  }
}

/** A package's directory (jco exports no package.json to resolve). */
function packageDir(name: string): string {
  const dir = findPackage(name);
  if (!dir) throw new BuildError('build/componentize', `package ${name} is not installed`, 'run npm install');
  return dir;
}
