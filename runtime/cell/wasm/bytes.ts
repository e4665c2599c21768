// Reading and writing the WebAssembly binary encoding: LEB128 integers,
// bytes and names. The reader throws WasmFormatError with the offset on
// anything malformed or truncated, so callers turn bad input into a coded
// error instead of reading past the end.

export class WasmFormatError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'WasmFormatError';
  }
}

export class ByteReader {
  pos: number;
  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length) {
    this.pos = start;
  }

  get done(): boolean { return this.pos >= this.end; }

  byte(): number {
    if (this.pos >= this.end) throw new WasmFormatError('unexpected end', this.pos);
    return this.bytes[this.pos++]!;
  }

  /** Unsigned LEB128 of at most `maxBits` bits, as a number (exact up to 2^53). */
  u(maxBits = 32): number {
    let result = 0;
    let scale = 1;
    const start = this.pos;
    for (let shift = 0; ; shift += 7) {
      if (shift >= maxBits + 7) throw new WasmFormatError('LEB128 too long', start);
      const b = this.byte();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return result;
    }
  }

  u32(): number { return this.u(32); }

  /** Skips a signed or unsigned LEB128 of at most `maxBits` bits. */
  skipLeb(maxBits: number): void {
    const start = this.pos;
    for (let shift = 0; ; shift += 7) {
      if (shift >= maxBits + 7) throw new WasmFormatError('LEB128 too long', start);
      if ((this.byte() & 0x80) === 0) return;
    }
  }

  /** A signed LEB128 of at most 33 bits (block types and heap types). */
  s33(): number {
    let result = 0;
    let scale = 1;
    let b: number;
    let shift = 0;
    const start = this.pos;
    do {
      if (shift >= 40) throw new WasmFormatError('LEB128 too long', start);
      b = this.byte();
      result += (b & 0x7f) * scale;
      scale *= 128;
      shift += 7;
    } while (b & 0x80);
    if (b & 0x40) result -= scale;
    return result;
  }

  skip(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new WasmFormatError(`cannot skip ${n} bytes`, this.pos);
    this.pos += n;
  }

  name(): string {
    const n = this.u32();
    const start = this.pos;
    this.skip(n);
    return new TextDecoder('utf-8', { fatal: false }).decode(this.bytes.subarray(start, start + n));
  }
}

/** Accumulates byte chunks; the usual output side of a rewrite. */
export class ByteWriter {
  private chunks: Uint8Array[] = [];
  length = 0;

  bytes(b: Uint8Array | number[]): this {
    const u = b instanceof Uint8Array ? b : Uint8Array.from(b);
    this.chunks.push(u);
    this.length += u.length;
    return this;
  }

  u32(n: number): this { return this.bytes(uleb(n)); }

  name(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.u32(b.length).bytes(b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) { out.set(c, at); at += c.length; }
    return out;
  }
}

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
