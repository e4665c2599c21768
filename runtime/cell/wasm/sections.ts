// The section layout of a core WebAssembly module: split, and put back
// together. A rewrite replaces or inserts whole sections and leaves every
// other byte alone.
import { ByteReader, ByteWriter, WasmFormatError } from './bytes.js';

export const CORE_PREAMBLE = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export const SECTION = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6,
  export: 7, start: 8, element: 9, code: 10, data: 11, dataCount: 12, tag: 13,
} as const;

/** Where each known section must sit (the spec's order; tag sits between memory and global). */
const ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

export interface Section {
  id: number;
  /** The payload (without id and size). */
  body: Uint8Array;
  /** For custom sections, the name. */
  name?: string;
}

export function splitSections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8 || !CORE_PREAMBLE.every((b, i) => bytes[i] === b)) {
    throw new WasmFormatError('not a core WebAssembly module', 0);
  }
  const r = new ByteReader(bytes, 8);
  const sections: Section[] = [];
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    r.skip(size);
    const s: Section = { id, body: bytes.subarray(start, start + size) };
    if (id === SECTION.custom) s.name = new ByteReader(s.body).name();
    sections.push(s);
  }
  return sections;
}

export function joinSections(sections: Section[]): Uint8Array {
  const w = new ByteWriter().bytes(CORE_PREAMBLE);
  for (const s of sections) w.bytes([s.id]).u32(s.body.length).bytes(s.body);
  return w.finish();
}

/** Puts `section` in place of the one with its id, or inserts it where the spec's order wants it. */
export function putSection(sections: Section[], section: Section): void {
  const i = sections.findIndex((s) => s.id === section.id);
  if (i >= 0) { sections[i] = section; return; }
  const rank = ORDER[section.id]!;
  const after = sections.findIndex((s) => s.id !== SECTION.custom && ORDER[s.id]! > rank);
  if (after < 0) sections.push(section); else sections.splice(after, 0, section);
}

/** A vector section's entry count and the reader positioned at its first entry. */
export function vectorOf(section: Section | undefined): { count: number; r: ByteReader } {
  if (!section) return { count: 0, r: new ByteReader(new Uint8Array(0)) };
  const r = new ByteReader(section.body);
  return { count: r.u32(), r };
}

/** Rebuilds a vector section with `extra` entries (each already encoded) appended. */
export function appendToVector(id: number, section: Section | undefined, extra: Uint8Array[]): Section {
  const { count, r } = vectorOf(section);
  const w = new ByteWriter().u32(count + extra.length);
  w.bytes(r.bytes.subarray(r.pos));
  for (const e of extra) w.bytes(e);
  return { id, body: w.finish() };
}
