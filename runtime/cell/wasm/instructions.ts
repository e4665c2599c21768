// Walks the instructions of a function body by their immediates, to find
// every `memory.grow`. Only the shape of each instruction matters here,
// not its meaning, so the table below lists immediates per opcode for the
// MVP and the proposals that toolchains emit today: sign extension,
// saturating truncation, bulk memory, reference types, multi-value, SIMD
// and relaxed SIMD, threads, tail calls, exception handling (legacy and
// exnref), typed function references and GC, multi-memory, memory64.
// An opcode outside that set is an error, never a guess: a wrong guess
// would misread the rest of the body.
import { ByteReader, WasmFormatError } from './bytes.js';

export interface MemoryGrowSite {
  /** Offset of the 0x40 opcode. */
  at: number;
  /** Offset just past the memory index immediate. */
  end: number;
  memory: number;
}

/** Skips a value type (including `(ref null? ht)`), as in locals and typed select. */
export function skipValType(r: ByteReader): void {
  const b = r.byte();
  if (b === 0x63 || b === 0x64) r.s33();
}

function skipBlockType(r: ByteReader): void {
  const b = r.bytes[r.pos];
  if (b === 0x63 || b === 0x64) { r.pos++; r.s33(); return; }
  r.s33(); // 0x40, a value type shorthand (a negative s33), or a type index
}

function skipMemarg(r: ByteReader): void {
  const align = r.u32();
  if (align & 0x40) r.u32(); // multi-memory: a memory index follows
  r.skipLeb(64); // offset (u64 under memory64)
}

/** Reads the locals declarations at the start of a body. */
export function skipLocals(r: ByteReader): void {
  const groups = r.u32();
  for (let i = 0; i < groups; i++) { r.u32(); skipValType(r); }
}

/** Every memory.grow in the instructions in [r.pos, r.end). */
export function findMemoryGrows(r: ByteReader): MemoryGrowSite[] {
  const sites: MemoryGrowSite[] = [];
  while (!r.done) {
    const at = r.pos;
    const op = r.byte();
    if (op >= 0x45 && op <= 0xc4) continue; // numeric instructions: no immediates
    switch (op) {
      case 0x00: case 0x01: case 0x05: case 0x0a: case 0x0b: case 0x0f: case 0x19: case 0x1a: case 0x1b:
      case 0xd1: case 0xd3: case 0xd4:
        break;
      case 0x02: case 0x03: case 0x04: case 0x06:
        skipBlockType(r); break;
      case 0x07: case 0x08: case 0x09: case 0x0c: case 0x0d: case 0x10: case 0x12: case 0x14: case 0x15: case 0x18:
      case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26:
      case 0xd2: case 0xd5: case 0xd6:
        r.u32(); break;
      case 0x0e: { // br_table
        const n = r.u32();
        for (let i = 0; i <= n; i++) r.u32();
        break;
      }
      case 0x11: case 0x13: // call_indirect, return_call_indirect
        r.u32(); r.u32(); break;
      case 0x1c: { // select t*
        const n = r.u32();
        for (let i = 0; i < n; i++) skipValType(r);
        break;
      }
      case 0x1f: { // try_table bt catch*
        skipBlockType(r);
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const kind = r.byte();
          if (kind <= 1) r.u32(); // catch / catch_ref carry a tag
          else if (kind > 3) throw new WasmFormatError(`unknown catch kind ${kind}`, r.pos - 1);
          r.u32(); // label
        }
        break;
      }
      case 0x3f: r.u32(); break; // memory.size
      case 0x40: { // memory.grow
        const memory = r.u32();
        sites.push({ at, end: r.pos, memory });
        break;
      }
      case 0x41: r.skipLeb(32); break;
      case 0x42: r.skipLeb(64); break;
      case 0x43: r.skip(4); break;
      case 0x44: r.skip(8); break;
      case 0xd0: r.s33(); break; // ref.null ht
      case 0xfb: skipGc(r); break;
      case 0xfc: skipMisc(r); break;
      case 0xfd: skipSimd(r); break;
      case 0xfe: skipAtomic(r); break;
      default:
        if (op >= 0x28 && op <= 0x3e) { skipMemarg(r); break; } // loads and stores
        throw new WasmFormatError(`unknown opcode 0x${op.toString(16)}`, at);
    }
  }
  return sites;
}

function skipMisc(r: ByteReader): void {
  const at = r.pos;
  const op = r.u32();
  if (op <= 7) return; // saturating truncations
  switch (op) {
    case 8: case 10: case 12: case 14: r.u32(); r.u32(); return; // memory.init, memory.copy, table.init, table.copy
    case 9: case 11: case 13: case 15: case 16: case 17: r.u32(); return;
    default: throw new WasmFormatError(`unknown opcode 0xfc ${op}`, at);
  }
}

function skipSimd(r: ByteReader): void {
  const at = r.pos;
  const op = r.u32();
  if (op <= 11 || op === 92 || op === 93) { skipMemarg(r); return; }
  if (op === 12 || op === 13) { r.skip(16); return; } // v128.const, i8x16.shuffle
  if (op >= 21 && op <= 34) { r.skip(1); return; } // extract/replace lane
  if (op >= 84 && op <= 91) { skipMemarg(r); r.skip(1); return; } // load/store lane
  if (op <= 0x113) return; // the rest of SIMD and relaxed SIMD have no immediates
  throw new WasmFormatError(`unknown opcode 0xfd ${op}`, at);
}

function skipAtomic(r: ByteReader): void {
  const at = r.pos;
  const op = r.u32();
  if (op === 3) { r.skip(1); return; } // atomic.fence
  if (op <= 2 || (op >= 0x10 && op <= 0x4e)) { skipMemarg(r); return; }
  throw new WasmFormatError(`unknown opcode 0xfe ${op}`, at);
}

function skipGc(r: ByteReader): void {
  const at = r.pos;
  const op = r.u32();
  switch (op) {
    case 0: case 1: case 6: case 7: case 11: case 12: case 13: case 14: case 16:
      r.u32(); return;
    case 2: case 3: case 4: case 5: case 8: case 9: case 10: case 17: case 18: case 19:
      r.u32(); r.u32(); return;
    case 15: case 26: case 27: case 28: case 29: case 30:
      return;
    case 20: case 21: case 22: case 23:
      r.s33(); return;
    case 24: case 25: // br_on_cast(_fail) flags label ht ht
      r.byte(); r.u32(); r.s33(); r.s33(); return;
    default: throw new WasmFormatError(`unknown opcode 0xfb ${op}`, at);
  }
}
