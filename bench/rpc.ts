// RPC benchmark: our Cap'n Proto RPC connection (runtime/rpc/conn.ts) against
// capnp-es 0.0.16's own RPC `Conn`, patched enough to run (the run-time patch
// of runtime/rpc/DESIGN.md §2, in bench/rpc/capnp-es-peer.ts), side by side in
// one run. Both talk through the same message transports: an in-memory pipe
// (`pipePair`) and loopback TCP on 127.0.0.1 (`streamTransport` over a
// socket with Nagle off). Both call the capabilities of bench/rpc/bench.capnp
// through capnp-es generated clients and servers. Workloads:
//   sequential  N `add` calls on the bootstrap capability, each awaited
//               before the next: round-trip latency.
//   concurrent  N `add` calls issued at once, then awaited together:
//               throughput under a burst.
//   pipelined   M chains `getB(seed).getB().getC(k).getC().value(x)`, three
//               calls each, the second and third made on the promised result
//               of the one before, without awaiting it; each chain is awaited
//               before the next starts. With promise pipelining a chain costs
//               one round trip, without it three.
// Every returned value is checked; a wrong value stops the bench with exit
// code 1. Each timed run opens fresh connections (not timed, nor is the
// first call that resolves the bootstrap capability), so no run inherits
// another's tables. Runs of the two implementations alternate, so drift on
// a shared machine hits both. Reported: the median of the timed runs after
// warm-ups, `ratio` = our calls per second / capnp-es's (higher is better
// for us; the target is 3), and `ratio_range`, the lowest and highest ratio
// of a pair of runs made one after the other. CPU time per call (client
// and server together, this process) and `cpu_ratio` (capnp-es's CPU time
// over ours) are reported too: load from other processes moves them much
// less than wall-clock time. doc/performance.md explains the figures.
// Each workload and transport runs in a fresh Node process by default (the
// absolute figures otherwise depend on what ran before in the process).
// `npm run bench -- rpc [WORKLOAD...] [TRANSPORT...] [--quick] [--in-process]`.

import { spawn } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as $ from 'capnp-es';
import { Connection, type ConnectionOptions } from '../runtime/rpc/conn.js';
import { pipePair, streamTransport, type MessageTransport } from '../runtime/rpc/transport.js';
import { Bench, B, C, type Bench$Client, type Bench$Server$Target } from './rpc/generated/bench.js';
import { CapnpEsTransport, patchCapnpEs } from './rpc/capnp-es-peer.js';
import { median } from './stats.js';

// ---------------------------------------------------------------------------
// The capabilities served (the same objects on both sides).

/** What `add` adds to its first argument in every workload. */
const ADD_B = 1000n;
/** `getC`'s k and `value`'s x in every chain: a chain from seed s gives s * K + X. */
const CHAIN_K = 3n;
const CHAIN_X = 7n;

function cServer(held: bigint) {
  return new C.Server({
    async value(p, r) { r.value = held + p.x; },
  });
}

function bServer(seed: bigint) {
  return new B.Server({
    async getC(p, r) { r.c = new C.Client(cServer(seed * p.k)); },
  });
}

function benchTarget(): Bench$Server$Target {
  return {
    async add(p, r) { r.sum = p.a + p.b; },
    async getB(p, r) { r.b = new B.Client(bServer(p.seed)); },
  };
}

// ---------------------------------------------------------------------------
// Workloads. Each runs on a connected client and returns the sum of the
// values it got back, after checking each one.

export class WrongResult extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WrongResult';
  }
}

function check(what: string, got: bigint, want: bigint): bigint {
  if (got !== want) throw new WrongResult(`${what}: expected ${want}, got ${got}`);
  return got;
}

export interface Workload {
  name: 'sequential' | 'concurrent' | 'pipelined';
  /** Calls one unit of work makes (a chain makes 3). */
  callsPerUnit: number;
  /** What one unit is called in the output ("calls", "chains"). */
  unit: 'calls' | 'chains';
  run(bench: Bench$Client, n: number): Promise<bigint>;
  /** The sum `run(bench, n)` must return. */
  expected(n: number): bigint;
}

/** Σ_{i<n} (i + c) */
const sumPlus = (n: number, c: bigint): bigint => (BigInt(n) * BigInt(n - 1)) / 2n + BigInt(n) * c;

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'sequential',
    callsPerUnit: 1,
    unit: 'calls',
    async run(bench, n) {
      let sum = 0n;
      for (let i = 0; i < n; i++) {
        const a = BigInt(i);
        const r = await bench.add((p) => { p.a = a; p.b = ADD_B; }).promise();
        sum += check(`add(${a}, ${ADD_B})`, r.sum, a + ADD_B);
      }
      return sum;
    },
    expected: (n) => sumPlus(n, ADD_B),
  },
  {
    name: 'concurrent',
    callsPerUnit: 1,
    unit: 'calls',
    async run(bench, n) {
      const pending: Array<Promise<{ sum: bigint }>> = new Array(n);
      for (let i = 0; i < n; i++) {
        const a = BigInt(i);
        pending[i] = bench.add((p) => { p.a = a; p.b = ADD_B; }).promise();
      }
      const results = await Promise.all(pending);
      let sum = 0n;
      for (let i = 0; i < n; i++) sum += check(`add(${i}, ${ADD_B})`, results[i]!.sum, BigInt(i) + ADD_B);
      return sum;
    },
    expected: (n) => sumPlus(n, ADD_B),
  },
  {
    name: 'pipelined',
    callsPerUnit: 3,
    unit: 'chains',
    async run(bench, n) {
      let sum = 0n;
      for (let i = 0; i < n; i++) {
        const seed = BigInt(i);
        const b = bench.getB((p) => { p.seed = seed; }).getB();
        const c = b.getC((p) => { p.k = CHAIN_K; }).getC();
        const r = await c.value((p) => { p.x = CHAIN_X; }).promise();
        sum += check(`getB(${seed}).getC(${CHAIN_K}).value(${CHAIN_X})`, r.value, seed * CHAIN_K + CHAIN_X);
      }
      return sum;
    },
    expected: (n) => (BigInt(n) * BigInt(n - 1) / 2n) * CHAIN_K + BigInt(n) * CHAIN_X,
  },
];

// ---------------------------------------------------------------------------
// Implementations and transports.

export type Impl = 'ours' | 'capnp-es';
export type TransportKind = 'pipe' | 'tcp';
export const IMPLS: readonly Impl[] = ['ours', 'capnp-es'];
export const TRANSPORTS: readonly TransportKind[] = ['pipe', 'tcp'];

/** A connected client and the server behind it. */
export interface Side {
  bench: Bench$Client;
  /** The first error the implementation reported outside a call, if any. */
  readonly error: () => unknown;
  close(): Promise<void>;
}

interface TransportPair {
  client: MessageTransport;
  /** Resolves with the server's end once the peer has connected. */
  server: Promise<MessageTransport>;
  close(): Promise<void>;
}

async function openTransport(kind: TransportKind): Promise<TransportPair> {
  if (kind === 'pipe') {
    const [client, server] = pipePair();
    return { client, server: Promise.resolve(server), close: async () => { client.close(); server.close(); } };
  }
  const sockets: Socket[] = [];
  let accepted!: (t: MessageTransport) => void;
  const server = new Promise<MessageTransport>((res) => { accepted = res; });
  const listener: Server = createServer((s) => {
    s.setNoDelay(true);
    sockets.push(s);
    accepted(streamTransport(s));
  });
  await new Promise<void>((res, rej) => {
    listener.once('error', rej);
    listener.listen(0, '127.0.0.1', () => res());
  });
  const port = (listener.address() as { port: number }).port;
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  sockets.push(socket);
  await new Promise<void>((res, rej) => {
    socket.once('connect', res);
    socket.once('error', rej);
  });
  return {
    client: streamTransport(socket),
    server,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => listener.close(() => res()));
    },
  };
}

/**
 * Our connection raises its question and answer limits (1024 by default,
 * beyond which calls fail `overloaded`) to let the concurrent workload have
 * every call in flight at once, as capnp-es, which has no such limit, does.
 */
function ourLimits(n: number): ConnectionOptions {
  return { maxQuestions: n + 16, maxAnswers: n + 16 };
}

/**
 * Connects a client to a fresh Bench server with one implementation over
 * one kind of transport, and makes one call so the bootstrap capability has
 * resolved. `inFlight` is the most calls the workload will have pending.
 */
export async function open(impl: Impl, kind: TransportKind, inFlight = 16): Promise<Side> {
  const t = await openTransport(kind);
  let firstError: unknown;
  let close = (): void => {};
  try {
    let bench: Bench$Client;
    if (impl === 'ours') {
      const server = new Connection(await t.server, { ...ourLimits(inFlight), bootstrap: new Bench.Server(benchTarget()) });
      const client = new Connection(t.client, ourLimits(inFlight));
      close = () => { client.close(); server.close(); };
      // The hook has capnp-es's Client shape, but its `struct()` is not
      // generic as `$.Client`'s type says, hence the cast.
      bench = new Bench.Client((await client.bootstrapClient()) as unknown as $.Client);
    } else {
      patchCapnpEs();
      const server = new $.Conn(new CapnpEsTransport(await t.server));
      const client = new $.Conn(new CapnpEsTransport(t.client));
      for (const c of [server, client]) c.onError = (e) => { firstError ??= e; };
      close = () => { client.shutdown(); server.shutdown(); };
      server.initMain(Bench, benchTarget());
      bench = client.bootstrap(Bench);
    }
    const warm = await bench.add((p) => { p.a = 1n; p.b = 2n; }).promise();
    check('first add(1, 2)', warm.sum, 3n);
    return {
      bench,
      error: () => firstError,
      close: async () => { close(); await t.close(); },
    };
  } catch (e) {
    close();
    await t.close();
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Timing.

interface Policy {
  warmup: number;
  runs: number;
  calls: number;
  chains: number;
  timeoutMs: number;
}

function envNumber(key: string, fallback: number): number {
  const v = process.env[key];
  const n = v === undefined || v === '' ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

function readPolicy(quick: boolean): Policy {
  return quick
    ? { warmup: 0, runs: 1, calls: 200, chains: 50, timeoutMs: envNumber('BENCH_RPC_TIMEOUT_MS', 30_000) }
    : {
      warmup: envNumber('BENCH_WARMUP', 2),
      runs: Math.max(1, envNumber('BENCH_RUNS', 9)),
      calls: Math.max(1, envNumber('BENCH_RPC_CALLS', 10_000)),
      chains: Math.max(1, envNumber('BENCH_RPC_CHAINS', 2_000)),
      timeoutMs: envNumber('BENCH_RPC_TIMEOUT_MS', 60_000),
    };
}


function withTimeout<T>(p: Promise<T>, ms: number, side: Side): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, rej) => {
    timer = setTimeout(() => {
      const why = side.error();
      rej(new Error(`no answer after ${ms} ms${why === undefined ? '' : ` (it reported: ${describe(why)})`}`));
    }, ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/**
 * One timed run on fresh connections: the wall-clock milliseconds, and the
 * CPU milliseconds (user + system, all threads) this process spent, which
 * are both client and server. Other processes on a shared machine stretch
 * the first much more than the second.
 */
export async function runOnce(impl: Impl, kind: TransportKind, w: Workload, n: number, timeoutMs: number): Promise<{ ms: number; cpuMs: number }> {
  const side = await open(impl, kind, w.name === 'concurrent' ? n : 16);
  try {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const sum = await withTimeout(w.run(side.bench, n), timeoutMs, side);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    check(`${w.name} sum of ${n} ${w.unit}`, sum, w.expected(n));
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await side.close();
  }
}

type Timing = { ok: true; medianMs: number; runsMs: number[]; medianCpuMs: number } | { ok: false; error: string };

function describe(e: unknown): string {
  const s = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}...` : flat;
}

/**
 * Warm-ups, then timed runs, alternating the two implementations (which one
 * goes first alternates too). An implementation that fails stops being run;
 * a wrong value is thrown.
 */
async function measure(kind: TransportKind, w: Workload, n: number, policy: Policy): Promise<Record<Impl, Timing>> {
  const runs: Record<Impl, number[]> = { ours: [], 'capnp-es': [] };
  const cpu: Record<Impl, number[]> = { ours: [], 'capnp-es': [] };
  const failed: Partial<Record<Impl, string>> = {};
  const total = policy.warmup + policy.runs;
  for (let k = 0; k < total; k++) {
    const order = k % 2 === 0 ? IMPLS : [...IMPLS].reverse();
    for (const impl of order) {
      if (failed[impl] !== undefined) continue;
      try {
        const r = await runOnce(impl, kind, w, n, policy.timeoutMs);
        if (k >= policy.warmup) { runs[impl].push(r.ms); cpu[impl].push(r.cpuMs); }
      } catch (e) {
        if (e instanceof WrongResult) throw new WrongResult(`${impl}: ${e.message}`);
        failed[impl] = describe(e);
      }
    }
  }
  const timing = (impl: Impl): Timing => failed[impl] !== undefined
    ? { ok: false, error: failed[impl]! }
    : { ok: true, medianMs: median(runs[impl]), runsMs: runs[impl], medianCpuMs: median(cpu[impl]) };
  return { ours: timing('ours'), 'capnp-es': timing('capnp-es') };
}

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
const label = (impl: Impl): string => (impl === 'ours' ? 'ours' : 'capnp_es');

function line(kind: TransportKind, w: Workload, n: number, t: Record<Impl, Timing>): string {
  const f: string[] = [`workload=${w.name}`, `transport=${kind}`, `${w.unit}=${n}`];
  if (w.unit !== 'calls') f.push(`calls=${n * w.callsPerUnit}`);
  const rate: Partial<Record<Impl, number>> = {};
  for (const impl of IMPLS) {
    const x = t[impl];
    if (x.ok) {
      rate[impl] = (n / x.medianMs) * 1000;
      f.push(`${label(impl)}_ms=${fmt(x.medianMs)}`, `${label(impl)}_${w.unit}_per_s=${Math.round(rate[impl]!)}`);
      if (w.unit !== 'calls') f.push(`${label(impl)}_calls_per_s=${Math.round(rate[impl]! * w.callsPerUnit)}`);
      f.push(`${label(impl)}_cpu_us_per_call=${fmt((x.medianCpuMs * 1000) / (n * w.callsPerUnit))}`);
    } else {
      f.push(`${label(impl)}_ms=na`, `${label(impl)}_error=${JSON.stringify(x.error)}`);
    }
  }
  const ours = rate.ours;
  const peer = rate['capnp-es'];
  f.push(`ratio=${ours !== undefined && peer !== undefined ? (ours / peer).toFixed(2) : 'na'}`);
  // The spread of the ratio over the pairs of runs made one after the other:
  // how much the machine's noise moves it.
  const a = t.ours, b = t['capnp-es'];
  if (a.ok && b.ok && a.runsMs.length === b.runsMs.length && a.runsMs.length > 1) {
    const pairs = a.runsMs.map((ms, i) => b.runsMs[i]! / ms);
    f.push(`ratio_range=${Math.min(...pairs).toFixed(2)}..${Math.max(...pairs).toFixed(2)}`);
  }
  // CPU time per call, capnp-es's over ours: the ratio the machine's load
  // moves least.
  if (a.ok && b.ok) f.push(`cpu_ratio=${(b.medianCpuMs / a.medianCpuMs).toFixed(2)}`);
  return `bench rpc ${f.join(' ')}`;
}

function usage(): string {
  return [
    'usage: npm run bench -- rpc [WORKLOAD...] [TRANSPORT...] [--quick] [--in-process]',
    `workloads: ${WORKLOADS.map((w) => w.name).join(', ')}; transports: ${TRANSPORTS.join(', ')}`,
    '--quick: 200 calls, 50 chains, one run, no warm-up (a smoke test)',
    '--in-process: run every measurement in this process (by default each workload and',
    '  transport gets a fresh Node process, so none inherits the heap or JIT state of another)',
    'env: BENCH_RUNS, BENCH_WARMUP, BENCH_RPC_CALLS, BENCH_RPC_CHAINS, BENCH_RPC_TIMEOUT_MS',
  ].join('\n');
}

/** Exit code of a child that saw a wrong value: the parent stops there. */
const WRONG_VALUES = 3;

/**
 * Runs one workload over one transport in a fresh Node process (this file,
 * with `--in-process`), passing its result lines through. Resolves with its
 * exit code.
 */
function runChild(w: Workload, kind: TransportKind, quick: boolean): Promise<number> {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--in-process', w.name, kind, ...(quick ? ['--quick'] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) if (l.startsWith('bench rpc ')) console.log(l);
    });
    child.on('error', (e) => {
      console.log(`bench rpc workload=${w.name} transport=${kind} error=${JSON.stringify(`could not start a process: ${describe(e)}`)}`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      if (pending.startsWith('bench rpc ')) console.log(pending);
      if (signal) console.log(`bench rpc workload=${w.name} transport=${kind} error=${JSON.stringify(`killed by ${signal}`)}`);
      resolve(signal ? 1 : code ?? 1);
    });
  });
}

export async function main(args: string[]): Promise<number> {
  let quick = false;
  let inProcess = false;
  const workloads: Workload[] = [];
  const kinds: TransportKind[] = [];
  for (const arg of args) {
    if (arg === '-h' || arg === '--help') {
      console.log(usage());
      return 0;
    }
    const w = WORKLOADS.find((x) => x.name === arg);
    if (arg === '--quick') quick = true;
    else if (arg === '--in-process') inProcess = true;
    else if (w) { if (!workloads.includes(w)) workloads.push(w); }
    else if ((TRANSPORTS as readonly string[]).includes(arg)) { if (!kinds.includes(arg as TransportKind)) kinds.push(arg as TransportKind); }
    else {
      console.error(`bench rpc: unknown argument "${arg}"\n${usage()}`);
      return 2;
    }
  }
  const policy = readPolicy(quick);
  console.log(
    `# bench rpc: node ${process.version}; ${quick ? 'quick smoke run' : `median of ${policy.runs} runs after ${policy.warmup} warm-up`}` +
      ` per implementation, runs alternating; ${inProcess ? 'all in this process' : 'a fresh process per workload and transport'};` +
      ' ratio = ours / capnp-es calls per second',
  );
  let code = 0;
  for (const kind of kinds.length > 0 ? kinds : TRANSPORTS) {
    for (const w of workloads.length > 0 ? workloads : WORKLOADS) {
      if (!inProcess) {
        const c = await runChild(w, kind, quick);
        if (c === WRONG_VALUES) {
          console.error(`bench rpc: the implementations disagree on ${w.name} over ${kind}; stopping.`);
          return 1;
        }
        if (c !== 0) code = 1;
        continue;
      }
      const n = w.unit === 'chains' ? policy.chains : policy.calls;
      let t: Record<Impl, Timing>;
      try {
        t = await measure(kind, w, n, policy);
      } catch (e) {
        console.log(`bench rpc workload=${w.name} transport=${kind} error=${JSON.stringify(describe(e))}`);
        console.error(`bench rpc: the implementations disagree on ${w.name} over ${kind}; stopping.`);
        return WRONG_VALUES;
      }
      console.log(line(kind, w, n, t));
      if (!t.ours.ok || !t['capnp-es'].ok) code = 1;
    }
  }
  return code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Run as a script (how the isolated measurements run): load the Node 20
  // polyfills first, as bin/bench.js does.
  await import('../runtime/polyfill.js');
  process.exitCode = await main(process.argv.slice(2));
}
