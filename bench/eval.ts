// Eval benchmark: the same small programs in Glia (in process), in nbb (SCI
// on Node, one child process) and in plain JavaScript (in process, the
// baseline), reported as ratios. Run with `npm run bench -- eval [PROGRAM...]
// [--tier=auto|resumable]`. doc/performance.md explains what is measured.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runStartup } from './startup.js';
import { median } from './stats.js';

// The Glia module's contract (glia/index.ts). It is loaded dynamically so
// the nbb and JS sides still run, and say why, when Glia cannot load.
type Tier = 'auto' | 'resumable';
interface GliaSession {
  evalString(src: string, file?: string): Promise<unknown>;
}
interface GliaModule {
  Session: new (opts?: { tier?: Tier; interrupt?: Int32Array }) => GliaSession;
  prStr(v: unknown): string;
}

const GLIA_PROGRAMS = 'bench/eval/programs.glia';
const NBB_PROGRAMS = 'bench/eval/programs.cljs';

// ---------------------------------------------------------------------------
// Programs. Each is written in programs.glia, programs.cljs and here.

interface TimedProgram {
  name: string;
  /** pr-str of the value every system must return. */
  expected: string;
  js: () => unknown;
}

function jsFib(n: number): number {
  return n < 2 ? n : jsFib(n - 1) + jsFib(n - 2);
}

function jsLoop(): number {
  let acc = 0;
  for (let i = 0; i < 1_000_000; i++) acc += i;
  return acc;
}

function jsMapFilterReduce(): number {
  const range: number[] = [];
  for (let i = 0; i < 100_000; i++) range.push(i);
  return range
    .map((x) => x + 1)
    .filter((x) => x % 2 === 0)
    .reduce((a, b) => a + b, 0);
}

// Plain JS has no persistent map: the baseline swaps a native Map in a box.
function jsSwapAssoc(): number {
  const atom = { value: new Map<number, number>() };
  for (let i = 0; i < 100_000; i++) atom.value = atom.value.set(i, i);
  return atom.value.size;
}

function jsDepth(n: number): number {
  return n === 0 ? 0 : jsDepth(n - 1) + 1;
}

const TIMED: TimedProgram[] = [
  { name: 'fib30', expected: '832040', js: () => jsFib(30) },
  { name: 'loop1e6', expected: '499999500000', js: jsLoop },
  { name: 'mapfilterreduce', expected: '2500050000', js: jsMapFilterReduce },
  { name: 'swap-assoc', expected: '100000', js: jsSwapAssoc },
];
const DEPTH = 'deep-recursion';
const ALL_NAMES = [...TIMED.map((p) => p.name), DEPTH];
// Whole processes (bench/startup.ts): ww eval and ww --help against nbb and node, the init.d worker.
const STARTUP = 'startup';

// ---------------------------------------------------------------------------
// Timing policy, shared with programs.cljs through the environment.

interface Policy {
  warmup: number;
  runs: number;
  slowMs: number;
  budgetMs: number;
  depthCap: number;
}

/**
 * The clock runs are timed with. BENCH_CLOCK=cpu times the process's CPU
 * time (all its threads, so the garbage collector's helpers count) instead
 * of the wall clock: on a shared machine a wall-clock run also holds the
 * time the process waited for a core. programs.cljs reads the same variable.
 */
const clock: () => number = process.env.BENCH_CLOCK === 'cpu'
  ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
  : () => performance.now();

function envNumber(key: string, fallback: number): number {
  const v = process.env[key];
  const n = v === undefined || v === '' ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function readPolicy(): Policy {
  return {
    warmup: envNumber('BENCH_WARMUP', 5),
    runs: envNumber('BENCH_RUNS', 21),
    slowMs: envNumber('BENCH_SLOW_MS', 2000),
    budgetMs: envNumber('BENCH_BUDGET_MS', 30_000),
    depthCap: envNumber('BENCH_MAX_DEPTH', 1_048_576),
  };
}

type Timing =
  | { ok: true; medianMs: number; runsMs: number[] }
  | { ok: false; error: string };

type Depth =
  | { ok: true; maxDepth: number; note?: string }
  | { ok: false; error: string };


/**
 * Warm up (stopping early once a run is slower than slowMs), then time up to
 * `runs` runs (3 when slow, none started past the budget) and check every
 * result. `timeOnce` returns the elapsed milliseconds and the value's pr-str.
 */
async function measure(
  policy: Policy,
  expected: string,
  timeOnce: () => Promise<[number, string]>,
): Promise<Timing> {
  const check = (shown: string): void => {
    if (shown !== expected) throw new Error(`wrong result: expected ${expected}, got ${shown}`);
  };
  let lastMs = 0;
  for (let k = 0; k < policy.warmup && lastMs <= policy.slowMs; k++) {
    const [ms, shown] = await timeOnce();
    check(shown);
    lastMs = ms;
  }
  const n = lastMs > policy.slowMs ? Math.min(3, policy.runs) : policy.runs;
  const runsMs: number[] = [];
  let total = 0;
  for (let k = 0; k < n && (k === 0 || total < policy.budgetMs); k++) {
    const [ms, shown] = await timeOnce();
    check(shown);
    runsMs.push(ms);
    total += ms;
  }
  return { ok: true, medianMs: median(runsMs), runsMs };
}

/**
 * The largest n for which `survives(n)` holds: double from 100 until it
 * fails (or reaches the cap), then bisect until the bracket is within 5%.
 * `survives` returns false on a stack overflow and throws on anything else.
 * The best of three searches is kept: how deep V8 gets varies a little with
 * the state of its JIT. programs.cljs does the same.
 */
async function maxDepth(cap: number, survives: (n: number) => Promise<boolean>): Promise<number> {
  // Optimised frames differ in size from interpreted ones: warm the function
  // up first, so the figure does not depend on what ran before.
  for (let k = 0; k < 200; k++) await survives(Math.min(1000, cap));
  let best = 0;
  for (let search = 0; search < 3 && best < cap; search++) {
    best = Math.max(best, await searchDepth(cap, survives));
  }
  return best;
}

async function searchDepth(cap: number, survives: (n: number) => Promise<boolean>): Promise<number> {
  let lo = 0;
  let hi = 0;
  for (let n = 100; ; n *= 2) {
    const probe = Math.min(n, cap);
    if (!(await survives(probe))) {
      hi = probe;
      break;
    }
    lo = probe;
    if (probe >= cap) return cap;
  }
  while (hi - lo > Math.max(1, 0.05 * lo)) {
    const mid = Math.floor((lo + hi) / 2);
    if (await survives(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

function oneLine(s: string, max = 400): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

function describeError(e: unknown, prStr?: (v: unknown) => string): string {
  if (e instanceof Error) return oneLine(`${e.name}: ${e.message}`);
  if (prStr) {
    try {
      return oneLine(prStr(e));
    } catch {
      // fall through to String()
    }
  }
  return oneLine(String(e));
}

// ---------------------------------------------------------------------------
// JS baseline (in process).

async function runJs(policy: Policy, names: Set<string>): Promise<Map<string, Timing | Depth>> {
  const out = new Map<string, Timing | Depth>();
  for (const p of TIMED) {
    if (!names.has(p.name)) continue;
    try {
      out.set(
        p.name,
        await measure(policy, p.expected, async () => {
          const t0 = clock();
          const v = p.js();
          const ms = clock() - t0;
          return [ms, String(v)];
        }),
      );
    } catch (e) {
      out.set(p.name, { ok: false, error: describeError(e) });
    }
  }
  if (names.has(DEPTH)) {
    try {
      const maxDepthJs = await maxDepth(policy.depthCap, async (n) => {
        try {
          if (jsDepth(n) !== n) throw new Error(`wrong result for depth ${n}`);
          return true;
        } catch (e) {
          if (e instanceof RangeError) return false;
          throw e;
        }
      });
      out.set(DEPTH, { ok: true, maxDepth: maxDepthJs });
    } catch (e) {
      out.set(DEPTH, { ok: false, error: describeError(e) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// nbb (one child process; its startup is not counted).

function runNbb(root: string, policy: Policy, names: Set<string>): Promise<Map<string, Timing | Depth>> {
  const cli = join(root, 'node_modules/nbb/cli.js');
  const [cmd, args] = existsSync(cli)
    // The same V8 stack size as this process (ww and the bench run with
    // --stack-size=3800), so the deep-recursion figures compare like for like.
    ? [process.execPath, [...process.execArgv.filter((a) => a.startsWith('--stack-size')), cli, NBB_PROGRAMS]]
    : [join(root, 'node_modules/.bin/nbb'), [NBB_PROGRAMS]];
  const env = {
    ...process.env,
    BENCH_WARMUP: String(policy.warmup),
    BENCH_RUNS: String(policy.runs),
    BENCH_SLOW_MS: String(policy.slowMs),
    BENCH_BUDGET_MS: String(policy.budgetMs),
    BENCH_MAX_DEPTH: String(policy.depthCap),
    BENCH_PROGRAMS: [...names].join(','),
  };
  return new Promise((resolve) => {
    const out = new Map<string, Timing | Depth>();
    const failAll = (error: string): void => {
      for (const name of names) if (!out.has(name)) out.set(name, { ok: false, error });
      resolve(out);
    };
    let stdout = '';
    let stderr = '';
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      failAll(`nbb did not start: ${describeError(e)}`);
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 15 * 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      failAll(`nbb did not start: ${describeError(e)}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        let rec: Record<string, unknown>;
        try {
          rec = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        const name = String(rec['program']);
        if (typeof rec['error'] === 'string') {
          out.set(name, { ok: false, error: oneLine(rec['error']) });
        } else if (typeof rec['max_depth'] === 'number') {
          out.set(name, { ok: true, maxDepth: rec['max_depth'] });
        } else if (typeof rec['median_ms'] === 'number') {
          const expected = TIMED.find((p) => p.name === name)?.expected;
          if (expected !== undefined && rec['result'] !== expected) {
            out.set(name, { ok: false, error: `wrong result: expected ${expected}, got ${String(rec['result'])}` });
          } else {
            out.set(name, { ok: true, medianMs: rec['median_ms'], runsMs: (rec['runs_ms'] as number[]) ?? [] });
          }
        }
      }
      const why = signal ? `nbb killed by ${signal}` : `nbb exited with code ${code}`;
      failAll(`no result from nbb (${why}): ${oneLine(stderr.split('\n').slice(-5).join(' ')) || 'no stderr'}`);
    });
  });
}

// ---------------------------------------------------------------------------
// Glia (in process, a fresh Session per program).

/**
 * The text of one `;; == program: NAME` section of programs.glia, with the
 * preamble kept and every other section's lines blanked, so spans still
 * point at the right lines of the file.
 */
function gliaSection(source: string, name: string): string | undefined {
  const marker = /^\s*;;\s*==\s*program:\s*(\S+)\s*$/;
  let current: string | null = null;
  let found = false;
  const lines = source.split('\n').map((line) => {
    const m = marker.exec(line);
    if (m) {
      current = m[1]!;
      if (current === name) found = true;
    }
    return current === null || current === name ? line : '';
  });
  return found ? lines.join('\n') : undefined;
}

function stackOverflowKind(e: unknown, prStr: (v: unknown) => string): 'glia' | 'raw' | null {
  const texts: string[] = [];
  try {
    // A GliaError carries the Glia error map in .value.
    texts.push(prStr((e as { value?: unknown })?.value ?? e));
  } catch {
    // not a Glia value
  }
  if (e instanceof Error) texts.push(e.name, e.message);
  else texts.push(String(e));
  if (texts.some((t) => t.includes('stack-overflow'))) return 'glia';
  if (e instanceof RangeError) return 'raw';
  return null;
}

async function runGliaProgram(
  glia: GliaModule,
  source: string,
  name: string,
  policy: Policy,
  tier: Tier | undefined,
  interrupt: boolean,
): Promise<Timing | Depth> {
  const section = gliaSection(source, name);
  if (section === undefined) return { ok: false, error: `no ";; == program: ${name}" section in ${GLIA_PROGRAMS}` };
  try {
    // --interrupt: the session polls a flag in every loop iteration and driver step, as `ww shell` does.
    const session = new glia.Session({ ...(tier ? { tier } : {}), ...(interrupt ? { interrupt: new Int32Array(new SharedArrayBuffer(4)) } : {}) });
    await session.evalString(section, GLIA_PROGRAMS);
    if (name !== DEPTH) {
      const expected = TIMED.find((p) => p.name === name)!.expected;
      const call = `(run-${name})`;
      return await measure(policy, expected, async () => {
        const t0 = clock();
        const v = await session.evalString(call, '<bench>');
        const ms = clock() - t0;
        return [ms, glia.prStr(v)];
      });
    }
    let raw = false;
    const depth = await maxDepth(policy.depthCap, async (n) => {
      try {
        const shown = glia.prStr(await session.evalString(`(depth ${n})`, '<bench>'));
        if (shown !== String(n)) throw new Error(`wrong result: (depth ${n}) gave ${shown}`);
        return true;
      } catch (e) {
        const kind = stackOverflowKind(e, glia.prStr);
        if (kind === null) throw e;
        if (kind === 'raw') raw = true;
        return false;
      }
    });
    // A JS RangeError reaching the embedding is a defect (it should be a
    // :glia.error/stack-overflow); the depth still counts, but say so.
    return raw ? { ok: true, maxDepth: depth, note: 'raw-RangeError' } : { ok: true, maxDepth: depth };
  } catch (e) {
    return { ok: false, error: describeError(e, glia.prStr) };
  }
}

// ---------------------------------------------------------------------------
// Report.

const fmtMs = (ms: number): string => ms.toFixed(2);
const fmtRatio = (r: number): string => (Number.isFinite(r) ? r.toFixed(2) : 'na');

function timedLine(name: string, glia: Timing, nbb: Timing | undefined, js: Timing | undefined): string {
  const f: string[] = [`program=${name}`];
  if (glia.ok) f.push(`glia_ms=${fmtMs(glia.medianMs)}`);
  for (const [label, t] of [['nbb', nbb], ['js', js]] as const) {
    if (t?.ok) f.push(`${label}_ms=${fmtMs(t.medianMs)}`);
    else f.push(`${label}_ms=na`, `${label}_error=${JSON.stringify(t?.error ?? 'missing')}`);
  }
  if (glia.ok) {
    const vsNbb = nbb?.ok ? fmtRatio(glia.medianMs / nbb.medianMs) : 'na';
    const vsJs = js?.ok ? fmtRatio(glia.medianMs / js.medianMs) : 'na';
    f.push(`ratio_vs_nbb=${vsNbb}`, `ratio_vs_js=${vsJs}`, `ratio=${vsNbb}`);
  } else {
    f.push(`error=${JSON.stringify(glia.error)}`);
  }
  return `bench eval ${f.join(' ')}`;
}

// Depth: higher is better, so no `ratio=` (which reads lower-is-better).
function depthLine(glia: Depth, nbb: Depth | undefined, js: Depth | undefined, cap: number): string {
  const f: string[] = [`program=${DEPTH}`];
  if (glia.ok) f.push(`glia_max_depth=${glia.maxDepth}`);
  for (const [label, d] of [['nbb', nbb], ['js', js]] as const) {
    if (d?.ok) f.push(`${label}_max_depth=${d.maxDepth}`);
    else f.push(`${label}_max_depth=na`, `${label}_error=${JSON.stringify(d?.error ?? 'missing')}`);
  }
  f.push(`depth_cap=${cap}`);
  if (glia.ok) {
    f.push(`depth_ratio_vs_nbb=${nbb?.ok ? fmtRatio(glia.maxDepth / nbb.maxDepth) : 'na'}`);
    f.push(`depth_ratio_vs_js=${js?.ok ? fmtRatio(glia.maxDepth / js.maxDepth) : 'na'}`);
    if (glia.note) f.push(`glia_note=${glia.note}`);
  } else {
    f.push(`error=${JSON.stringify(glia.error)}`);
  }
  return `bench eval ${f.join(' ')}`;
}

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, NBB_PROGRAMS)) && existsSync(join(dir, GLIA_PROGRAMS))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find ${GLIA_PROGRAMS} above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

function usage(): string {
  return `usage: npm run bench -- eval [PROGRAM...] [--tier=auto|resumable] [--interrupt] [--before=DIR]\nprograms: ${[...ALL_NAMES, STARTUP].join(', ')}\n` +
    `env: BENCH_RUNS, BENCH_WARMUP, BENCH_SLOW_MS, BENCH_BUDGET_MS, BENCH_MAX_DEPTH, BENCH_CLOCK=wall|cpu, BENCH_STARTUP_RUNS\n` +
    `--before=DIR: the startup row also runs DIR/bin/ww.js (a built checkout of another commit), in the same rounds\n` +
    `--interrupt: the Glia sessions poll an interrupt flag, as ww shell's do (the cost of Ctrl-C)`;
}

export async function main(args: string[]): Promise<number> {
  let tier: Tier | undefined;
  let before: string | undefined;
  let startup = false;
  let interrupt = false;
  const picked: string[] = [];
  for (const arg of args) {
    if (arg === STARTUP) { startup = true; continue; }
    if (arg.startsWith('--before=')) { before = arg.slice('--before='.length); continue; }
    if (arg === '--interrupt') { interrupt = true; continue; }
    if (arg === '-h' || arg === '--help') {
      console.log(usage());
      return 0;
    }
    const m = /^--tier=(.*)$/.exec(arg);
    if (m) {
      if (m[1] !== 'auto' && m[1] !== 'resumable') {
        console.error(`bench eval: unknown tier "${m[1]}"\n${usage()}`);
        return 2;
      }
      tier = m[1];
    } else if (ALL_NAMES.includes(arg)) {
      picked.push(arg);
    } else {
      console.error(`bench eval: unknown program "${arg}"\n${usage()}`);
      return 2;
    }
  }
  const names = new Set(picked.length > 0 ? picked : startup ? [] : ALL_NAMES);
  if (picked.length === 0) startup = true;
  const policy = readPolicy();
  const root = findRoot();

  console.log(
    `# bench eval: node ${process.version}; median of ${policy.runs} runs after ${policy.warmup} warm-up ` +
      `(3 runs when one exceeds ${policy.slowMs} ms); glia tier=${tier ?? 'auto (default)'}${interrupt ? ' with interrupt polls' : ''}; clock ${process.env.BENCH_CLOCK === 'cpu' ? 'cpu' : 'wall'}; depth cap ${policy.depthCap}`,
  );

  if (startup) await runStartup(root, { before });
  if (names.size === 0) return 0;

  // One system at a time, so they do not compete for the cores.
  const nbb = await runNbb(root, policy, names);
  const js = await runJs(policy, names);

  let glia: GliaModule | undefined;
  let gliaLoadError = '';
  try {
    glia = (await import(new URL('../glia/index.js', import.meta.url).href)) as GliaModule;
    if (typeof glia.Session !== 'function' || typeof glia.prStr !== 'function') {
      throw new Error('glia/index.js does not export Session and prStr');
    }
  } catch (e) {
    glia = undefined;
    gliaLoadError = `glia module not loadable: ${describeError(e)}`;
  }
  const source = readFileSync(join(root, GLIA_PROGRAMS), 'utf8');

  for (const name of ALL_NAMES) {
    if (!names.has(name)) continue;
    const g: Timing | Depth = glia
      ? await runGliaProgram(glia, source, name, policy, tier, interrupt)
      : { ok: false, error: gliaLoadError };
    if (name === DEPTH) {
      console.log(depthLine(g as Depth, nbb.get(name) as Depth | undefined, js.get(name) as Depth | undefined, policy.depthCap));
    } else {
      console.log(timedLine(name, g as Timing, nbb.get(name) as Timing | undefined, js.get(name) as Timing | undefined));
    }
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
