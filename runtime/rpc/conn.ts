// A Cap'n Proto RPC connection (level 1). FIRST SLICE: bootstrap both
// ways; calls on imported capabilities and on our exports (served by a
// capnp-es generated `Foo$Server`, dispatched by interface id and method
// number); returns, finish, exceptions, and failing every pending question
// on disconnect. Capability passing, pipelining, release, resolve and
// disembargo follow (runtime/rpc/DESIGN.md). Every incoming message is
// validated once before it is read.
import * as $ from 'capnp-es';
import * as rpc from 'capnp-es/capnp/rpc';
import type { MessageTransport } from './transport.js';
import { validateMessage, DEFAULT_READ_LIMITS, type ReadLimits, WireError } from './validate.js';
import { RpcError, fromReason } from './errors.js';

type StructClass<T extends $.Struct> = { new (...a: any[]): T; readonly _capnp: { displayName: string; id: string; size: $.ObjectSize } };

/** A capability the peer hosts, named by our import id. */
export class ImportedCap {
  constructor(readonly conn: Connection, readonly importId: number) {}
}

interface Question { resolve(ret: rpc.Return): void; reject(e: RpcError): void }

/** What capnp-es generated servers (`new Foo$Server(impl)`) look like to us. */
export interface LocalServer {
  target: unknown;
  methods: Array<{ interfaceId: bigint; methodId: number; ParamsClass: StructClass<any>; ResultsClass: StructClass<any>; impl: (p: any, r: any) => Promise<void> }>;
}

export interface ConnectionOptions {
  readLimits?: ReadLimits;
  maxQuestions?: number;
  /** Most calls from the peer in progress at once; more are answered `overloaded`. */
  maxAnswers?: number;
  /** The capability the peer gets from bootstrap. */
  bootstrap?: LocalServer;
}

export class Connection {
  private readonly questions = new Map<number, Question>();
  private readonly freeIds: number[] = [];
  private nextId = 0;
  private closedWith: RpcError | null = null;
  private readonly readLimits: ReadLimits;
  private readonly maxQuestions: number;
  private readonly maxAnswers: number;
  /** Our capabilities the peer may call, by export id. */
  private readonly exports = new Map<number, LocalServer>();
  /** References the peer holds to each export (descriptors sent minus released). */
  private readonly exportRefs = new Map<number, number>();
  /** Export ids by server, so the same capability keeps its id. */
  private readonly exportIds = new Map<LocalServer, number>();
  private nextExport = 0;
  /** The peer's questions to us that have not been finished. */
  private readonly answers = new Set<number>();
  /** Bootstrap answers, whose result is a capability at once: answer id -> export id. */
  private readonly bootstrapAnswers = new Map<number, number>();
  /** Call answers: the results struct and its message, once the call has returned. */
  private readonly callAnswers = new Map<number, Promise<$.Struct>>();
  private readonly bootstrapServer: LocalServer | null;

  constructor(private readonly transport: MessageTransport, opts: ConnectionOptions = {}) {
    this.readLimits = opts.readLimits ?? DEFAULT_READ_LIMITS;
    this.maxQuestions = opts.maxQuestions ?? 1024;
    this.maxAnswers = opts.maxAnswers ?? 1024;
    this.bootstrapServer = opts.bootstrap ?? null;
    void this.receive();
  }

  /** Exports a server (reusing its id) and counts one more reference the peer holds. */
  private export(server: LocalServer): number {
    let id = this.exportIds.get(server);
    if (id === undefined) {
      id = this.nextExport++;
      this.exports.set(id, server);
      this.exportIds.set(server, id);
    }
    this.exportRefs.set(id, (this.exportRefs.get(id) ?? 0) + 1);
    return id;
  }

  private release(id: number, count: number): void {
    const refs = this.exportRefs.get(id);
    if (refs === undefined) throw new WireError(`release of export ${id}, which does not exist`);
    if (refs - count > 0) { this.exportRefs.set(id, refs - count); return; }
    const server = this.exports.get(id)!;
    this.exports.delete(id);
    this.exportRefs.delete(id);
    this.exportIds.delete(server);
  }

  /** Asks the peer for its bootstrap capability. */
  async bootstrap(): Promise<ImportedCap> {
    const ret = await this.ask((m, id) => { m._initBootstrap().questionId = id; });
    const caps = ret.results.capTable;
    if (caps.length < 1) throw new RpcError('failed', 'bootstrap returned no capability');
    return this.importOf(caps.get(0));
  }

  /**
   * The peer's bootstrap capability as a capnp-es client, to wrap in a
   * generated client: `new Foo$Client(await conn.bootstrapClient())`.
   */
  async bootstrapClient(): Promise<ImportClient> {
    const cap = await this.bootstrap();
    return new ImportClient(this, cap.importId);
  }

  /**
   * Calls a method on an imported capability: `fill` writes the params
   * struct; resolves with the results struct, read from the Return message
   * it arrived in.
   */
  async call<P extends $.Struct, R extends $.Struct>(
    cap: ImportedCap, interfaceId: bigint, methodId: number,
    Params: StructClass<P>, Results: StructClass<R>, fill: (p: P) => void,
  ): Promise<R> {
    if (cap.conn !== this) throw new RpcError('failed', 'that capability was imported over another connection');
    return this.callImport(cap.importId, { interfaceId, methodId, ParamsClass: Params, ResultsClass: Results }, fill) as Promise<R>;
  }

  close(reason = new RpcError('disconnected', 'connection closed')): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    for (const q of this.questions.values()) q.reject(reason);
    this.questions.clear();
    this.transport.close();
  }

  private importOf(d: rpc.CapDescriptor): ImportedCap {
    switch (d.which()) {
      case rpc.CapDescriptor_Which.SENDER_HOSTED: return new ImportedCap(this, d.senderHosted);
      case rpc.CapDescriptor_Which.SENDER_PROMISE: return new ImportedCap(this, d.senderPromise);
      default: throw new RpcError('unimplemented', `capability descriptor kind ${d.which()} is not supported yet`);
    }
  }

  private ask(build: (m: rpc.Message, questionId: number) => void): Promise<rpc.Return> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.questions.size >= this.maxQuestions) {
      return Promise.reject(new RpcError('overloaded', `more than ${this.maxQuestions} calls are outstanding on this connection`));
    }
    const id = this.freeIds.pop() ?? this.nextId++;
    const msg = new $.Message();
    try { build(msg.initRoot(rpc.Message), id); }
    catch (e) { this.freeIds.push(id); return Promise.reject(e); }
    return new Promise<rpc.Return>((resolve, reject) => {
      this.questions.set(id, { resolve, reject });
      this.transport.send(new Uint8Array(msg.toArrayBuffer()));
    });
  }

  private async receive(): Promise<void> {
    for (;;) {
      const frame = await this.transport.recv();
      if (!frame) { this.close(new RpcError('disconnected', this.transport.closedWith?.message ?? 'the peer closed the connection')); return; }
      try {
        validateMessage(frame, this.readLimits);
        this.handle(new $.Message(frame, false).getRoot(rpc.Message));
      } catch (e) {
        const reason = e instanceof WireError ? new RpcError('malformed', e.message) : new RpcError('failed', String((e as Error)?.message ?? e));
        this.abort(reason);
        return;
      }
    }
  }

  private handle(m: rpc.Message): void {
    switch (m.which()) {
      case rpc.Message_Which.RETURN: return this.onReturn(m.return);
      case rpc.Message_Which.BOOTSTRAP: return this.onBootstrap(m.bootstrap.questionId);
      case rpc.Message_Which.CALL: return this.onCall(m.call);
      case rpc.Message_Which.RELEASE: return this.release(m.release.id, m.release.referenceCount);
      case rpc.Message_Which.FINISH: {
        this.answers.delete(m.finish.questionId);
        this.bootstrapAnswers.delete(m.finish.questionId);
        this.callAnswers.delete(m.finish.questionId);
        return;
      }
      case rpc.Message_Which.ABORT: return this.close(fromReason(m.abort.reason, m.abort.type));
      default: {
        // Not yet implemented on this side: echo it back, as the protocol asks.
        const out = new $.Message();
        const root = out.initRoot(rpc.Message);
        root.unimplemented = m;
        this.transport.send(new Uint8Array(out.toArrayBuffer()));
      }
    }
  }

  /** Starts an answer; a reused id that is still unfinished is a protocol error. */
  private beginAnswer(id: number): void {
    if (this.answers.has(id)) throw new WireError(`question ${id} is already in use`);
    this.answers.add(id);
  }

  private sendException(answerId: number, e: RpcError): void {
    const out = new $.Message();
    const ret = out.initRoot(rpc.Message)._initReturn();
    ret.answerId = answerId;
    const ex = ret._initException();
    ex.reason = e.remote ? e.message : `${e.code}: ${e.message}`;
    ex.type = e.code === 'overloaded' ? 1 : e.code === 'disconnected' ? 2 : e.code === 'unimplemented' ? 3 : 0;
    this.transport.send(new Uint8Array(out.toArrayBuffer()));
  }

  private onBootstrap(id: number): void {
    this.beginAnswer(id);
    if (this.bootstrapServer === null) return this.sendException(id, new RpcError('failed', 'this vat offers no bootstrap capability'));
    const exportId = this.export(this.bootstrapServer);
    const out = new $.Message();
    const ret = out.initRoot(rpc.Message)._initReturn();
    ret.answerId = id;
    const payload = ret._initResults();
    $.utils.setInterfacePointer(0, payload.content);
    payload._initCapTable(1).get(0).senderHosted = exportId;
    this.bootstrapAnswers.set(id, exportId);
    this.transport.send(new Uint8Array(out.toArrayBuffer()));
  }

  private onCall(call: rpc.Call): void {
    const id = call.questionId;
    this.beginAnswer(id);
    if (this.answers.size > this.maxAnswers) {
      return this.sendException(id, new RpcError('overloaded', `more than ${this.maxAnswers} calls are in progress on this connection`));
    }
    const target = call.target;
    if (target.which() === rpc.MessageTarget_Which.IMPORTED_CAP) {
      const server = this.exports.get(target.importedCap);
      if (!server) throw new WireError(`call on export ${target.importedCap}, which does not exist`);
      return this.dispatch(id, call, server);
    }
    // A call pipelined on an earlier answer: on a bootstrap answer itself
    // (what C++ clients send before bootstrap returns), or on a capability
    // in the results of a call, once that call has returned. Calls
    // pipelined on one answer are dispatched in the order they arrived.
    const pa = target.promisedAnswer;
    const boot = this.bootstrapAnswers.get(pa.questionId);
    if (boot !== undefined && pa.transform.length === 0) return this.dispatch(id, call, this.exports.get(boot)!);
    const answer = this.callAnswers.get(pa.questionId);
    if (!answer) throw new WireError(`call pipelined on question ${pa.questionId}, which is not an answer in progress`);
    const fields: number[] = [];
    for (let i = 0; i < pa.transform.length; i++) {
      const op = pa.transform.get(i);
      if (op.which() === rpc.PromisedAnswer_Op_Which.GET_POINTER_FIELD) fields.push(op.getPointerField);
    }
    answer.then((results) => {
      const server = this.capabilityAt(results, fields);
      if (!server) return this.sendException(id, new RpcError('failed', 'the pipelined capability is not one this vat serves'));
      this.dispatch(id, call, server);
    }, (e) => this.sendException(id, e instanceof RpcError ? e : new RpcError('failed', String(e?.message ?? e))));
  }

  /** Follows pointer fields from a results struct to a capability we export. */
  private capabilityAt(results: $.Struct, fields: number[]): LocalServer | null {
    let s: any = results;
    for (let i = 0; i < fields.length - 1; i++) s = $.utils.getAs($.Struct as any, $.utils.getPointer(fields[i]!, s));
    const ptr = $.utils.getPointer(fields[fields.length - 1] ?? 0, s);
    const capId = $.utils.getInterfacePointer(ptr);
    const entry = (results.segment.message as any)._capnp.capTable?.[capId];
    return entry instanceof $.Server ? (entry as unknown as LocalServer) : null;
  }

  private dispatch(id: number, call: rpc.Call, server: LocalServer): void {
    const method = server.methods.find((m) => m.interfaceId === call.interfaceId && m.methodId === call.methodId);
    if (!method) {
      return this.sendException(id, new RpcError('unimplemented',
        `no method ${call.methodId} of interface 0x${call.interfaceId.toString(16)} on this capability`));
    }
    this.importCaps(call.params, call.segment.message);
    const params = $.utils.getAs(method.ParamsClass, call.params.content);
    const out = new $.Message();
    const ret = out.initRoot(rpc.Message)._initReturn();
    ret.answerId = id;
    const payload = ret._initResults();
    const results = $.utils.getPointerAs(0, method.ResultsClass, payload);
    $.utils.initStruct(method.ResultsClass._capnp.size, results);
    const done = Promise.resolve().then(() => method.impl.call(server.target, params, results)).then(() => results as $.Struct);
    this.callAnswers.set(id, done);
    done.then(() => {
      if (this.closedWith) return;
      this.describeCaps(payload, out);
      this.transport.send(new Uint8Array(out.toArrayBuffer()));
    }, (e) => { if (!this.closedWith) this.sendException(id, e instanceof RpcError ? e : new RpcError('failed', String((e as Error)?.message ?? e))); });
  }

  /**
   * Capabilities in an outgoing payload: generated setters put clients into
   * the message's cap table; each becomes a descriptor. Our local servers are
   * exported (senderHosted); the peer's own capabilities go back as
   * receiverHosted.
   */
  private describeCaps(payload: rpc.Payload, msg: $.Message): void {
    const table: unknown[] = (msg as any)._capnp.capTable ?? [];
    if (!table.length) return;
    const descs = payload._initCapTable(table.length);
    table.forEach((entry, i) => {
      const d = descs.get(i);
      if (entry instanceof ImportClient && entry.conn === this) d.receiverHosted = entry.importId;
      else if (entry instanceof $.Server) d.senderHosted = this.export(entry as unknown as LocalServer);
      else d.none = true;
    });
  }

  /** Capabilities in an incoming payload become clients the generated getters hand out. */
  private importCaps(payload: rpc.Payload, msg: $.Message): void {
    const descs = payload.capTable;
    const table: unknown[] = [];
    for (let i = 0; i < descs.length; i++) {
      const d = descs.get(i);
      switch (d.which()) {
        case rpc.CapDescriptor_Which.SENDER_HOSTED: table.push(new ImportClient(this, d.senderHosted)); break;
        case rpc.CapDescriptor_Which.SENDER_PROMISE: table.push(new ImportClient(this, d.senderPromise)); break;
        case rpc.CapDescriptor_Which.RECEIVER_HOSTED: table.push(this.exports.get(d.receiverHosted) ?? null); break;
        default: table.push(null);
      }
    }
    (msg as any)._capnp.capTable = table;
  }

  /** A call from generated client code on an imported capability. */
  callImport(importId: number, method: { interfaceId: bigint; methodId: number; ParamsClass: StructClass<any>; ResultsClass: StructClass<any> },
    paramsFunc?: (p: any) => void): Promise<$.Struct> {
    return this.ask((m, qid) => {
      const call = m._initCall();
      call.questionId = qid;
      call.interfaceId = method.interfaceId;
      call.methodId = method.methodId;
      call._initTarget().importedCap = importId;
      const payload = call._initParams();
      const params = $.utils.getPointerAs(0, method.ParamsClass, payload);
      $.utils.initStruct(method.ParamsClass._capnp.size, params);
      paramsFunc?.(params);
      this.describeCaps(payload, m.segment.message);
    }).then((ret) => {
      this.importCaps(ret.results, ret.segment.message);
      return $.utils.getAs(method.ResultsClass, ret.results.content);
    });
  }

  private onReturn(ret: rpc.Return): void {
    const id = ret.answerId;
    const q = this.questions.get(id);
    if (!q) throw new WireError(`return for unknown question ${id}`);
    this.questions.delete(id);
    // The question's id is free once our Finish is sent.
    const fin = new $.Message();
    const f = fin.initRoot(rpc.Message)._initFinish();
    f.questionId = id;
    // We keep the capabilities of the results as imports (released later with
    // Release), so the peer must not drop them when the question finishes.
    f.releaseResultCaps = false;
    this.transport.send(new Uint8Array(fin.toArrayBuffer()));
    this.freeIds.push(id);
    switch (ret.which()) {
      case rpc.Return_Which.RESULTS: return q.resolve(ret);
      case rpc.Return_Which.EXCEPTION: return q.reject(fromReason(ret.exception.reason, ret.exception.type));
      case rpc.Return_Which.CANCELED: return q.reject(new RpcError('failed', 'the call was canceled'));
      default: return q.reject(new RpcError('unimplemented', `return kind ${ret.which()} is not supported yet`));
    }
  }

  private abort(reason: RpcError): void {
    const out = new $.Message();
    const ex = out.initRoot(rpc.Message)._initAbort();
    ex.reason = `${reason.code}: ${reason.message}`;
    this.transport.send(new Uint8Array(out.toArrayBuffer()));
    this.close(reason);
  }
}

/**
 * An imported capability as capnp-es generated client code sees it (a
 * `$.Client`): calls go over this connection. Pipelining on its answers
 * waits for the answer (no promise pipelining on this side yet).
 */
export class ImportClient {
  constructor(readonly conn: Connection, readonly importId: number) {}
  call(call: { method: any; paramsFunc?: (p: any) => void }): any {
    return new AwaitedAnswer(this.conn.callImport(this.importId, call.method, call.paramsFunc));
  }
  close(): void {}
}

class AwaitedAnswer {
  constructor(private readonly p: Promise<$.Struct>) {}
  struct(): Promise<$.Struct> { return this.p; }
  pipelineCall(transform: Array<{ field: number }>, call: { method: any; paramsFunc?: (p: any) => void }): AwaitedAnswer {
    return new AwaitedAnswer(this.p.then((s) => {
      let ptr: any = s;
      for (const op of transform) ptr = $.utils.getPointer(op.field, ptr);
      const capId = $.utils.getInterfacePointer(ptr);
      const entry = (s.segment.message as any)._capnp.capTable?.[capId];
      if (!entry || typeof entry.call !== 'function') throw new RpcError('failed', 'no capability at the pipelined field');
      return entry.call(call).struct();
    }));
  }
  pipelineClose(): void {}
}
