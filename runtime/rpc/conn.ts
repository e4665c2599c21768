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
  private nextExport = 0;
  /** The peer's questions to us that have not been finished. */
  private readonly answers = new Set<number>();
  /** Bootstrap answers, whose result is a capability at once: answer id -> export id. */
  private readonly bootstrapAnswers = new Map<number, number>();
  private readonly bootstrapExport: number | null;

  constructor(private readonly transport: MessageTransport, opts: ConnectionOptions = {}) {
    this.readLimits = opts.readLimits ?? DEFAULT_READ_LIMITS;
    this.maxQuestions = opts.maxQuestions ?? 1024;
    this.maxAnswers = opts.maxAnswers ?? 1024;
    this.bootstrapExport = opts.bootstrap ? this.export(opts.bootstrap) : null;
    void this.receive();
  }

  private export(server: LocalServer): number {
    const id = this.nextExport++;
    this.exports.set(id, server);
    return id;
  }

  /** Asks the peer for its bootstrap capability. */
  async bootstrap(): Promise<ImportedCap> {
    const ret = await this.ask((m, id) => { m._initBootstrap().questionId = id; });
    const caps = ret.results.capTable;
    if (caps.length < 1) throw new RpcError('failed', 'bootstrap returned no capability');
    return this.importOf(caps.get(0));
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
    const ret = await this.ask((m, id) => {
      const call = m._initCall();
      call.questionId = id;
      call.interfaceId = interfaceId;
      call.methodId = methodId;
      call._initTarget().importedCap = cap.importId;
      const payload = call._initParams();
      const params = $.utils.getPointerAs(0, Params, payload);
      $.utils.initStruct(Params._capnp.size, params);
      fill(params);
    });
    return $.utils.getAs(Results, ret.results.content);
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
      case rpc.Message_Which.FINISH: {
        this.answers.delete(m.finish.questionId);
        this.bootstrapAnswers.delete(m.finish.questionId);
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
    if (this.bootstrapExport === null) return this.sendException(id, new RpcError('failed', 'this vat offers no bootstrap capability'));
    const out = new $.Message();
    const ret = out.initRoot(rpc.Message)._initReturn();
    ret.answerId = id;
    const payload = ret._initResults();
    $.utils.setInterfacePointer(0, payload.content);
    payload._initCapTable(1).get(0).senderHosted = this.bootstrapExport;
    this.bootstrapAnswers.set(id, this.bootstrapExport);
    this.transport.send(new Uint8Array(out.toArrayBuffer()));
  }

  private onCall(call: rpc.Call): void {
    const id = call.questionId;
    this.beginAnswer(id);
    if (this.answers.size > this.maxAnswers) {
      return this.sendException(id, new RpcError('overloaded', `more than ${this.maxAnswers} calls are in progress on this connection`));
    }
    const target = call.target;
    let exportId: number;
    if (target.which() === rpc.MessageTarget_Which.IMPORTED_CAP) exportId = target.importedCap;
    else {
      // A call pipelined on an earlier answer. So far only on a bootstrap
      // answer itself (what C++ clients send before bootstrap returns).
      const pa = target.promisedAnswer;
      const boot = this.bootstrapAnswers.get(pa.questionId);
      if (boot === undefined || pa.transform.length !== 0) {
        return this.sendException(id, new RpcError('unimplemented', 'calls pipelined on the results of a call are not supported yet'));
      }
      exportId = boot;
    }
    const server = this.exports.get(exportId);
    if (!server) throw new WireError(`call on export ${exportId}, which does not exist`);
    const method = server.methods.find((m) => m.interfaceId === call.interfaceId && m.methodId === call.methodId);
    if (!method) {
      return this.sendException(id, new RpcError('unimplemented',
        `no method ${call.methodId} of interface 0x${call.interfaceId.toString(16)} on this capability`));
    }
    const params = $.utils.getAs(method.ParamsClass, call.params.content);
    const out = new $.Message();
    const ret = out.initRoot(rpc.Message)._initReturn();
    ret.answerId = id;
    const payload = ret._initResults();
    const results = $.utils.getPointerAs(0, method.ResultsClass, payload);
    $.utils.initStruct(method.ResultsClass._capnp.size, results);
    Promise.resolve()
      .then(() => method.impl.call(server.target, params, results))
      .then(() => { if (!this.closedWith) this.transport.send(new Uint8Array(out.toArrayBuffer())); },
        (e) => { if (!this.closedWith) this.sendException(id, e instanceof RpcError ? e : new RpcError('failed', String((e as Error)?.message ?? e))); });
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
