// Hooks: what a capability reference is inside the runtime. Every path a
// call can take — a capnp-es generated client, a call pipelined on a
// promised answer, a call arriving over the wire — ends in `Hook.call`, so
// a hook that wraps another (the membrane's PolicyHook) sees every call and
// cannot be bypassed.
//
// A Hook has the shape of capnp-es's `Client` (`call(call): Answer`,
// `close()`), and an Answer the shape of capnp-es's `Answer` (`struct()`,
// `pipelineCall`, `pipelineClose`), so generated `Foo$Client`s and their
// `$.Pipeline`s work on hooks unchanged.
//
// Params and results travel as capnp-es pointers (a `Struct` object *is* a
// pointer in capnp-es), never copied between hooks: a local server reads
// the params where the caller wrote them, and, given a ResultSlot, writes
// its results straight into the Return message the connection will send.
import * as $ from 'capnp-es';
import { RpcError, toRpcError } from './errors.js';
import { RefCount } from './refs.js';

type AnyStructClass = { new (...a: any[]): $.Struct; readonly _capnp: { displayName: string; id: string; size: $.ObjectSize } };

/** A schema method, as generated clients describe it; wire calls know only the ids. */
export interface MethodDesc {
  interfaceId: bigint;
  methodId: number;
  ParamsClass?: AnyStructClass;
  ResultsClass?: AnyStructClass;
  interfaceName?: string;
  methodName?: string;
}

/** A call: generated clients pass `paramsFunc`; forwarded calls pass `params`, a pointer to the params struct. */
export interface CallSpec {
  method: MethodDesc;
  paramsFunc?: (p: any) => void;
  params?: $.Pointer;
}

/** capnp-es's pipeline transform: pointer fields followed from the results root. */
export type Transform = ReadonlyArray<{ field: number }>;

/** Where the results should be built (the Return message of a wire answer). */
export interface ResultSlot {
  alloc(Results: AnyStructClass): $.Struct;
}

export abstract class Hook {
  abstract call(call: CallSpec, slot?: ResultSlot): Answer;
  /** Drops this reference. Idempotent. */
  close(): void {}
  /**
   * A reference of its own to the same capability, for a holder that will
   * close it independently (an export table entry). Most hooks are not
   * counted and return themselves.
   */
  dup(): Hook { return this; }
  /**
   * The hook calls reach now, following settled promises. A wrapper that
   * must stay in the path (a policy) returns itself.
   */
  settled(): Hook { return this; }
  /** Resolves once calls stop queueing here (at once for most hooks). */
  whenSettled(): Promise<Hook> { return Promise.resolve(this.settled()); }
}

export abstract class Answer {
  private pipes: Map<string, Hook> | undefined;
  /** The results struct (as an untyped pointer; generated pipelines retype it). */
  abstract struct(): Promise<$.Struct>;
  protected abstract makePipeline(t: Transform): Hook;
  /** The capability at `t` in the results, as a hook usable before the results arrive. Cached per transform. */
  pipelineHook(t: Transform): Hook {
    const key = transformKey(t);
    let h = this.pipes?.get(key);
    if (!h) {
      h = this.makePipeline(t);
      (this.pipes ??= new Map()).set(key, h);
    }
    return h;
  }
  pipelineCall(t: Transform, call: CallSpec): Answer { return this.pipelineHook(t).call(call); }
  pipelineClose(_t: Transform): void {}
}

export function transformKey(t: Transform): string {
  let k = '';
  for (const op of t) k += op.field + '.';
  return k;
}

/** An answer that is a promise of results, made by anything local. */
export class PromisedAnswer extends Answer {
  constructor(private readonly results: Promise<$.Struct>) { super(); }
  override struct(): Promise<$.Struct> { return this.results; }
  protected override makePipeline(t: Transform): Hook { return new PromiseHook(this.results.then((s) => capAt(s, t))); }
}

export class BrokenAnswer extends Answer {
  private readonly p: Promise<$.Struct>;
  constructor(readonly error: RpcError) {
    super();
    this.p = Promise.reject(error);
    this.p.catch(() => {}); // rejected on purpose; whoever asks for struct() sees it
  }
  override struct(): Promise<$.Struct> { return this.p; }
  protected override makePipeline(): Hook { return new BrokenHook(this.error); }
}

/** An answer that will be another answer (a call queued on a promise). */
export class ForwardingAnswer extends Answer {
  private resolveTo!: (a: Answer) => void;
  private readonly target = new Promise<Answer>((res) => { this.resolveTo = res; });
  forward(a: Answer): void { this.resolveTo(a); }
  override struct(): Promise<$.Struct> { return this.target.then((a) => a.struct()); }
  protected override makePipeline(t: Transform): Hook { return new PromiseHook(this.target.then((a) => a.pipelineHook(t))); }
}

export class BrokenHook extends Hook {
  constructor(readonly error: RpcError) { super(); }
  override call(): Answer { return new BrokenAnswer(this.error); }
}

/** Most calls a promise queues before it resolves; more fail `overloaded`. */
export const DEFAULT_MAX_QUEUED_CALLS = 256;

/**
 * A capability that is not known yet. Calls queue, in order, until it
 * resolves; then they are delivered in that order, synchronously, and the
 * hook passes calls straight through. It never hangs: a rejected promise
 * breaks it, and every queued call fails with the reason.
 *
 * It owns what it resolves to and counts its holders (runtime/rpc/refs.ts):
 * the last close closes the target, once, even if that comes after the
 * last holder let go. (A pipelined capability is its answer's own and is
 * never released, so it never closes the results' capability.)
 */
export class PromiseHook extends Hook {
  private target: Hook | null = null;
  private readonly refs = new RefCount(() => this.target?.close());
  private queue: Array<{ call: CallSpec; slot?: ResultSlot; answer: ForwardingAnswer }> = [];
  private waiters: Array<(h: Hook) => void> | null = null;
  constructor(p: Promise<Hook>, private readonly maxQueue = DEFAULT_MAX_QUEUED_CALLS) {
    super();
    p.then((h) => this.resolve(h), (e) => this.resolve(new BrokenHook(toRpcError(e))));
  }
  get resolved(): boolean { return this.target !== null; }
  resolve(h: Hook): void {
    if (this.target) return;
    this.target = h;
    const q = this.queue;
    this.queue = [];
    for (const c of q) c.answer.forward(h.call(c.call, c.slot));
    for (const w of this.waiters?.splice(0) ?? []) w(h);
    if (this.refs.released) h.close(); // every holder let go before it resolved
  }
  override call(call: CallSpec, slot?: ResultSlot): Answer {
    if (this.target) return this.target.call(call, slot);
    if (this.queue.length >= this.maxQueue) {
      return new BrokenAnswer(new RpcError('overloaded', `more than ${this.maxQueue} calls are queued on an unresolved capability`));
    }
    const answer = new ForwardingAnswer();
    // The params are built now, so they hold the caller's values at call time.
    this.queue.push({ call: materialize(call), slot, answer });
    return answer;
  }
  override settled(): Hook { return this.target ? this.target.settled() : this; }
  override whenSettled(): Promise<Hook> {
    if (this.target) return this.target.whenSettled();
    return new Promise<Hook>((res) => (this.waiters ??= []).push(res)).then((h) => h.whenSettled());
  }
  override dup(): Hook { this.refs.dup(); return this; }
  override close(): void { this.refs.close(); }
}

/** Builds a call's params into a message of their own, so the call can wait. */
export function materialize(call: CallSpec): CallSpec {
  if (call.params || !call.method.ParamsClass) return call;
  const msg = new $.Message();
  const params = msg.initRoot(call.method.ParamsClass);
  call.paramsFunc?.(params);
  return { method: call.method, params };
}

/** What capnp-es generated servers (`new Foo$Server(impl)`) look like to us. */
export interface LocalServer {
  target: unknown;
  methods: Array<{
    interfaceId: bigint; methodId: number; ParamsClass: AnyStructClass; ResultsClass: AnyStructClass;
    interfaceName?: string; methodName?: string;
    impl: (p: any, r: any) => Promise<void>;
  }>;
}

/**
 * Observers of every call a server in this process answers, whoever made
 * it (a local holder, a cell's membrane connection, a remote vat): the
 * node counts them for its metrics. Unobserved, the cost is one length
 * check per call.
 */
const serverCallObservers: Array<(method: MethodDesc) => void> = [];

/** Calls `f` with the method of every call a local server answers; returns the function that stops it. */
export function observeServerCalls(f: (method: MethodDesc) => void): () => void {
  serverCallObservers.push(f);
  return () => { const i = serverCallObservers.indexOf(f); if (i >= 0) serverCallObservers.splice(i, 1); };
}

function notifyServerCall(m: MethodDesc): void {
  for (const f of serverCallObservers) {
    try { f(m); } catch { /* an observer never breaks a call */ }
  }
}

/** A capability served in this process by a capnp-es generated server. */
export class LocalServerHook extends Hook {
  constructor(readonly server: LocalServer) { super(); }
  /** The server's method for (interface id, method ordinal); the interface id must match. */
  method(interfaceId: bigint, methodId: number): LocalServer['methods'][number] | undefined {
    const m = this.server.methods[methodId];
    if (m && m.interfaceId === interfaceId && m.methodId === methodId) return m;
    return this.server.methods.find((x) => x.interfaceId === interfaceId && x.methodId === methodId);
  }
  override call(call: CallSpec, slot?: ResultSlot): Answer {
    const m = this.method(call.method.interfaceId, call.method.methodId);
    if (!m || typeof m.impl !== 'function') {
      return new BrokenAnswer(new RpcError('unimplemented',
        `no method ${call.method.methodId} of interface 0x${call.method.interfaceId.toString(16)} on this capability`));
    }
    if (serverCallObservers.length !== 0) notifyServerCall(m);
    let params: $.Struct;
    if (call.params) params = $.utils.getAs(m.ParamsClass, call.params);
    else {
      params = new $.Message().initRoot(m.ParamsClass);
      call.paramsFunc?.(params);
    }
    const results = slot ? slot.alloc(m.ResultsClass) : new $.Message().initRoot(m.ResultsClass);
    let done: Promise<void>;
    try { done = Promise.resolve(m.impl.call(this.server.target, params, results)); }
    catch (e) { return new BrokenAnswer(toRpcError(e)); }
    return new PromisedAnswer(done.then(() => results, (e) => { throw toRpcError(e); }));
  }
}

const serverHooks = new WeakMap<object, LocalServerHook>();

/** capnp-es's own error client (a null or broken capability in a message). */
const ErrorClientClass = ($ as any).ErrorClient as (new (e: Error) => { call(c: unknown): unknown }) | undefined;

/**
 * The hook behind anything capnp-es code puts in a message's cap table or
 * wraps in a generated client: our hooks, generated servers (the same
 * server always gives the same hook, so it keeps one export id), clients of
 * a pipeline, and capnp-es error clients.
 */
export function toHook(client: unknown): Hook | null {
  if (client == null) return null;
  if (client instanceof Hook) return client;
  if (client instanceof $.Server) {
    let h = serverHooks.get(client);
    if (!h) { h = new LocalServerHook(client as unknown as LocalServer); serverHooks.set(client, h); }
    return h;
  }
  const c = client as any;
  // A generated client (`Foo$Client`, whose class has a static interfaceId)
  // wraps its $.Client in `.client`. Checked first: an interface may well
  // have a method named `call`.
  if (c.client !== undefined && c.constructor?.interfaceId !== undefined) return toHook(c.client);
  if (c.client !== undefined && typeof c.call !== 'function') return toHook(c.client);
  // capnp-es PipelineClient: a capability in the results of an answer.
  if (c.pipeline && c.pipeline.answer instanceof Answer && typeof c.transform === 'function') {
    return c.pipeline.answer.pipelineHook(c.transform());
  }
  if (ErrorClientClass && client instanceof ErrorClientClass) {
    return new BrokenHook(new RpcError('failed', String((client as any).err?.message ?? 'broken capability')));
  }
  if (typeof c.call === 'function') return new ForeignClientHook(c);
  return null;
}

/** A capnp-es Client we did not make (kept for completeness; calls pass through). */
class ForeignClientHook extends Hook {
  constructor(private readonly client: { call(c: unknown): any; close?(): void }) { super(); }
  override call(call: CallSpec): Answer {
    const a = this.client.call(call.params ? { method: call.method, params: call.params } : call);
    return new PromisedAnswer(Promise.resolve(a.struct()));
  }
  override close(): void { this.client.close?.(); }
}

const NULL_CAP = new RpcError('failed', 'the capability is null');

/**
 * The capability at transform `t` from `results`: pointer fields followed
 * one by one, the last one an interface pointer into the message's cap
 * table. Anything else (a null pointer, a data field, an index past the
 * table) gives a broken hook — never another capability of the message.
 */
export function capAt(results: $.Pointer, t: Transform): Hook {
  let p: $.Pointer = results;
  for (const op of t) {
    if ($.utils.isNull(p) || $.utils.getTargetPointerType(p) !== $.PointerType.STRUCT) return new BrokenHook(NULL_CAP);
    p = $.utils.getPointer(op.field, $.utils.getAs($.Struct as any, p));
  }
  return capOfPointer(p);
}

export function capOfPointer(p: $.Pointer): Hook {
  if ($.utils.isNull(p) || $.utils.getTargetPointerType(p) !== $.PointerType.OTHER) return new BrokenHook(NULL_CAP);
  const table = (p.segment.message as any)._capnp.capTable as unknown[] | undefined;
  const i = $.utils.getInterfacePointer(p);
  const h = table && i < table.length ? toHook(table[i]) : null;
  return h ?? new BrokenHook(NULL_CAP);
}

/**
 * A pointer to `cap` in a message of its own: what generated setters of
 * `Capability` fields copy from (`s.cap = capPointer(h)`).
 */
export function capPointer(cap: Hook): $.Pointer {
  const msg = new $.Message();
  const root = new $.Pointer(msg.getSegment(0), 0);
  msg.getSegment(0).allocate(8);
  $.utils.setInterfacePointer(msg.addCap(cap as any), root);
  return root;
}

/** The answer of a bootstrap question: the capability itself. */
export class CapAnswer extends Answer {
  constructor(readonly cap: Hook) { super(); }
  override struct(): Promise<$.Struct> {
    return Promise.resolve(capPointer(this.cap) as $.Struct);
  }
  protected override makePipeline(t: Transform): Hook { return t.length === 0 ? this.cap : new BrokenHook(NULL_CAP); }
}

export { RpcError };
