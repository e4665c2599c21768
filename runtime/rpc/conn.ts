// A Cap'n Proto RPC connection (level 1). FIRST SLICE: the calling side —
// bootstrap, calls on imported capabilities, returns, finish, and failing
// every pending question on disconnect. Serving, capability passing,
// pipelining, release, resolve and disembargo follow (runtime/rpc/DESIGN.md).
// Every incoming message is validated once before it is read.
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

export interface ConnectionOptions { readLimits?: ReadLimits; maxQuestions?: number }

export class Connection {
  private readonly questions = new Map<number, Question>();
  private readonly freeIds: number[] = [];
  private nextId = 0;
  private closedWith: RpcError | null = null;
  private readonly readLimits: ReadLimits;
  private readonly maxQuestions: number;

  constructor(private readonly transport: MessageTransport, opts: ConnectionOptions = {}) {
    this.readLimits = opts.readLimits ?? DEFAULT_READ_LIMITS;
    this.maxQuestions = opts.maxQuestions ?? 1024;
    void this.receive();
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
   * struct; resolves with the results struct (read-only, valid until the
   * next call on this connection returns).
   */
  async call<P extends $.Struct, R extends $.Struct>(
    cap: ImportedCap, interfaceId: bigint, methodId: number,
    Params: StructClass<P>, Results: StructClass<R>, fill: (p: P) => void,
  ): Promise<R> {
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
    build(msg.initRoot(rpc.Message), id);
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
