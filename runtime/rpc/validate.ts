// One walk over a whole incoming message before anything reads it. Every
// pointer must land inside its segment; far pointers must be well formed;
// the words visited (revisits included) are charged against a traversal
// limit and pointer depth against a nesting limit, as the C++ reference
// does. After this walk, readers may follow pointers without bounds fear;
// a hostile message costs at most the limits, never a crash or a hang.

export interface ReadLimits {
  /** Words a message may make us visit, counting revisits (C++ default: 8 Mi). */
  traversalLimitWords: number;
  /** How deep pointers may nest (C++ default: 64). */
  nestingLimit: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { traversalLimitWords: 8 * 1024 * 1024, nestingLimit: 64 };

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/** Splits a framed message (segment table + segments) into segment views. */
export function segmentsOf(frame: Uint8Array): DataView[] {
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.byteLength < 4) throw new WireError('message shorter than its segment table');
  const count = dv.getUint32(0, true) + 1;
  const header = 4 + 4 * count + (count % 2 === 0 ? 4 : 0);
  if (frame.byteLength < header) throw new WireError('message shorter than its segment table');
  const out: DataView[] = [];
  let at = header;
  for (let i = 0; i < count; i++) {
    const bytes = dv.getUint32(4 + 4 * i, true) * 8;
    if (at + bytes > frame.byteLength) throw new WireError(`segment ${i} runs past the end of the message`);
    out.push(new DataView(frame.buffer, frame.byteOffset + at, bytes));
    at += bytes;
  }
  return out;
}

/** Element sizes of list pointers, in bits (composite and pointer handled apart). */
const ELEMENT_BITS = [0, 1, 8, 16, 32, 64];

/** Throws WireError on anything unsafe; returns the message's segments (views into `frame`). */
export function validateMessage(frame: Uint8Array, limits: ReadLimits = DEFAULT_READ_LIMITS): DataView[] {
  const segs = segmentsOf(frame);
  if (segs[0]!.byteLength < 8) throw new WireError('message has no root pointer');
  // One walker for every message (the walk calls nothing outside this file,
  // so walks never overlap): a message costs no closures or walker object.
  const v = walker;
  v.segs = segs;
  v.limits = limits;
  v.budget = limits.traversalLimitWords;
  try { v.pointer(0, 0, 0); }
  finally { v.segs = NO_SEGMENTS; }
  return segs;
}

const NO_SEGMENTS: DataView[] = [];

/** The state of one validation walk, and its steps. */
class Walker {
  segs: DataView[] = NO_SEGMENTS;
  limits: ReadLimits = DEFAULT_READ_LIMITS;
  budget = 0;

  private charge(words: number): void {
    this.budget -= words;
    if (this.budget < 0) throw new WireError(`message exceeds the traversal limit of ${this.limits.traversalLimitWords} words`);
  }
  private lo(seg: number, w: number): number { return this.segs[seg]!.getInt32(w * 8, true); }
  private hi(seg: number, w: number): number { return this.segs[seg]!.getUint32(w * 8 + 4, true); }
  private inside(seg: number, start: number, words: number, what: string): void {
    if (start < 0 || words < 0 || start + words > this.segs[seg]!.byteLength / 8) throw new WireError(`${what} points outside segment ${seg}`);
  }

  /**
   * Checks the object described by the pointer (or tag) word `w` in `ds`,
   * whose content starts at word `target` of segment `seg` (the same
   * segment, except after a double-far pointer).
   */
  private object(ds: number, w: number, seg: number, target: number, depth: number): void {
    const a = this.lo(ds, w), b = this.hi(ds, w);
    if ((a & 3) === 0) {
      const dataWords = b & 0xffff, ptrWords = b >>> 16;
      this.inside(seg, target, dataWords + ptrWords, 'struct pointer');
      this.charge(Math.max(1, dataWords + ptrWords));
      for (let i = 0; i < ptrWords; i++) this.pointer(seg, target + dataWords + i, depth + 1);
      return;
    }
    // A list.
    const size = b & 7, count = b >>> 3;
    if (size === 7) {
      this.inside(seg, target, count + 1, 'list pointer');
      const tagLo = this.lo(seg, target), tagHi = this.hi(seg, target);
      if ((tagLo & 3) !== 0) throw new WireError('inline composite list tag is not a struct tag');
      const elements = tagLo >>> 2, dataWords = tagHi & 0xffff, ptrWords = tagHi >>> 16;
      const each = dataWords + ptrWords;
      if (elements * each > count) throw new WireError('inline composite list elements overrun the list');
      // Zero-size elements cost their count, so a tiny message cannot claim billions of them.
      this.charge(Math.max(count, elements));
      for (let e = 0; e < elements; e++) {
        for (let i = 0; i < ptrWords; i++) this.pointer(seg, target + 1 + e * each + dataWords + i, depth + 1);
      }
      return;
    }
    if (size === 6) {
      this.inside(seg, target, count, 'list pointer');
      this.charge(Math.max(1, count));
      for (let i = 0; i < count; i++) this.pointer(seg, target + i, depth + 1);
      return;
    }
    const words = Math.ceil((count * ELEMENT_BITS[size]!) / 64);
    this.inside(seg, target, words, 'list pointer');
    this.charge(Math.max(words, size === 0 ? count : 1));
  }

  pointer(seg: number, w: number, depth: number): void {
    if (depth > this.limits.nestingLimit) throw new WireError(`message nests deeper than ${this.limits.nestingLimit} pointers`);
    const a = this.lo(seg, w), b = this.hi(seg, w);
    if (a === 0 && b === 0) return;
    const kind = a & 3;
    if (kind === 0 || kind === 1) { this.object(seg, w, seg, w + 1 + (a >> 2), depth); return; }
    if (kind === 3) {
      if ((a >>> 2) !== 0) throw new WireError('unknown pointer kind');
      return; // a capability: its index is checked against the cap table by the RPC layer
    }
    // A far pointer.
    const doubleFar = (a & 4) !== 0;
    const padSeg = b, pad = a >>> 3;
    if (padSeg >= this.segs.length) throw new WireError(`far pointer to segment ${padSeg}, which does not exist`);
    this.inside(padSeg, pad, doubleFar ? 2 : 1, 'far pointer');
    this.charge(1);
    if (!doubleFar) {
      const pa = this.lo(padSeg, pad);
      if ((pa & 3) === 2) throw new WireError('far pointer landing pad is itself a far pointer');
      this.pointer(padSeg, pad, depth);
      return;
    }
    const fa = this.lo(padSeg, pad), fb = this.hi(padSeg, pad);
    if ((fa & 3) !== 2 || (fa & 4) !== 0) throw new WireError('double-far landing pad does not start with a single far pointer');
    const contentSeg = fb, content = fa >>> 3;
    if (contentSeg >= this.segs.length) throw new WireError(`far pointer to segment ${contentSeg}, which does not exist`);
    const tagKind = this.lo(padSeg, pad + 1) & 3;
    if (tagKind !== 0 && tagKind !== 1) throw new WireError('double-far tag is not a struct or list pointer');
    if ((this.lo(padSeg, pad + 1) >> 2) !== 0) throw new WireError('double-far tag has a non-zero offset');
    // The tag describes the object; its content lives in another segment.
    this.object(padSeg, pad + 1, contentSeg, content, depth);
  }
}

const walker = new Walker();
