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
//
// With `preinstantiate`, each idle worker also holds one ready instance of
// the cell, made while it was idle (worker.ts, "ready instances"): a primed
// worker for a spawn at the default limits, a worker back from a spawn for
// one at that spawn's memory ceiling. It goes wherever the worker goes.
// A spawn takes a worker whose instance is made before one still making
// it, and a cell spawned again and again keeps a second worker, so that
// one makes the next instance (on another core) while the other runs: on
// one worker, back-to-back spawns would wait for the instance each time.
//
// A burst (a WAGI route with many clients) would otherwise boot a worker
// for every spawn past the idle ones, and end it after, paying a worker
// boot, a glue import and an instantiation each time. So a spawn that finds
// no idle worker while MAX_IDLE of the cell's spawns run waits up to
// WAIT_MS for one of them to come back before it takes a fresh worker: a
// burst of short spawns runs on the cell's own workers, and a long-running
// cell (a vat) delays a new spawn by WAIT_MS at most.
import { DEFAULT_LIMITS } from './limits.js';
import type { BootedWorker, WorkerPool } from './worker-pool.js';
import type { CellCode, FromWorker } from './worker-protocol.js';

const MAX_IDLE = 4;
const MAX_RUNS = 256;
const IDLE_MS = 30_000;
const WAIT_MS = 50;

export class CellWorkers {
  private idle: Array<{ w: BootedWorker; timer: NodeJS.Timeout; onMessage: (m: FromWorker) => void }> = [];
  private priming = 0;
  /** Spawns that hold (or are getting) a worker. */
  private busy = 0;
  private waiting: Array<(w: BootedWorker) => void> = [];
  private closed = false;

  constructor(
    private readonly pool: WorkerPool,
    private readonly code: Omit<CellCode, 'memoryBytes'>,
    /** Workers instantiate the cell's next instance while idle (off: every spawn instantiates). */
    readonly preinstantiate = true,
  ) {}

  /**
   * A worker for a spawn at this memory ceiling: an idle one of this cell
   * (one whose instance for that ceiling is made first, else the last
   * back), or a fresh one.
   */
  take(memoryBytes: number): Promise<BootedWorker> {
    let i = this.idle.length - 1;
    for (let j = i; j >= 0; j--) if (this.idle[j]!.w.ready === memoryBytes) { i = j; break; }
    const idle = i >= 0 ? this.idle.splice(i, 1)[0] : undefined;
    this.busy++;
    if (idle) {
      clearTimeout(idle.timer);
      idle.w.worker.off('message', idle.onMessage);
      idle.w.worker.ref();
      return Promise.resolve(idle.w);
    }
    if (this.busy <= MAX_IDLE || this.closed) return this.pool.acquire();
    return new Promise<BootedWorker>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((f) => f !== handOver);
        resolve(this.pool.acquire());
      }, WAIT_MS);
      const handOver = (w: BootedWorker) => { clearTimeout(timer); resolve(w); };
      this.waiting.push(handOver);
    });
  }

  /** A spawn ended without giving its worker back (it failed, or never got one). */
  lost(): void { this.busy--; }

  /** Back from a spawn that ended cleanly (the worker sent its exit): keep it, or end it. */
  give(w: BootedWorker): void {
    this.busy--;
    w.runs++;
    // Its instance, if it makes one, is not made yet.
    w.ready = undefined;
    if (this.closed || w.runs >= MAX_RUNS) { void w.worker.terminate(); return; }
    // A waiting spawn was counted as busy when it asked.
    const next = this.waiting.shift();
    if (next) { next(w); return; }
    if (this.idle.length >= MAX_IDLE) { void w.worker.terminate(); return; }
    this.park(w);
    // The second worker of a cell in use (see above).
    if (this.preinstantiate && this.idle.length + this.priming < 2) this.prime(2);
  }

  /** Idle workers holding a ready instance (diagnostics and tests). */
  get readyInstances(): number { return this.idle.filter((i) => i.w.ready !== undefined).length; }

  /** Boots a worker and loads this cell's glue in it, in the background, so the next spawn is warm (until `upTo` are idle or priming). */
  prime(upTo = 1): void {
    if (this.closed || this.idle.length + this.priming >= upTo) return;
    this.priming++;
    this.pool.acquire().then((w) => new Promise<void>((resolve) => {
      const onMessage = (m: FromWorker) => {
        w.worker.off('message', onMessage);
        if (m.type === 'primed' && !this.closed) this.park(w); else void w.worker.terminate();
        resolve();
      };
      w.worker.on('message', onMessage);
      w.worker.postMessage({
        type: 'prime', gluePath: this.code.gluePath,
        ...(this.preinstantiate ? { prepare: { ...this.code, memoryBytes: DEFAULT_LIMITS.memoryBytes } } : {}),
      });
    })).catch(() => {}).finally(() => { this.priming--; });
  }

  close(): Promise<unknown> {
    this.closed = true;
    const all = this.idle.splice(0);
    return Promise.all(all.map(({ w, timer }) => { clearTimeout(timer); return w.worker.terminate(); }));
  }

  private park(w: BootedWorker): void {
    w.worker.unref();
    w.ready = undefined;
    const timer = setTimeout(() => {
      this.idle = this.idle.filter((i) => i.w !== w);
      void w.worker.terminate();
    }, IDLE_MS);
    timer.unref();
    const onMessage = (m: FromWorker) => { if (m.type === 'prepared') w.ready = m.memoryBytes; };
    w.worker.on('message', onMessage);
    this.idle.push({ w, timer, onMessage });
  }
}
