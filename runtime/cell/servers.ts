// The capability servers of the cell host, for schema/system.capnp:
// Runtime.load(wasm) -> Executor, Executor.spawn(args, env, caps, limits)
// -> Process and Executor.cid, Process (stdio as ByteStreams, wait,
// bootstrap, kill). Each is a thin wrapper over CellRuntime, Executor and
// CellSession; they are meant to be handed out through a Membrane, whose
// policies and epoch guard then hold for everything obtained through them.
//
// Errors keep their type across RPC: a CellError fails the call
// `failed: cell/timeout: <message>`, which runtime/membrane/glia-cap.ts
// turns back into a Glia error of type :cell/timeout, so a Glia `try`
// catches the same type locally and through any number of vats.
import * as $ from 'capnp-es';
import type { Readable, Writable } from 'node:stream';
import {
  Runtime$Server, Executor$Server, Executor$Client, Process$Server, Process$Client, ByteStream$Server, ByteStream$Client,
  type Limits,
} from '../../schema/generated/system.js';
import { BrokenHook, capOfPointer, toHook, type Hook } from '../rpc/hooks.js';
import { RpcError } from '../rpc/errors.js';
import type { Epoch } from '../membrane/epoch.js';
import type { ExportSpec } from '../membrane/membrane.js';
import { CellError } from './errors.js';
import type { CellRuntime } from './runtime.js';
import type { Executor } from './executor.js';
import type { CellLimits } from './limits.js';
import { spawnCell, type CellSession } from './cell-session.js';

export interface CellServerOptions {
  /** The epoch every spawned cell's grants are guarded by (the node's). */
  epoch?: Epoch;
  /** The most each limit may be set to; a larger request is lowered to it (Limits in system.capnp). */
  ceilings?: Partial<CellLimits>;
}

const HOUR = 3_600_000;
/** Ceilings when the node sets none: no cell runs unbounded through the capability. */
export const DEFAULT_CEILINGS: Readonly<Record<keyof CellLimits, number>> = {
  timeoutMs: 24 * HOUR, cpuMs: 24 * HOUR, memoryBytes: 4 * 1024 ** 3, outputBytes: 1024 ** 3,
};
/** The most one ByteStream.read returns (well under the RPC message limit). */
export const MAX_READ = 8 * 1024 * 1024;

/** A failure as the RpcError a caller sees: cell errors keep their code as the reason's prefix. */
export function cellRpcError(e: unknown): RpcError {
  if (e instanceof RpcError) return e;
  if (e instanceof CellError) return new RpcError('failed', `${e.code}: ${e.message}`);
  return new RpcError('failed', String((e as Error)?.message ?? e));
}

/** Runs a server method, turning whatever it throws into a typed RpcError. */
function guarded<P, R>(f: (p: P, r: R) => Promise<void>): (p: P, r: R) => Promise<void> {
  return async (p, r) => { try { await f(p, r); } catch (e) { throw cellRpcError(e); } };
}

/** The Runtime capability over a CellRuntime. */
export function runtimeServer(rt: CellRuntime, opts: CellServerOptions = {}): Runtime$Server {
  return new Runtime$Server({
    load: guarded(async (p, r) => {
      const exec = await rt.load(new Uint8Array(p.wasm.toUint8Array()));
      r.executor = new Executor$Client(executorHook(exec, opts) as any);
    }),
  });
}

/** The Executor capability for one loaded component. */
export function executorHook(exec: Executor, opts: CellServerOptions = {}): Hook {
  return toHook(new Executor$Server({
    spawn: guarded(async (p, r) => {
      const args = listOf(p.args);
      const env = envPairs(listOf(p.env));
      const grants: ExportSpec[] = [];
      const caps = p.caps;
      for (let i = 0; i < caps.length; i++) {
        const e = caps.get(i);
        // A reference of the cell's own: the call's params go away when it returns.
        grants.push({ name: e.name, interfaceId: e.interfaceId, cap: capOfPointer(e.cap).dup() });
      }
      const limits = p._hasLimits() ? limitsOf(p.limits, opts.ceilings) : undefined;
      let session: CellSession;
      try { session = spawnCell(exec, { args, env, grants, ...(limits ? { limits } : {}), ...(opts.epoch ? { epoch: opts.epoch } : {}) }); }
      catch (e) { for (const g of grants) g.cap.close(); throw e; }
      // The cell's references to its grants go when it does (imports are then released to their vat).
      void session.process.result().then(() => { for (const g of grants) g.cap.close(); });
      r.process = new Process$Client(processHook(session) as any);
    }),
    cid: guarded(async (_p, r) => { r.cid = exec.cid; }),
  }))!;
}

/** The Process capability for one spawned cell. */
export function processHook(session: CellSession): Hook {
  const proc = session.process;
  const overStdio = session.mode === 'vat' || session.mode === 'pid0';
  const refuse = (what: string) => new CellError('cell/bad-spawn',
    `${what} is not available in ${session.mode} mode: the cell's stdio carries Cap'n Proto`, {}, 'use bootstrap() for a vat-mode cell');
  let stdin: Hook | undefined, stdout: Hook | undefined, stderr: Hook | undefined;
  return toHook(new Process$Server({
    stdin: guarded(async (_p, r) => {
      if (overStdio) throw refuse('stdin');
      r.stream = new ByteStream$Client((stdin ??= byteStreamHook({ writable: proc.stdin })) as any);
    }),
    stdout: guarded(async (_p, r) => {
      if (overStdio) throw refuse('stdout');
      r.stream = new ByteStream$Client((stdout ??= byteStreamHook({ readable: proc.stdout })) as any);
    }),
    stderr: guarded(async (_p, r) => {
      r.stream = new ByteStream$Client((stderr ??= byteStreamHook({ readable: proc.stderr })) as any);
    }),
    wait: guarded(async (_p, r) => { r.exitCode = await proc.wait(); }),
    bootstrap: guarded(async (_p, r) => {
      const cap = session.bootstrap();
      // The cell's capability once it has answered, so a cell that offers none fails here, not on first use.
      const settled = await cap.whenSettled();
      if (settled instanceof BrokenHook) throw settled.error;
      $.utils.setInterfacePointer(r.segment.message.addCap(cap as any), r.cap);
    }),
    kill: guarded(async () => { proc.kill(); }),
  }))!;
}

/** A ByteStream over one Node stream: read from a Readable, write and close a Writable. */
export function byteStreamHook(s: { readable?: Readable; writable?: Writable }): Hook {
  let reading: Promise<unknown> = Promise.resolve();
  let closed = false;
  return toHook(new ByteStream$Server({
    read: guarded(async (p, r) => {
      if (!s.readable) throw new RpcError('failed', 'this stream is write-only');
      const max = Math.min(Math.max(p.maxBytes, 1), MAX_READ);
      // One read at a time, so chunks come out in order.
      const next = reading.then(() => readSome(s.readable!, max));
      reading = next.catch(() => {});
      const { data, eof } = await next;
      r._initData(data.length).copyBuffer(data);
      r.eof = eof;
    }),
    write: guarded(async (p) => {
      if (!s.writable) throw new RpcError('failed', 'this stream is read-only');
      if (closed) throw new RpcError('failed', 'write after close');
      const data = new Uint8Array(p.data.toUint8Array());
      await new Promise<void>((res, rej) => s.writable!.write(data, (e) => (e ? rej(e) : res())));
    }),
    close: guarded(async () => {
      if (closed) return;
      closed = true;
      if (s.writable) s.writable.end();
      else s.readable?.resume(); // discard what is unread; the writer is not held back by a reader that left
    }),
  }))!;
}

/** Up to `max` bytes from a Readable, waiting for at least one or the end. */
async function readSome(stream: Readable, max: number): Promise<{ data: Uint8Array; eof: boolean }> {
  for (;;) {
    if (stream.readableEnded || stream.destroyed) return { data: new Uint8Array(0), eof: true };
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) {
      if (chunk.length > max) stream.unshift(chunk.subarray(max));
      const data = new Uint8Array(chunk.subarray(0, max));
      return { data, eof: stream.readableEnded };
    }
    await new Promise<void>((res) => {
      const done = () => { stream.off('readable', done); stream.off('end', done); stream.off('close', done); res(); };
      stream.on('readable', done); stream.on('end', done); stream.on('close', done);
    });
  }
}

/** The strings of a capnp List(Text). */
export function listOf(l: { length: number; get(i: number): string }): string[] {
  const out: string[] = [];
  for (let i = 0; i < l.length; i++) out.push(l.get(i));
  return out;
}

/** `KEY=VALUE` strings (Executor.spawn's and CellSpec's env) as pairs; cell/bad-spawn names the first that is not one. */
export function envPairs(env: readonly string[]): Array<[string, string]> {
  return env.map((kv, i): [string, string] => {
    const at = kv.indexOf('=');
    if (at <= 0) throw new CellError('cell/bad-spawn', `env entry ${i} is not KEY=VALUE: ${JSON.stringify(kv)}`);
    return [kv.slice(0, at), kv.slice(at + 1)];
  });
}

/** Limits from the wire: zero is the default, above the ceiling is the ceiling. */
export function limitsOf(l: Limits, ceilings: Partial<CellLimits> = {}): Partial<CellLimits> {
  const out: Partial<CellLimits> = {};
  const set = (k: keyof CellLimits, v: bigint) => {
    if (v === 0n) return;
    const ceiling = ceilings[k] ?? DEFAULT_CEILINGS[k];
    out[k] = Number(v > BigInt(ceiling) ? BigInt(ceiling) : v);
  };
  set('timeoutMs', l.wallClockMs);
  set('cpuMs', l.cpuMs);
  set('memoryBytes', l.memoryBytes);
  set('outputBytes', l.outputBytes);
  return out;
}
