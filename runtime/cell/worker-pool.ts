// Fresh worker threads, booted ahead. Booting a worker costs tens of
// milliseconds (a new V8 isolate and Node environment), far more than
// instantiating a cached cell, so the pool keeps a few booted and boots a
// replacement each time one is taken. A worker from here has never run a
// cell; once it has, it belongs to that cell (cell-workers.ts) until it is
// terminated, and never comes back here.
import { Worker } from 'node:worker_threads';
import { workerEntry } from './worker-url.js';
import type { FromWorker } from './worker-protocol.js';

/** The V8 heap of the host side of one cell (glue, WASI host); the cell's own memory is outside it. */
export const HOST_HEAP_MB = 96;

export interface BootedWorker {
  worker: Worker;
  /** Kernel thread id, for CPU accounting; null where /proc is unavailable. */
  tid: number | null;
  /** How many spawns it has run. */
  runs: number;
  /** The memory ceiling of the ready instance it holds, if it has made one since it was last given a spawn (cell-workers.ts). */
  ready?: number;
}

export class WorkerPool {
  private idle: Array<Promise<BootedWorker>> = [];
  private closed = false;
  /** How many workers have been booted (for tests and the benchmark). */
  booted = 0;

  constructor(readonly size = 1) {}

  /** A booted worker, ready for a spawn message; the caller owns it from here on. */
  async acquire(): Promise<BootedWorker> {
    if (this.closed) throw new Error('worker pool is closed');
    const next = this.idle.shift() ?? this.boot();
    this.fill();
    let w: BootedWorker;
    try { w = await next; } catch { w = await this.boot(); }
    w.worker.ref();
    return w;
  }

  /** Boots workers until `size` are idle. */
  fill(): void {
    while (!this.closed && this.idle.length < this.size) {
      const p = this.boot();
      p.catch(() => { this.idle = this.idle.filter((q) => q !== p); });
      this.idle.push(p);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    await Promise.all(idle.map((p) => p.then((w) => w.worker.terminate(), () => undefined)));
  }

  private async boot(): Promise<BootedWorker> {
    const url = await workerEntry();
    this.booted++;
    const worker = new Worker(url, {
      resourceLimits: { maxOldGenerationSizeMb: HOST_HEAP_MB, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      // The worker's own console (jco's glue may log) must not reach the node's stdio.
      stdout: true, stderr: true,
      // Nothing in a cell's thread needs the node's environment (a cell's comes from its spawn), so it has none.
      env: {},
    });
    worker.stdout.resume();
    worker.stderr.resume();
    // An idle worker does not keep the node alive.
    worker.unref();
    return new Promise<BootedWorker>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type !== 'ready') return;
        cleanup();
        resolve({ worker, tid: m.tid, runs: 0 });
      };
      const onError = (e: Error) => { cleanup(); reject(e); };
      const onExit = (code: number) => { cleanup(); reject(new Error(`cell worker exited with ${code} while booting`)); };
      const cleanup = () => { worker.off('message', onMessage); worker.off('error', onError); worker.off('exit', onExit); };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }
}
