// Fuzzing a live RPC Connection (runtime/rpc/conn.ts) from a fake peer:
// well over 100,000 frames per run, of three kinds —
//   1. random bytes, behind valid and invalid framing headers;
//   2. mutations of real RPC messages recorded between two vats (bit flips,
//      byte and word overwrites, truncation, extension, segment-table edits,
//      extra segments, duplicated, reordered and dropped messages);
//   3. well-formed rpc.capnp messages with random field values (question ids
//      fresh, reused and unknown; Return/Finish/Release/Disembargo for unknown
//      ids; calls on random exports and promised answers with random
//      transforms; random and forged capability descriptors; Unimplemented
//      wrapping random messages; Abort; level-3 messages).
// The Connection under test serves the test Svc (fixtures/vats.capnp), so
// calls really dispatch, and asks questions of its own that the fake peer
// answers with garbage, answers properly, or never answers.
//
// Checked for every connection: no exception escapes (unhandledRejection and
// uncaughtException are watched); everything the Connection sends is a valid
// message; while it stays open it answers a well-behaved ping (probed during
// and after each batch); when it closes, `closed` gives a structured RpcError
// (after sending Abort, if it chose to close), its tables are empty, and
// every call it made has settled. No frame may make it hang: a probe or a
// close that takes longer than a few seconds fails with the batch in hand.
//
// Only fuzz frames count toward the 100,000 (not the unmutated recorded frames
// replayed for context, the probes, or the fake peer's replies).
//
// Environment: WW_FUZZ_SEED=<n> replays a run (failures print the seed and
// the frames); WW_FUZZ_SCALE multiplies the number of connections;
// WW_FUZZ_DEBUG=1 keeps error stacks and says where an unhandled rejection's
// promise was made.
//
// The bugs it found are kept as small cases at the end of the file.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHook } from 'node:async_hooks';
import fc from 'fast-check';
import * as $ from 'capnp-es';
import * as rpc from 'capnp-es/capnp/rpc';
import { Connection } from '../rpc/conn.js';
import { pipePair, type MessageTransport } from '../rpc/transport.js';
import { FrameDecoder, DEFAULT_FRAME_LIMITS } from '../rpc/framing.js';
import { validateMessage } from '../rpc/validate.js';
import { BrokenHook, PromiseHook, toHook, type Hook } from '../rpc/hooks.js';
import { RpcError } from '../rpc/errors.js';
import * as vats from './fixtures/generated/vats.js';

// Committed code generated from fixtures/vats.capnp (npm run gen:schema).
const gen: any = vats;

const SEED = process.env.WW_FUZZ_SEED !== undefined ? Number(process.env.WW_FUZZ_SEED) : 0x77f022;
const SCALE = process.env.WW_FUZZ_SCALE !== undefined ? Number(process.env.WW_FUZZ_SCALE) : 1;
/** Fuzz frames (random, mutated, generated) the whole file must deliver to Connections (issue 3). */
const MIN_FRAMES = 100_000;
/** Connections per category (each gets a batch of frames). */
const RUNS = { random: 3000, mutation: 1200, protocol: 2600 };
/** A probe or a close slower than this is a hang. */
const HANG_MS = 4_000;
/** Question ids the well-behaved probe uses; generated ids stay below them. */
const PROBE_BASE = 0xffff0000;
const CODES = new Set(['disconnected', 'overloaded', 'unimplemented', 'failed', 'permission-denied', 'stale-epoch', 'malformed']);

// ------------------------------------------------------------------ helpers

const tick = () => new Promise<void>((r) => setImmediate(r));
async function ticks(n: number): Promise<void> { for (let i = 0; i < n; i++) await tick(); }

function withTimeout<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, rej) => { timer = setTimeout(() => rej(new Error(`HANG: ${what()}`)), ms); }),
  ]);
}

function build(f: (m: rpc.Message) => void): Uint8Array {
  const msg = new $.Message();
  f(msg.initRoot(rpc.Message));
  return new Uint8Array(msg.toArrayBuffer());
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * The kind of a valid rpc Message, and the first UInt32 of its body (the
 * question id of a Call or Bootstrap, the answer id of a Return), read
 * straight from the bytes: the fake peer looks at every frame the
 * Connection sends, and a full parse of each would cost more than the
 * Connection's own work.
 */
function peek(frame: Uint8Array): { kind: number; id: number } {
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = dv.getUint32(0, true) + 1;
  const base = 4 + 4 * count + (count % 2 === 0 ? 4 : 0);
  const slow = () => {
    const m = new $.Message(frame, false).getRoot(rpc.Message);
    const kind = m.which();
    return { kind, id: kind === rpc.Message_Which.CALL ? m.call.questionId : kind === rpc.Message_Which.BOOTSTRAP ? m.bootstrap.questionId : kind === rpc.Message_Which.RETURN ? m.return.answerId : 0 };
  };
  const structAt = (w: number) => {
    const lo = dv.getInt32(base + w * 8, true), hi = dv.getUint32(base + w * 8 + 4, true);
    if ((lo & 3) !== 0) return null;
    return { data: w + 1 + (lo >> 2), dataWords: hi & 0xffff, ptrs: hi >>> 16 };
  };
  if (count !== 1) return slow();
  const root = structAt(0);
  if (!root || root.dataWords === 0 || root.ptrs === 0) return slow();
  const kind = dv.getUint16(base + root.data * 8, true);
  const body = dv.getBigUint64(base + (root.data + root.dataWords) * 8, true) === 0n ? null : structAt(root.data + root.dataWords);
  return { kind, id: body && body.dataWords > 0 ? dv.getUint32(base + body.data * 8, true) : 0 };
}

function kindOf(frame: Uint8Array): string {
  try {
    const w = new $.Message(frame, false).getRoot(rpc.Message).which();
    return Object.keys(rpc.Message_Which).find((k) => (rpc.Message_Which as any)[k] === w) ?? `kind ${w}`;
  } catch { return 'MALFORMED'; }
}

/** Escapes: every unhandled rejection or uncaught exception while the fuzz runs. */
const escaped: unknown[] = [];
// WW_FUZZ_DEBUG=1: also say where a promise that rejected unhandled was created.
const promiseStacks = new WeakMap<object, string>();
const DEBUG = !!process.env.WW_FUZZ_DEBUG;
if (DEBUG) {
  createHook({ init(_id, type, _trigger, resource) { if (type === 'PROMISE') promiseStacks.set(resource as object, new Error('created').stack ?? ''); } }).enable();
}
const onEscape = (e: unknown, p?: unknown) => {
  const where = p && typeof p === 'object' ? promiseStacks.get(p) : undefined;
  escaped.push(where && e instanceof Error ? Object.assign(e, { stack: `${e.stack}\n  -- the promise that rejected unhandled was ${where}` }) : e);
};

// ------------------------------------------------------------- the service

interface Ctx {
  /** Calls the service makes (our side's own questions); all must settle once the connection closes. */
  track<T>(p: Promise<T>, mustBeRpcError?: boolean, what?: string): Promise<T>;
  /** Resolves once the connection is closed: `hang` answers then. */
  closed: Promise<unknown>;
}

/** The test Svc, with delays in event-loop turns (deterministic) and bounded state. */
function makeSvc(ctx: Ctx): unknown {
  const held: any[] = [];
  const subServer = (tag: string): any => new gen.Sub$Server({
    get: async (_p: any, r: any) => { r.v = BigInt(tag.length); },
    log: async (p: any, r: any) => { r.n = p.tag.length; },
    next: async (_p: any, r: any) => { r.sub = new gen.Sub$Client(subServer(tag.slice(0, 8) + '+')); },
  });
  const shared = subServer('shared');
  return new gen.Svc$Server({
    ping: async (p: any, r: any) => { r.n = p.n + 1n; },
    slowSub: async (p: any, r: any) => { await ticks(p.delayMs % 12); r.sub = new gen.Sub$Client(subServer(p.tag)); },
    callback: async (p: any, r: any) => { r.v = (await ctx.track<any>(p.cb.get().promise())).v * 10n; },
    reflect: async (p: any, r: any) => {
      const cb: Hook = toHook(p.cb) ?? new BrokenHook(new RpcError('failed', 'null cb'));
      r.sub = new gen.Sub$Client(new PromiseHook(ticks(p.delayMs % 12).then(() => cb)));
    },
    hold: async (p: any) => { if (held.length < 8) held.push(p.cap); },
    forget: async () => { held.pop()?.client?.close?.(); },
    hang: () => ctx.closed.then(() => {}),
    sub: async (_p: any, r: any) => { r.sub = new gen.Sub$Client(shared); },
    pass: async (p: any, r: any) => { r.cap = p.cap; },
  });
}

function newCtx(closed: Promise<unknown>): Ctx & { pending: Array<{ settled: boolean; error?: unknown; rpc: boolean; what: string }> } {
  const pending: Array<{ settled: boolean; error?: unknown; rpc: boolean; what: string }> = [];
  return {
    pending,
    closed,
    track<T>(p: Promise<T>, mustBeRpcError = false, what = 'a call the service made'): Promise<T> {
      const rec = { settled: false, error: undefined as unknown, rpc: mustBeRpcError, what };
      pending.push(rec);
      p.then(() => { rec.settled = true; }, (e) => { rec.settled = true; rec.error = e; });
      return p;
    },
  } as any;
}

// -------------------------------------------------------- the recording

interface Recorded {
  /** Every frame of the session, both directions, in send order. */
  all: Array<{ from: 'A' | 'B'; bytes: Uint8Array }>;
  /** A's frames (B plays the Connection under test), with how many frames B had sent before each. */
  replay: Array<{ bytes: Uint8Array; after: number }>;
  kinds: Set<string>;
}
let recorded: Recorded;

async function record(): Promise<Recorded> {
  const [pa, pb] = pipePair();
  const all: Recorded['all'] = [];
  const tapped = (t: MessageTransport, from: 'A' | 'B'): MessageTransport => ({
    get closedWith() { return t.closedWith; },
    get closed() { return t.closed; },
    recv: () => t.recv(),
    close: (e) => t.close(e),
    send(frame) { all.push({ from, bytes: frame.slice() }); t.send(frame); },
  });
  let closeAll!: () => void;
  const closed = new Promise<void>((r) => { closeAll = r; });
  const ctxA = newCtx(closed), ctxB = newCtx(closed);
  const svcA = makeSvc(ctxA);
  const left = new Connection(tapped(pa, 'A'), { bootstrap: svcA as any });
  const right = new Connection(tapped(pb, 'B'), { bootstrap: makeSvc(ctxB) as any });
  const subA = (tag: string) => new gen.Sub$Server({
    get: async (_p: any, r: any) => { r.v = BigInt(tag.length); },
    log: async (p: any, r: any) => { r.n = p.tag.length; },
    next: async (_p: any, r: any) => { r.sub = new gen.Sub$Client(subA(tag + '+')); },
  });

  // Bootstrap, with a call pipelined on it before its Return.
  const svc = new gen.Svc$Client(left.bootstrapHook());
  expect((await svc.ping((p: any) => { p.n = 41n; }).promise()).n).toBe(42n);
  // Calls pipelined on a slow answer, two levels deep.
  const slow = svc.slowSub((p: any) => { p.delayMs = 6; p.tag = 'slow'; }).getSub();
  await Promise.all([
    slow.log((p: any) => { p.tag = 'a'; }).promise(),
    slow.log((p: any) => { p.tag = 'bb'; }).promise(),
    slow.next().getSub().get().promise(),
  ]);
  // Capabilities both ways: B calls back a capability of A's.
  expect((await svc.callback((p: any) => { p.cb = new gen.Sub$Client(subA('four')); }).promise()).v).toBe(40n);
  // B's own capability goes back to B (receiverHosted).
  const bSub = (await svc.sub().promise()).sub;
  await svc.callback((p: any) => { p.cb = bSub; }).promise();
  // A's bootstrap Svc through B and back, then called.
  const round: any = await svc.pass((p: any) => { p.cap = new gen.Svc$Client(svcA); }).promise();
  expect((await round.cap.ping((p: any) => { p.n = 7n; }).promise()).n).toBe(8n);
  // A promise resolving back into A: Resolve and Disembargo.
  const back = svc.reflect((p: any) => { p.cb = new gen.Sub$Client(subA('mine')); p.delayMs = 4; }).getSub();
  await back.log((p: any) => { p.tag = 'x'; }).promise();
  await ticks(12);
  await back.log((p: any) => { p.tag = 'y'; }).promise();
  // Release: B holds a capability of A's, then drops it; A drops B's.
  await svc.hold((p: any) => { p.cap = new gen.Sub$Client(subA('held')); }).promise();
  await svc.forget().promise();
  bSub.client.close();
  // Exceptions: a forged capability id, an unknown method.
  const ping = { interfaceId: gen.Svc$Client.interfaceId, methodId: 0, ParamsClass: gen.Svc_Ping$Params };
  await left.sendCall({ importedCap: 12345 }, { method: ping, paramsFunc: () => {} }).struct().catch(() => {});
  await svc.client.call({ method: { ...ping, methodId: 42 }, paramsFunc: () => {} }).struct().catch(() => {});
  // Unimplemented: Provide (level 3) is echoed back.
  (left as any).send((() => { const m = new $.Message(); const p = m.initRoot(rpc.Message)._initProvide(); p.questionId = 99; p._initTarget().importedCap = 0; return m; })());
  await ticks(12);
  // Abort.
  left.abort(new RpcError('failed', 'end of the recorded session'));
  await right.closed;
  closeAll();
  await ticks(2);

  const kinds = new Set(all.map((f) => kindOf(f.bytes)));
  const replay: Recorded['replay'] = [];
  let fromB = 0;
  for (const f of all) {
    if (f.from === 'B') fromB++;
    else if (kindOf(f.bytes) !== 'ABORT') replay.push({ bytes: f.bytes, after: fromB });
  }
  return { all, replay, kinds };
}

// ---------------------------------------------------------- protocol ops

type Xform = Array<number | null>; // a pointer field, or null for a noop op
type Desc =
  | { k: 'none' } | { k: 'senderHosted'; id: number } | { k: 'senderPromise'; id: number }
  | { k: 'receiverHosted'; id: number } | { k: 'receiverAnswer'; q: QRef; t: Xform } | { k: 'thirdParty' };
/**
 * A question id: a fresh one; a live one (asked and not finished yet in this
 * batch; a Finish takes it off the list); one used before (by recency,
 * finished or not); or any number.
 */
type QRef = { fresh: true } | { live: number } | { recent: number } | { id: number };
type Tgt = { cap: number } | { q: QRef; t: Xform };
type Content =
  | { k: 'null' } | { k: 'cap'; i: number }
  | { k: 'typed'; caps: Array<number | 'null' | 'struct'>; n: bigint; small: number; text: string }
  | { k: 'struct'; data: bigint[]; ptrs: Array<{ k: 'null' } | { k: 'cap'; i: number } | { k: 'text'; s: string } | { k: 'bytes'; b: Uint8Array } | { k: 'struct'; v: bigint }> };
type Op =
  | { op: 'call'; q: QRef; target: Tgt; iface: bigint; method: number; content: Content; caps: Desc[]; sendTo: 0 | 1 | 2 }
  | { op: 'bootstrap'; q: QRef }
  | { op: 'finish'; q: QRef; release: boolean }
  | { op: 'return'; id: number; kind: number; content: Content; caps: Desc[]; reason: string; type: number; other: number; releaseParamCaps: boolean }
  | { op: 'release'; id: number; count: number }
  | { op: 'resolve'; id: number; cap: Desc | null; reason: string }
  | { op: 'disembargo'; target: Tgt; ctx: number; id: number }
  | { op: 'abort'; reason: string; type: number }
  | { op: 'unimplemented'; inner: Op }
  | { op: 'level3'; kind: number; q: number }
  | { op: 'probe' } | { op: 'pause' };

const HUGE = [0x7fffffff, 0x80000000, 0xfffeffff, 0xffffffff, 65535, 4096];

/**
 * A small deterministic PRNG (mulberry32). Protocol batches are drawn from
 * it, seeded by fast-check: drawing ops one by one keeps the cost per frame
 * low, and a shorter batch with the same seed is a prefix of the longer one,
 * so fast-check can still shrink the length.
 */
class Rng {
  constructor(private s: number) {}
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number { return this.u32() % n; }
  bool(): boolean { return (this.u32() & 1) === 1; }
  u64(): bigint { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
  weighted<T>(choices: Array<[number, () => T]>): T {
    let total = 0;
    for (const [w] of choices) total += w;
    let r = this.int(total);
    for (const [w, f] of choices) { if (r < w) return f(); r -= w; }
    return choices[0]![1]();
  }
  string(max: number): string {
    const n = this.int(max + 1);
    let out = '';
    for (let i = 0; i < n; i++) {
      const x = this.int(10); // mostly printable ASCII, some control characters (NUL too), some beyond ASCII
      out += String.fromCodePoint(x < 8 ? 32 + this.int(95) : x === 8 ? this.int(32) : 0x80 + this.int(0x2000));
    }
    return out;
  }
  bytes(max: number): Uint8Array { const b = new Uint8Array(this.int(max + 1)); for (let i = 0; i < b.length; i++) b[i] = this.int(256); return b; }
}

/** Random protocol messages, as abstract ops the OpWriter turns into frames. */
class OpGen {
  constructor(private readonly r: Rng) {}
  /** A weighted choice, its table built once. */
  private choice<T>(choices: Array<[number, () => T]>): () => T {
    const total = choices.reduce((n, [w]) => n + w, 0);
    return () => {
      let x = this.r.int(total);
      for (const [w, f] of choices) { if (x < w) return f(); x -= w; }
      return choices[0]![1]();
    };
  }
  smallId = () => this.r.int(8);
  anyId = this.choice<number>([[8, this.smallId], [2, () => this.r.int(1024)], [1, () => this.r.pick(HUGE)]]);
  /** For a new question: nearly always fresh (a reused id in use is a protocol violation: Abort). */
  qref = this.choice<QRef>([[400, () => ({ fresh: true })], [1, () => ({ recent: this.r.int(7) })], [1, () => ({ id: this.anyId() })]]);
  /** For a Finish: nearly always a live question. */
  finishQ = this.choice<QRef>([[240, () => ({ live: this.r.int(7) })], [1, () => ({ recent: this.r.int(7) })], [1, () => ({ id: this.anyId() })]]);
  /** For promisedAnswer targets and receiverAnswer descriptors: unknown ones only fail the call. */
  oldQ = this.choice<QRef>([[6, () => ({ live: this.r.int(7) })], [2, () => ({ recent: this.r.int(7) })], [1, () => ({ id: this.anyId() })]]);
  xformOp = this.choice<number | null>([[6, () => this.r.int(3)], [1, () => null], [1, () => this.r.pick([7, 65535])]]);
  xform = (): Xform => Array.from({ length: this.r.int(4) }, this.xformOp);
  desc = this.choice<Desc>([
    [1, () => ({ k: 'none' })],
    [1, () => ({ k: 'senderHosted', id: this.anyId() })],
    [1, () => ({ k: 'senderPromise', id: this.anyId() })],
    [1, () => ({ k: 'receiverHosted', id: this.anyId() })],
    [1, () => ({ k: 'receiverAnswer', q: this.oldQ(), t: this.xform() })],
    [1, () => ({ k: 'thirdParty' })],
  ]);
  descCount = this.choice<number>([[3, () => 0], [4, () => 1 + this.r.int(3)]]);
  descs = () => Array.from({ length: this.descCount() }, this.desc);
  target = this.choice<Tgt>([[3, () => ({ cap: this.anyId() })], [3, () => ({ q: this.oldQ(), t: this.xform() })]]);
  capIndex = this.choice<number>([[6, () => this.r.int(4)], [1, () => this.r.pick([0xffffffff, 1 << 30])]]);
  capField = this.choice<number | 'null' | 'struct'>([[5, this.capIndex], [1, () => 'null'], [1, () => 'struct']]);
  ptrField = this.choice<any>([
    [1, () => ({ k: 'null' })], [1, () => ({ k: 'cap', i: this.capIndex() })], [1, () => ({ k: 'text', s: this.r.string(10) })],
    [1, () => ({ k: 'bytes', b: this.r.bytes(12) })], [1, () => ({ k: 'struct', v: this.r.u64() })],
  ]);
  content = this.choice<Content>([
    [1, () => ({ k: 'null' })],
    [1, () => ({ k: 'cap', i: this.capIndex() })],
    [6, () => ({ k: 'typed', caps: [this.capField()], n: this.r.u64(), small: this.r.bool() ? this.r.int(21) : this.r.u32(), text: this.r.string(12) })],
    [2, () => ({ k: 'struct', data: Array.from({ length: this.r.int(4) }, () => this.r.u64()), ptrs: Array.from({ length: this.r.int(4) }, this.ptrField) })],
  ]);
  reason = this.choice<string>([[3, () => this.r.string(20)], [1, () => this.r.pick(['failed: x', 'disconnected: gone', 'malformed: bad', 'overloaded: busy', 'bogus-code: y'])]]);
  iface = this.choice<bigint>([[6, () => 0n], [3, () => 1n], [1, () => this.r.u64()]]); // 0n and 1n stand for Svc's and Sub's interface ids
  method = this.choice<number>([[8, () => this.r.int(10)], [1, () => this.r.pick([42, 65535])]]);
  sendTo = this.choice<0 | 1 | 2>([[24, () => 0], [1, () => 1], [1, () => 2]]);
  returnId = this.choice<number>([[5, () => this.r.int(6)], [1, this.anyId]]);
  count = this.choice<number>([[6, () => this.r.int(4)], [1, () => 0xffffffff]]);
  // Weighted so that about 1.5% of messages end the connection (unknown ids,
  // Abort, a Disembargo that does not loop back): batches run long enough to
  // build up state, and every kind of ending still happens often.
  simple = this.choice<Op>([
    [360, () => ({
      op: 'call', q: this.qref(), target: this.target(), iface: this.iface(), method: this.method(),
      content: this.content(), caps: this.descs(), sendTo: this.sendTo(),
    })],
    [40, () => ({ op: 'bootstrap', q: this.qref() })],
    [180, () => ({ op: 'finish', q: this.finishQ(), release: this.r.bool() })],
    [2, () => ({
      op: 'return', id: this.returnId(), kind: this.r.int(6), content: this.content(), caps: this.descs(),
      reason: this.reason(), type: this.r.int(5), other: this.anyId(), releaseParamCaps: this.r.bool(),
    })],
    [2, () => ({ op: 'release', id: this.r.bool() ? this.smallId() : this.anyId(), count: this.count() })],
    [40, () => ({ op: 'resolve', id: this.anyId(), cap: this.r.int(6) ? this.desc() : null, reason: this.reason() })],
    [4, () => ({ op: 'disembargo', target: this.target(), ctx: this.r.int(4), id: this.anyId() })],
    [1, () => ({ op: 'abort', reason: this.reason(), type: this.r.int(6) })],
    [24, () => ({ op: 'level3', kind: this.r.int(6), q: this.anyId() })],
    [20, () => ({ op: 'pause' })],
    [6, () => ({ op: 'probe' })],
  ]);
  op = (): Op => {
    if (this.r.int(21) !== 0) return this.simple();
    let inner: Op;
    do inner = this.simple(); while (inner.op === 'pause' || inner.op === 'probe' || inner.op === 'abort');
    return { op: 'unimplemented', inner };
  };
}

/** A copy of a generated message with 1 to 3 random values written into its data fields (past the root's union tag). */
function variant(frame: Uint8Array, r: Rng): Uint8Array | null {
  const ranges = dataRanges(frame);
  if (ranges.length < 2) return null;
  const o = frame.slice();
  const dv = new DataView(o.buffer);
  for (let n = 1 + r.int(3); n > 0; n--) {
    const [from, to] = ranges[1 + r.int(ranges.length - 1)]!;
    const v = r.weighted<number>([[3, () => r.int(16)], [2, () => r.u32()], [1, () => r.pick([0xff, 0xffff, 0xfffe, 0xffffffff, 0x80000000])]]);
    const width = r.pick([1, 2, 4] as const);
    if (to - from < width) continue;
    const at = from + r.int(to - from - width + 1);
    if (width === 1) dv.setUint8(at, v & 0xff); else if (width === 2) dv.setUint16(at, v & 0xffff, true); else dv.setUint32(at, v >>> 0, true);
  }
  return o;
}

class NoOp extends Error {}

/** Turns abstract ops into messages, keeping track of the question ids used. */
class OpWriter {
  private nextQ = 0;
  readonly used: number[] = [];
  readonly live: number[] = [];
  /** The id a reference names; `ask` for a new question, `finish` to take a live one off the list. */
  qid(r: QRef, use: 'ask' | 'finish' | 'name'): number {
    let id: number;
    if ('fresh' in r) id = use === 'ask' ? this.nextQ++ : this.live[this.live.length - 1] ?? this.nextQ;
    else if ('live' in r) {
      const i = this.live.length ? this.live.length - 1 - (r.live % this.live.length) : -1;
      // A Finish with no live question to finish is left out (random ids cover unknown ones).
      if (i < 0 && use === 'finish') throw new NoOp();
      id = i >= 0 ? this.live[i]! : this.used[this.used.length - 1] ?? 0;
      if (use === 'finish') this.live.splice(i, 1);
    } else if ('recent' in r) id = this.used.length ? this.used[Math.max(0, this.used.length - 1 - r.recent)]! : r.recent;
    else id = r.id;
    if (use === 'ask') { this.used.push(id); this.live.push(id); }
    return id;
  }
  private writeXform(pa: rpc.PromisedAnswer, t: Xform): void {
    if (!t.length) return;
    const ops = pa._initTransform(t.length);
    t.forEach((f, i) => { if (f === null) ops.get(i).noop = true; else ops.get(i).getPointerField = f; });
  }
  private writeTarget(mt: rpc.MessageTarget, t: Tgt): void {
    if ('cap' in t) { mt.importedCap = t.cap; return; }
    const pa = mt._initPromisedAnswer();
    pa.questionId = this.qid(t.q, 'name');
    this.writeXform(pa, t.t);
  }
  private writeDesc(d: rpc.CapDescriptor, c: Desc): void {
    switch (c.k) {
      case 'none': d.none = true; break;
      case 'senderHosted': d.senderHosted = c.id; break;
      case 'senderPromise': d.senderPromise = c.id; break;
      case 'receiverHosted': d.receiverHosted = c.id; break;
      case 'receiverAnswer': { const pa = d._initReceiverAnswer(); pa.questionId = this.qid(c.q, 'name'); this.writeXform(pa, c.t); break; }
      case 'thirdParty': d._initThirdPartyHosted().vineId = 3; break;
    }
  }
  private writePayload(p: rpc.Payload, c: Content, caps: Desc[], Params: any): void {
    switch (c.k) {
      case 'null': break;
      case 'cap': $.utils.setInterfacePointer(c.i, p.content); break;
      case 'typed': {
        const s: any = $.utils.getPointerAs(0, Params ?? gen.Svc_Reflect$Params, p);
        $.utils.initStruct((Params ?? gen.Svc_Reflect$Params)._capnp.size, s);
        const size = (Params ?? gen.Svc_Reflect$Params)._capnp.size as $.ObjectSize;
        // Every data word and pointer field gets a random value of a plausible kind.
        for (let w = 0; w * 8 < size.dataByteLength; w++) $.utils.setUint64(w * 8, w === 0 ? (c.n & 1n ? c.n : BigInt(c.small)) : c.n, s);
        if (Params === gen.Svc_SlowSub$Params || Params === gen.Sub_Log$Params) {
          // Their pointer is a text field (the tag).
          if (Params === gen.Svc_SlowSub$Params) s.delayMs = c.small;
          if (c.caps[0] !== 'null') s.tag = c.text;
          break;
        }
        for (let i = 0; i < size.pointerLength; i++) {
          const v = c.caps[i % c.caps.length]!;
          if (v === 'null') continue;
          if (v === 'struct') { $.utils.setText(i, c.text, s); continue; }
          $.utils.setInterfacePointer(v, $.utils.getPointer(i, s));
        }
        break;
      }
      case 'struct': {
        const s: any = $.utils.getPointerAs(0, $.Struct as any, p);
        $.utils.initStruct(new $.ObjectSize(c.data.length * 8, c.ptrs.length), s);
        c.data.forEach((v, w) => $.utils.setUint64(w * 8, v, s));
        c.ptrs.forEach((v, i) => {
          switch (v.k) {
            case 'null': break;
            case 'cap': $.utils.setInterfacePointer(v.i, $.utils.getPointer(i, s)); break;
            case 'text': $.utils.setText(i, v.s, s); break;
            case 'bytes': { const d = $.utils.initData(i, v.b.length, s); for (let k = 0; k < v.b.length; k++) d.set(k, v.b[k]!); break; }
            case 'struct': {
              const inner: any = $.utils.getPointerAs(i, $.Struct as any, s);
              $.utils.initStruct(new $.ObjectSize(8, 1), inner);
              $.utils.setUint64(0, v.v, inner);
              break;
            }
          }
        });
        break;
      }
    }
    if (caps.length) {
      const t = p._initCapTable(caps.length);
      caps.forEach((c, i) => this.writeDesc(t.get(i), c));
    }
  }
  private paramsClass(iface: bigint, method: number): any {
    const cls = iface === gen.Svc$Client.interfaceId ? gen.Svc$Client : iface === gen.Sub$Client.interfaceId ? gen.Sub$Client : null;
    return cls?.methods[method]?.ParamsClass ?? null;
  }
  write(m: rpc.Message, o: Op): void {
    switch (o.op) {
      case 'call': {
        const c = m._initCall();
        const iface = o.iface === 0n ? gen.Svc$Client.interfaceId : o.iface === 1n ? gen.Sub$Client.interfaceId : o.iface;
        c.questionId = this.qid(o.q, 'ask');
        c.interfaceId = iface;
        c.methodId = o.method;
        this.writeTarget(c._initTarget(), o.target);
        this.writePayload(c._initParams(), o.content, o.caps, this.paramsClass(iface, o.method));
        if (o.sendTo === 1) c._initSendResultsTo().yourself = true;
        else if (o.sendTo === 2) { $.utils.setUint16(6, 2, c); $.utils.setText(2, 'elsewhere', c); } // sendResultsTo.thirdParty
        break;
      }
      case 'bootstrap': m._initBootstrap().questionId = this.qid(o.q, 'ask'); break;
      case 'finish': { const f = m._initFinish(); f.questionId = this.qid(o.q, 'finish'); f.releaseResultCaps = o.release; break; }
      case 'return': {
        const r = m._initReturn();
        r.answerId = o.id;
        r.releaseParamCaps = o.releaseParamCaps;
        switch (o.kind) {
          case 0: this.writePayload(r._initResults(), o.content, o.caps, gen.Svc_SlowSub$Results); break;
          case 1: { const e = r._initException(); e.reason = o.reason; e.type = o.type as rpc.Exception_Type; break; }
          case 2: r.canceled = true; break;
          case 3: r.resultsSentElsewhere = true; break;
          case 4: r.takeFromOtherQuestion = o.other; break;
          default: this.writePayload(r._initResults(), o.content, o.caps, null);
        }
        break;
      }
      case 'release': { const r = m._initRelease(); r.id = o.id; r.referenceCount = o.count; break; }
      case 'resolve': {
        const r = m._initResolve();
        r.promiseId = o.id;
        if (o.cap) this.writeDesc(r._initCap(), o.cap);
        else { const e = r._initException(); e.reason = o.reason; }
        break;
      }
      case 'disembargo': {
        const d = m._initDisembargo();
        this.writeTarget(d._initTarget(), o.target);
        const ctx = d._initContext();
        if (o.ctx === 0) ctx.senderLoopback = o.id;
        else if (o.ctx === 1) ctx.receiverLoopback = o.id;
        else if (o.ctx === 2) ctx.accept = true;
        else ctx.provide = o.id;
        break;
      }
      case 'abort': { const e = m._initAbort(); e.reason = o.reason; e.type = o.type as rpc.Exception_Type; break; }
      case 'unimplemented': {
        // The questions of an echoed message are not questions the Connection has.
        const [used, live] = [this.used.slice(), this.live.slice()];
        this.write(m._initUnimplemented(), o.inner);
        this.used.splice(0, this.used.length, ...used);
        this.live.splice(0, this.live.length, ...live);
        break;
      }
      case 'level3': {
        if (o.kind === 0) { const p = m._initProvide(); p.questionId = o.q; p._initTarget().importedCap = 0; }
        else if (o.kind === 1) m._initAccept().questionId = o.q;
        else if (o.kind === 2) { const j = m._initJoin(); j.questionId = o.q; j._initTarget().importedCap = o.q; }
        else if (o.kind === 3) { $.utils.setUint16(0, 7, m); $.utils.setText(0, 'save', m); } // obsoleteSave
        else $.utils.setUint16(0, 9 + (o.q % 40), m); // obsoleteDelete .. join, disembargo with no body, or kinds that do not exist
        break;
      }
      case 'probe': case 'pause': break;
    }
  }
}

// --------------------------------------------------------- the fake peer

/** What the fake peer does with a question the Connection asks it. */
const enum Reply { Ignore, Results, Exception, Canceled, WrongId, Unimplemented, Garbage, Twice, SentElsewhere }

interface SessionOpts {
  /** Replies to the Connection's questions, used in turn; past the end, questions go unanswered. */
  replies: number[];
  /** Random numbers for the replies' contents. */
  noise: number[];
  /** Make calls of our own from the Connection under test (to the fake peer). */
  own: boolean;
  /** Echo the Connection's Disembargo(senderLoopback) (else leave it embargoed until close). */
  echoEmbargo: boolean;
  /** Text naming the batch, for failure messages. */
  label: string | (() => string);
}

/**
 * What the fake peer sends: a frame (`fuzz`: random, mutated or generated,
 * as opposed to an unmutated recorded frame replayed for context), a probe
 * (a well-behaved ping that must be answered), or a pause of a few turns.
 */
type Step = { bytes: Uint8Array; fuzz: boolean; after?: number } | { probe: true } | { pause: number };

interface SessionResult { delivered: number; fuzzDelivered: number; closed: RpcError; closedBy: 'us' | 'itself'; probes: number }

const blank = () => ({ connections: 0, fuzzFrames: 0, contextFrames: 0, probes: 0, closedItself: 0 });
const totals = { random: blank(), mutation: blank(), protocol: blank() };
/** Why connections closed themselves, by category (numbers stripped), for tuning and the report. */
const reasons: Record<string, Map<string, number>> = { random: new Map(), mutation: new Map(), protocol: new Map() };

/**
 * One Connection under test, fed `steps` from a fake peer. Throws (with the
 * batch described) on anything the Connection must never do.
 */
async function session(steps: Iterable<Step>, opts: SessionOpts): Promise<SessionResult> {
  const started = Date.now();
  const [raw, end] = pipePair();
  const history: Array<[string, Uint8Array]> = []; // what the peer sent, for failure messages
  const fail = (why: string): never => {
    const shown = history.slice(-16).map(([w, b]) => `${w} ${hex(b)}`).join('\n    ');
    throw new Error(`${why}\n  batch: ${typeof opts.label === 'string' ? opts.label : opts.label()}\n  peer sent (hex frames, last 16 of ${history.length}):\n    ${shown}`);
  };
  let delivered = 0, fuzzDelivered = 0, outCount = 0;
  let conn!: Connection;
  // Whether each frame in flight is fuzz, in order; once the framing is off, every frame counts as fuzz.
  const labels: boolean[] = [];
  const counted: MessageTransport = {
    get closedWith() { return end.closedWith; },
    get closed() { return end.closed; },
    close: (e) => end.close(e),
    send(f) { outCount++; end.send(f); },
    async recv() {
      const f = await end.recv();
      if (f && !conn?.isClosed) { delivered++; if (labels.shift() ?? true) fuzzDelivered++; }
      return f;
    },
  };
  let markClosed!: () => void;
  const closedForSvc = new Promise<void>((r) => { markClosed = r; });
  const ctx = newCtx(closedForSvc);
  conn = new Connection(counted, { bootstrap: makeSvc(ctx) as any });
  let isClosed = false;
  const closedP = conn.closed.then((e) => { isClosed = true; markClosed(); return e; });

  // The byte stream as the Connection's decoder sees it: in sync, waiting for the rest of a frame, or broken.
  const mirror = new FrameDecoder(DEFAULT_FRAME_LIMITS);
  let framing: 'ok' | 'broken' = 'ok';
  const inSync = () => framing === 'ok' && mirror.pending === 0;
  const push = (bytes: Uint8Array, what: string, fuzz = false) => {
    if (raw.closed) return;
    history.push([what, bytes]);
    if (framing === 'ok') {
      const before = mirror.pending;
      let frames = 0;
      try { frames = mirror.push(bytes.slice()).length; } catch { framing = 'broken'; }
      // A frame that stays in sync is one message, labelled; anything else is fuzz.
      if (before === 0 && frames === 1 && mirror.pending === 0) labels.push(fuzz);
      else for (let i = 0; i < frames; i++) labels.push(true);
    }
    raw.send(bytes);
  };

  // The fake peer's side: read what the Connection sends, answer its questions.
  let sawAbort = false;
  const probeWaiters = new Map<number, (r: rpc.Return) => void>();
  let reply = 0, noise = 0;
  const rnd = () => opts.noise.length ? opts.noise[noise++ % opts.noise.length]! : 0;
  const answer = (qid: number, original: Uint8Array) => {
    const kind = reply < opts.replies.length ? opts.replies[reply++]! : Reply.Ignore;
    const n = rnd();
    const ret = (f: (r: rpc.Return) => void) => build((m) => { const r = m._initReturn(); r.answerId = qid; f(r); });
    let out: Uint8Array | null = null;
    switch (kind) {
      case Reply.Ignore: break;
      case Reply.Results: out = ret((r) => {
        const p = r._initResults();
        const caps = n % 4;
        // The content: a capability pointer (as for bootstrap) or a Sub-shaped struct.
        if (n & 16) $.utils.setInterfacePointer(n % 3, p.content);
        else {
          const s: any = $.utils.getPointerAs(0, gen.Sub_Next$Results, p);
          $.utils.initStruct(gen.Sub_Next$Results._capnp.size, s);
          $.utils.setInterfacePointer((n >> 5) % 3, $.utils.getPointer(0, s));
        }
        if (caps) {
          const t = p._initCapTable(caps);
          for (let i = 0; i < caps; i++) {
            const v = rnd(), d = t.get(i);
            switch (v % 6) {
              case 0: d.senderHosted = v % 5; break;
              case 1: d.senderPromise = (v >> 3) % 5; break;
              case 2: d.receiverHosted = v % 3 === 0 ? 0xffffffff : (v >> 3) % 4; break;
              case 3: d._initReceiverAnswer().questionId = (v >> 3) % 8; break;
              case 4: d.none = true; break;
              default: d.senderHosted = 100 + (v % 3);
            }
          }
        }
      }); break;
      case Reply.Exception: out = ret((r) => { const e = r._initException(); e.reason = n % 2 ? `failed: no ${n}` : `whatever ${n}`; e.type = (n % 4) as rpc.Exception_Type; }); break;
      case Reply.Canceled: out = ret((r) => { r.canceled = true; }); break;
      case Reply.WrongId: out = build((m) => { const r = m._initReturn(); r.answerId = qid + 1 + (n % 3); r.canceled = true; }); break;
      case Reply.Unimplemented: out = build((m) => { m.unimplemented = new $.Message(original, false).getRoot(rpc.Message); }); break;
      case Reply.Garbage: {
        out = original.slice();
        for (let i = 0; i < 3; i++) out[(rnd() >>> 0) % out.length] = rnd() & 255;
        break;
      }
      case Reply.Twice: out = ret((r) => { r.canceled = true; }); push(out, 'reply'); break;
      case Reply.SentElsewhere: out = ret((r) => { r.resultsSentElsewhere = true; }); break;
    }
    if (out) push(out, 'reply');
  };
  const peerLoop = (async () => {
    for (;;) {
      const f = await raw.recv();
      if (!f) return;
      try { validateMessage(f); } catch (e) { fail(`the Connection sent an invalid message (${(e as Error).message}): ${hex(f)}`); }
      const { kind, id } = peek(f);
      switch (kind) {
        case rpc.Message_Which.ABORT: sawAbort = true; break;
        case rpc.Message_Which.RETURN: {
          const w = probeWaiters.get(id);
          if (w) { probeWaiters.delete(id); w(new $.Message(f, false).getRoot(rpc.Message).return); }
          break;
        }
        case rpc.Message_Which.BOOTSTRAP: case rpc.Message_Which.CALL: if (!raw.closed) answer(id, f); break;
        case rpc.Message_Which.DISEMBARGO: {
          const d = new $.Message(f, false).getRoot(rpc.Message).disembargo;
          if (opts.echoEmbargo && d.context.which() === rpc.Disembargo_Context_Which.SENDER_LOOPBACK) {
            const id = d.context.senderLoopback;
            push(build((o) => { const e = o._initDisembargo(); e._initTarget().importedCap = 0; e._initContext().receiverLoopback = id; }), 'echo');
          }
          break;
        }
      }
    }
  })();
  const peerDone = peerLoop.catch((e) => e as Error);

  // Our own questions to the fake peer: each must settle (success or RpcError) once the connection closes.
  if (opts.own) {
    const svc = new gen.Svc$Client(conn.bootstrapHook());
    ctx.track(svc.ping((p: any) => { p.n = 5n; }).promise(), true, 'our ping on the bootstrap capability');
    ctx.track(svc.slowSub((p: any) => { p.delayMs = 1; }).getSub().get().promise(), true, 'our call pipelined on slowSub');
    ctx.track(conn.sendCall({ importedCap: rnd() % 4 }, {
      method: { interfaceId: gen.Sub$Client.interfaceId, methodId: 0, ParamsClass: gen.Sub_Get$Params }, paramsFunc: () => {},
    }).struct(), true, 'our call on an import');
    ctx.track(conn.bootstrap(), true, 'our bootstrap');
  }

  let probes = 0;
  const probe = async (): Promise<void> => {
    const b = PROBE_BASE + 2 * probes++;
    const n = BigInt(rnd());
    const got = new Promise<rpc.Return>((res) => probeWaiters.set(b + 1, res));
    push(build((m) => { m._initBootstrap().questionId = b; }), 'probe');
    push(build((m) => {
      const c = m._initCall();
      c.questionId = b + 1;
      c.interfaceId = gen.Svc$Client.interfaceId;
      c.methodId = 0;
      c._initTarget()._initPromisedAnswer().questionId = b;
      const p = $.utils.getPointerAs(0, gen.Svc_Ping$Params, c._initParams());
      $.utils.initStruct(gen.Svc_Ping$Params._capnp.size, p);
      (p as any).n = n;
    }), 'probe');
    const r = await withTimeout(Promise.race([got, closedP.then(() => null)]), HANG_MS,
      () => `the Connection neither answered a ping nor closed within ${HANG_MS} ms (stats ${JSON.stringify(conn.stats())})`).catch((e: Error) => fail(e.message));
    if (r === null) return; // closed meanwhile: allowed
    if (r.which() !== rpc.Return_Which.RESULTS) fail(`the probe's ping failed on an open connection: ${r.which() === rpc.Return_Which.EXCEPTION ? r.exception.reason : `return kind ${r.which()}`}`);
    const got2 = $.utils.getAs(gen.Svc_Ping$Results, r.results.content) as any;
    if (got2.n !== n + 1n) fail(`the probe's ping answered ${got2.n}, not ${n + 1n}`);
    push(build((m) => { const f = m._initFinish(); f.questionId = b + 1; }), 'probe');
    push(build((m) => { const f = m._initFinish(); f.questionId = b; f.releaseResultCaps = true; }), 'probe');
  };

  let sinceTick = 0;
  for (const s of steps) {
    if (isClosed || raw.closed) break;
    if ('probe' in s) { if (inSync()) await probe(); continue; }
    if ('pause' in s) { await ticks(s.pause); continue; }
    if (s.after !== undefined) {
      // Replaying a recording: wait (a little) until the Connection has sent what it had sent then.
      for (let i = 0; i < 24 && outCount < s.after && !isClosed; i++) await tick();
    }
    push(s.bytes, s.fuzz ? 'fuzz' : 'frame', s.fuzz);
    if (++sinceTick >= 24) { sinceTick = 0; await tick(); }
  }
  await tick();
  // Still open and in sync: a well-behaved call must still work.
  if (!isClosed && inSync()) await probe();
  const closedBy: 'us' | 'itself' = isClosed ? 'itself' : 'us';
  raw.close();
  const reason = await withTimeout(closedP, HANG_MS, () => `the Connection did not close within ${HANG_MS} ms after the peer disconnected`).catch((e: Error) => fail(e.message));
  if (!(reason instanceof RpcError) || !CODES.has(reason.code)) fail(`closed with ${String(reason)}, not a structured RpcError`);
  const peerError = await peerDone;
  if (peerError instanceof Error) throw peerError;
  // (A broken frame closes the transport at once, so an Abort for an earlier queued message has nowhere to go.)
  if (closedBy === 'itself' && !reason.remote && reason.code !== 'disconnected' && !sawAbort && framing === 'ok') fail(`closed itself with ${reason.code} (${reason.message}) without sending Abort`);
  // Let late callbacks run, then: nothing left in the tables.
  await ticks(3);
  const st = conn.stats();
  if (st.questions || st.answers || st.embargoes || st.exports || st.imports) fail(`tables not empty after close: ${JSON.stringify(st)} (closed with ${reason.code}: ${reason.message})`);
  // Every call the Connection's side made has settled.
  for (let i = 0; i < 40 && ctx.pending.some((p) => !p.settled); i++) await tick();
  const stuck = ctx.pending.filter((p) => !p.settled);
  if (stuck.length) fail(`${stuck.length} of our calls never settled after close: ${stuck.map((p) => p.what).join(', ')}`);
  for (const p of ctx.pending) {
    if (p.rpc && p.error !== undefined && !(p.error instanceof RpcError)) fail(`${p.what} failed with ${String(p.error)}, not an RpcError`);
  }
  if (escaped.length) fail(`an exception escaped: ${(escaped[0] as Error)?.stack ?? String(escaped[0])}`);
  // Time spent in synchronous handling cannot be cut short by a timer, but it is bounded too.
  const took = Date.now() - started;
  if (took > 4 * HANG_MS) fail(`the batch took ${took} ms`);
  return { delivered, fuzzDelivered, closed: reason, closedBy, probes };
}

function tally(cat: keyof typeof totals, r: SessionResult): void {
  const t = totals[cat];
  t.connections++;
  t.fuzzFrames += r.fuzzDelivered;
  t.contextFrames += r.delivered - r.fuzzDelivered;
  t.probes += r.probes;
  if (r.closedBy === 'itself') {
    t.closedItself++;
    const k = `${r.closed.code}: ${r.closed.message.replace(/\d+/g, 'N').slice(0, 90)}`;
    reasons[cat]!.set(k, (reasons[cat]!.get(k) ?? 0) + 1);
  }
}

const replyPlan = fc.array(fc.oneof(
  { weight: 3, arbitrary: fc.constant(Reply.Results) },
  { weight: 2, arbitrary: fc.constant(Reply.Ignore) },
  { weight: 2, arbitrary: fc.constant(Reply.Exception) },
  { weight: 1, arbitrary: fc.constantFrom(Reply.Canceled, Reply.WrongId, Reply.Unimplemented, Reply.Garbage, Reply.Twice, Reply.SentElsewhere) },
), { maxLength: 8 });
const noise = fc.array(fc.nat(), { minLength: 1, maxLength: 8 });

async function check(cat: string, prop: fc.IAsyncProperty<any>, numRuns: number): Promise<void> {
  try {
    await fc.assert(prop, { numRuns: Math.max(1, Math.round(numRuns * SCALE)), seed: SEED, endOnFailure: true });
  } catch (e) {
    (e as Error).message = `rpc fuzz (${cat}) failed; replay with WW_FUZZ_SEED=${SEED} (and WW_FUZZ_DEBUG=1 for stacks)\n${(e as Error).message}`;
    throw e;
  }
}

// ----------------------------------------------------------- framing bits

/** Frames segments (each a multiple of 8 bytes) with a correct segment table. */
function frameOf(segs: Uint8Array[]): Uint8Array {
  const count = segs.length;
  const header = 4 + 4 * count + (count % 2 === 0 ? 4 : 0);
  const out = new Uint8Array(header + segs.reduce((n, s) => n + s.length, 0));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, count - 1, true);
  segs.forEach((s, i) => dv.setUint32(4 + 4 * i, s.length / 8, true));
  let at = header;
  for (const s of segs) { out.set(s, at); at += s.length; }
  return out;
}
const pad8 = (b: Uint8Array) => { const o = new Uint8Array(Math.ceil(b.length / 8) * 8); o.set(b); return o; };

/** The segments of a framed message; a header that does not fit gives one segment of whatever follows 8 bytes. */
function segsOf(frame: Uint8Array): Uint8Array[] {
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = frame.length >= 4 ? dv.getUint32(0, true) + 1 : 0;
  const header = 4 + 4 * count + (count % 2 === 0 ? 4 : 0);
  if (count === 0 || count > 16 || header > frame.length) return [pad8(frame.subarray(Math.min(8, frame.length)))];
  const out: Uint8Array[] = [];
  let at = header;
  for (let i = 0; i < count; i++) { const n = dv.getUint32(4 + 4 * i, true) * 8; out.push(pad8(frame.slice(at, Math.min(frame.length, at + n)))); at += n; }
  return out;
}

// ------------------------------------------------------------ mutations

type Mutation =
  | { k: 'flip'; at: number[] } | { k: 'byte'; at: Array<[number, number]> } | { k: 'word'; at: number; v: bigint }
  | { k: 'truncate'; keep: number; fix: boolean } | { k: 'extend'; extra: Uint8Array; fix: boolean }
  | { k: 'segCount'; v: number } | { k: 'segSize'; i: number; v: number } | { k: 'addSegment'; words: Uint8Array }
  | { k: 'data'; picks: Array<{ range: number; at: number; v: number; width: 1 | 2 | 4 }> }
  | { k: 'none' };

/**
 * Byte ranges of a well-formed frame that hold data, not pointers: struct
 * data sections (ids, union tags, method ids, flags) and the bodies of
 * primitive lists (text, data). Changing them keeps the message valid, so
 * it reaches the RPC layer's own checks rather than the validator's.
 */
const rangesCache = new WeakMap<Uint8Array, Array<[number, number]>>();
function dataRanges(frame: Uint8Array): Array<[number, number]> {
  let out = rangesCache.get(frame);
  if (out) return out;
  out = [];
  const ranges = out;
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = dv.getUint32(0, true) + 1;
  const starts: number[] = [];
  let at = 4 + 4 * count + (count % 2 === 0 ? 4 : 0);
  for (let i = 0; i < count; i++) { starts.push(at); at += dv.getUint32(4 + 4 * i, true) * 8; }
  const lo = (seg: number, w: number) => dv.getInt32(starts[seg]! + w * 8, true);
  const hi = (seg: number, w: number) => dv.getUint32(starts[seg]! + w * 8 + 4, true);
  const add = (seg: number, w: number, bytes: number) => { if (bytes > 0) ranges.push([starts[seg]! + w * 8, starts[seg]! + w * 8 + bytes]); };
  const object = (ts: number, tw: number, seg: number, target: number, depth: number): void => {
    const a = lo(ts, tw), b = hi(ts, tw);
    if ((a & 3) === 0) {
      const d = b & 0xffff, p = b >>> 16;
      add(seg, target, d * 8);
      for (let i = 0; i < p; i++) pointer(seg, target + d + i, depth + 1);
      return;
    }
    const size = b & 7, n = b >>> 3;
    if (size === 7) {
      const el = lo(seg, target) >>> 2, tb = hi(seg, target), d = tb & 0xffff, p = tb >>> 16;
      for (let e = 0; e < el; e++) {
        const base = target + 1 + e * (d + p);
        add(seg, base, d * 8);
        for (let i = 0; i < p; i++) pointer(seg, base + d + i, depth + 1);
      }
    } else if (size === 6) {
      for (let i = 0; i < n; i++) pointer(seg, target + i, depth + 1);
    } else if (size >= 2) {
      add(seg, target, Math.ceil((n * [0, 1, 8, 16, 32, 64][size]!) / 8));
    }
  };
  const pointer = (seg: number, w: number, depth: number): void => {
    if (depth > 64) return;
    const a = lo(seg, w), b = hi(seg, w);
    if (a === 0 && b === 0) return;
    const kind = a & 3;
    if (kind === 3) return;
    if (kind !== 2) { object(seg, w, seg, w + 1 + (a >> 2), depth); return; }
    const pad = a >>> 3;
    if ((a & 4) === 0) { pointer(b, pad, depth); return; }
    object(b, pad + 1, hi(b, pad), lo(b, pad) >>> 3, depth);
  };
  try { pointer(0, 0, 0); } catch { /* not well formed: no data ranges */ }
  rangesCache.set(frame, ranges);
  return ranges;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }).map((at) => ({ k: 'flip' as const, at })) },
  { weight: 3, arbitrary: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }).map((at) => ({ k: 'byte' as const, at })) },
  {
    weight: 2,
    arbitrary: fc.record({
      at: fc.nat(),
      v: fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom(0n, (1n << 64n) - 1n, 0xfffffffcn, 0x0000000100000000n, 0xffff0000fffffffcn)),
    }).map((r) => ({ k: 'word' as const, ...r })),
  },
  { weight: 2, arbitrary: fc.record({ keep: fc.nat(), fix: fc.boolean() }).map((r) => ({ k: 'truncate' as const, ...r })) },
  { weight: 2, arbitrary: fc.record({ extra: fc.uint8Array({ minLength: 1, maxLength: 40 }), fix: fc.boolean() }).map((r) => ({ k: 'extend' as const, ...r })) },
  { weight: 1, arbitrary: fc.oneof(fc.nat(3), fc.constantFrom(511, 512, 0xffffffff)).map((v) => ({ k: 'segCount' as const, v })) },
  { weight: 2, arbitrary: fc.record({ i: fc.nat(3), v: fc.oneof(fc.nat(40), fc.constantFrom(0, 0x7fffffff, 0xffffffff, 1 << 21)) }).map((r) => ({ k: 'segSize' as const, ...r })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 32 }).map((b) => ({ k: 'addSegment' as const, words: pad8(b) })) },
  { weight: 1, arbitrary: fc.constant({ k: 'none' as const }) },
  {
    weight: 12,
    arbitrary: fc.array(fc.record({
      range: fc.nat(), at: fc.nat(),
      v: fc.oneof(fc.nat(0xffffffff), fc.constantFrom(0, 1, 2, 3, 7, 8, 13, 0xff, 0xffff, 0xfffe, 0xffffffff, 0x80000000)),
      width: fc.constantFrom(1 as const, 2 as const, 4 as const),
    }), { minLength: 1, maxLength: 3 }).map((picks) => ({ k: 'data' as const, picks })),
  },
);

/** Applies a mutation to one frame. The header lies about the body unless `fix` asks for a consistent one. */
function mutate(frame: Uint8Array, m: Mutation): Uint8Array {
  const headerLen = (f: Uint8Array) => {
    if (f.length < 8) return f.length;
    const c = new DataView(f.buffer, f.byteOffset).getUint32(0, true) + 1;
    return Math.min(f.length, 4 + 4 * c + (c % 2 === 0 ? 4 : 0));
  };
  if (frame.length < 8) return frame.slice();
  switch (m.k) {
    case 'none': return frame.slice();
    case 'flip': { const o = frame.slice(); for (const a of m.at) o[(a >> 3) % o.length]! ^= 1 << (a & 7); return o; }
    case 'byte': { const o = frame.slice(); for (const [a, v] of m.at) o[a % o.length] = v; return o; }
    case 'word': {
      const o = frame.slice();
      const h = headerLen(frame);
      const words = Math.floor((o.length - h) / 8);
      if (words < 1) return o;
      new DataView(o.buffer).setBigUint64(h + 8 * (m.at % words), m.v, true);
      return o;
    }
    case 'truncate': {
      const keep = m.keep % frame.length;
      if (!m.fix) return frame.slice(0, keep);
      const segs = segsOf(frame);
      const body = Math.max(8, keep - headerLen(frame));
      const last = segs[segs.length - 1]!;
      segs[segs.length - 1] = last.slice(0, Math.min(last.length, Math.floor(body / 8) * 8));
      return frameOf(segs);
    }
    case 'extend': {
      if (!m.fix) { const o = new Uint8Array(frame.length + m.extra.length); o.set(frame); o.set(m.extra, frame.length); return o; }
      const segs = segsOf(frame);
      const last = segs[segs.length - 1]!;
      const ext = pad8(m.extra);
      const n = new Uint8Array(last.length + ext.length); n.set(last); n.set(ext, last.length);
      segs[segs.length - 1] = n;
      return frameOf(segs);
    }
    case 'segCount': { const o = frame.slice(); new DataView(o.buffer).setUint32(0, m.v, true); return o; }
    case 'segSize': {
      const o = frame.slice();
      const dv = new DataView(o.buffer);
      const count = dv.getUint32(0, true) + 1;
      dv.setUint32(4 + 4 * (m.i % count), m.v, true);
      return o;
    }
    case 'addSegment': return frameOf([...segsOf(frame), m.words]);
    case 'data': {
      const ranges = dataRanges(frame);
      const o = frame.slice();
      if (!ranges.length) return o;
      const dv = new DataView(o.buffer);
      for (const p of m.picks) {
        const [from, to] = ranges[p.range % ranges.length]!;
        const width = p.width <= to - from ? p.width : 1;
        const at = from + (p.at % (to - from - width + 1));
        if (width === 1) dv.setUint8(at, p.v & 0xff); else if (width === 2) dv.setUint16(at, p.v & 0xffff, true); else dv.setUint32(at, p.v >>> 0, true);
      }
      return o;
    }
  }
}

// ------------------------------------------------------------------ tests

let savedStackLimit = Error.stackTraceLimit;
const saved: Partial<Record<'unhandledRejection' | 'uncaughtException', Array<(...a: any[]) => void>>> = {};

describe('RPC Connection under fuzz (issue 3: 100k+ random and mutated frames)', () => {
  beforeAll(async () => {
    // Errors are made by the thousand here (every refused call is one), and
    // capturing their stacks would be most of the cost of a frame; failures
    // carry the frames instead, and WW_FUZZ_DEBUG=1 brings the stacks back.
    savedStackLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = DEBUG ? 50 : 0;
    // Ours are the only listeners while the fuzz runs: an escape fails the
    // connection that caused it, with its frames, instead of the whole file.
    for (const ev of ['unhandledRejection', 'uncaughtException'] as const) {
      saved[ev] = process.listeners(ev as 'unhandledRejection') as Array<(...a: any[]) => void>;
      process.removeAllListeners(ev);
      process.on(ev as 'unhandledRejection', onEscape);
    }
    recorded = await record();
  }, 60_000);
  afterAll(() => {
    Error.stackTraceLimit = savedStackLimit;
    for (const ev of ['unhandledRejection', 'uncaughtException'] as const) {
      process.off(ev as 'unhandledRejection', onEscape);
      for (const l of saved[ev] ?? []) process.on(ev as 'unhandledRejection', l);
    }
    if (escaped.length) throw new Error(`an exception escaped after the last connection: ${(escaped[0] as Error)?.stack ?? String(escaped[0])}`);
  });

  it('records a real two-vat session with every message type, to mutate', () => {
    for (const k of ['BOOTSTRAP', 'CALL', 'RETURN', 'FINISH', 'RESOLVE', 'DISEMBARGO', 'RELEASE', 'UNIMPLEMENTED', 'ABORT']) {
      expect(recorded.kinds).toContain(k);
    }
    expect(recorded.replay.length).toBeGreaterThan(20);
  });

  it('replaying the recorded session unmutated keeps the Connection answering, and closes it cleanly', async () => {
    const r = await session(recorded.replay.map((f) => ({ bytes: f.bytes, after: f.after, fuzz: false })), {
      replies: [], noise: [1], own: false, echoEmbargo: false, label: 'unmutated replay',
    });
    expect(r.closedBy).toBe('us');
    expect(r.delivered).toBeGreaterThanOrEqual(recorded.replay.length);
    expect(r.probes).toBe(1);
  });

  it('survives random bytes behind valid and invalid framing headers', async () => {
    const body = fc.oneof(
      // Random bytes.
      { weight: 3, arbitrary: fc.uint8Array({ maxLength: 96 }) },
      // Mostly zero (null pointers, default fields) with a few random bytes: more of these pass validation.
      {
        weight: 4,
        arbitrary: fc.record({ len: fc.integer({ min: 8, max: 96 }), at: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }) })
          .map(({ len, at }) => { const b = new Uint8Array(len); for (const [i, v] of at) b[i % len] = v; return b; }),
      },
      // A root struct pointer that fits, then random words.
      {
        weight: 3,
        arbitrary: fc.record({ d: fc.nat(3), p: fc.nat(3), rest: fc.uint8Array({ maxLength: 64 }) }).map(({ d, p, rest }) => {
          const b = new Uint8Array(8 + Math.max(rest.length, (d + p) * 8));
          new DataView(b.buffer).setUint32(4, d | (p << 16), true);
          b.set(rest, 8);
          return b;
        }),
      },
    );
    const frame = fc.oneof(
      { weight: 8, arbitrary: fc.array(body.map(pad8), { minLength: 1, maxLength: 3 }).map(frameOf) },
      // Anything at all, header included.
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }) },
      // A segment table that lies: huge counts or sizes, or one that claims more than follows.
      {
        weight: 1,
        arbitrary: fc.record({ count: fc.oneof(fc.nat(4), fc.constantFrom(511, 512, 0xffffffff)), size: fc.oneof(fc.nat(16), fc.constantFrom(0x7fffffff, 0xffffffff, 1 << 23)), rest: fc.uint8Array({ maxLength: 48 }) })
          .map(({ count, size, rest }) => {
            const b = new Uint8Array(8 + rest.length);
            const dv = new DataView(b.buffer);
            dv.setUint32(0, count, true); dv.setUint32(4, size, true);
            b.set(rest, 8);
            return b;
          }),
      },
    );
    await check('random', fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 12 }), replyPlan, noise, fc.nat(3), async (frames, replies, nz, own) => {
      const r = await session(frames.map((bytes) => ({ bytes, fuzz: true })), { replies, noise: nz, own: own === 0, echoEmbargo: true, label: `random: ${frames.length} frames` });
      tally('random', r);
    }), RUNS.random);
  }, 120_000);

  it('survives mutations of the recorded session (bit flips, overwrites, truncation, extension, segment tables, duplicates, reordering)', async () => {
    // After a prefix of the recorded session (replayed as it was, paced like
    // the original), a run of edited frames; then, sometimes, the rest of the
    // session, to see that the Connection still works through it.
    const edit = fc.record({
      how: fc.oneof(
        { weight: 6, arbitrary: fc.constant('next' as const) },   // the next recorded frame, mutated
        { weight: 3, arbitrary: fc.constant('any' as const) },    // any recorded frame (either direction), mutated
        { weight: 1, arbitrary: fc.constantFrom('duplicate' as const, 'swap' as const, 'drop' as const) },
      ),
      source: fc.nat(),
      m: mutation,
    });
    const prefixLen = fc.oneof({ weight: 3, arbitrary: fc.nat(10) }, { weight: 1, arbitrary: fc.nat() });
    const restToo = fc.oneof({ weight: 7, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
    await check('mutation', fc.asyncProperty(prefixLen, fc.array(edit, { minLength: 1, maxLength: 12 }), restToo, replyPlan, noise, fc.nat(3), fc.boolean(), async (prefix, edits, rest, replies, nz, own, echo) => {
      const rec = recorded.replay;
      let k = prefix % rec.length;
      const steps: Step[] = rec.slice(0, k).map((f) => ({ bytes: f.bytes, after: f.after, fuzz: false }));
      const notes: string[] = [`prefix ${k}`];
      for (const e of edits) {
        const next = rec[k % rec.length]!;
        switch (e.how) {
          case 'next': steps.push({ bytes: mutate(next.bytes, e.m), after: next.after, fuzz: true }); k++; break;
          case 'any': steps.push({ bytes: mutate(recorded.all[e.source % recorded.all.length]!.bytes, e.m), fuzz: true }); break;
          case 'duplicate': steps.push({ bytes: rec[e.source % Math.min(rec.length, Math.max(1, k))]!.bytes, fuzz: true }); break;
          case 'swap': steps.push({ bytes: rec[(k + 1) % rec.length]!.bytes, fuzz: true }, { bytes: next.bytes, fuzz: true }); k += 2; break;
          case 'drop': k++; break;
        }
        notes.push(e.how === 'next' || e.how === 'any' ? `${e.how}:${e.m.k}` : e.how);
      }
      if (rest) for (; k < rec.length; k++) steps.push({ bytes: rec[k]!.bytes, after: rec[k]!.after, fuzz: false });
      // The recorded peer answers the Connection's questions itself; the fake peer adds replies only with calls of its own.
      const r = await session(steps, { replies: own === 0 ? replies : [], noise: nz, own: own === 0, echoEmbargo: echo, label: `mutation: ${notes.join(', ')}${rest ? ', rest of the session' : ''}` });
      tally('mutation', r);
    }), RUNS.mutation);
  }, 120_000);

  it('survives well-formed messages with random field values (ids, targets, descriptors, Unimplemented, Abort)', async () => {
    await check('protocol', fc.asyncProperty(fc.integer(), fc.integer({ min: 1, max: 300 }), replyPlan, noise, fc.nat(3), fc.boolean(), async (seed, length, replies, nz, own, echo) => {
      // Ops are drawn (and built) only while the connection is open to take them.
      const rng = new Rng(seed);
      const gen = new OpGen(rng);
      const ops: Op[] = [];
      const w = new OpWriter();
      function* steps(): Generator<Step> {
        for (let i = 0; i < length; i++) {
          const o = gen.op();
          ops.push(o);
          if (o.op === 'probe') yield { probe: true };
          else if (o.op === 'pause') yield { pause: 1 + (i % 3) };
          else {
            let bytes: Uint8Array;
            try { bytes = build((m) => w.write(m, o)); }
            catch (e) { if (e instanceof NoOp) continue; throw e; }
            yield { bytes, fuzz: true };
            // Sometimes a variant: the same message with random values in its data fields (ids, method
            // numbers, union tags, flags, text bytes). Cheaper than building a message, and still well formed.
            const kind = o.op === 'unimplemented' ? o.inner.op : o.op;
            if (rng.int(40) === 0 && (kind === 'call' || kind === 'bootstrap' || kind === 'resolve' || kind === 'level3')) {
              const v = variant(bytes, rng);
              if (v && (o.op === 'call' || o.op === 'bootstrap')) new DataView(v.buffer).setUint32(dataRanges(bytes)[1]![0], w.qid({ fresh: true }, 'ask'), true);
              if (v) yield { bytes: v, fuzz: true };
            }
          }
        }
      }
      const label = () => `protocol (ops from Rng(${seed})): ${ops.map((o) => o.op === 'unimplemented' ? `unimpl(${o.inner.op})` : o.op).join(' ')}`;
      const r = await session(steps(), { replies, noise: nz, own: own === 0, echoEmbargo: echo, label });
      tally('protocol', r);
    }), RUNS.protocol);
  }, 120_000);

  it(`delivered at least ${MIN_FRAMES.toLocaleString('en')} fuzz frames to Connections in total`, () => {
    const fuzz = totals.random.fuzzFrames + totals.mutation.fuzzFrames + totals.protocol.fuzzFrames;
    const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, n]) => `      ${n} × ${k}`).join('\n');
    console.log([
      `rpc fuzz, seed ${SEED}: ${fuzz} fuzz frames delivered to ${totals.random.connections + totals.mutation.connections + totals.protocol.connections} connections`,
      ...(['random', 'mutation', 'protocol'] as const).map((c) => `  ${c}: ${JSON.stringify(totals[c])}\n    most common reasons a connection closed itself:\n${top(reasons[c]!)}`),
    ].join('\n'));
    expect(fuzz).toBeGreaterThanOrEqual(Math.round(MIN_FRAMES * Math.min(1, SCALE)));
  });
});

// Bugs the fuzz found, each as the smallest case that shows it. The forged
// descriptor cases and the duplicate id case failed on 6315c0a and pass since
// 1884d9c; the takeFromOtherQuestion case failed on a draft of 6315c0a.
describe('RPC Connection: cases found by the fuzz', () => {
  // Each Return below is one the Connection refuses (by Abort or otherwise);
  // the question it names must still settle, with an RpcError. The bug: the
  // question left the table before its capabilities were imported, so a
  // forged descriptor aborted the connection and left the question pending
  // forever (close() only fails questions still in the table).
  const refusedReturns: Array<[string, (r: rpc.Return) => void]> = [
    ['names a capability we never exported (receiverHosted 7)', (r) => {
      const p = r._initResults();
      $.utils.setInterfacePointer(0, p.content);
      p._initCapTable(1).get(0).receiverHosted = 7;
    }],
    ['names an answer of ours that is not in progress (receiverAnswer 9)', (r) => {
      const p = r._initResults();
      $.utils.setInterfacePointer(0, p.content);
      p._initCapTable(1).get(0)._initReceiverAnswer().questionId = 9;
    }],
    ['takes the results of a question that was not sent to itself (takeFromOtherQuestion 5)', (r) => { r.takeFromOtherQuestion = 5; }],
  ];
  it.each(refusedReturns)('settles our question when its Return %s', async (_what, fill) => {
    const [raw, end] = pipePair();
    const conn = new Connection(end);
    const q = conn.sendCall({ importedCap: 0 }, { method: { interfaceId: 1n, methodId: 0 } });
    const outcome = q.struct().then(() => 'results', (e) => e);
    expect(kindOf((await raw.recv())!)).toBe('CALL'); // question 0
    raw.send(build((m) => { const r = m._initReturn(); r.answerId = 0; fill(r); }));
    // Refusing the capability or aborting the connection are both fine; leaving the question pending is not.
    const got = await Promise.race([outcome, new Promise((r) => setTimeout(() => r('still pending after 500 ms'), 500))]);
    expect(got).toBeInstanceOf(RpcError);
    expect(conn.stats().questions).toBe(0);
    conn.close();
  });

  // The bug: the duplicate id was noticed only after the call had been
  // dispatched; the Abort then left that call's answer with no handler, and
  // when the method failed its rejection escaped (a process crash under
  // Node's default --unhandled-rejections=throw).
  it('does not dispatch a Call whose question id is in use, and lets no failure of it escape', async () => {
    const escapes: unknown[] = [];
    const listeners = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    const catcher = (e: unknown) => { escapes.push(e); };
    process.on('unhandledRejection', catcher);
    try {
      const [raw, end] = pipePair();
      let runs = 0;
      const svc = new gen.Svc$Server({ callback: async () => { runs++; throw new Error('the method failed'); } });
      const conn = new Connection(end, { bootstrap: svc });
      // Question 0 is the bootstrap; its answer stays in the table until its Finish.
      raw.send(build((m) => { m._initBootstrap().questionId = 0; }));
      // Question 0 again: a Call to Svc.callback on the bootstrap capability (export 0).
      raw.send(build((m) => {
        const c = m._initCall();
        c.questionId = 0;
        c.interfaceId = gen.Svc$Client.interfaceId;
        c.methodId = 2;
        c._initTarget().importedCap = 0;
        c._initParams();
      }));
      const why = await conn.closed;
      expect(why.message).toBe('question 0 is already in use');
      await ticks(5);
      expect(escapes.map((e) => String(e))).toEqual([]);
      expect(runs).toBe(0);
    } finally {
      process.off('unhandledRejection', catcher);
      for (const l of listeners) process.on('unhandledRejection', l);
    }
  });
});
