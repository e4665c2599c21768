// A running cell, as the node sees it: stdin, stdout and stderr as Node
// streams over the cell's rings, wait(), kill(), and the limits, all
// enforced from this (the node's) thread, which the cell cannot block:
// - wall clock: a timer;
// - CPU time: the worker thread's kernel CPU count, polled;
// - memory: the guarded modules trap on refused growth and the worker
//   reports it; a worker whose host heap runs out dies with
//   ERR_WORKER_OUT_OF_MEMORY;
// - output: counted here as bytes leave the rings, so a flood stops at
//   the cap.
// Hitting any of them terminates the worker. The first terminal event
// wins: an exit, an error from the worker, a limit, or kill().
//
// The streams are the seam for the modes that speak Cap'n Proto over
// stdio (vat, pid0): `duplex()` joins stdout and stdin into one Duplex for
// runtime/rpc/transport.ts's streamTransport.
import { Duplex, Readable, Writable } from 'node:stream';
import { CellError, type CellErrorData } from './errors.js';
import { threadCpuMs } from './cpu-time.js';
import type { CellLimits } from './limits.js';
import { ACTIVE_WAIT_MS, Doorbells, Ring } from './ring.js';
import type { BootedWorker } from './worker-pool.js';
import type { FromWorker, SpawnMessage, SpawnTiming } from './worker-protocol.js';

const RING_BYTES = 64 * 1024;
const CHUNK = 64 * 1024;

export type CellStatus = { code: number } | { error: CellError };

/** What a spawn needs from its executor, minus the stdio it makes itself. */
export type SpawnPlan = Omit<SpawnMessage, 'type' | 'bells' | 'stdin' | 'stdout' | 'stderr' | 'membrane'> & {
  /** Open the ww:cell/membrane channel (raw and http modes with grants). */
  channel?: boolean;
};

/** One direction of the membrane channel, node side: bytes waiting to go in, or a stream coming out. */
interface ChannelSide { toCell: Ring; toNode: Ring; out: Readable; wanting: boolean; ended: boolean; pending: Array<{ chunk: Uint8Array; at: number; done: (e?: Error | null) => void }>; inEnded: boolean }

export class CellProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /**
   * The ww:cell/membrane channel as one Duplex (what the cell writes comes
   * out, what is written goes to the cell), when the spawn opened it.
   */
  readonly channel: Duplex | null = null;
  private readonly ch: ChannelSide | null = null;
  /** Milliseconds from spawn() until the cell's worker had its spawn message. */
  startMs?: number;
  /** The worker thread's id (worker_threads threadId), once the cell has one; for diagnostics and tests. */
  workerId?: number;
  /** The worker had told the node it held a ready instance at this spawn's ceiling when the spawn took it; for tests. */
  onReadyInstance?: boolean;
  /** Where the spawn's time went on its worker (set when the worker reports the end); for the benchmark and tests. */
  timing?: SpawnTiming;

  private readonly bells = new Doorbells();
  private readonly inRing = Ring.create(RING_BYTES);
  private readonly outRings: [Ring, Ring] = [Ring.create(RING_BYTES), Ring.create(RING_BYTES)];
  private readonly outStreams: [Readable, Readable];
  private readonly wanting: [boolean, boolean] = [false, false];
  private readonly ended: [boolean, boolean] = [false, false];
  private outputTotal = 0;
  private overflowed = false;
  private servicing = false;
  private again = false;
  private pendingIn: Array<{ chunk: Uint8Array; at: number; done: (e?: Error | null) => void }> = [];
  private stdinEnded = false;
  private worker?: BootedWorker;
  private status?: CellStatus;
  private settle!: (s: CellStatus) => void;
  private readonly settled: Promise<CellStatus>;
  private timers: NodeJS.Timeout[] = [];
  private readonly spawnedAt = performance.now();

  constructor(
    worker: Promise<BootedWorker>,
    private readonly plan: SpawnPlan,
    private readonly limits: CellLimits,
    /** Takes the worker back after a clean exit, for the next spawn of the same cell. */
    private readonly giveBack: (w: BootedWorker) => void = (w) => { void w.worker.terminate(); },
    /** Told once when the spawn ends without giving its worker back (or never had one). */
    private readonly lost: () => void = () => {},
  ) {
    this.settled = new Promise((resolve) => { this.settle = resolve; });
    const self = this;
    this.outStreams = [0, 1].map((i) => new Readable({
      read() { self.wanting[i] = true; self.service(); },
    })) as [Readable, Readable];
    [this.stdout, this.stderr] = this.outStreams;
    this.stdin = new Writable({
      write(chunk: Buffer, _enc, done) {
        if (chunk.length === 0) { done(); return; }
        self.pendingIn.push({ chunk: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length), at: 0, done });
        self.service();
      },
      final(done) { self.stdinEnded = true; self.service(); done(); },
      // Destroyed (an RPC connection over stdio closing): the cell reads end of file.
      destroy(err, done) { self.stdinEnded = true; self.service(); done(err); },
    });
    // Writing to a cell that has exited is not an error, as writing to a closed pipe is not here.
    this.stdin.on('error', () => {});
    if (plan.channel) {
      const ch: ChannelSide = {
        toCell: Ring.create(RING_BYTES), toNode: Ring.create(RING_BYTES), wanting: false, ended: false, pending: [], inEnded: false,
        out: new Readable({
          read() { ch.wanting = true; self.service(); },
          // The connection closing destroys the stream: what the cell writes after is dropped, not left to block it.
          destroy(err, done) { ch.toNode.closeReader(); self.service(); done(err); },
        }),
      };
      this.ch = ch;
      const input = new Writable({
        write(chunk: Buffer, _enc, done) {
          if (chunk.length === 0) { done(); return; }
          ch.pending.push({ chunk: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length), at: 0, done });
          self.service();
        },
        final(done) { ch.inEnded = true; self.service(); done(); },
        // The connection closing destroys the stream: the cell then reads the end of the channel.
        destroy(err, done) { ch.inEnded = true; self.service(); done(err); },
      });
      input.on('error', () => {});
      this.channel = Duplex.from({ readable: ch.out, writable: input });
    }
    worker.then((w) => this.start(w), (e) => this.finish({ error: new CellError('cell/host-failure', `no worker for the cell: ${(e as Error).message}`) }));
  }

  /** Resolves with the exit code; rejects with the CellError that stopped the cell. */
  async wait(): Promise<number> {
    const s = await this.settled;
    if ('error' in s) throw s.error;
    return s.code;
  }

  /** How the cell ended, without throwing. */
  result(): Promise<CellStatus> { return this.settled; }

  kill(reason = 'killed by the caller'): void {
    this.finish({ error: new CellError('cell/killed', `the cell was killed: ${reason}`) });
  }

  /** stdout (readable side) and stdin (writable side) as one stream, for RPC over stdio. */
  duplex(): Duplex {
    return Duplex.from({ readable: this.stdout, writable: this.stdin });
  }

  private start(w: BootedWorker): void {
    if (this.status) { void w.worker.terminate(); return; }
    this.worker = w;
    this.workerId = w.worker.threadId;
    this.onReadyInstance = w.ready === this.plan.memoryBytes;
    w.worker.on('message', this.onMessage);
    w.worker.on('error', this.onError);
    w.worker.on('exit', this.onExit);
    const { channel: _, ...plan } = this.plan;
    const msg: SpawnMessage = {
      type: 'spawn', ...plan,
      bells: this.bells.sab, stdin: this.inRing.sab, stdout: this.outRings[0].sab, stderr: this.outRings[1].sab,
      ...(this.ch ? { membrane: [this.ch.toCell.sab, this.ch.toNode.sab] as [SharedArrayBuffer, SharedArrayBuffer] } : {}),
    };
    w.worker.postMessage(msg);
    this.startMs = performance.now() - this.spawnedAt;
    this.armLimits(w);
    void this.serviceLoop();
  }

  private readonly onMessage = (m: FromWorker) => {
    if (m.type === 'exit') { this.timing = m.timing; this.finish({ code: m.code }, true); }
    else if (m.type === 'error') { this.timing = m.timing; this.finish({ error: CellError.fromData(m.error as CellErrorData) }); }
  };

  private readonly onError = (e: Error & { code?: string }) => {
    this.finish({ error: e.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? new CellError('cell/memory', 'the cell host ran out of heap', { hostHeap: true })
      : new CellError('cell/host-failure', `the cell worker failed: ${e.message}`) });
  };

  private readonly onExit = (code: number) => {
    this.finish({ error: new CellError('cell/host-failure', `the cell worker exited (${code}) without a result`) });
  };

  private armLimits(w: BootedWorker): void {
    const { timeoutMs, cpuMs } = this.limits;
    if (timeoutMs !== null) {
      this.timers.push(setTimeout(() => this.finish({ error: new CellError('cell/timeout',
        `the cell ran past its wall-clock budget of ${timeoutMs} ms`, { limit: 'wall-clock', limitMs: timeoutMs }) }), timeoutMs));
    }
    // One thread's CPU time never exceeds its wall time, so a CPU budget only needs watching when it is the tighter one.
    if (cpuMs !== null && w.tid !== null && (timeoutMs === null || cpuMs < timeoutMs)) {
      const tid = w.tid;
      const base = threadCpuMs(tid) ?? 0;
      const every = Math.max(10, Math.min(100, cpuMs / 4));
      const poll = setInterval(() => {
        const used = (threadCpuMs(tid) ?? base) - base;
        if (used > cpuMs) {
          this.finish({ error: new CellError('cell/timeout', `the cell used more than its CPU budget of ${cpuMs} ms`,
            { limit: 'cpu', limitMs: cpuMs, usedMs: used }) });
        }
      }, every);
      poll.unref();
      this.timers.push(poll);
    }
  }

  private async serviceLoop(): Promise<void> {
    // Timed waits while the cell is active, untimed once it has been quiet (see Doorbells).
    let active = true;
    while (!this.status) {
      const seq = this.bells.nodeSeq();
      this.service();
      if (this.status) break;
      active = await this.bells.waitNode(seq, active ? ACTIVE_WAIT_MS : undefined);
    }
  }

  /** Moves bytes between the rings and the streams, as far as both sides allow. */
  private service(): void {
    // push() may call read() and so service() again; run the loop once more instead of nesting.
    if (this.servicing) { this.again = true; return; }
    this.servicing = true;
    try {
      do { this.again = false; this.serviceOnce(); } while (this.again);
    } finally {
      this.servicing = false;
    }
  }

  private serviceOnce(): void {
    let moved = false;
    for (const i of [0, 1] as const) {
      const ring = this.outRings[i];
      while (ring.available() > 0 && (this.wanting[i] || this.overflowed)) {
        const chunk = ring.read(CHUNK);
        moved = true;
        if (this.overflowed) continue; // past the cap: drained and dropped
        const room = this.limits.outputBytes - this.outputTotal;
        const deliver = chunk.length > room ? chunk.subarray(0, room) : chunk;
        this.outputTotal += deliver.length;
        if (deliver.length) this.wanting[i] = this.outStreams[i].push(deliver);
        if (chunk.length > room) {
          this.overflowed = true;
          this.finish({ error: new CellError('cell/output-limit',
            `the cell wrote more than its output cap of ${this.limits.outputBytes} bytes (stdout and stderr together)`,
            { limitBytes: this.limits.outputBytes }) });
        }
      }
      if (!this.ended[i] && ring.drained) { this.ended[i] = true; this.outStreams[i].push(null); }
    }
    while (this.pendingIn.length) {
      if (this.inRing.readerClosed) {
        for (const p of this.pendingIn.splice(0)) p.done();
        break;
      }
      const p = this.pendingIn[0]!;
      const n = this.inRing.write(p.chunk.subarray(p.at));
      if (n === 0) break;
      moved = true;
      p.at += n;
      if (p.at >= p.chunk.length) { this.pendingIn.shift(); p.done(); }
    }
    if (this.stdinEnded && this.pendingIn.length === 0 && !this.inRing.writerClosed) { this.inRing.closeWriter(); moved = true; }
    if (this.ch && this.serviceChannel(this.ch)) moved = true;
    if (moved) this.bells.ringCell();
  }

  /** The membrane channel: not counted against the output cap (the RPC layer bounds its messages). */
  private serviceChannel(ch: ChannelSide): boolean {
    let moved = false;
    if (ch.toNode.readerClosed && ch.toNode.available() > 0) { ch.toNode.read(ch.toNode.available()); moved = true; }
    while (ch.toNode.available() > 0 && ch.wanting) {
      ch.wanting = ch.out.push(ch.toNode.read(CHUNK));
      moved = true;
    }
    if (!ch.ended && ch.toNode.drained) { ch.ended = true; ch.out.push(null); }
    while (ch.pending.length) {
      if (ch.toCell.readerClosed) { for (const p of ch.pending.splice(0)) p.done(); break; }
      const p = ch.pending[0]!;
      const n = ch.toCell.write(p.chunk.subarray(p.at));
      if (n === 0) break;
      moved = true;
      p.at += n;
      if (p.at >= p.chunk.length) { ch.pending.shift(); p.done(); }
    }
    if (ch.inEnded && ch.pending.length === 0 && !ch.toCell.writerClosed) { ch.toCell.closeWriter(); moved = true; }
    return moved;
  }

  /** Ends the process once: `clean` when the worker itself reported the exit (and closed the output rings first). */
  private finish(status: CellStatus, clean = false): void {
    if (this.status) return;
    this.status = status;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.inRing.closeReader();
    this.ch?.toCell.closeReader();
    // Wake the service loop so it sees the status and stops waiting.
    this.bells.interruptNode();
    const w = this.worker;
    if (w) {
      w.worker.off('message', this.onMessage);
      w.worker.off('error', this.onError);
      w.worker.off('exit', this.onExit);
    }
    if (w && clean) {
      this.giveBack(w);
      this.service();
      this.settle(status);
      return;
    }
    this.lost();
    const stopped = w ? w.worker.terminate().catch(() => 0) : Promise.resolve(0);
    void stopped.then(() => {
      // The thread is gone: whatever it wrote is all there will be.
      for (const r of this.outRings) r.closeWriter();
      this.ch?.toNode.closeWriter();
      this.service();
      this.settle(status);
    });
  }
}
