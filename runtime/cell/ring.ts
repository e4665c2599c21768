// A byte pipe between the node's thread and a cell's worker thread: a
// single-producer, single-consumer ring in a SharedArrayBuffer. The cell
// calls WASI stream functions synchronously, so its side blocks with
// Atomics.wait; the node's side never blocks and waits with
// Atomics.waitAsync. A full ring is backpressure: a cell writing faster
// than its reader drains blocks instead of growing a queue.
//
// Who wakes whom is the Doorbells' job (one per cell, shared by all its
// rings, so poll() can wait for "anything changed" on one address).

const WRITTEN = 0; // total bytes written, wrapping at 2^32
const READ = 1; // total bytes read, wrapping at 2^32
const FLAGS = 2;
const HEADER_BYTES = 16;

const WRITER_CLOSED = 1; // no more bytes will come: the reader sees end of stream after the rest
const READER_CLOSED = 2; // nobody will read: writes fail as a closed stream

export class Ring {
  readonly header: Int32Array;
  readonly data: Uint8Array;
  readonly capacity: number;

  constructor(readonly sab: SharedArrayBuffer) {
    this.header = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(sab, HEADER_BYTES);
    this.capacity = this.data.length;
  }

  static create(capacity: number): Ring {
    return new Ring(new SharedArrayBuffer(HEADER_BYTES + capacity));
  }

  /** Bytes waiting to be read. */
  available(): number {
    return (Atomics.load(this.header, WRITTEN) - Atomics.load(this.header, READ)) >>> 0;
  }

  space(): number { return this.capacity - this.available(); }

  get writerClosed(): boolean { return (Atomics.load(this.header, FLAGS) & WRITER_CLOSED) !== 0; }
  get readerClosed(): boolean { return (Atomics.load(this.header, FLAGS) & READER_CLOSED) !== 0; }
  closeWriter(): void { Atomics.or(this.header, FLAGS, WRITER_CLOSED); }
  closeReader(): void { Atomics.or(this.header, FLAGS, READER_CLOSED); }

  /** True when the reader has everything it will ever get. */
  get drained(): boolean { return this.writerClosed && this.available() === 0; }

  /** Copies as much of `src` as fits; returns how much that was. */
  write(src: Uint8Array): number {
    const n = Math.min(src.length, this.space());
    if (n === 0) return 0;
    const w = Atomics.load(this.header, WRITTEN) >>> 0;
    const at = w % this.capacity;
    const first = Math.min(n, this.capacity - at);
    this.data.set(src.subarray(0, first), at);
    if (n > first) this.data.set(src.subarray(first, n), 0);
    Atomics.store(this.header, WRITTEN, (w + n) | 0);
    return n;
  }

  /** Writes up to `n` zero bytes; returns how many. */
  writeZeroes(n: number): number {
    const count = Math.min(n, this.space());
    if (count === 0) return 0;
    const w = Atomics.load(this.header, WRITTEN) >>> 0;
    const at = w % this.capacity;
    const first = Math.min(count, this.capacity - at);
    this.data.fill(0, at, at + first);
    if (count > first) this.data.fill(0, 0, count - first);
    Atomics.store(this.header, WRITTEN, (w + count) | 0);
    return count;
  }

  /** Takes up to `max` bytes (a copy). */
  read(max: number): Uint8Array {
    const n = Math.min(max, this.available());
    const out = new Uint8Array(n);
    if (n === 0) return out;
    const r = Atomics.load(this.header, READ) >>> 0;
    const at = r % this.capacity;
    const first = Math.min(n, this.capacity - at);
    out.set(this.data.subarray(at, at + first), 0);
    if (n > first) out.set(this.data.subarray(0, n - first), first);
    Atomics.store(this.header, READ, (r + n) | 0);
    return out;
  }
}

const TO_CELL = 0;
const TO_NODE = 1;
const NODE_WAITING = 2;

/**
 * Two change counters: the node rings TO_CELL after it writes stdin or
 * drains output; the cell rings TO_NODE after it writes output or drains
 * stdin. A waiter reads the counter, checks its condition, and only then
 * waits for the counter to move, so no wake-up is lost.
 *
 * Waking the node is costly: an async waiter is woken by a task posted to
 * its thread, about 30 us (measured), against well under 1 us for moving
 * the counter. A cell writing many small pieces (a CGI header line by
 * line) would pay that on every write. So the cell always moves the
 * counter but notifies at most once per WAKE_INTERVAL_MS, and only while
 * the node has NODE_WAITING raised; and the node, after any activity,
 * waits with a timeout of ACTIVE_WAIT_MS, going back to an untimed wait
 * only after a quiet interval. A change whose notification was skipped
 * happened within WAKE_INTERVAL_MS of a notified one, so the node is then
 * in a timed wait, or about to read the moved counter: nothing waits
 * longer than ACTIVE_WAIT_MS. A cell about to block notifies at once
 * (flushNode), so request/response traffic sees no delay at all.
 */
export const WAKE_INTERVAL_MS = 1;
export const ACTIVE_WAIT_MS = 2;

export class Doorbells {
  readonly counters: Int32Array;
  /** Cell side: when the node was last notified, and whether a notification was skipped since. */
  private lastWake = -Infinity;
  private skipped = false;

  constructor(readonly sab: SharedArrayBuffer = new SharedArrayBuffer(12)) {
    this.counters = new Int32Array(sab);
  }

  ringCell(): void { Atomics.add(this.counters, TO_CELL, 1); Atomics.notify(this.counters, TO_CELL); }

  /**
   * Cell side. `wake` false moves the counter without notifying, for a
   * change the node cannot be waiting for (more bytes in a ring that
   * already had some, room in a ring that was not full).
   */
  ringNode(wake = true): void {
    Atomics.add(this.counters, TO_NODE, 1);
    if (!wake) return;
    const now = performance.now();
    if (now - this.lastWake < WAKE_INTERVAL_MS) { this.skipped = true; return; }
    this.notifyNode(now);
  }

  /** Cell side, before blocking: a skipped notification is sent now. */
  flushNode(): void {
    if (this.skipped) this.notifyNode(performance.now());
  }

  private notifyNode(now: number): void {
    this.lastWake = now;
    this.skipped = false;
    if (Atomics.load(this.counters, NODE_WAITING) !== 0) Atomics.notify(this.counters, TO_NODE);
  }

  /** Node side: wakes the node's own wait (when the process ends), whatever the rate. */
  interruptNode(): void {
    Atomics.add(this.counters, TO_NODE, 1);
    Atomics.notify(this.counters, TO_NODE);
  }

  cellSeq(): number { return Atomics.load(this.counters, TO_CELL); }

  /** Cell side: blocks until the node rings after `seq` was read, or `timeoutMs` passes. */
  waitCell(seq: number, timeoutMs = Infinity): void {
    this.flushNode();
    Atomics.wait(this.counters, TO_CELL, seq, timeoutMs);
  }

  /**
   * Node side: the counter to wait on. Raises NODE_WAITING first; call
   * this, check your condition, then waitNode(seq). Never blocks.
   */
  nodeSeq(): number {
    Atomics.store(this.counters, NODE_WAITING, 1);
    return Atomics.load(this.counters, TO_NODE);
  }

  /** Node side: resolves when the cell rings after `seq` was read; false when `timeoutMs` passed first. */
  async waitNode(seq: number, timeoutMs?: number): Promise<boolean> {
    // Atomics.waitAsync is in Node 20 (V8 8.7+) but in TypeScript's ES2024 lib, past this project's ES2023.
    const r = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.counters, TO_NODE, seq, timeoutMs);
    const outcome = r.async ? await r.value : r.value;
    Atomics.store(this.counters, NODE_WAITING, 0);
    return outcome !== 'timed-out';
  }
}

interface AtomicsWaitAsync {
  waitAsync(a: Int32Array, index: number, value: number, timeout?: number):
    { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
}
