// A Session whose evaluation runs on a worker thread (worker.ts says why).
// One evaluation at a time, in the order asked. Cancelling one (the
// signal: Ctrl-C, an MCP timeout) sets the shared interrupt flag; the
// code stops at its next loop iteration or driver step with
// :glia.error/interrupted and the session keeps its definitions. If the
// thread has not answered STOP_GRACE_MS later (a JS builtin that runs
// long, such as sorting a huge vector), it is terminated and a fresh one
// started; that outcome says every definition is gone.
//
// With a node, the thread starts while the node is still being dialled
// (the NodeLink may be a promise): it loads its Glia on another core while
// this one dials and logs in, and its first graft waits on its port until
// the link serves it.
import { MessageChannel, Worker } from 'node:worker_threads';
import type { Tier } from '../../glia/eval/session.js';
import { workerEntryNextTo } from '../cell/worker-url.js';
import type { Connection } from '../rpc/conn.js';
import type { SessionWorkerData, SessionEvent, SessionRequest } from './protocol.js';
import type { EvalOptions, EvalOutcome, Session, SessionError } from './session.js';
import type { NodeLink } from './node-link.js';

/** How long a cancelled evaluation may take to stop before its thread is ended. */
export const STOP_GRACE_MS = 2000;

export interface WorkerSessionOptions {
  baseDir: string;
  tier?: Tier;
  name: string;
  context: 'shell' | 'mcp';
  /** The node, or the dial and login that gives it; none with --local. */
  node: NodeLink | Promise<NodeLink> | null;
  /** The prompt's name for the session (`local`), or how to name it from the node once it is linked. */
  label: string | ((node: NodeLink) => string);
  /** Heap ceiling of the evaluating thread, in MiB (default 2048). */
  heapMb?: number;
}

interface Running {
  worker: Worker;
  conn: Connection | null;
  names: string[];
  /** The evaluation in flight on it. */
  current: { id: number; onStdout?: (text: string) => void; resolve: (o: EvalOutcome) => void } | null;
  /** Why the thread ended, once it has. */
  ended: string | null;
}

let entry: Promise<URL> | null = null;

export class WorkerSession implements Session {
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private running!: Running;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;
  /** The node, once linked. */
  private link: NodeLink | null = null;

  private constructor(private readonly opts: WorkerSessionOptions) {}

  static async open(opts: WorkerSessionOptions): Promise<WorkerSession> {
    const s = new WorkerSession(opts);
    s.running = await s.spawn();
    return s;
  }

  get label(): string {
    const l = this.opts.label;
    return typeof l === 'string' ? l : this.link ? l(this.link) : '';
  }

  capabilityNames(): string[] { return [...this.running.names]; }

  evaluate(source: string, opts: EvalOptions = {}): Promise<EvalOutcome> {
    const run = this.queue.then(() => this.run(source, opts));
    this.queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const r = this.running;
    r.ended ??= 'the session was closed';
    // An evaluation still in flight ends now, with an answer.
    r.current?.resolve(failed('closed', 'the session was closed while this evaluation ran', null));
    r.current = null;
    r.conn?.close();
    await r.worker.terminate();
    await this.link?.close();
  }

  private async run(source: string, opts: EvalOptions): Promise<EvalOutcome> {
    if (this.closed) return failed('closed', 'this session is closed', 'open a new one');
    if (opts.signal?.aborted) return failed('interrupted', 'the evaluation was interrupted before it started', null);
    if (this.running.ended) {
      // The last thread was ended (interrupted, crashed): a fresh one, grafting the node again.
      try { this.running = await this.spawn(); }
      catch (e) {
        return failed(this.opts.node ? 'disconnected' : 'internal', `the session could not start again: ${(e as Error)?.message ?? String(e)}`,
          this.opts.node ? 'the node may be gone; start a new session once it runs (ww run), or use --local' : null);
      }
    }
    const r = this.running;
    const id = this.nextId++;
    Atomics.store(this.flag, 0, 0);
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      Atomics.store(this.flag, 0, 1);
      Atomics.notify(this.flag, 0);
      timer = setTimeout(() => this.kill(r, 'stopped'), STOP_GRACE_MS);
    };
    const outcome = await new Promise<EvalOutcome>((resolve) => {
      r.current = { id, resolve, ...(opts.onStdout ? { onStdout: opts.onStdout } : {}) };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      // The thread keeps the process alive while it evaluates, not while it waits.
      r.worker.ref();
      r.worker.postMessage({ t: 'eval', id, source } satisfies SessionRequest);
    });
    if (!r.ended) r.worker.unref();
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    r.current = null;
    return outcome;
  }

  /** Ends a thread that would not stop (or died): its evaluation's outcome says the definitions are gone. */
  private kill(r: Running, why: 'stopped' | 'crashed', detail = ''): void {
    if (r.ended) return;
    r.ended = why;
    const cur = r.current;
    r.current = null;
    r.conn?.close();
    void r.worker.terminate();
    if (!cur) return;
    const err = why === 'stopped'
      ? error('interrupted', `the evaluation did not stop within ${STOP_GRACE_MS / 1000} s of being interrupted (a long-running builtin), so its thread was ended and a fresh session started: every definition is gone`,
        'split long work into smaller steps (loops stop at once; a single builtin call does not)')
      : error(/memory|heap/i.test(detail) ? 'limit' : 'internal', `the session's thread ended: ${detail || 'it exited'}; a fresh session started, and every definition is gone`,
        /memory|heap/i.test(detail) ? 'the evaluation ran out of memory; work on smaller data' : null);
    cur.resolve({ ok: false, error: err, values: [], definitionsLost: true });
  }

  private async spawn(): Promise<Running> {
    entry ??= workerEntryNextTo(new URL('./worker.js', import.meta.url));
    const channel = this.opts.node ? new MessageChannel() : null;
    const rpcPort = channel?.port2;
    const data: SessionWorkerData = {
      baseDir: this.opts.baseDir, name: this.opts.name, context: this.opts.context, interrupt: this.flag,
      ...(this.opts.tier ? { tier: this.opts.tier } : {}), ...(rpcPort ? { rpcPort } : {}),
    };
    const worker = new Worker(await entry, {
      workerData: data, transferList: rpcPort ? [rpcPort] : [],
      resourceLimits: { maxOldGenerationSizeMb: this.opts.heapMb ?? 2048, stackSizeMb: 16 },
      stdout: false, stderr: false,
    });
    const r: Running = { worker, conn: null, names: [], current: null, ended: null };
    const ready = new Promise<void>((resolve, reject) => {
      let started = false;
      worker.on('message', (m: SessionEvent) => {
        switch (m.t) {
          case 'ready': started = true; r.names = m.names; resolve(); break;
          case 'start-failed': reject(new Error(`the session could not start: ${m.message}`)); break;
          case 'stdout': if (r.current?.id === m.id) r.current.onStdout?.(m.text); break;
          case 'outcome': if (r.current?.id === m.id) r.current.resolve(m.outcome); break;
        }
      });
      worker.on('error', (e) => {
        if (!started) reject(e);
        this.kill(r, 'crashed', e.message);
      });
      worker.on('exit', (code) => {
        if (!started) reject(new Error(`the session's thread exited with ${code} before it was ready`));
        this.kill(r, 'crashed', `it exited with ${code}`);
      });
    });
    // Awaited below, after the link: a thread that fails first must not count as an unhandled rejection meanwhile.
    ready.catch(() => {});
    try {
      // The link's failure (no node, a refused login) is the one to report, even when the thread failed too.
      if (channel) {
        this.link ??= await this.opts.node!;
        r.conn = this.link.serve(channel.port1);
      }
      await ready;
    } catch (e) {
      r.conn?.close();
      channel?.port1.close();
      await worker.terminate();
      throw e;
    }
    // A session idle at its prompt must not keep the process alive by itself.
    worker.unref();
    return r;
  }
}

function error(code: string, message: string, hint: string | null): SessionError {
  return { code, message, span: null, hint, rendered: `error[${code}]: ${message}${hint ? `\nhint: ${hint}` : ''}` };
}

function failed(code: string, message: string, hint: string | null): EvalOutcome {
  return { ok: false, error: error(code, message, hint), values: [] };
}
