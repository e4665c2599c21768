// wasi:io (error, poll, streams) for a cell, inside its worker thread.
// Streams are the cell's stdio rings (runtime/cell/ring.ts); a blocking
// call waits on the cell's doorbell with Atomics.wait, which the node's
// thread rings whenever it moves bytes. jco's glue turns a thrown plain
// object into the `err` of a result, so stream errors are thrown as
// `{ tag: 'closed' }` or `{ tag: 'last-operation-failed', val: IoError }`,
// while anything that must stop the cell is thrown as an Error subclass,
// which the glue lets through.
//
// After moving bytes, a stream rings the node's doorbell, but only wakes
// it when it may be waiting for that change (see Doorbells.ringNode):
// bytes into an empty ring, room in a full one.
import type { Doorbells, Ring } from '../ring.js';
import { GuestFault } from './guest-fault.js';

/** wasi:io/error `error`: a message for humans, nothing more (as the WIT says). */
export class IoError {
  readonly #message: string;
  constructor(message: string) { this.#message = message; }
  toDebugString(): string {
    if (!(#message in this)) throw new GuestFault('error.to-debug-string on a handle that is not an error');
    return this.#message;
  }
}

/** wasi:io/poll `pollable`: ready now, or at a monotonic deadline, or when a ring changes. */
export class Pollable {
  readonly #io: CellIo;
  readonly #isReady: () => boolean;
  /** Monotonic nanoseconds at which it becomes ready, for clock pollables. */
  readonly #deadline: bigint | undefined;
  constructor(io: CellIo, isReady: () => boolean, deadline?: bigint) {
    this.#io = io;
    this.#isReady = isReady;
    this.#deadline = deadline;
  }
  /** The pollable itself, checked: throws a GuestFault for a forged handle. */
  static own(p: Pollable): { deadline: bigint | undefined; ready: () => boolean } {
    if (!(p instanceof Object) || !(#io in p)) throw new GuestFault('a handle that is not a pollable was passed as one');
    return { deadline: p.#deadline, ready: () => p.ready() };
  }
  ready(): boolean {
    if (!(#io in this)) throw new GuestFault('pollable.ready on a handle that is not a pollable');
    return this.#isReady() || (this.#deadline !== undefined && process.hrtime.bigint() >= this.#deadline);
  }
  block(): void {
    if (!(#io in this)) throw new GuestFault('pollable.block on a handle that is not a pollable');
    this.#io.poll([this]);
  }
}

/** What the streams of one cell share: its doorbells, and a cap on what the host allocates for it. */
export class CellIo {
  constructor(readonly bells: Doorbells, readonly maxAllocation: number, readonly fatalMemory: (what: string) => never) {}

  /** Waits (blocking the cell's thread) until `ready()` holds or `deadline` passes. */
  waitUntil(ready: () => boolean, deadline?: bigint): void {
    for (;;) {
      const seq = this.bells.cellSeq();
      if (ready()) return;
      let timeout = Infinity;
      if (deadline !== undefined) {
        const left = deadline - process.hrtime.bigint();
        if (left <= 0n) return;
        timeout = Number(left) / 1e6;
      }
      this.bells.waitCell(seq, timeout);
    }
  }

  poll(pollables: Pollable[]): Uint32Array {
    if (pollables.length === 0) throw new GuestFault('poll of an empty list');
    const list = pollables.map((p) => Pollable.own(p));
    let ready: number[] = [];
    const check = () => {
      ready = [];
      list.forEach((p, i) => { if (p.ready()) ready.push(i); });
      return ready.length > 0;
    };
    let deadline: bigint | undefined;
    for (const p of list) if (p.deadline !== undefined && (deadline === undefined || p.deadline < deadline)) deadline = p.deadline;
    for (;;) {
      this.waitUntil(check, deadline);
      if (ready.length > 0 || check()) return Uint32Array.from(ready);
    }
  }

  /** A length the guest asked for, as a number, refused when it exceeds what the cell could ever hold. */
  length(len: bigint, what: string): number {
    if (len > BigInt(this.maxAllocation)) this.fatalMemory(`${what} of ${len} bytes`);
    return Number(len);
  }
}

const CLOSED = { tag: 'closed' } as const;

function clampLen(len: bigint): number {
  return len > 0x7fffffffn ? 0x7fffffff : Number(len);
}

/** wasi:io/streams `input-stream` over a ring the node writes. */
export class InputStream {
  readonly #io: CellIo;
  readonly #ring: Ring;
  constructor(io: CellIo, ring: Ring) {
    this.#io = io;
    this.#ring = ring;
  }
  // Every method reaches its state through these, so a forged handle faults before anything else.
  private get io(): CellIo {
    if (!(#io in this)) throw new GuestFault('a handle that is not an input-stream was used as one');
    return this.#io;
  }
  private get ring(): Ring {
    if (!(#ring in this)) throw new GuestFault('a handle that is not an input-stream was used as one');
    return this.#ring;
  }

  read(len: bigint): Uint8Array {
    const n = clampLen(len);
    if (this.ring.available() === 0) {
      if (this.ring.writerClosed) throw CLOSED;
      return new Uint8Array(0);
    }
    // The node only waits for room in a full ring.
    const wasFull = this.ring.space() === 0;
    const out = this.ring.read(n);
    this.io.bells.ringNode(wasFull);
    return out;
  }

  blockingRead(len: bigint): Uint8Array {
    if (len === 0n) return new Uint8Array(0);
    this.io.waitUntil(() => this.ring.available() > 0 || this.ring.writerClosed);
    return this.read(len);
  }

  skip(len: bigint): bigint { return BigInt(this.read(len).length); }

  blockingSkip(len: bigint): bigint { return BigInt(this.blockingRead(len).length); }

  subscribe(): Pollable {
    return new Pollable(this.io, () => this.ring.available() > 0 || this.ring.writerClosed);
  }

  [Symbol.dispose](): void {}
}

/** wasi:io/streams `output-stream` over a ring the node drains. */
export class OutputStream {
  readonly #io: CellIo;
  readonly #ring: Ring;
  constructor(io: CellIo, ring: Ring) {
    this.#io = io;
    this.#ring = ring;
  }
  // Every method reaches its state through these, so a forged handle faults before anything else.
  private get io(): CellIo {
    if (!(#io in this)) throw new GuestFault('a handle that is not an output-stream was used as one');
    return this.#io;
  }
  private get ring(): Ring {
    if (!(#ring in this)) throw new GuestFault('a handle that is not an output-stream was used as one');
    return this.#ring;
  }

  private open(): void {
    if (this.ring.readerClosed) throw CLOSED;
  }

  checkWrite(): bigint {
    this.open();
    return BigInt(this.ring.space());
  }

  write(contents: Uint8Array): void {
    this.open();
    if (contents.length > this.ring.space()) {
      throw { tag: 'last-operation-failed', val: new IoError(`write of ${contents.length} bytes exceeds the ${this.ring.space()} that check-write allowed`) };
    }
    const wasEmpty = this.ring.available() === 0;
    this.ring.write(contents);
    this.io.bells.ringNode(wasEmpty);
  }

  blockingWriteAndFlush(contents: Uint8Array): void {
    let at = 0;
    for (;;) {
      this.open();
      const wasEmpty = this.ring.available() === 0;
      at += this.ring.write(contents.subarray(at));
      this.io.bells.ringNode(wasEmpty);
      if (at >= contents.length) return;
      this.io.waitUntil(() => this.ring.space() > 0 || this.ring.readerClosed);
    }
  }

  /** Bytes in the ring are already the host's, so flushing completes at once. */
  flush(): void { this.open(); }
  blockingFlush(): void { this.open(); }

  subscribe(): Pollable {
    return new Pollable(this.io, () => this.ring.space() > 0 || this.ring.readerClosed);
  }

  writeZeroes(len: bigint): void {
    this.open();
    const n = clampLen(len);
    if (n > this.ring.space()) {
      throw { tag: 'last-operation-failed', val: new IoError(`write of ${n} zeroes exceeds the ${this.ring.space()} that check-write allowed`) };
    }
    const wasEmpty = this.ring.available() === 0;
    this.ring.writeZeroes(n);
    this.io.bells.ringNode(wasEmpty);
  }

  blockingWriteZeroesAndFlush(len: bigint): void {
    let left = len;
    for (;;) {
      this.open();
      const wasEmpty = this.ring.available() === 0;
      left -= BigInt(this.ring.writeZeroes(clampLen(left)));
      this.io.bells.ringNode(wasEmpty);
      if (left <= 0n) return;
      this.io.waitUntil(() => this.ring.space() > 0 || this.ring.readerClosed);
    }
  }

  splice(src: InputStream, len: bigint): bigint {
    this.open();
    const room = BigInt(this.ring.space());
    const bytes = src.read(len < room ? len : room);
    if (bytes.length) this.write(bytes);
    return BigInt(bytes.length);
  }

  blockingSplice(src: InputStream, len: bigint): bigint {
    this.open();
    this.io.waitUntil(() => this.ring.space() > 0 || this.ring.readerClosed);
    const room = BigInt(this.ring.space());
    const bytes = src.blockingRead(len < room ? len : room);
    if (bytes.length) this.blockingWriteAndFlush(bytes);
    return BigInt(bytes.length);
  }

  [Symbol.dispose](): void {}
}
