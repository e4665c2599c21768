// Translation off the node's thread. jco's transpiler takes a second or
// more on a 12 MiB component, all of it synchronous; run on the node's
// thread it would stall every request and every other cell meanwhile. One
// translator thread is kept while there is work (and a little after),
// translations queue for it one at a time, and each has a time budget:
// a component that keeps jco busy past it is refused, and the thread is
// replaced.
import { Worker } from 'node:worker_threads';
import { CellError, type CellErrorData } from './errors.js';
import type { CellArtifacts } from './translate.js';
import { workerEntry } from './worker-url.js';

export interface TranslateRequest { id: number; bytes: Uint8Array }
export type TranslateReply = { id: number; artifacts: CellArtifacts } | { id: number; error: CellErrorData };

/** Longest a translation may take. */
export const TRANSLATE_BUDGET_MS = 120_000;
/** How long an idle translator thread is kept. */
const IDLE_MS = 10_000;
const HEAP_MB = 1024;

export class Translator {
  private worker?: Worker;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private idleTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly budgetMs = TRANSLATE_BUDGET_MS) {}

  translate(bytes: Uint8Array): Promise<CellArtifacts> {
    const run = this.queue.then(() => this.runOne(bytes));
    this.queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private async thread(): Promise<Worker> {
    if (this.worker) return this.worker;
    const w = new Worker(await workerEntry('translate-worker'), {
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
      stdout: true, stderr: true,
      // jco's tools see their own process.env; the node's environment is none of their business.
      env: {},
    });
    w.stdout.resume();
    w.stderr.resume();
    w.unref();
    this.worker = w;
    return w;
  }

  private async runOne(bytes: Uint8Array): Promise<CellArtifacts> {
    if (this.closed) throw new CellError('cell/host-failure', 'the cell runtime is closed');
    clearTimeout(this.idleTimer);
    const w = await this.thread();
    const id = this.nextId++;
    try {
      return await new Promise<CellArtifacts>((resolve, reject) => {
        const done = () => { clearTimeout(timer); w.off('message', onMessage); w.off('error', onError); w.off('exit', onExit); };
        const onMessage = (m: TranslateReply) => {
          if (m.id !== id) return;
          done();
          if ('error' in m) reject(CellError.fromData(m.error)); else resolve(m.artifacts);
        };
        const fail = (e: CellError) => { done(); if (this.worker === w) this.worker = undefined; void w.terminate(); reject(e); };
        const onError = (e: Error & { code?: string }) => fail(e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new CellError('cell/invalid', `translating the component needed more than ${HEAP_MB} MiB`)
          : new CellError('cell/host-failure', `the translator failed: ${e.message}`));
        const onExit = () => fail(new CellError('cell/host-failure', 'the translator exited'));
        const timer = setTimeout(() => fail(new CellError('cell/invalid', `translating the component took longer than ${this.budgetMs} ms`)), this.budgetMs);
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        w.ref();
        // A copy goes across: the caller keeps its bytes.
        w.postMessage({ id, bytes: bytes.slice() } satisfies TranslateRequest);
      });
    } finally {
      if (this.worker === w) {
        w.unref();
        this.idleTimer = setTimeout(() => { if (this.worker === w) { this.worker = undefined; void w.terminate(); } }, IDLE_MS);
        this.idleTimer.unref();
      }
    }
  }
}
