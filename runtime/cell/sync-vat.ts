// A synchronous Cap'n Proto RPC endpoint for code running *inside* a cell
// (bundled into a component with esbuild, run by StarlingMonkey or any JS
// engine): the cell's side of its membrane connection, over stdio (vat,
// pid0) or the ww:cell/membrane channel (raw, http). doc/cells.md,
// "Capabilities for cells", describes the protocol.
//
// A cell's reads block (WASI blocking-read, the channel's read), and the
// engine inside a component has no event loop to wait on, so this is not
// runtime/rpc/conn.ts: every call is sent and then waited for by reading
// messages until its Return arrives, serving whatever the host asks
// meanwhile. It speaks the level-1 subset a cell needs: Bootstrap, Call
// (on an imported capability or pipelined on a question), Return, Finish,
// and, as a server, Bootstrap and Call on the capabilities it serves.
// Capabilities travel in params and results both ways: what the host sends
// becomes a CellRef (an import), what the cell sends back of the host's
// goes as receiverHosted (or receiverAnswer), and what the cell serves
// itself is exported (CellExport, senderHosted). Release, Resolve and
// Disembargo from the host are read and ignored (a cell's connection ends
// with the cell, and it keeps its exports until then). It imports nothing
// of Node.
import * as $ from 'capnp-es';
import * as rpc from 'capnp-es/capnp/rpc';
import { FrameDecoder } from '../rpc/framing.js';
import { Hook, BrokenAnswer, BrokenHook, toHook, type Answer } from '../rpc/hooks.js';
import { RpcError } from '../rpc/errors.js';

/** The byte stream the connection runs on: blocking reads, an empty read is the end. */
export interface ByteChannel {
  read(max: number): Uint8Array;
  write(bytes: Uint8Array): void;
}

type StructClass<T extends $.Struct = $.Struct> = { new (...a: any[]): T; readonly _capnp: { displayName: string; id: string; size: $.ObjectSize } };

/** A capability the cell can call: one the host exported, or one in the results of a question. */
export type CapRef = { import: number } | { question: number; transform: number[] };

/**
 * A capability of the host as it sits in a message the cell reads or
 * builds (capnp-es keeps capabilities in a message's cap table as hooks).
 * It is called through the SyncVat, never through `call`.
 */
export class CellRef extends Hook {
  constructor(readonly ref: CapRef) { super(); }
  call(): Answer { return new BrokenAnswer(new RpcError('failed', 'a capability inside a cell is called through its SyncVat')); }
}

/** A capability the cell serves, by its export id, in a message. */
export class CellExport extends Hook {
  constructor(readonly id: number, readonly server: SyncServer) { super(); }
  call(): Answer { return new BrokenAnswer(new RpcError('failed', 'a capability a cell serves is called by its peer')); }
}

/** A capability the cell serves: methods by ordinal, run synchronously. */
export interface SyncServer {
  interfaceId: bigint;
  methods: Record<number, { Params: StructClass; Results: StructClass; impl: (params: any, results: any) => void }>;
}

/** A call that failed on the host (the Exception's reason, e.g. `permission-denied: Host.addrs (@1) ...`). */
export class RemoteError extends Error {
  constructor(readonly reason: string) { super(reason); this.name = 'RemoteError'; }
}

export class SyncVat {
  private readonly decoder = new FrameDecoder();
  private readonly inbox: Uint8Array[] = [];
  private readonly returns = new Map<number, rpc.Return>();
  private readonly exports: SyncServer[] = [];
  /** Questions the host asked of us that are answered with a capability (Bootstrap), until their Finish. */
  private readonly answered = new Map<number, SyncServer>();
  private nextQuestion = 0;
  /** Why the connection ended, once it has (the host closed it, or sent Abort). */
  closedWith: string | null = null;

  /** `bootstrap` is what the host gets when it asks this cell for its bootstrap capability (vat mode). */
  constructor(private readonly ch: ByteChannel, private readonly bootstrapCap: SyncServer | null = null) {
    if (bootstrapCap) this.exports.push(bootstrapCap);
  }

  /** Serves `server` to the host: the export to put in a message (its id stays for the cell's life). */
  exportServer(server: SyncServer): CellExport {
    this.exports.push(server);
    return new CellExport(this.exports.length - 1, server);
  }

  /** The host's bootstrap capability (the cell's Membrane), pipelined: no round trip until it is called. */
  bootstrap(): CapRef {
    const q = this.nextQuestion++;
    const m = new $.Message();
    m.initRoot(rpc.Message)._initBootstrap().questionId = q;
    this.send(m);
    return { question: q, transform: [] };
  }

  /** Sends a call and returns its question id; `wait` it for the results. */
  call(target: CapRef, interfaceId: bigint, methodId: number, Params: StructClass, fill: (p: any) => void = () => {}): number {
    const q = this.nextQuestion++;
    const m = new $.Message();
    const c = m.initRoot(rpc.Message)._initCall();
    c.questionId = q;
    c.interfaceId = interfaceId;
    c.methodId = methodId;
    const t = c._initTarget();
    if ('import' in target) t.importedCap = target.import;
    else {
      const pa = t._initPromisedAnswer();
      pa.questionId = target.question;
      const tr = pa._initTransform(target.transform.length);
      target.transform.forEach((f, i) => { tr.get(i).getPointerField = f; });
    }
    const payload = c._initParams();
    const params = $.utils.getPointerAs(0, Params, payload);
    $.utils.initStruct(Params._capnp.size, params);
    fill(params);
    describeCaps(payload, m);
    this.send(m);
    return q;
  }

  /**
   * Waits for the Return of question `q`, serving the host meanwhile.
   * Returns the results struct; throws a RemoteError for an exception, or
   * when the connection ends first.
   */
  wait<R extends $.Struct>(q: number, Results: StructClass<R>): { results: R; cap: (p: $.Pointer) => CapRef } {
    for (;;) {
      const ret = this.returns.get(q);
      if (ret) {
        this.returns.delete(q);
        this.finish(q);
        if (ret.which() === rpc.Return_Which.EXCEPTION) throw new RemoteError(ret.exception.reason);
        if (ret.which() !== rpc.Return_Which.RESULTS) throw new RemoteError(`unexpected return kind ${ret.which()}`);
        const payload = ret.results;
        importCaps(payload, ret.segment.message);
        const table = payload.capTable;
        return {
          results: $.utils.getAs(Results, payload.content),
          cap: (p: $.Pointer) => {
            const i = $.utils.getInterfacePointer(p);
            if (i >= table.length) throw new RemoteError('the capability is null');
            const d = table.get(i);
            if (d.which() === rpc.CapDescriptor_Which.SENDER_HOSTED) return { import: d.senderHosted };
            if (d.which() === rpc.CapDescriptor_Which.SENDER_PROMISE) return { import: d.senderPromise };
            throw new RemoteError(`capability descriptor kind ${d.which()} is not supported in a cell`);
          },
        };
      }
      if (!this.step()) throw new RemoteError(`the connection ended: ${this.closedWith}`);
    }
  }

  /** A call and its results in one step. */
  request<R extends $.Struct>(target: CapRef, interfaceId: bigint, methodId: number, Params: StructClass, Results: StructClass<R>, fill?: (p: any) => void) {
    return this.wait(this.call(target, interfaceId, methodId, Params, fill), Results);
  }

  /** Serves the host until the connection ends (a vat-mode cell's main loop). */
  serve(): void {
    while (this.step());
  }

  /** Handles one incoming message; false once the connection has ended. */
  step(): boolean {
    const frame = this.nextFrame();
    if (!frame) return false;
    const m = new $.Message(frame, false).getRoot(rpc.Message);
    switch (m.which()) {
      case rpc.Message_Which.RETURN: this.returns.set(m.return.answerId, m.return); break;
      case rpc.Message_Which.BOOTSTRAP: this.onBootstrap(m.bootstrap.questionId); break;
      case rpc.Message_Which.CALL: this.onCall(m.call, m.segment.message); break;
      case rpc.Message_Which.ABORT: this.closedWith = `aborted: ${m.abort.reason}`; return false;
      case rpc.Message_Which.FINISH: this.answered.delete(m.finish.questionId); break;
      default: break; // Release, Resolve, Disembargo: nothing a cell keeps needs them
    }
    return true;
  }

  /** Writes raw bytes on the connection (for tests of what the host does with garbage). */
  sendRaw(bytes: Uint8Array): void { this.ch.write(bytes); }

  private nextFrame(): Uint8Array | null {
    while (this.inbox.length === 0) {
      if (this.closedWith) return null;
      const chunk = this.ch.read(65536);
      if (chunk.length === 0) { this.closedWith = 'the host closed the connection'; return null; }
      for (const f of this.decoder.push(chunk)) this.inbox.push(f);
    }
    return this.inbox.shift()!;
  }

  private send(m: $.Message): void { this.ch.write(new Uint8Array(m.toArrayBuffer())); }

  private finish(q: number): void {
    const m = new $.Message();
    const f = m.initRoot(rpc.Message)._initFinish();
    f.questionId = q;
    f.releaseResultCaps = false;
    this.send(m);
  }

  private onBootstrap(id: number): void {
    const out = new $.Message();
    const ret = out.initRoot(rpc.Message)._initReturn();
    ret.answerId = id;
    ret.releaseParamCaps = false;
    if (!this.bootstrapCap) {
      ret._initException().reason = 'failed: this cell offers no bootstrap capability';
    } else {
      const payload = ret._initResults();
      $.utils.setInterfacePointer(0, payload.content);
      payload._initCapTable(1).get(0).senderHosted = 0;
      this.answered.set(id, this.bootstrapCap);
    }
    this.send(out);
  }

  private onCall(call: rpc.Call, msg: $.Message): void {
    const out = new $.Message();
    const ret = out.initRoot(rpc.Message)._initReturn();
    ret.answerId = call.questionId;
    ret.releaseParamCaps = false;
    const fail = (reason: string) => { ret._initException().reason = reason; this.send(out); };
    const t = call.target;
    // On our export, or pipelined on our answer to the host's Bootstrap (the capability itself: no transform).
    const server = t.which() === rpc.MessageTarget_Which.IMPORTED_CAP ? this.exports[t.importedCap]
      : t.promisedAnswer.transform.length === 0 ? this.answered.get(t.promisedAnswer.questionId) : undefined;
    if (!server) return fail('failed: invalid capability id: this cell never exported it');
    const method = call.interfaceId === server.interfaceId ? server.methods[call.methodId] : undefined;
    if (!method) return fail(`unimplemented: no method ${call.methodId} of interface 0x${call.interfaceId.toString(16)} here`);
    const payload = ret._initResults();
    const results = $.utils.getPointerAs(0, method.Results, payload);
    $.utils.initStruct(method.Results._capnp.size, results);
    try {
      importCaps(call.params, msg, this.exports);
      method.impl($.utils.getAs(method.Params, call.params.content), results);
      describeCaps(payload, out);
    } catch (e) {
      const again = new $.Message();
      const r = again.initRoot(rpc.Message)._initReturn();
      r.answerId = call.questionId;
      r.releaseParamCaps = false;
      r._initException().reason = `failed: ${String((e as Error)?.message ?? e)}`;
      this.send(again);
      return;
    }
    this.send(out);
  }
}

/**
 * The cap table of a message the cell built (hooks capnp-es collected while
 * the params or results were written) as descriptors: the host's own
 * capabilities go back as receiverHosted or receiverAnswer, the cell's as
 * senderHosted. Anything else cannot leave a cell.
 */
function describeCaps(payload: rpc.Payload, msg: $.Message): void {
  const table: unknown[] = (msg as any)._capnp.capTable ?? [];
  if (!table.length) return;
  const descs = payload._initCapTable(table.length);
  table.forEach((entry, i) => {
    const d = descs.get(i);
    const h = toHook(entry);
    if (h instanceof CellExport) d.senderHosted = h.id;
    else if (h instanceof CellRef && 'import' in h.ref) d.receiverHosted = h.ref.import;
    else if (h instanceof CellRef) {
      const ref = h.ref as { question: number; transform: number[] };
      const pa = d._initReceiverAnswer();
      pa.questionId = ref.question;
      const tr = pa._initTransform(ref.transform.length);
      ref.transform.forEach((f, j) => { tr.get(j).getPointerField = f; });
    } else if (h === null || h instanceof BrokenHook) d.none = true;
    else throw new Error('this capability cannot be sent from a cell');
  });
}

/** The cap table of a message the host sent, as hooks the generated getters hand out. */
function importCaps(payload: rpc.Payload, msg: $.Message, exports: readonly SyncServer[] = []): void {
  // Reading an absent capTable would make capnp-es build one inside the received message.
  if (!payload._hasCapTable()) { (msg as any)._capnp.capTable = []; return; }
  const descs = payload.capTable;
  const table: unknown[] = [];
  for (let i = 0; i < descs.length; i++) {
    const d = descs.get(i);
    switch (d.which()) {
      case rpc.CapDescriptor_Which.SENDER_HOSTED: table.push(new CellRef({ import: d.senderHosted })); break;
      case rpc.CapDescriptor_Which.SENDER_PROMISE: table.push(new CellRef({ import: d.senderPromise })); break;
      case rpc.CapDescriptor_Which.RECEIVER_HOSTED: {
        const server = exports[d.receiverHosted];
        table.push(server ? new CellExport(d.receiverHosted, server) : new BrokenHook(new RpcError('failed', `invalid capability id ${d.receiverHosted}: this cell never exported it`)));
        break;
      }
      case rpc.CapDescriptor_Which.NONE: table.push(null); break;
      default: table.push(new BrokenHook(new RpcError('unimplemented', 'this kind of capability descriptor is not supported in a cell')));
    }
  }
  (msg as any)._capnp.capTable = table;
}
