// The workers of one cell (one CID): idle ones that have run it, or been
// primed for it, and so have its glue module loaded. A spawn takes one of
// these when it can, else a fresh worker from the pool, and gives it back
// when the cell exits cleanly; a worker whose cell was killed, trapped or
// failed is terminated instead. So a warm spawn costs an instantiation,
// not a worker boot.
//
// Why reuse is safe: a cell can only reach the host through the imports
// of its own spawn, and every spawn builds new ones (host objects, rings,
// memories, wasm instances, and a new call of the glue's instantiate,
// which holds all of jco's state). What a worker keeps between spawns is
// code: the glue module, the compiled wasm, our host modules. Workers are
// never shared between cells, are retired after MAX_RUNS spawns, and
// idle ones are ended after IDLE_MS.
import type { BootedWorker, WorkerPool } from './worker-pool.js';
import type { FromWorker } from './worker-protocol.js';

const MAX_IDLE = 4;
const MAX_RUNS = 256;
const IDLE_MS = 30_000;

export class CellWorkers {
  private idle: Array<{ w: BootedWorker; timer: NodeJS.Timeout }> = [];
  private priming = 0;
  private closed = false;

  constructor(private readonly pool: WorkerPool, private readonly gluePath: string) {}

  /** A worker for one spawn: an idle one of this cell, or a fresh one. */
  take(): Promise<BootedWorker> {
    const idle = this.idle.pop();
    if (idle) {
      clearTimeout(idle.timer);
      idle.w.worker.ref();
      return Promise.resolve(idle.w);
    }
    return this.pool.acquire();
  }

  /** Back from a spawn that ended cleanly (the worker sent its exit): keep it, or end it. */
  give(w: BootedWorker): void {
    w.runs++;
    if (this.closed || w.runs >= MAX_RUNS || this.idle.length >= MAX_IDLE) { void w.worker.terminate(); return; }
    this.park(w);
  }

  /** Boots a worker and loads this cell's glue in it, in the background, so the next spawn is warm. */
  prime(): void {
    if (this.closed || this.idle.length + this.priming > 0) return;
    this.priming++;
    this.pool.acquire().then((w) => new Promise<void>((resolve) => {
      const onMessage = (m: FromWorker) => {
        w.worker.off('message', onMessage);
        if (m.type === 'primed' && !this.closed) this.park(w); else void w.worker.terminate();
        resolve();
      };
      w.worker.on('message', onMessage);
      w.worker.postMessage({ type: 'prime', gluePath: this.gluePath });
    })).catch(() => {}).finally(() => { this.priming--; });
  }

  close(): Promise<unknown> {
    this.closed = true;
    const all = this.idle.splice(0);
    return Promise.all(all.map(({ w, timer }) => { clearTimeout(timer); return w.worker.terminate(); }));
  }

  private park(w: BootedWorker): void {
    w.worker.unref();
    const timer = setTimeout(() => {
      this.idle = this.idle.filter((i) => i.w !== w);
      void w.worker.terminate();
    }, IDLE_MS);
    timer.unref();
    this.idle.push({ w, timer });
  }
}
