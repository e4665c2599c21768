// A Cap'n Proto RPC connection, level 1 (runtime/rpc/DESIGN.md): bootstrap,
// call, return, finish, release, resolve and disembargo, over any
// MessageTransport. Capabilities are hooks (hooks.ts); this file keeps the
// four tables of the protocol (questions, answers, exports, imports) plus
// embargoes, and turns messages into hook calls and back.
//
// Robustness rules: every incoming message is validated (validate.ts)
// before anything reads it; handling runs inside one try/catch, and a
// malformed message or protocol violation sends Abort and closes the
// connection — nothing is thrown into the caller. On close, every pending
// question, queued pipelined call and embargo fails `disconnected`.
import * as $ from 'capnp-es';
import * as rpc from 'capnp-es/capnp/rpc';
import { afterMicrotasks, type MessageTransport } from './transport.js';
import { validateMessage, DEFAULT_READ_LIMITS, type ReadLimits, WireError } from './validate.js';
import { RpcError, fromReason, toRpcError, exceptionType } from './errors.js';
import { copyPointer } from './copy.js';
import { newMessage, readFrame, frameOf, finishFrame, beginCall, beginReturn, setNoFinishNeeded, decodeFast, type FastMessage } from './wire.js';
import {
  Hook, Answer, PromiseHook, BrokenHook, BrokenAnswer, CapAnswer, LocalServerHook, toHook, capAt, materialize,
  type CallSpec, type ResultSlot, type Transform, type LocalServer,
} from './hooks.js';

type StructClass<T extends $.Struct> = { new (...a: any[]): T; readonly _capnp: { displayName: string; id: string; size: $.ObjectSize } };

export type { LocalServer } from './hooks.js';
/** A capability the peer hosts (or any hook): what `bootstrap()` gives. */
export type ImportedCap = Hook;

export interface ConnectionOptions {
  readLimits?: ReadLimits;
  /** Most of our calls outstanding at once; more fail `overloaded` at once. */
  maxQuestions?: number;
  /** Most calls from the peer in progress at once; more are answered `overloaded`. */
  maxAnswers?: number;
  /** Most capabilities we export at once; beyond it, a capability is sent as broken. */
  maxExports?: number;
  /** Most capabilities we import at once; a peer that sends more is aborted. */
  maxImports?: number;
  /** The capability the peer gets from bootstrap: a generated server, or any hook. */
  bootstrap?: LocalServer | Hook;
}

/**
 * No export ids: shared by the calls that carry no capabilities (most), so
 * each does not allocate an array of its own. Never written to.
 */
const NO_IDS: number[] = [];

/** Our question to the peer. */
class Question extends Answer {
  returned = false;
  /** Export ids written into this call's params (released if the Return says releaseParamCaps). */
  paramExports: number[] = NO_IDS;
  /** The Return's payload content, while the question's results are readable. */
  private settleOk!: (s: $.Struct) => void;
  private settleFail!: (e: RpcError) => void;
  private readonly results = new Promise<$.Struct>((ok, fail) => { this.settleOk = ok; this.settleFail = fail; });
  /** Capabilities pipelined on the results before the Return (made on first use: most calls have none). */
  private remotePipes: RemotePromiseHook[] | null = null;
  constructor(readonly conn: Connection, readonly id: number) {
    super();
    this.results.catch(() => {});
  }
  override struct(): Promise<$.Struct> { return this.results; }
  protected override makePipeline(t: Transform): Hook {
    if (this.returned) return this.resolvedPipe(t);
    const h = new RemotePromiseHook(this.conn, this, t);
    (this.remotePipes ??= []).push(h);
    return h;
  }
  private resolvedContent: $.Struct | null = null;
  private failure: RpcError | null = null;
  private adopted: Answer | null = null;
  private resolvedPipe(t: Transform): Hook {
    if (this.adopted) return this.adopted.pipelineHook(t);
    return this.failure ? new BrokenHook(this.failure) : capAt(this.resolvedContent!, t);
  }
  /** The Return arrived: settle the results, then point every pipelined capability at its target. */
  finish(content: $.Struct | null, err: RpcError | null): void {
    this.returned = true;
    this.resolvedContent = content;
    this.failure = err;
    if (err) this.settleFail(err); else this.settleOk(content!);
    this.resolvePipes();
  }
  /**
   * The Return said `takeFromOtherQuestion`: our results are those of one of
   * our own answers, a call the peer sent back to us with
   * `sendResultsTo.yourself` (a tail call; C++ does this whenever it
   * forwards our call to a capability we host).
   */
  adopt(answer: Answer): void {
    this.returned = true;
    this.adopted = answer;
    answer.struct().then((s) => this.settleOk(s), (e) => this.settleFail(toRpcError(e)));
    this.resolvePipes();
  }
  private resolvePipes(): void {
    const pipes = this.remotePipes;
    if (!pipes) return;
    this.remotePipes = null;
    for (const p of pipes) p.resolveTo(this.resolvedPipe(p.transform));
  }
}

/**
 * A capability in the results of one of our questions, before its Return.
 * Calls go out at once, aimed at (question, transform); once the Return
 * arrives they go to the capability itself. If calls already went out this
 * way and the capability turns out not to live in the peer, new calls wait
 * behind a Disembargo round trip, so they cannot overtake the earlier ones
 * (the E-order rule of the protocol).
 */
class RemotePromiseHook extends Hook {
  private target: Hook | null = null;
  private sentOnWire = false;
  constructor(readonly conn: Connection, readonly question: Question, readonly transform: Transform) { super(); }
  override call(call: CallSpec, slot?: ResultSlot): Answer {
    if (this.target) return this.target.call(call, slot);
    this.sentOnWire = true;
    return this.conn.sendCall({ promisedAnswer: this.question.id, transform: this.transform }, call);
  }
  resolveTo(h: Hook): void {
    const settled = h.settled();
    const backToPeer = settled instanceof ImportClient && settled.conn === this.conn;
    // Calls sent to (question, transform) count as calls on the promise the
    // peer returned there: if that promise later resolves to one of ours,
    // later calls must wait behind them too.
    if (this.sentOnWire && backToPeer) (settled as ImportClient).markCalled();
    if (this.sentOnWire && !backToPeer && !(settled instanceof BrokenHook)) {
      this.target = this.conn.embargo({ promisedAnswer: this.question.id, transform: this.transform }, h);
    } else {
      this.target = h;
    }
  }
  override settled(): Hook { return this.target ? this.target.settled() : this; }
  override whenSettled(): Promise<Hook> {
    return this.target ? this.target.whenSettled() : this.question.struct().then(() => this.whenSettled(), () => this.whenSettled());
  }
}

type Target = { importedCap: number } | { promisedAnswer: number; transform: Transform };

/** One capability the peer hosts, with the references it gave us. */
interface ImportEntry {
  id: number;
  /** Descriptors received for this id, to give back in Release. */
  remoteRefs: number;
  /** Live handles (cap table entries) pointing at it. */
  handles: number;
  /** For a promise (senderPromise): what it resolved to. */
  resolution: Hook | null;
  /** Calls made on it before it resolved, if any: a local resolution then needs an embargo. */
  called: boolean;
}

const handleRegistry = new FinalizationRegistry<{ conn: Connection; entry: ImportEntry; state: { closed: boolean } }>((held) => {
  if (!held.state.closed) held.conn.dropHandle(held.entry);
});

/**
 * A capability the peer hosts, as one holder sees it. Each cap-table entry
 * of a received message is its own handle; when the last handle for an
 * import is closed (or collected), we send Release with every reference
 * the peer gave us for it.
 */
export class ImportClient extends Hook {
  private readonly state = { closed: false };
  constructor(readonly conn: Connection, private readonly entry: ImportEntry) {
    super();
    handleRegistry.register(this, { conn, entry, state: this.state }, this);
  }
  get importId(): number { return this.entry.id; }
  markCalled(): void { this.entry.called = true; }
  override call(call: CallSpec, slot?: ResultSlot): Answer {
    if (this.state.closed) return new BrokenAnswer(new RpcError('failed', 'this capability was released'));
    if (this.entry.resolution) return this.entry.resolution.call(call, slot);
    this.entry.called = true;
    return this.conn.sendCall({ importedCap: this.entry.id }, call);
  }
  override settled(): Hook { return this.entry.resolution ? this.entry.resolution.settled() : this; }
  override dup(): Hook { return this.state.closed ? this : this.conn.newHandle(this.entry); }
  override close(): void {
    if (this.state.closed) return;
    this.state.closed = true;
    handleRegistry.unregister(this);
    this.conn.dropHandle(this.entry);
  }
}

/** The peer's question to us. */
interface AnswerEntry {
  answer: Answer;
  returned: boolean;
  finished: boolean;
  /** Export ids (one reference each) sent in the Return's cap table. */
  resultExports: number[];
  /** The Finish asked us to release the result capabilities. */
  releaseResults: boolean;
  /** Called with `sendResultsTo.yourself`: the results stay here for a Return `takeFromOtherQuestion`. */
  resultsKept?: boolean;
}

export interface ConnectionStats { questions: number; answers: number; exports: number; imports: number; embargoes: number }

export class Connection {
  private readonly questions = new Map<number, Question>();
  private readonly freeIds: number[] = [];
  private nextQuestion = 0;
  private readonly answers = new Map<number, AnswerEntry>();
  /** Our capabilities the peer holds: the reference we keep for it, the hook it was exported as, and its count. */
  private readonly exports = new Map<number, { hook: Hook; key: Hook; refs: number }>();
  private readonly exportIds = new Map<Hook, number>();
  private readonly freeExportIds: number[] = [];
  private nextExport = 0;
  private readonly imports = new Map<number, ImportEntry>();
  private readonly embargoes = new Map<number, () => void>();
  private nextEmbargo = 0;
  private closedWith: RpcError | null = null;
  private closedResolve!: (e: RpcError) => void;
  /** Resolves with the reason once the connection is closed, from either side. */
  readonly closed = new Promise<RpcError>((res) => { this.closedResolve = res; });
  private readonly readLimits: ReadLimits;
  private readonly maxQuestions: number;
  private readonly maxAnswers: number;
  private readonly maxExports: number;
  private readonly maxImports: number;
  private readonly bootstrapCap: Hook | null;

  constructor(private readonly transport: MessageTransport, opts: ConnectionOptions = {}) {
    this.readLimits = opts.readLimits ?? DEFAULT_READ_LIMITS;
    this.maxQuestions = opts.maxQuestions ?? 1024;
    this.maxAnswers = opts.maxAnswers ?? 1024;
    this.maxExports = opts.maxExports ?? 4096;
    this.maxImports = opts.maxImports ?? 4096;
    this.bootstrapCap = opts.bootstrap ? toHook(opts.bootstrap) : null;
    this.coalesce = transport.coalesce === true;
    // A transport that can hand messages over as they arrive saves a
    // promise and a microtask per message; it starts after this constructor,
    // as the recv() loop does.
    const t = transport;
    if (t.listen) void Promise.resolve().then(() => t.listen!((frame) => { this.onFrame(frame); }));
    else void this.receive();
  }

  get isClosed(): boolean { return this.closedWith !== null; }

  /** Sizes of the tables, for leak checks. */
  stats(): ConnectionStats {
    return { questions: this.questions.size, answers: this.answers.size, exports: this.exports.size, imports: this.imports.size, embargoes: this.embargoes.size };
  }

  // ---------------------------------------------------------------- bootstrap

  /**
   * The peer's bootstrap capability, usable at once: calls made on it before
   * the peer answers are pipelined on the bootstrap question.
   */
  bootstrapHook(): Hook {
    const q = this.ask((m, id) => { m._initBootstrap().questionId = id; });
    return q instanceof Question ? q.pipelineHook([]) : new BrokenHook(q.error);
  }

  /** The peer's bootstrap capability, once the peer has answered (rejects with its error). */
  async bootstrap(): Promise<Hook> {
    const h = this.bootstrapHook();
    if (h instanceof BrokenHook) throw h.error;
    const q = (h as RemotePromiseHook).question;
    await q.struct();
    return h;
  }

  /**
   * For generated clients: `new Foo$Client(await conn.bootstrapClient())`.
   */
  bootstrapClient(): Promise<Hook> { return this.bootstrap(); }

  /** Calls a method on a capability and resolves with the typed results. */
  async call<P extends $.Struct, R extends $.Struct>(
    cap: Hook, interfaceId: bigint, methodId: number,
    Params: StructClass<P>, Results: StructClass<R>, fill: (p: P) => void,
  ): Promise<R> {
    const s = await cap.call({ method: { interfaceId, methodId, ParamsClass: Params, ResultsClass: Results }, paramsFunc: fill }).struct();
    return $.utils.getAs(Results, s);
  }

  // ---------------------------------------------------------------- questions

  private ask(build: (m: rpc.Message, questionId: number) => void): Question | BrokenAnswer {
    return this.askWith((id) => {
      const msg = newMessage();
      build(msg.initRoot(rpc.Message), id);
      return { msg, exported: NO_IDS };
    });
  }

  /** Allocates a question, builds its message (and the exports it carries), sends it. */
  private askWith(build: (questionId: number) => { msg: $.Message; exported: number[] }): Question | BrokenAnswer {
    if (this.closedWith) return new BrokenAnswer(this.closedWith);
    if (this.questions.size >= this.maxQuestions) {
      return new BrokenAnswer(new RpcError('overloaded', `more than ${this.maxQuestions} calls are outstanding on this connection`));
    }
    const id = this.freeIds.pop() ?? this.nextQuestion++;
    let built: { msg: $.Message; exported: number[] };
    try { built = build(id); }
    catch (e) { this.freeIds.push(id); return new BrokenAnswer(toRpcError(e)); }
    const q = new Question(this, id);
    q.paramExports = built.exported;
    this.questions.set(id, q);
    this.send(built.msg);
    return q;
  }

  /** Sends a Call to `target` on the peer. */
  sendCall(target: Target, call: CallSpec): Answer {
    // The envelope is written at fixed offsets (wire.ts); the params with the generated class.
    const to = 'importedCap' in target ? target.importedCap : { questionId: target.promisedAnswer, transform: target.transform };
    return this.askWith((qid) => {
      const out = beginCall(qid, call.method.interfaceId, call.method.methodId, to);
      const seg = out.msg.getSegment(0);
      if (call.params) {
        copyPointer(call.params, new $.Pointer(seg, out.contentAt));
      } else if (call.method.ParamsClass) {
        const params = new call.method.ParamsClass(seg, out.contentAt);
        $.utils.initStruct(call.method.ParamsClass._capnp.size, params);
        call.paramsFunc?.(params);
      }
      const exported = (out.msg as any)._capnp.capTable?.length ? this.describeCaps(out.payload(), out.msg) : NO_IDS;
      return { msg: out.msg, exported };
    });
  }

  /** A Return with results, read on the fast path. */
  private onResults(id: number, content: $.Pointer, payload: (() => rpc.Payload) | null, msg: $.Message, releaseParamCaps: boolean, noFinishNeeded: boolean): void {
    this.settleResults(this.takeQuestion(id, releaseParamCaps), content, payload, msg);
    this.finishQuestion(id, noFinishNeeded);
  }

  /**
   * Imports the capabilities of a Return's results and settles the question
   * with them. The question has left the table: whatever happens, it
   * settles here (a forged capability fails it; anything else fails it and
   * aborts the connection).
   */
  private settleResults(q: Question, content: $.Pointer, payload: (() => rpc.Payload) | null, msg: $.Message): void {
    try {
      if (payload) this.importCaps(payload(), msg); else (msg as any)._capnp.capTable = [];
    } catch (e) {
      if (e instanceof ForgedCap) { q.finish(null, e.error); return; }
      q.finish(null, new RpcError('malformed', String((e as Error)?.message ?? e)));
      throw e;
    }
    q.finish(content as $.Struct, null);
  }

  /** Removes an outstanding question for its Return; the peer released the params' capabilities if it says so. */
  private takeQuestion(id: number, releaseParamCaps: boolean): Question {
    const q = this.questions.get(id);
    if (!q || q.returned) throw new WireError(`Return for question ${id}, which is not outstanding`);
    this.questions.delete(id);
    if (releaseParamCaps && q.paramExports.length) {
      const ids = q.paramExports;
      q.paramExports = NO_IDS;
      for (const e of ids) if (this.exports.has(e)) this.release(e, 1);
    }
    return q;
  }

  /**
   * After the Return: Finish (the peer may drop the answer), and the id is
   * free again. A Return marked noFinishNeeded has dropped its answer
   * already: no Finish is sent.
   */
  private finishQuestion(id: number, noFinishNeeded = false): void {
    // We keep the result capabilities as imports, released by Release.
    if (!noFinishNeeded && !this.closedWith) this.queueFrame(finishFrame(id));
    this.freeIds.push(id);
  }

  private onReturn(ret: rpc.Return): void {
    const id = ret.answerId;
    const q = this.takeQuestion(id, ret.releaseParamCaps);
    switch (ret.which()) {
      case rpc.Return_Which.RESULTS:
        this.settleResults(q, ret.results.content, () => ret.results, ret.segment.message);
        break;
      case rpc.Return_Which.EXCEPTION: q.finish(null, fromReason(ret.exception.reason, ret.exception.type)); break;
      case rpc.Return_Which.CANCELED: q.finish(null, new RpcError('failed', 'the call was canceled')); break;
      case rpc.Return_Which.TAKE_FROM_OTHER_QUESTION: {
        // A tail call: the peer forwarded our call back to us (question
        // `other`, sendResultsTo.yourself) and our own answer has the results.
        const other = this.answers.get(ret.takeFromOtherQuestion);
        if (!other?.resultsKept) {
          const e = new WireError(`Return takes the results of question ${ret.takeFromOtherQuestion}, which is not a call sent to itself`);
          q.finish(null, new RpcError('malformed', e.message)); // q has left the table: settle it before the Abort
          throw e;
        }
        q.adopt(other.answer);
        break;
      }
      default: q.finish(null, new RpcError('unimplemented', `return kind ${ret.which()} is not supported`));
    }
    // After the pipelined capabilities were pointed at their targets (and
    // any Disembargo for them went out): the peer may drop the answer now.
    this.finishQuestion(id, ret.noFinishNeeded);
  }

  // ---------------------------------------------------------------- answers

  private beginAnswer(id: number, answer: Answer): AnswerEntry {
    if (this.answers.has(id)) throw new WireError(`question ${id} is already in use`);
    if (this.finishNotNeeded.size) this.finishNotNeeded.delete(id);
    const entry: AnswerEntry = { answer, returned: false, finished: false, resultExports: NO_IDS, releaseResults: false };
    this.answers.set(id, entry);
    return entry;
  }

  private onBootstrap(id: number): void {
    if (this.bootstrapCap === null) {
      const e = new RpcError('failed', 'this vat offers no bootstrap capability');
      this.beginAnswer(id, new BrokenAnswer(e));
      return this.sendException(id, e);
    }
    const entry = this.beginAnswer(id, new CapAnswer(this.bootstrapCap));
    const out = newMessage();
    const ret = out.initRoot(rpc.Message)._initReturn();
    ret.answerId = id;
    const payload = ret._initResults();
    $.utils.setInterfacePointer(0, payload.content);
    const exportId = this.export(this.bootstrapCap);
    if (exportId === null) payload._initCapTable(1).get(0).none = true;
    else { payload._initCapTable(1).get(0).senderHosted = exportId; entry.resultExports = [exportId]; }
    entry.returned = true;
    this.send(out);
    this.afterReturn(id, entry);
  }

  private onCall(call: rpc.Call): void {
    const kind = call.sendResultsTo.which();
    this.answerCall(call.questionId, call.interfaceId, call.methodId,
      kind === rpc.Call_SendResultsTo_Which.CALLER ? 'caller' : kind === rpc.Call_SendResultsTo_Which.YOURSELF ? 'yourself' : 'elsewhere',
      () => this.resolveTarget(call.target), call.params.content, () => call.params, call.segment.message);
  }

  /**
   * Answers a Call, however it was read. `payload` is only asked for when
   * the params carry capabilities. Results are built straight into the
   * Return message when the target is a local server (the slot); otherwise
   * they are copied into it.
   */
  private answerCall(id: number, interfaceId: bigint, methodId: number, resultsTo: 'caller' | 'yourself' | 'elsewhere',
    target: () => Hook, content: $.Pointer, payload: (() => rpc.Payload) | null, msg: $.Message): void {
    // A reused id is a protocol error, found before anything runs.
    if (this.answers.has(id)) throw new WireError(`question ${id} is already in use`);
    if (this.answers.size >= this.maxAnswers) {
      const e = new RpcError('overloaded', `more than ${this.maxAnswers} calls are in progress on this connection`);
      this.beginAnswer(id, new BrokenAnswer(e));
      return this.sendException(id, e);
    }
    // `yourself`: the peer keeps the results here for a later Return of its own
    // with takeFromOtherQuestion (C++ forwards a call to a capability we host
    // this way: a tail call); our Return then says resultsSentElsewhere.
    const kept = resultsTo === 'yourself';
    if (resultsTo === 'elsewhere') {
      const e = new RpcError('unimplemented', 'results can only be sent to the caller or kept (level 1)');
      this.beginAnswer(id, new BrokenAnswer(e));
      return this.sendException(id, e);
    }
    // Every Return of ours says releaseParamCaps = false (its default is
    // true): the capabilities in the params are imports we keep, and release
    // ourselves, with Release, when their last handle goes. With true, the
    // peer drops them at our Return (C++ does), and a later call or Release
    // on them names an export that is gone (C++ aborts the connection).
    const out = beginReturn(id);
    const seg = out.msg.getSegment(0);
    const slot: ResultSlot = {
      alloc(Results) {
        const r = new Results(seg, out.contentAt);
        $.utils.initStruct(Results._capnp.size, r);
        return r;
      },
    };
    let answer: Answer;
    let badCap: RpcError | null = null;
    try {
      if (payload) this.importCaps(payload(), msg); else (msg as any)._capnp.capTable = [];
    } catch (e) { if (e instanceof ForgedCap) badCap = e.error; else throw e; }
    if (badCap) answer = new BrokenAnswer(badCap);
    else answer = target().call({ method: { interfaceId, methodId }, params: content }, slot);
    const entry = this.beginAnswer(id, answer);
    entry.resultsKept = kept;
    if (kept) {
      const sentElsewhere = () => {
        if (this.closedWith || this.answers.get(id) !== entry) return;
        entry.returned = true;
        const m = newMessage();
        const r = m.initRoot(rpc.Message)._initReturn();
        r.answerId = id;
        r.releaseParamCaps = false;
        r.resultsSentElsewhere = true;
        this.send(m);
        this.afterReturn(id, entry);
      };
      return void answer.struct().then(sentElsewhere, sentElsewhere);
    }
    answer.struct().then((results) => {
      if (this.closedWith || this.answers.get(id) !== entry) return;
      if (results.segment.message !== out.msg) copyPointer(results, new $.Pointer(seg, out.contentAt));
      const hasCaps = (out.msg as any)._capnp.capTable?.length > 0;
      entry.resultExports = hasCaps ? this.describeCaps(out.payload(), out.msg) : NO_IDS;
      entry.returned = true;
      if (!hasCaps && !entry.finished) {
        // Results without capabilities: nothing for a Finish to release, and
        // a call pipelined on them could only fail. The answer goes now and
        // the Return says so (noFinishNeeded), which saves the caller a
        // Finish and us reading it. A peer that predates the flag (C++ 0.9)
        // sends Finish anyway; finishAnswer lets that one through.
        setNoFinishNeeded(out);
        this.answers.delete(id);
        this.noteFinishNotNeeded(id);
        this.send(out.msg);
        return;
      }
      this.send(out.msg);
      this.afterReturn(id, entry);
    }, (e) => {
      if (this.closedWith || this.answers.get(id) !== entry) return;
      entry.returned = true;
      this.sendException(id, toRpcError(e));
      this.afterReturn(id, entry);
    });
  }

  /**
   * Ids of answers dropped at a Return marked noFinishNeeded, whose Finish
   * may still come (from a peer that predates the flag). An id leaves the
   * set with that Finish, or when the peer asks a new question with it
   * (then it knew the flag). A peer that never reuses ids and never sends
   * Finish would grow the set: past a bound it is emptied, which can only
   * turn such a late Finish into the protocol error it was before the flag.
   */
  private readonly finishNotNeeded = new Set<number>();

  private noteFinishNotNeeded(id: number): void {
    if (this.finishNotNeeded.size >= 4 * this.maxAnswers + 1024) this.finishNotNeeded.clear();
    this.finishNotNeeded.add(id);
  }

  /** An answer whose Finish came before its Return is dropped once returned. */
  private afterReturn(id: number, entry: AnswerEntry): void {
    if (!entry.finished) return;
    if (entry.releaseResults && entry.resultExports.length) {
      const ids = entry.resultExports;
      entry.resultExports = NO_IDS;
      for (const e of ids) this.release(e, 1);
    }
    this.answers.delete(id);
  }

  /** The hook a message target names; an unknown one gives a broken hook (the call fails, the connection lives). */
  private resolveTarget(t: rpc.MessageTarget | number): Hook {
    if (typeof t === 'number' || t.which() === rpc.MessageTarget_Which.IMPORTED_CAP) {
      const id = typeof t === 'number' ? t : t.importedCap;
      const e = this.exports.get(id);
      return e ? e.hook : new BrokenHook(new RpcError('failed', `invalid capability id ${id}: this vat never exported it`));
    }
    const pa = t.promisedAnswer;
    return this.promisedTarget(pa.questionId, readTransform(pa));
  }

  /** The capability at `transform` in the results of the peer's question `questionId`. */
  private promisedTarget(questionId: number, transform: Transform): Hook {
    const a = this.answers.get(questionId);
    if (!a) return new BrokenHook(new RpcError('failed', `invalid capability: question ${questionId} is not an answer in progress`));
    return a.answer.pipelineHook(transform);
  }

  private onFinish(f: rpc.Finish): void { this.finishAnswer(f.questionId, f.releaseResultCaps); }

  private finishAnswer(questionId: number, releaseResultCaps: boolean): void {
    const entry = this.answers.get(questionId);
    if (!entry) {
      // The Finish of a peer that does not know noFinishNeeded, for an answer we dropped at its Return.
      if (this.finishNotNeeded.delete(questionId)) return;
      throw new WireError(`Finish for question ${questionId}, which is not an answer in progress`);
    }
    entry.finished = true;
    entry.releaseResults = releaseResultCaps;
    if (!entry.returned) return;
    if (releaseResultCaps) for (const e of entry.resultExports) this.release(e, 1);
    entry.resultExports = NO_IDS;
    this.answers.delete(questionId);
  }

  private sendException(answerId: number, e: RpcError): void {
    const out = newMessage();
    const ret = out.initRoot(rpc.Message)._initReturn();
    ret.answerId = answerId;
    ret.releaseParamCaps = false; // as in onCall
    const ex = ret._initException();
    ex.reason = `${e.code}: ${e.message}`;
    ex.type = exceptionType(e.code) as rpc.Exception_Type;
    const entry = this.answers.get(answerId);
    if (entry) entry.returned = true;
    this.send(out);
  }

  // ---------------------------------------------------------------- exports

  /** Exports a hook (reusing its id) and counts one more reference the peer holds; null past the limit. */
  private export(hook: Hook): number | null {
    let id = this.exportIds.get(hook);
    if (id === undefined) {
      if (this.exports.size >= this.maxExports) return null;
      id = this.freeExportIds.pop() ?? this.nextExport++;
      this.exports.set(id, { hook: hook.dup(), key: hook, refs: 0 });
      this.exportIds.set(hook, id);
    }
    this.exports.get(id)!.refs++;
    return id;
  }

  private release(id: number, count: number): void {
    const e = this.exports.get(id);
    if (!e) throw new WireError(`Release of export ${id}, which does not exist`);
    e.refs -= count;
    if (e.refs > 0) return;
    this.exports.delete(id);
    this.exportIds.delete(e.key);
    this.freeExportIds.push(id);
    e.hook.close();
  }

  /**
   * Capabilities in an outgoing payload: generated setters put clients into
   * the message's cap table, and each becomes a descriptor. The peer's own
   * capabilities go back as receiverHosted, capabilities in the results of
   * our questions still in flight as receiverAnswer; everything else —
   * including an attenuated capability, which is never looked through — is
   * exported. Returns the export ids written.
   */
  private describeCaps(payload: rpc.Payload, msg: $.Message): number[] {
    const table: unknown[] = (msg as any)._capnp.capTable ?? [];
    const exported: number[] = [];
    if (!table.length) return exported;
    const descs = payload._initCapTable(table.length);
    table.forEach((entry, i) => {
      const id = this.describe(descs.get(i), toHook(entry));
      if (id !== null) exported.push(id);
    });
    return exported;
  }

  /** Writes one capability descriptor; returns the export id if it exported one. */
  private describe(d: rpc.CapDescriptor, hook: Hook | null): number | null {
    if (!hook) { d.none = true; return null; }
    const s = hook.settled();
    if (s instanceof ImportClient && s.conn === this) { d.receiverHosted = s.importId; return null; }
    if (s instanceof RemotePromiseHook && s.conn === this && !s.question.returned) {
      writePromisedAnswer(d._initReceiverAnswer(), s.question.id, s.transform);
      return null;
    }
    const fresh = !this.exportIds.has(s);
    const id = this.export(s);
    if (id === null) { d.none = true; return null; }
    // A capability not known yet goes out as a promise, and a Resolve follows
    // when it settles, so the peer can shorten the path and keep call order.
    const pending = s instanceof PromiseHook || s instanceof RemotePromiseHook;
    if (pending) {
      d.senderPromise = id;
      if (fresh) void s.whenSettled().then((to) => this.sendResolve(id, s, to));
    } else d.senderHosted = id;
    return id;
  }

  private sendResolve(id: number, promise: Hook, to: Hook): void {
    const e = this.exports.get(id);
    if (this.closedWith || !e || e.key !== promise) return; // released meanwhile
    const out = newMessage();
    const r = out.initRoot(rpc.Message)._initResolve();
    r.promiseId = id;
    if (to instanceof BrokenHook) {
      const ex = r._initException();
      ex.reason = `${to.error.code}: ${to.error.message}`;
      ex.type = exceptionType(to.error.code) as rpc.Exception_Type;
    } else {
      this.describe(r._initCap(), to);
    }
    this.send(out);
  }

  // ---------------------------------------------------------------- imports

  /** Capabilities in an incoming payload become hooks the generated getters hand out. */
  private importCaps(payload: rpc.Payload, msg: $.Message): void {
    // Reading an absent capTable would make capnp-es build one inside the
    // received message (a fresh segment): look first.
    if (!payload._hasCapTable()) { (msg as any)._capnp.capTable = []; return; }
    const descs = payload.capTable;
    const table: unknown[] = new Array(descs.length);
    for (let i = 0; i < descs.length; i++) table[i] = this.importDescriptor(descs.get(i));
    (msg as any)._capnp.capTable = table;
  }

  private importDescriptor(d: rpc.CapDescriptor): Hook | null {
    switch (d.which()) {
      case rpc.CapDescriptor_Which.NONE: return null;
      case rpc.CapDescriptor_Which.SENDER_HOSTED: return this.importHandle(d.senderHosted);
      case rpc.CapDescriptor_Which.SENDER_PROMISE: return this.importHandle(d.senderPromise);
      case rpc.CapDescriptor_Which.RECEIVER_HOSTED: {
        const e = this.exports.get(d.receiverHosted);
        if (!e) throw new ForgedCap(new RpcError('failed', `invalid capability id ${d.receiverHosted}: this vat never exported it`));
        return e.hook;
      }
      case rpc.CapDescriptor_Which.RECEIVER_ANSWER: {
        const pa = d.receiverAnswer;
        const a = this.answers.get(pa.questionId);
        if (!a) throw new ForgedCap(new RpcError('failed', `invalid capability: question ${pa.questionId} is not an answer in progress`));
        return a.answer.pipelineHook(readTransform(pa));
      }
      default:
        // Level 3 (third-party hand-off) is not supported: refuse the capability, not the connection.
        return new BrokenHook(new RpcError('unimplemented', 'third-party capabilities (level 3) are not supported'));
    }
  }

  private importHandle(id: number): ImportClient {
    let entry = this.imports.get(id);
    if (!entry) {
      if (this.imports.size >= this.maxImports) throw new WireError(`the peer sent more than ${this.maxImports} capabilities`);
      entry = { id, remoteRefs: 0, handles: 0, resolution: null, called: false };
      this.imports.set(id, entry);
    }
    entry.remoteRefs++;
    return this.newHandle(entry);
  }

  /** One more holder of an import (its own reference, closed on its own). */
  newHandle(entry: ImportEntry): ImportClient {
    entry.handles++;
    return new ImportClient(this, entry);
  }

  /** A handle was closed or collected; the last one releases the import. */
  dropHandle(entry: ImportEntry): void {
    if (--entry.handles > 0) return;
    if (this.imports.get(entry.id) !== entry) return;
    this.imports.delete(entry.id);
    if (this.closedWith) return;
    const out = newMessage();
    const r = out.initRoot(rpc.Message)._initRelease();
    r.id = entry.id;
    r.referenceCount = entry.remoteRefs;
    this.send(out);
  }

  private onResolve(r: rpc.Resolve): void {
    const entry = this.imports.get(r.promiseId);
    let to: Hook;
    if (r.which() === rpc.Resolve_Which.EXCEPTION) to = new BrokenHook(fromReason(r.exception.reason, r.exception.type));
    else {
      try { to = this.importDescriptor(r.cap) ?? new BrokenHook(new RpcError('failed', 'the promise resolved to a null capability')); }
      catch (e) { if (e instanceof ForgedCap) to = new BrokenHook(e.error); else throw e; }
    }
    if (!entry) { to.close(); return; } // already released on our side
    const s = to.settled();
    const inPeer = s instanceof ImportClient && s.conn === this;
    entry.resolution = entry.called && !inPeer && !(s instanceof BrokenHook) ? this.embargo({ importedCap: entry.id }, to) : to;
  }

  // ---------------------------------------------------------------- embargoes

  /**
   * Calls already sent to `target` over this connection will come back to
   * `to`; later calls must wait behind them. Sends Disembargo(senderLoopback)
   * and holds new calls until the peer's receiverLoopback echo.
   */
  embargo(target: Target, to: Hook): Hook {
    const id = this.nextEmbargo++;
    const lifted = new Promise<Hook>((res) => { this.embargoes.set(id, () => res(to)); });
    const out = newMessage();
    const d = out.initRoot(rpc.Message)._initDisembargo();
    const t = d._initTarget();
    if ('importedCap' in target) t.importedCap = target.importedCap;
    else writePromisedAnswer(t._initPromisedAnswer(), target.promisedAnswer, target.transform);
    d._initContext().senderLoopback = id;
    this.send(out);
    return new PromiseHook(lifted);
  }

  private onDisembargo(d: rpc.Disembargo): void {
    const ctx = d.context;
    switch (ctx.which()) {
      case rpc.Disembargo_Context_Which.SENDER_LOOPBACK: {
        // The target must lead back to the sender; reply once it has settled,
        // after every call we forwarded to it earlier.
        const hook = this.resolveTarget(d.target);
        const embargoId = ctx.senderLoopback;
        void hook.whenSettled().then((s) => {
          if (this.closedWith) return;
          if (!(s instanceof ImportClient && s.conn === this)) {
            return this.abort(new RpcError('failed', 'Disembargo target does not point back to the sender'));
          }
          const out = newMessage();
          const r = out.initRoot(rpc.Message)._initDisembargo();
          r._initTarget().importedCap = s.importId;
          r._initContext().receiverLoopback = embargoId;
          this.send(out);
        });
        return;
      }
      case rpc.Disembargo_Context_Which.RECEIVER_LOOPBACK: {
        const lift = this.embargoes.get(ctx.receiverLoopback);
        if (!lift) throw new WireError(`Disembargo for embargo ${ctx.receiverLoopback}, which does not exist`);
        this.embargoes.delete(ctx.receiverLoopback);
        lift();
        return;
      }
      default:
        this.sendUnimplemented(d.segment.message);
    }
  }

  // ---------------------------------------------------------------- lifecycle

  private send(msg: $.Message): void {
    if (this.closedWith) return;
    this.queueFrame(frameOf(msg));
  }

  /** Whether to hold outgoing messages to the end of the turn (the transport's writes are system calls). */
  private readonly coalesce: boolean;

  // Over a transport that asks for it (a socket), outgoing messages wait
  // until the microtasks of the turn have run, then go to the transport
  // together. The Returns of calls that arrived in one
  // read settle at different promise depths (a call pipelined on another
  // call's answer settles after it), and a caller's Finish comes a few
  // microtasks before its next Call: a transport that writes at the end of
  // each microtask round (streamTransport) would make a write of each. Held
  // to the end of the turn, a chain of pipelined calls costs one write each
  // way, not five in all (counted with strace over TCP), and a Finish rides
  // with the next Call. A burst is handed over each OUT_BATCH_BYTES.
  private outbox: Uint8Array[] | null = null;
  private outBytes = 0;

  private queueFrame(frame: Uint8Array): void {
    if (!this.coalesce) { this.transport.send(frame); return; }
    if (this.outbox) this.outbox.push(frame);
    else { this.outbox = [frame]; afterMicrotasks(this.flushOut); }
    this.outBytes += frame.byteLength;
    if (this.outBytes >= OUT_BATCH_BYTES) this.flushOut();
  }

  private readonly flushOut = (): void => {
    const frames = this.outbox;
    if (!frames) return;
    this.outbox = null;
    this.outBytes = 0;
    const t = this.transport;
    if (t.sendAll) t.sendAll(frames);
    else for (const f of frames) t.send(f);
  };

  private async receive(): Promise<void> {
    while (this.onFrame(await this.transport.recv()));
  }

  /** Handles one received message (null: the transport closed); false once the connection is closed. */
  private onFrame(frame: Uint8Array | null): boolean {
    if (this.closedWith) return false;
    if (!frame) { this.close(new RpcError('disconnected', this.transport.closedWith?.message ?? 'the peer closed the connection')); return false; }
    try {
      const msg = readFrame(frame, validateMessage(frame, this.readLimits));
      const fast = decodeFast(msg);
      if (fast) this.handleFast(fast, msg);
      else this.handle(msg.getRoot(rpc.Message));
    } catch (e) {
      // capnp-es throws CAPNP-TS... errors for messages it cannot read (an
      // unknown union tag, say): those are malformed input, not our failure.
      const text = String((e as Error)?.message ?? e);
      const reason = e instanceof WireError ? new RpcError('malformed', e.message)
        : text.startsWith('CAPNP-TS') ? new RpcError('malformed', `unreadable message: ${text}`)
          : new RpcError('failed', `protocol error: ${text}`);
      this.abort(reason);
      return false;
    }
    return !this.closedWith;
  }

  /** Call, Return with results and Finish in their common layout (wire.ts). */
  private handleFast(m: FastMessage, msg: $.Message): void {
    switch (m.kind) {
      case 'call': {
        const cap = m.importedCap, promised = m.promised;
        const target = cap !== null ? () => this.resolveTarget(cap) : () => this.promisedTarget(promised!.questionId, promised!.transform);
        return this.answerCall(m.questionId, m.interfaceId, m.methodId, 'caller', target, m.content, m.hasCaps ? m.payload : null, msg);
      }
      case 'return': return this.onResults(m.answerId, m.content, m.hasCaps ? m.payload : null, msg, m.releaseParamCaps, m.noFinishNeeded);
      case 'finish': return this.finishAnswer(m.questionId, m.releaseResultCaps);
    }
  }

  private handle(m: rpc.Message): void {
    switch (m.which()) {
      case rpc.Message_Which.CALL: return this.onCall(m.call);
      case rpc.Message_Which.RETURN: return this.onReturn(m.return);
      case rpc.Message_Which.FINISH: return this.onFinish(m.finish);
      case rpc.Message_Which.BOOTSTRAP: return this.onBootstrap(m.bootstrap.questionId);
      case rpc.Message_Which.RELEASE: return this.release(m.release.id, m.release.referenceCount);
      case rpc.Message_Which.RESOLVE: return this.onResolve(m.resolve);
      case rpc.Message_Which.DISEMBARGO: return this.onDisembargo(m.disembargo);
      case rpc.Message_Which.ABORT: return this.close(fromReason(m.abort.reason, m.abort.type));
      case rpc.Message_Which.UNIMPLEMENTED: return this.onUnimplemented(m.unimplemented);
      default: return this.sendUnimplemented(m.segment.message);
    }
  }

  /** The peer did not understand one of our messages. */
  private onUnimplemented(m: rpc.Message): void {
    const which = m.which();
    if (which === rpc.Message_Which.CALL || which === rpc.Message_Which.BOOTSTRAP) {
      const id = which === rpc.Message_Which.CALL ? m.call.questionId : m.bootstrap.questionId;
      const q = this.questions.get(id);
      if (!q) return;
      this.questions.delete(id);
      this.freeIds.push(id);
      q.finish(null, new RpcError('unimplemented', 'the peer does not implement this call'));
    }
    // Anything else we send is optional for the peer (Resolve, Disembargo, Release): nothing to undo.
  }

  private sendUnimplemented(original: $.Message): void {
    const out = newMessage();
    out.initRoot(rpc.Message).unimplemented = original.getRoot(rpc.Message);
    this.send(out);
  }

  /** Sends Abort with the reason, then closes. */
  abort(reason: RpcError): void {
    if (this.closedWith) return;
    const out = newMessage();
    const ex = out.initRoot(rpc.Message)._initAbort();
    ex.reason = `${reason.code}: ${reason.message}`;
    ex.type = exceptionType(reason.code) as rpc.Exception_Type;
    this.send(out);
    this.close(reason);
  }

  close(reason = new RpcError('disconnected', 'connection closed')): void {
    if (this.closedWith) return;
    // Everything waiting on this connection fails `disconnected`; the cause says why.
    const failure = reason.code === 'disconnected' ? reason : new RpcError('disconnected', `${reason.code}: ${reason.message}`, reason.remote);
    this.closedWith = failure;
    const qs = [...this.questions.values()];
    this.questions.clear();
    for (const q of qs) q.finish(null, failure);
    for (const [, lift] of this.embargoes) lift(); // embargoed calls then reach broken imports
    this.embargoes.clear();
    const ex = [...this.exports.values()];
    this.exports.clear();
    this.exportIds.clear();
    for (const e of ex) e.hook.close();
    this.answers.clear();
    this.finishNotNeeded.clear();
    this.imports.clear();
    this.flushOut(); // an Abort, say, still goes out first
    this.transport.close();
    this.closedResolve(reason);
  }
}

/** Outgoing messages are handed to the transport at once when this many bytes wait (a burst of calls). */
const OUT_BATCH_BYTES = 64 * 1024;

/** A capability descriptor naming something we never gave out: the call fails, not the connection. */
class ForgedCap extends Error {
  constructor(readonly error: RpcError) { super(error.message); }
}

function writePromisedAnswer(pa: rpc.PromisedAnswer, questionId: number, transform: Transform): void {
  pa.questionId = questionId;
  if (transform.length === 0) return;
  const ops = pa._initTransform(transform.length);
  transform.forEach((op, i) => { ops.get(i).getPointerField = op.field; });
}

function readTransform(pa: rpc.PromisedAnswer): Transform {
  const out: Array<{ field: number }> = [];
  const ops = pa.transform;
  for (let i = 0; i < ops.length; i++) {
    const op = ops.get(i);
    if (op.which() === rpc.PromisedAnswer_Op_Which.GET_POINTER_FIELD) out.push({ field: op.getPointerField });
  }
  return out;
}

export { Hook, LocalServerHook, materialize };
