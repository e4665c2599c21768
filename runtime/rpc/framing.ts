// Cap'n Proto standard stream framing: a segment table (count - 1, then
// each segment's size in words, padded to 8 bytes) followed by the
// segments. FrameDecoder turns a byte stream cut anywhere into whole
// messages, and refuses frames that break the limits before buffering
// them, so a hostile peer cannot make us allocate what it only announces.

export interface FrameLimits {
  /** Largest message accepted, in bytes (header included). */
  maxMessageBytes: number;
  /** Most segments one message may have. */
  maxSegments: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = {
  maxMessageBytes: 64 * 1024 * 1024,
  maxSegments: 512,
};

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Total size of the frame being read, once its header is known. */
  private frameSize = -1;
  private failed: FrameError | null = null;

  constructor(private readonly limits: FrameLimits = DEFAULT_FRAME_LIMITS) {}

  /**
   * Adds bytes and calls `emit` with every message they complete, as push
   * does, without an array for them. When nothing is pending (a socket read
   * usually ends on a frame boundary), the frames are views cut straight out
   * of `chunk`, with no copy and no bookkeeping; only a frame split across
   * chunks is gathered. `emit` may close the transport; the frames after it
   * are then still emitted, and the receiver drops them.
   */
  feed(chunk: Uint8Array, emit: (frame: Uint8Array) => void): void {
    if (this.failed) throw this.failed;
    if (this.buffered === 0) {
      const n = chunk.length;
      let at = 0;
      while (n - at >= 4) {
        const size = this.sizeAt(chunk, at);
        if (size < 0 || n - at < size) break;
        emit(chunk.subarray(at, at + size));
        at += size;
      }
      if (at === n) return;
      chunk = at === 0 ? chunk : chunk.subarray(at);
    }
    for (const m of this.push(chunk)) emit(m);
  }

  /**
   * The size of the frame starting at `at` in `chunk` (its segment table
   * must be there whole, else -1), after checking the limits.
   */
  private sizeAt(chunk: Uint8Array, at: number): number {
    const count = u32(chunk, at) + 1;
    if (count > this.limits.maxSegments) return this.fail(`frame declares ${count} segments; the limit is ${this.limits.maxSegments}`);
    const headerBytes = 4 + 4 * count + (count % 2 === 0 ? 4 : 0);
    if (chunk.length - at < headerBytes) return -1;
    let words = 0;
    for (let i = 0; i < count; i++) words += u32(chunk, at + 4 + 4 * i);
    const total = headerBytes + words * 8;
    if (total > this.limits.maxMessageBytes) return this.fail(`frame of ${total} bytes exceeds the limit of ${this.limits.maxMessageBytes}`);
    return total;
  }

  /**
   * Adds bytes and returns every message they complete, each as one
   * contiguous Uint8Array holding the whole frame. After a FrameError the
   * decoder stays failed: the stream is out of sync and must be closed.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.failed) throw this.failed;
    if (chunk.length) { this.chunks.push(chunk); this.buffered += chunk.length; }
    const out: Uint8Array[] = [];
    for (;;) {
      if (this.frameSize < 0) {
        if (this.buffered < 4) break;
        const count = this.peekU32(0) + 1;
        if (count > this.limits.maxSegments) return this.fail(`frame declares ${count} segments; the limit is ${this.limits.maxSegments}`);
        const headerBytes = 4 + 4 * count + (count % 2 === 0 ? 4 : 0);
        if (this.buffered < headerBytes) break;
        let words = 0;
        for (let i = 0; i < count; i++) words += this.peekU32(4 + 4 * i);
        const total = headerBytes + words * 8;
        if (total > this.limits.maxMessageBytes) {
          return this.fail(`frame of ${total} bytes exceeds the limit of ${this.limits.maxMessageBytes}`);
        }
        this.frameSize = total;
      }
      if (this.buffered < this.frameSize) break;
      out.push(this.take(this.frameSize));
      this.frameSize = -1;
    }
    return out;
  }

  /** Bytes received but not yet part of a whole message. */
  get pending(): number { return this.buffered; }

  private fail(message: string): never {
    this.failed = new FrameError(message);
    this.chunks = [];
    this.buffered = 0;
    throw this.failed;
  }

  private peekU32(offset: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) v |= this.byteAt(offset + k) << (8 * k);
    return v >>> 0;
  }

  private byteAt(offset: number): number {
    for (const c of this.chunks) {
      if (offset < c.length) return c[offset]!;
      offset -= c.length;
    }
    throw new Error('internal: read past buffered data');
  }

  private take(n: number): Uint8Array {
    const first = this.chunks[0]!;
    let out: Uint8Array;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift(); else this.chunks[0] = first.subarray(n);
    } else {
      out = new Uint8Array(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, n - filled);
        out.set(c.subarray(0, k), filled);
        filled += k;
        if (k === c.length) this.chunks.shift(); else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    return out;
  }
}

/** The little-endian u32 at `at` (the caller checked that 4 bytes are there). */
function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
