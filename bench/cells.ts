// Cells benchmark: how long a spawn takes, cold and warm, and how many
// WAGI requests a second a listener serves, for a hand-written WAT cell
// (KB-scale), a componentize-js cell (12 MiB of StarlingMonkey) and a
// Glia cell: std/status built by `ww build` (the Glia engine and the
// compiled cell in the component's snapshot), spawned in http mode.
//
// Peers, in the same run (wasmtime, the natural one, is not installed
// here and cannot be fetched offline):
//   inproc   the same component, same glue and same WASI host, instantiated
//            on the node's own thread: what a spawn costs without the
//            worker-thread isolation (and without its protection);
//   process  spawning a process: /bin/true (the floor of any fork/exec
//            sandbox, such as `wasmtime run` per request) and `node -e ''`.
// Spawn phases:
//   cold       a new runtime over an empty cache: translate (jco), guard,
//              compile, boot a worker, instantiate, run;
//   cold-disk  a new runtime over a filled cache: compile, boot, run;
//   warm       the same executor again and again: instantiate and run on
//              one of the cell's own workers.
// Each spawn runs the cell to its exit with empty stdin (the WAT cell is
// the echo cell, the JS cell writes a line of JSON).
// vat calls/s: Host.id calls on the capability a vat-mode cell serves over
// its stdio (the RPC test cell, componentize-js with runtime/cell/sync-vat.ts),
// one at a time and 16 in flight, against the same calls on a TypeScript
// Host served by a Connection over an in-memory pipe (the peer: our RPC
// layer without a cell in the way).
// `npm run bench -- cells [--quick] [--no-js] [--no-glia]`.
//
// `npm run bench -- cells --ready [--status FILE] [--rounds N]`: ready
// instances (runtime/cell/worker.ts) before and after, on std/status (built
// here, or FILE): two runtimes over one cache, one with
// `preinstantiate: false`, measured in alternating rounds (the order
// swapped each round, as the machine is shared): warm spawn p50 with where
// its time went on the worker (waiting for or doing the instantiation,
// then the run), and /status over WAGI with 16 keep-alive clients. The
// medians of the rounds are reported with their spread, and the load
// average before and after.
//
// `npm run bench -- cells --glia-vat [--seconds N] [--rounds N]`: a vat-mode
// Glia cell (a defcap whose :id answers a string, built here with `ww
// build`), called through its bootstrap one at a time and 16 in flight,
// against two peers in the same rounds: the same Host.id calls on a
// TypeScript Host over an in-memory pipe (no cell), and the componentize-js
// RPC test cell (JavaScript answering with sync-vat.ts, no Glia).

import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CellRuntime } from '../runtime/cell/runtime.js';
import { HttpListener } from '../runtime/cell/http-listener.js';
import { translate } from '../runtime/cell/translate.js';
import { cidOf } from '../runtime/cell/cid.js';
import { importObject } from '../runtime/cell/wasi/host.js';
import { CellIo } from '../runtime/cell/wasi/io.js';
import { Doorbells, Ring } from '../runtime/cell/ring.js';
import { GUARD_IMPORT_MODULE } from '../runtime/cell/wasm/memory-guard.js';
import type { Executor } from '../runtime/cell/executor.js';
import type { CellMode } from '../runtime/cell/executor.js';
import { buildEngine, buildProject } from '../runtime/cell/build/build.js';
import { spawnCell } from '../runtime/cell/cell-session.js';
import { Connection } from '../runtime/rpc/conn.js';
import { pipePair } from '../runtime/rpc/transport.js';
import { Host$Client } from '../schema/generated/system.js';
import { GliaBridge, GLIA_CAP_INTERFACE_ID } from '../runtime/membrane/glia-cap.js';
import { kw } from '../glia/values/keyword.js';
import { rpcFixture } from '../runtime/test/cell/rpc-fixture.js';
import { hostHook } from '../runtime/test/cell/host-fixture.js';

const ROOT = findRoot();
const FIXTURES = join(ROOT, 'runtime', 'test', 'cell', 'fixtures');

interface Options { quick: boolean; js: boolean; glia: boolean }

// ---------------------------------------------------------------------------
// Building the cells (the same sources the tests use).

function jcoDir(): string {
  return join(ROOT, 'node_modules', '@bytecodealliance', 'jco');
}

export async function buildWat(name: string): Promise<Uint8Array> {
  const { parse, componentEmbed, componentNew } = await import('@bytecodealliance/jco');
  let wit = 'package ww:bench;\n\nworld cell {\n  include wasi:cli/imports@0.2.12;\n  export wasi:cli/run@0.2.12;\n}\n';
  for (const p of ['io', 'cli', 'clocks', 'filesystem', 'random', 'sockets']) {
    const src = readFileSync(join(jcoDir(), 'lib', 'wit', 'builtin', '0.2.12', `wasi-${p}`, 'package.wit'), 'utf8');
    const header = /^package ([^;]+);/m.exec(src)!;
    wit += `\npackage ${header[1]} {\n${src.replace(header[0], '')}\n}\n`;
  }
  const core = await parse(readFileSync(join(FIXTURES, `${name}.wat`), 'utf8'));
  return componentNew(await componentEmbed({ binary: core, witSource: wit, world: 'cell' }));
}

/** The JS test cell, built by the tests' builder and kept in the temp directory by the hash of its inputs. */
async function buildJs(): Promise<Uint8Array> {
  const builder = join(ROOT, 'runtime', 'test', 'cell', 'componentize', 'build.mjs');
  const source = join(FIXTURES, 'js-cell.js');
  const world = join(FIXTURES, 'js-cell-wit', 'world.wit');
  const cjs = join(ROOT, 'node_modules', '@bytecodealliance', 'componentize-js');
  const h = createHash('sha256');
  for (const f of [source, world, builder, join(jcoDir(), 'package.json'), join(cjs, 'package.json')]) h.update(readFileSync(f));
  const dir = join(tmpdir(), 'ww-cell-fixtures', `js-${h.digest('hex').slice(0, 20)}`);
  const out = join(dir, 'js-cell.wasm');
  if (!existsSync(out)) {
    const work = `${dir}.${process.pid}.bench`;
    mkdirSync(join(work, 'wit', 'deps'), { recursive: true });
    cpSync(world, join(work, 'wit', 'world.wit'));
    for (const p of ['cli', 'clocks', 'filesystem', 'io', 'random', 'sockets']) {
      cpSync(join(jcoDir(), 'lib', 'wit', 'builtin', '0.2.12', `wasi-${p}`), join(work, 'wit', 'deps', p), { recursive: true });
    }
    await promisify(execFile)(process.execPath, [builder, source, join(work, 'wit'), 'js-cell', join(work, 'js-cell.wasm')], { timeout: 300_000 });
    rmSync(join(work, 'wit'), { recursive: true, force: true });
    try { renameSync(work, dir); } catch { rmSync(work, { recursive: true, force: true }); }
  }
  return new Uint8Array(readFileSync(out));
}

/** std/status built by `ww build` (into a copy: the build writes bin/), with the seconds the build took. */
async function buildGlia(): Promise<{ bytes: Uint8Array; buildMs: number; componentizeMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ww-bench-glia-'));
  try {
    cpSync(join(ROOT, 'std', 'status'), dir, { recursive: true, filter: (s) => !s.includes('/bin') });
    const t = performance.now();
    const r = await buildProject(dir);
    return { bytes: new Uint8Array(readFileSync(r.out)), buildMs: performance.now() - t, componentizeMs: r.componentizeMs };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** The shared Glia engine (`ww build --engine`), built into a temporary folder. */
async function buildGliaEngine(): Promise<{ bytes: Uint8Array; buildMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ww-bench-engine-'));
  try {
    const t = performance.now();
    const r = await buildEngine(join(dir, 'glia-engine.wasm'));
    return { bytes: new Uint8Array(readFileSync(r.out)), buildMs: performance.now() - t };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

// ---------------------------------------------------------------------------
// Measuring.

interface Stats { n: number; p50: number; p99: number; min: number }

function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { n: s.length, p50: at(0.5), p99: at(0.99), min: s[0]! };
}

const f2 = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));

/** How a cell is spawned: mode and arguments (the shared engine's first argument is its program). */
interface Spec { mode?: CellMode; args?: string[] }

/** The Glia cells answer GET / in http mode (no CGI variables: GET /); the engine runs std/status's source. */
const SPECS: Record<string, Spec> = {
  glia: { mode: 'http' },
  'glia-engine': { mode: 'http', args: [readFileSync(join(ROOT, 'std', 'status', 'status.glia'), 'utf8')] },
};

async function spawnToExit(ex: Executor, spec: Spec = {}): Promise<void> {
  const p = ex.spawn(spec);
  p.stdin.end();
  p.stdout.resume();
  p.stderr.resume();
  const code = await p.wait();
  if (code !== 0) throw new Error(`the cell exited with ${code}`);
}

async function coldSpawns(bytes: Uint8Array, runs: number, keepCache: boolean, spec?: Spec): Promise<Stats> {
  const cache = mkdtempSync(join(tmpdir(), 'ww-bench-cells-'));
  const ms: number[] = [];
  try {
    if (keepCache) { const rt = new CellRuntime({ cacheDir: cache, warmWorkers: 0 }); await rt.load(bytes); await rt.close(); }
    for (let i = 0; i < runs; i++) {
      if (!keepCache) rmSync(cache, { recursive: true, force: true });
      const rt = new CellRuntime({ cacheDir: cache, warmWorkers: 0 });
      const t = performance.now();
      await spawnToExit(await rt.load(bytes), spec);
      ms.push(performance.now() - t);
      await rt.close();
    }
  } finally { rmSync(cache, { recursive: true, force: true }); }
  return stats(ms);
}

async function warmSpawns(ex: Executor, runs: number, spec?: Spec): Promise<Stats> {
  for (let i = 0; i < 5; i++) await spawnToExit(ex, spec);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await spawnToExit(ex, spec);
    ms.push(performance.now() - t);
  }
  return stats(ms);
}

/** The inproc peer: the same translation and host, on this thread, no worker. */
async function inprocSpawns(bytes: Uint8Array, runs: number, spec: Spec = {}): Promise<Stats> {
  const a = await translate(bytes);
  const dir = mkdtempSync(join(tmpdir(), 'ww-bench-inproc-'));
  try {
    const gluePath = join(dir, 'glue.mjs');
    writeFileSync(gluePath, a.glue);
    const { instantiate } = await import(pathToFileURL(gluePath).href);
    const cores = await Promise.all(a.cores.map(async (c) => ({ ...c, module: await WebAssembly.compile(c.bytes) })));
    const once = async () => {
      const stdin = Ring.create(65536), stdout = Ring.create(65536), stderr = Ring.create(65536);
      stdin.closeWriter();
      const io = new CellIo(new Doorbells(), 256 << 20, () => { throw new Error('memory'); });
      const imports = importObject(a.importKeys, { io, args: ['cell', ...(spec.args ?? [])], env: spec.mode ? [['WW_CELL_MODE', spec.mode]] : [], stdin, stdout, stderr, exit: (c) => { throw new Error(`exit ${c}`); } });
      const exports = await instantiate((f: string) => cores.find((c) => c.file === f)!.module, imports,
        (m: WebAssembly.Module, imp: Record<string, any> = {}) => {
          const core = cores.find((c) => c.module === m);
          const mems = Object.fromEntries((core?.memories ?? []).map((x) => [x.name, new WebAssembly.Memory({ initial: x.initial, maximum: 4096 })]));
          return WebAssembly.instantiate(m, core?.memories.length ? { ...imp, [GUARD_IMPORT_MODULE]: mems } : imp);
        });
      exports[a.entry].run();
    };
    for (let i = 0; i < 5; i++) await once();
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) { const t = performance.now(); await once(); ms.push(performance.now() - t); }
    return stats(ms);
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

async function processSpawns(cmd: string, args: string[], runs: number): Promise<Stats> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await new Promise<void>((res, rej) => spawn(cmd, args, { stdio: 'ignore' }).on('exit', () => res()).on('error', rej));
    ms.push(performance.now() - t);
  }
  return stats(ms);
}

/** Requests per second from `clients` keep-alive clients for `seconds`. */
async function wagiRps(ex: Executor, clients: number, seconds: number, method = 'POST'): Promise<{ rps: number; p50: number; errors: number }> {
  const listener = new HttpListener();
  listener.route('/', ex);
  const { port } = await listener.listen(0);
  const url = `http://127.0.0.1:${port}/bench?x=1`;
  let errors = 0;
  const lat: number[] = [];
  const until = performance.now() + seconds * 1000;
  try {
    await fetch(url).then((r) => r.arrayBuffer());
    const start = performance.now();
    await Promise.all(Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        const r = await fetch(url, method === 'POST' ? { method, body: 'ping' } : { method });
        await r.arrayBuffer();
        if (r.status >= 400) errors++;
        lat.push(performance.now() - t);
      }
    }));
    const s = stats(lat);
    return { rps: lat.length / ((performance.now() - start) / 1000), p50: s.p50, errors };
  } finally { await listener.close(); }
}

// ---------------------------------------------------------------------------

function line(fields: Record<string, string | number>): string {
  return 'bench cells ' + Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'number' ? f2(v) : v}`).join(' ');
}

function spawnLine(cell: string, phase: string, s: Stats, peer?: { name: string; s: Stats }): string {
  const f: Record<string, string | number> = { cell, phase, n: String(s.n), p50_ms: s.p50, p99_ms: s.p99, min_ms: s.min };
  if (peer) { f.peer = peer.name; f.peer_p50_ms = peer.s.p50; f.ratio = (s.p50 / peer.s.p50).toFixed(2); }
  return line(f);
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const spread = (xs: number[]) => `${f2(Math.min(...xs))}-${f2(Math.max(...xs))}`;

/** Warm spawns of `ex`, with the worker's own account of each (SpawnTiming). */
async function timedSpawns(ex: Executor, runs: number, spec: Spec): Promise<{ p50: number; instantiate: number; run: number; ready: number }> {
  for (let i = 0; i < 3; i++) await spawnToExit(ex, spec);
  const ms: number[] = [], inst: number[] = [], run: number[] = [];
  let ready = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const p = ex.spawn(spec);
    p.stdin.end(); p.stdout.resume(); p.stderr.resume();
    const code = await p.wait();
    ms.push(performance.now() - t);
    if (code !== 0) throw new Error(`the cell exited with ${code}`);
    if (p.timing) { inst.push(p.timing.instantiateMs); run.push(p.timing.runMs); if (p.timing.ready) ready++; }
  }
  return { p50: median(ms), instantiate: median(inst), run: median(run), ready: ready / runs };
}

async function readyAB(bytes: Uint8Array, rounds: number, spawns: number, seconds: number): Promise<void> {
  const cache = mkdtempSync(join(tmpdir(), 'ww-bench-ready-'));
  const rts = { before: new CellRuntime({ cacheDir: cache, preinstantiate: false }), after: new CellRuntime({ cacheDir: cache }) };
  const spec = SPECS.glia!;
  const load0 = (await import('node:os')).loadavg();
  const rows: Record<'before' | 'after', { p50: number[]; inst: number[]; run: number[]; rps: number[] }> = {
    before: { p50: [], inst: [], run: [], rps: [] }, after: { p50: [], inst: [], run: [], rps: [] },
  };
  try {
    const ex = { before: await rts.before.load(bytes), after: await rts.after.load(bytes) };
    // The peers, each round: the WAT echo cell's warm spawn and the WAT CGI cell over WAGI at 16 clients.
    const wat = await rts.after.load(await buildWat('echo'));
    const cgi = await rts.after.load(await buildWat('cgi'));
    const peer = { p50: [] as number[], rps: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      const w = await timedSpawns(wat, spawns, {});
      const h = await wagiRps(cgi, 16, seconds, 'POST');
      peer.p50.push(w.p50); peer.rps.push(h.rps);
      console.log(line({ peer: 'wat', round: String(r + 1), warm_p50_ms: w.p50, cgi_rps_16: h.rps }));
      for (const which of (r % 2 ? ['after', 'before'] : ['before', 'after']) as Array<'before' | 'after'>) {
        const w = await timedSpawns(ex[which], spawns, spec);
        const h = await wagiRps(ex[which], 16, seconds, 'GET');
        const row = rows[which];
        row.p50.push(w.p50); row.inst.push(w.instantiate); row.run.push(w.run); row.rps.push(h.rps);
        console.log(line({ ready: which, round: String(r + 1), warm_p50_ms: w.p50, instantiate_ms: w.instantiate, run_ms: w.run, ready_share: w.ready.toFixed(2), status_rps_16: h.rps, status_p50_ms: h.p50, errors: String(h.errors) }));
      }
    }
    const load1 = (await import('node:os')).loadavg();
    console.log(line({ peer: 'wat', rounds: String(rounds), warm_p50_ms: median(peer.p50), warm_spread: spread(peer.p50), cgi_rps_16: median(peer.rps), rps_spread: spread(peer.rps) }));
    for (const which of ['before', 'after'] as const) {
      const row = rows[which];
      console.log(line({ ready: which, rounds: String(rounds), warm_p50_ms: median(row.p50), warm_spread: spread(row.p50), instantiate_ms: median(row.inst), run_ms: median(row.run),
        status_rps_16: median(row.rps), rps_spread: spread(row.rps) }));
    }
    console.log(line({ load_before: load0.map((x) => x.toFixed(1)).join('/'), load_after: load1.map((x) => x.toFixed(1)).join('/') }));
  } finally {
    await rts.before.close(); await rts.after.close();
    rmSync(cache, { recursive: true, force: true });
  }
}

/** The vat-mode Glia cell of `--glia-vat`, built into a temporary folder. */
async function buildGliaVat(): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'ww-bench-glia-vat-'));
  try {
    writeFileSync(join(dir, 'cell.edn'), '{:name "svc" :version "0.1.0" :mode :vat :export svc :entry "svc.glia"}\n');
    writeFileSync(join(dir, 'svc.glia'), ';; What the bench calls: one method, no arguments, a string back.\n(defcap svc\n  :id (fn [] "12D3KooWnode"))\n');
    return new Uint8Array(readFileSync((await buildProject(dir)).out));
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** Calls per second of `call`, `inFlight` at a time, for `seconds`; p50 of one call in microseconds. */
async function rateOf(call: () => Promise<unknown>, seconds: number, inFlight: number): Promise<{ rate: number; p50: number }> {
  for (let i = 0; i < 200; i++) await call();
  const times: number[] = [];
  let calls = 0;
  const start = performance.now(), end = start + seconds * 1000;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await call();
      times.push(performance.now() - t0);
      calls++;
    }
  }));
  times.sort((a, b) => a - b);
  return { rate: Math.round(calls / ((performance.now() - start) / 1000)), p50: Math.round(times[Math.floor(times.length / 2)]! * 1000) };
}

async function gliaVat(rounds: number, seconds: number): Promise<void> {
  const load0 = (await import('node:os')).loadavg();
  const glia = await buildGliaVat();
  const rt = new CellRuntime({ cacheDir: mkdtempSync(join(tmpdir(), 'ww-bench-glia-vat-cache-')) });
  const rows: Record<string, number[]> = {};
  const push = (k: string, v: number) => (rows[k] ??= []).push(v);
  try {
    const gliaEx = await rt.load(glia);
    const jsEx = await rt.load(await rpcFixture());
    for (let r = 0; r < rounds; r++) {
      for (const inFlight of [1, 16]) {
        const s = spawnCell(gliaEx, { mode: 'vat', limits: { timeoutMs: null, cpuMs: null } });
        const cap = new GliaBridge().capOfId(s.bootstrap(), GLIA_CAP_INTERFACE_ID);
        const id = kw('id');
        let g: { rate: number; p50: number };
        try { g = await rateOf(() => cap.invoke(id, []), seconds, inFlight); }
        finally { s.conn?.close(); await s.process.result(); }
        const js = await vatCalls(jsEx, seconds, inFlight);
        const ts = await pipeCalls(seconds, inFlight);
        push(`glia_${inFlight}`, g.rate); push(`js_${inFlight}`, js.rate); push(`ts_${inFlight}`, ts.rate);
        console.log(line({ vat: 'glia', round: String(r + 1), in_flight: String(inFlight), calls_per_s: g.rate, p50_us: g.p50, js_cell: js.rate, ts_pipe: ts.rate }));
      }
    }
    for (const inFlight of [1, 16]) {
      const g = rows[`glia_${inFlight}`]!, js = rows[`js_${inFlight}`]!, ts = rows[`ts_${inFlight}`]!;
      console.log(line({ vat: 'glia', rounds: String(rounds), in_flight: String(inFlight), calls_per_s: median(g), spread: spread(g),
        js_cell: median(js), ts_pipe: median(ts), ts_over_glia: (median(ts) / median(g)).toFixed(1) }));
    }
    const load1 = (await import('node:os')).loadavg();
    console.log(line({ load_before: load0.map((x) => x.toFixed(1)).join('/'), load_after: load1.map((x) => x.toFixed(1)).join('/') }));
  } finally { await rt.close(); }
}

export async function main(args: string[]): Promise<number> {
  if (args.includes('--glia-vat')) {
    const at = (k: string) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
    await gliaVat(Number(at('--rounds') ?? 3), Number(at('--seconds') ?? 2));
    return 0;
  }
  if (args.includes('--ready')) {
    const at = (k: string) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
    const file = at('--status');
    const bytes = file ? new Uint8Array(readFileSync(file)) : (await buildGlia()).bytes;
    await readyAB(bytes, Number(at('--rounds') ?? 5), Number(at('--spawns') ?? 20), Number(at('--seconds') ?? 3));
    return 0;
  }
  const o: Options = { quick: args.includes('--quick'), js: !args.includes('--no-js'), glia: !args.includes('--no-glia') };
  for (const a of args) if (!['--quick', '--no-js', '--no-glia'].includes(a)) { console.error(`bench cells: unknown argument ${a}\nusage: npm run bench -- cells [--quick] [--no-js] [--no-glia]`); return 2; }
  const warmRuns = o.quick ? 50 : 300;
  console.log(`# bench cells: node ${process.version}; spawn to exit with empty stdin; warm = ${warmRuns} sequential spawns after 5 warm-ups; peers: inproc (no worker), process (/bin/true, node -e '')`);

  const wat = await buildWat('echo');
  const cgi = await buildWat('cgi');
  const cells: Array<[string, Uint8Array, number]> = [['wat', wat, o.quick ? 3 : 10]];
  if (o.js) {
    try { cells.push(['js', await buildJs(), o.quick ? 1 : 3]); }
    catch (e) { console.log(line({ cell: 'js', error: JSON.stringify(String((e as Error).message).split('\n')[0]) })); }
  }

  if (o.glia) {
    try {
      const g = await buildGlia();
      console.log(line({ cell: 'glia', build_s: g.buildMs / 1000, componentize_s: g.componentizeMs / 1000 }));
      cells.push(['glia', g.bytes, o.quick ? 1 : 3]);
      const e = await buildGliaEngine();
      console.log(line({ cell: 'glia-engine', build_s: e.buildMs / 1000, program_bytes: String(Buffer.byteLength(SPECS['glia-engine']!.args![0]!)) }));
      cells.push(['glia-engine', e.bytes, o.quick ? 1 : 3]);
    } catch (e) { console.log(line({ cell: 'glia', error: JSON.stringify(String((e as Error).message).split('\n')[0]) })); }
  }

  const procTrue = await processSpawns('/bin/true', [], o.quick ? 20 : 100);
  const procNode = await processSpawns(process.execPath, ['-e', ''], o.quick ? 5 : 20);
  console.log(line({ peer: 'process', what: '/bin/true', p50_ms: procTrue.p50, p99_ms: procTrue.p99 }));
  console.log(line({ peer: 'process', what: "node -e ''", p50_ms: procNode.p50, p99_ms: procNode.p99 }));

  const rt = new CellRuntime({ cacheDir: mkdtempSync(join(tmpdir(), 'ww-bench-cells-')) });
  try {
    for (const [name, bytes, coldRuns] of cells) {
      const a = await translate(bytes);
      const glue = new TextEncoder().encode(a.glue).length;
      const cores = a.cores.reduce((n, c) => n + c.bytes.length, 0);
      console.log(line({ cell: name, component_bytes: String(bytes.length), glue_bytes: String(glue), core_bytes: String(cores), cid: cidOf(bytes) }));
      const spec = SPECS[name];
      const big = name !== 'wat';
      console.log(spawnLine(name, 'cold', await coldSpawns(bytes, coldRuns, false, spec), { name: 'process-node', s: procNode }));
      console.log(spawnLine(name, 'cold-disk', await coldSpawns(bytes, coldRuns, true, spec), { name: 'process-node', s: procNode }));
      const ex = await rt.load(bytes);
      const inproc = await inprocSpawns(bytes, big ? Math.min(warmRuns, 50) : warmRuns, spec);
      console.log(spawnLine(name, 'warm', await warmSpawns(ex, big ? Math.min(warmRuns, 50) : warmRuns, spec), { name: 'inproc', s: inproc }));
      console.log(line({ cell: name, phase: 'inproc', p50_ms: inproc.p50, p99_ms: inproc.p99, vs_process_true: (inproc.p50 / procTrue.p50).toFixed(2) }));
    }
    const seconds = o.quick ? 1 : 3;
    const wagi: Array<[string, Uint8Array]> = [['wat-cgi', cgi]];
    for (const [name, bytes] of cells) if (name === 'js') wagi.push(['js', bytes]); else if (name === 'glia') wagi.push(['glia-status', bytes]);
    for (const [name, bytes] of wagi) {
      const ex = await rt.load(bytes);
      for (const clients of [1, 4]) {
        const r = await wagiRps(ex, clients, seconds, name === 'glia-status' ? 'GET' : 'POST');
        console.log(line({ wagi: name, clients: String(clients), rps: r.rps, p50_ms: r.p50, errors: String(r.errors) }));
      }
    }
    if (o.js) {
      try {
        const ex = await rt.load(await rpcFixture());
        for (const inFlight of [1, 16]) {
          const cell = await vatCalls(ex, seconds, inFlight);
          const peer = await pipeCalls(seconds, inFlight);
          console.log(line({ vat: 'calls_per_s', in_flight: String(inFlight), value: cell.rate, p50_us: cell.p50, peer: 'ts-pipe', peer_value: peer.rate, ratio: (peer.rate / cell.rate).toFixed(1) }));
        }
      } catch (e) { console.log(line({ vat: 'calls_per_s', error: JSON.stringify(String((e as Error).message).split('\n')[0]) })); }
    }
  } finally {
    await rt.close();
  }
  return 0;
}

/** Host.id calls per second on `host`, `inFlight` at a time, for `seconds`; p50 of one call in microseconds. */
async function callRate(host: Host$Client, seconds: number, inFlight: number): Promise<{ rate: number; p50: number }> {
  for (let i = 0; i < 200; i++) await host.id().promise();
  const times: number[] = [];
  let calls = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await host.id().promise();
      times.push(performance.now() - t0);
      calls++;
    }
  }));
  times.sort((a, b) => a - b);
  return { rate: Math.round(calls / seconds), p50: Math.round(times[Math.floor(times.length / 2)]! * 1000) };
}

async function vatCalls(ex: Executor, seconds: number, inFlight: number): Promise<{ rate: number; p50: number }> {
  const s = spawnCell(ex, { env: { WW_CELL_MODE: 'vat' }, args: ['serve'], limits: { timeoutMs: null, cpuMs: null } });
  try { return await callRate(new Host$Client(s.bootstrap() as any), seconds, inFlight); }
  finally { s.conn?.close(); await s.process.result(); }
}

async function pipeCalls(seconds: number, inFlight: number): Promise<{ rate: number; p50: number }> {
  const [a, b] = pipePair();
  new Connection(a, { bootstrap: hostHook() });
  const client = new Connection(b);
  try { return await callRate(new Host$Client(client.bootstrapHook() as any), seconds, inFlight); }
  finally { client.close(); }
}

export function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'runtime', 'test', 'cell', 'fixtures'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('bench cells: cannot find the repository root');
    dir = up;
  }
}

