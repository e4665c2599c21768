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
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { CellError } from './errors.js';
import { Doorbells, Ring } from './ring.js';
import { CellExit } from './wasi/cli.js';
import { importObject } from './wasi/host.js';
import { CellIo } from './wasi/io.js';
import { GuestFault } from './wasi/guest-fault.js';
import { GROW_REFUSED_EXPORT, GUARD_IMPORT_MODULE } from './wasm/memory-guard.js';
import type { FromWorker, ToWorker, SpawnMessage } from './worker-protocol.js';

const WASM_PAGE = 65536;
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

/** This thread's kernel id, so the node can read its CPU time from /proc (Linux only). */
function threadId(): number | null {
  try { return Number(readFileSync('/proc/thread-self/stat', 'latin1').split(' ', 1)[0]); } catch { return null; }
}

const glue = (path: string) => import(pathToFileURL(path).href);

send({ type: 'ready', tid: threadId() });
port.on('message', (m: ToWorker) => {
  if (m.type === 'prime') {
    glue(m.gluePath).then(() => send({ type: 'primed' }), (e) => send({ type: 'error', error: describeFailure(e).toData() }));
  } else {
    void run(m);
  }
});

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
  const ceilingPages = Math.floor(m.memoryBytes / WASM_PAGE);
  const io = new CellIo(bells, m.memoryBytes, (what) =>
    fatal(new CellError('cell/memory', `the cell asked the host for ${what}, over its memory ceiling of ${m.memoryBytes} bytes`, { limitBytes: m.memoryBytes })));
  const imports = importObject(m.importKeys, {
    io, args: m.args, env: m.env,
    stdin: new Ring(m.stdin), stdout, stderr,
    membrane: m.membrane ? { toCell: new Ring(m.membrane[0]), toNode: new Ring(m.membrane[1]) } : null,
    // The first exit stands, even if the guest catches the unwinding and carries on.
    exit: (code) => { exitCode ??= code; throw new CellExit(code); },
  });

  const cores = new Map(m.cores.map((c) => [c.module, c]));
  const instances: WebAssembly.Instance[] = [];
  const instantiateCore = async (module: WebAssembly.Module, coreImports: Record<string, any> = {}) => {
    const core = cores.get(module);
    if (core && core.memories.length) {
      const memories: Record<string, WebAssembly.Memory> = {};
      for (const mem of core.memories) {
        if (mem.initial > ceilingPages) {
          fatal(new CellError('cell/memory', `the cell starts with ${mem.initial * WASM_PAGE} bytes of memory, over its ceiling of ${m.memoryBytes}`,
            { limitBytes: m.memoryBytes, initialBytes: mem.initial * WASM_PAGE }));
        }
        const maximum = Math.min(mem.maximum ?? 65536, ceilingPages);
        memories[mem.name] = new WebAssembly.Memory({ initial: mem.initial, maximum, shared: mem.shared });
      }
      coreImports = { ...coreImports, [GUARD_IMPORT_MODULE]: memories };
    }
    const instance = await WebAssembly.instantiate(module, coreImports);
    instances.push(instance);
    return instance;
  };
  const growRefused = () => instances.some((i) => (i.exports[GROW_REFUSED_EXPORT] as WebAssembly.Global | undefined)?.value === 1);

  let outcome: FromWorker;
  try {
    const { instantiate } = await glue(m.gluePath);
    const exports = await instantiate((file: string) => m.cores.find((c) => c.file === file)?.module, imports, instantiateCore);
    try {
      exports[m.entry].run();
      outcome = { type: 'exit', code: exitCode ?? 0 };
    } catch (e) {
      // jco throws a ComponentError (it has a `payload`) when run returns err.
      if (e && typeof e === 'object' && 'payload' in e && !(e instanceof CellError)) outcome = { type: 'exit', code: exitCode ?? 1 };
      else throw e;
    }
  } catch (e) {
    if (exitCode !== undefined && (e instanceof CellExit || !(e instanceof CellError))) outcome = { type: 'exit', code: exitCode };
    else if (e instanceof CellError) outcome = { type: 'error', error: e.toData() };
    else if (growRefused()) {
      outcome = { type: 'error', error: new CellError('cell/memory', `the cell tried to grow its memory past its ceiling of ${m.memoryBytes} bytes`, { limitBytes: m.memoryBytes }).toData() };
    } else outcome = { type: 'error', error: describeFailure(e).toData() };
  }
  // The streams end before the outcome is told, so the node has every byte once it hears.
  stdout.closeWriter(); stderr.closeWriter();
  if (m.membrane) new Ring(m.membrane[1]).closeWriter();
  bells.ringNode();
  bells.flushNode();
  report(outcome);
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
