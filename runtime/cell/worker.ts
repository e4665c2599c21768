// The entry point of a cell's worker thread. While a cell runs, this
// thread belongs to it: every WASI call is synchronous, and blocking ones
// wait with Atomics.wait. The node's thread is never blocked, and ends
// this one with worker.terminate() when a limit is hit.
//
// A worker may run several spawns of the same cell, one after another
// (see executor.ts for when, and doc/cells.md for why that is safe): each
// spawn gets fresh wasm instances, fresh memories, a fresh call of the
// glue's instantiate (which holds all of jco's state) and fresh host
// objects. Nothing here keeps state from one spawn to the next; the glue
// module itself is imported once and stays loaded.
//
// Ready instances. Instantiating a large cell (a Glia cell copies 25 MB of
// snapshot into a fresh memory) is most of a warm spawn, and it needs
// nothing from the spawn but the memory ceiling. So after a clean exit
// (and after priming), while the worker would sit idle, it instantiates
// the next instance of its cell with late-bound imports
// (wasi/late-imports.ts), and the next spawn with the same ceiling binds
// it to its own host objects and runs it. The instance is new and has
// never run: its memories, tables and globals are as instantiation made
// them, exactly as a spawn-time instance's would be; it is used by one
// spawn at most and then dropped. At most one is held, only when the
// machine has memory to spare (checked again while it is held), never
// after a cell failed (that worker is terminated, and the instance with
// it), and it dies with the worker when the cell is evicted or idles out.
//
// Recycled memory. Most of an instantiation is not V8's work but the
// machine's: the first touch of each page of a fresh memory (a Glia cell's
// 20 MB of snapshot is 5,000 pages) costs 70-180 ms on this VM against
// 1-3 ms to zero and refill pages already touched. So after a clean exit
// the worker keeps the exited instance's memory, if it is still at its
// initial size, and the next instance of the same cell gets it, zeroed
// whole before its instantiation: V8 then writes the data segments into
// it as it would into a new one, so the instance starts from exactly the
// state a fresh memory gives (same contents, size and maximum). Only the
// pages are reused. The instance that used it has exited and nothing of
// it runs again (the worker is single-threaded, a cell's host calls are
// synchronous, and a worker whose cell failed is terminated with all it
// holds). A memory the cell grew, or a shared one, is dropped.
import { freemem } from 'node:os';
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { CellError } from './errors.js';
import { Doorbells, Ring } from './ring.js';
import { CellExit } from './wasi/cli.js';
import { importObject, type HostOptions } from './wasi/host.js';
import { lateImports, type LateImports } from './wasi/late-imports.js';
import { CellIo } from './wasi/io.js';
import { GuestFault } from './wasi/guest-fault.js';
import { GROW_REFUSED_EXPORT, GUARD_IMPORT_MODULE } from './wasm/memory-guard.js';
import type { CellCode, FromWorker, ToWorker, SpawnMessage } from './worker-protocol.js';

const WASM_PAGE = 65536;
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

/** This thread's kernel id, so the node can read its CPU time from /proc (Linux only). */
function threadId(): number | null {
  try { return Number(readFileSync('/proc/thread-self/stat', 'latin1').split(' ', 1)[0]); } catch { return null; }
}

const glue = (path: string) => import(pathToFileURL(path).href);

/** Memory the machine must have left, beyond the instance's own, to hold a ready instance. */
const READY_MIN_FREE = 512 * 1024 * 1024;
const READY_CHECK_MS = 1000;

interface Instantiated {
  exports: Record<string, any>;
  instances: WebAssembly.Instance[];
  /** The memories made for (or recycled into) this instance, with the key a later instance takes them by. */
  memories: Array<{ key: string; memory: WebAssembly.Memory; bytes: number }>;
  /** How many of them were recycled. */
  recycled: number;
}
interface Prepared extends Instantiated { code: CellCode; late: LateImports }

/** The one ready instance (or its instantiation under way); taken by the next spawn, whatever it does with it. */
let ready: Promise<Prepared | null> | null = null;
let readyWatch: NodeJS.Timeout | undefined;
/** Memories of exited instances, by cell, core module, name and limits, waiting for the next instance of the same cell. */
const spare = new Map<string, WebAssembly.Memory>();

/** A spare memory for this key, zeroed whole, or undefined. */
function takeSpare(key: string): WebAssembly.Memory | undefined {
  const mem = spare.get(key);
  if (!mem) return undefined;
  spare.delete(key);
  new Uint8Array(mem.buffer).fill(0);
  return mem;
}

/** Keeps an exited instance's memories for the next instance (only the last one's), those still at their initial size. */
function keepMemories(cell: Instantiated): void {
  spare.clear();
  for (const m of cell.memories) if (m.memory.buffer.byteLength === m.bytes) spare.set(m.key, m.memory);
}

send({ type: 'ready', tid: threadId() });
port.on('message', (m: ToWorker) => {
  if (m.type === 'prime') {
    glue(m.gluePath).then(() => {
      send({ type: 'primed' });
      if (m.prepare) prepare(m.prepare);
    }, (e) => send({ type: 'error', error: describeFailure(e).toData() }));
  } else {
    void run(m);
  }
});

const initialBytes = (code: CellCode) => code.cores.reduce((n, c) => n + c.memories.reduce((k, mem) => k + mem.initial * WASM_PAGE, 0), 0);
const roomFor = (code: CellCode) => freemem() > READY_MIN_FREE + initialBytes(code);

/** Instantiates the next instance of the cell ahead of its spawn, if there is memory to spare. */
function prepare(code: CellCode): void {
  if (ready) return;
  if (!roomFor(code)) { spare.clear(); return; }
  // The host objects here are stand-ins that are never called: every closure forwards to the spawn's (late-imports.ts).
  const late = lateImports(() => importObject(code.importKeys, standInHost(code.memoryBytes)));
  const refuse = (e: CellError): never => { throw e; };
  const p: Promise<Prepared | null> = instantiateCell(code, late.imports, refuse)
    .then((i) => ({ ...i, code, late }), () => null);
  // Told, so the node can send the next spawn to a worker whose instance is made rather than one still making it.
  void p.then((r) => { if (r && ready === p) send({ type: 'prepared', memoryBytes: code.memoryBytes }); });
  ready = p;
  // Memory pressure while it is held: drop it (the next spawn instantiates as before).
  clearInterval(readyWatch);
  readyWatch = setInterval(() => {
    if (ready !== p) { clearInterval(readyWatch); return; }
    if (!roomFor(code)) { ready = null; spare.clear(); clearInterval(readyWatch); }
  }, READY_CHECK_MS);
  readyWatch.unref();
}

/** The ready instance if it was made for this code and ceiling; it is gone from here either way. */
async function takeReady(m: SpawnMessage): Promise<Prepared | null> {
  const p = ready;
  ready = null;
  clearInterval(readyWatch);
  const r = p ? await p : null;
  if (!r) return null;
  // Modules arrive as new objects with each message; the glue's path names the cell (by CID), the files its modules.
  const c = r.code;
  const same = c.gluePath === m.gluePath && c.entry === m.entry && c.memoryBytes === m.memoryBytes
    && c.importKeys.length === m.importKeys.length && c.importKeys.every((k, i) => k === m.importKeys[i])
    && c.cores.length === m.cores.length && c.cores.every((x, i) => x.file === m.cores[i]!.file);
  return same ? r : null;
}

function standInHost(memoryBytes: number): HostOptions {
  const never = (): never => { throw new Error('a stand-in host object was called'); };
  const ring = () => Ring.create(16);
  return {
    io: new CellIo(new Doorbells(), memoryBytes, never), args: [], env: [],
    stdin: ring(), stdout: ring(), stderr: ring(), membrane: null, exit: never,
  };
}

/**
 * Instantiates the cell's component: a fresh call of the glue's instantiate
 * and fresh memories at the spawn's ceiling. `refuse` is called for a
 * memory the ceiling does not allow.
 */
async function instantiateCell(code: CellCode, imports: Record<string, Record<string, unknown>>, refuse: (e: CellError) => never): Promise<Instantiated> {
  const ceilingPages = Math.floor(code.memoryBytes / WASM_PAGE);
  const cores = new Map(code.cores.map((c) => [c.module, c]));
  const instances: WebAssembly.Instance[] = [];
  const made: Instantiated['memories'] = [];
  let recycled = 0;
  const instantiateCore = async (module: WebAssembly.Module, coreImports: Record<string, any> = {}) => {
    const core = cores.get(module);
    if (core && core.memories.length) {
      const memories: Record<string, WebAssembly.Memory> = {};
      for (const mem of core.memories) {
        if (mem.initial > ceilingPages) {
          refuse(new CellError('cell/memory', `the cell starts with ${mem.initial * WASM_PAGE} bytes of memory, over its ceiling of ${code.memoryBytes}`,
            { limitBytes: code.memoryBytes, initialBytes: mem.initial * WASM_PAGE }));
        }
        const maximum = Math.min(mem.maximum ?? 65536, ceilingPages);
        if (mem.shared) { memories[mem.name] = new WebAssembly.Memory({ initial: mem.initial, maximum, shared: true }); continue; }
        const key = `${code.gluePath}\0${core.file}\0${mem.name}\0${mem.initial}\0${maximum}`;
        let memory = takeSpare(key);
        if (memory) recycled++;
        else memory = new WebAssembly.Memory({ initial: mem.initial, maximum });
        memories[mem.name] = memory;
        made.push({ key, memory, bytes: mem.initial * WASM_PAGE });
      }
      coreImports = { ...coreImports, [GUARD_IMPORT_MODULE]: memories };
    }
    const instance = await WebAssembly.instantiate(module, coreImports);
    instances.push(instance);
    return instance;
  };
  const { instantiate } = await glue(code.gluePath);
  const exports = await instantiate((file: string) => code.cores.find((c) => c.file === file)?.module, imports, instantiateCore);
  return { exports, instances, memories: made, recycled };
}

async function run(m: SpawnMessage): Promise<void> {
  let reported = false;
  const report = (msg: FromWorker) => {
    if (reported) return;
    reported = true;
    send(msg);
  };
  // A condition the host detects itself is reported before unwinding,
  // because the guest may catch JS exceptions (wasm exception handling
  // can) and the node must not wait for it: it kills this thread.
  const fatal = (e: CellError): never => { report({ type: 'error', error: e.toData() }); throw e; };
  let exitCode: number | undefined;
  const bells = new Doorbells(m.bells);
  const stdout = new Ring(m.stdout), stderr = new Ring(m.stderr);
  const io = new CellIo(bells, m.memoryBytes, (what) =>
    fatal(new CellError('cell/memory', `the cell asked the host for ${what}, over its memory ceiling of ${m.memoryBytes} bytes`, { limitBytes: m.memoryBytes })));
  const imports = importObject(m.importKeys, {
    io, args: m.args, env: m.env,
    stdin: new Ring(m.stdin), stdout, stderr,
    membrane: m.membrane ? { toCell: new Ring(m.membrane[0]), toNode: new Ring(m.membrane[1]) } : null,
    // The first exit stands, even if the guest catches the unwinding and carries on.
    exit: (code) => { exitCode ??= code; throw new CellExit(code); },
  });

  let instances: WebAssembly.Instance[] = [];
  const growRefused = () => instances.some((i) => (i.exports[GROW_REFUSED_EXPORT] as WebAssembly.Global | undefined)?.value === 1);
  const timing = { ready: false, recycledMemory: false, instantiateMs: 0, runMs: 0 };
  let ran: Instantiated | undefined;
  const started = performance.now();

  let outcome: FromWorker;
  try {
    const prepared = await takeReady(m);
    let cell: Instantiated;
    if (prepared) {
      prepared.late.bind(imports);
      cell = prepared;
      timing.ready = true;
    } else {
      cell = await instantiateCell(m, imports, fatal);
    }
    instances = cell.instances;
    timing.recycledMemory = cell.recycled > 0;
    ran = cell;
    const runAt = performance.now();
    timing.instantiateMs = runAt - started;
    try {
      cell.exports[m.entry].run();
      outcome = { type: 'exit', code: exitCode ?? 0, timing };
    } catch (e) {
      // jco throws a ComponentError (it has a `payload`) when run returns err.
      if (e && typeof e === 'object' && 'payload' in e && !(e instanceof CellError)) outcome = { type: 'exit', code: exitCode ?? 1, timing };
      else throw e;
    } finally {
      timing.runMs = performance.now() - runAt;
    }
  } catch (e) {
    if (exitCode !== undefined && (e instanceof CellExit || !(e instanceof CellError))) outcome = { type: 'exit', code: exitCode, timing };
    else if (e instanceof CellError) outcome = { type: 'error', error: e.toData(), timing };
    else if (growRefused()) {
      outcome = { type: 'error', error: new CellError('cell/memory', `the cell tried to grow its memory past its ceiling of ${m.memoryBytes} bytes`, { limitBytes: m.memoryBytes }).toData(), timing };
    } else outcome = { type: 'error', error: describeFailure(e).toData(), timing };
  }
  // The streams end before the outcome is told, so the node has every byte once it hears.
  stdout.closeWriter(); stderr.closeWriter();
  if (m.membrane) new Ring(m.membrane[1]).closeWriter();
  bells.ringNode();
  bells.flushNode();
  report(outcome);
  // Only a clean exit keeps this worker (the node terminates it after any error), so only then is the next instance worth making.
  if (outcome.type === 'exit' && ran) keepMemories(ran);
  if (outcome.type === 'exit' && m.prepareNext) {
    prepare({ gluePath: m.gluePath, entry: m.entry, importKeys: m.importKeys, cores: m.cores, memoryBytes: m.memoryBytes });
  }
}

function describeFailure(e: unknown): CellError {
  if (e instanceof WebAssembly.RuntimeError || e instanceof GuestFault) return new CellError('cell/trap', `the cell trapped: ${e.message}`);
  if (e instanceof RangeError && /call stack/i.test(e.message)) return new CellError('cell/trap', 'the cell trapped: stack overflow');
  if (e instanceof WebAssembly.LinkError || e instanceof WebAssembly.CompileError) {
    return new CellError('cell/invalid', `the cell could not be instantiated: ${e.message}`);
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new CellError('cell/host-failure', `the cell host failed: ${msg}`);
}
