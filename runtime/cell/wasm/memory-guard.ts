// The memory ceiling, built into each core module once, when it is cached.
//
// V8 gives a worker's resourceLimits no say over WebAssembly memory (it
// lives outside the JS heap; doc/cells.md has the measurement), so the
// ceiling is enforced in the module itself, in two parts:
//
// 1. Every memory the module defines becomes an import from `ww:cell`
//    (`memory0`, ...). The host creates it per spawn with `maximum` set to
//    that spawn's ceiling, so V8 itself refuses growth past it. Imports
//    come before definitions in the memory index space, and the new
//    imports are appended after any existing memory import, so no memory
//    index changes.
// 2. Every `memory.grow` becomes a call to a helper appended to the
//    module: it grows, and if the growth was refused it sets the exported
//    global `ww:grow-refused` and traps. A refused growth therefore kills
//    the cell (as wasmtime's trap_on_grow_failure does), and the host,
//    finding the flag set, reports :cell/memory rather than a plain trap.
//    Appended functions, types and globals take the next free indices, so
//    no existing index changes either.
import { ByteReader, ByteWriter, WasmFormatError, uleb } from './bytes.js';
import { findMemoryGrows, skipLocals, skipValType } from './instructions.js';
import { SECTION, appendToVector, joinSections, putSection, splitSections, vectorOf, type Section } from './sections.js';

export const GUARD_IMPORT_MODULE = 'ww:cell';
export const GROW_REFUSED_EXPORT = 'ww:grow-refused';

export interface GuardedMemory {
  /** Import name under GUARD_IMPORT_MODULE. */
  name: string;
  /** Declared minimum and maximum, in 64 KiB pages. */
  initial: number;
  maximum?: number;
  shared: boolean;
}

export interface GuardedModule {
  bytes: Uint8Array;
  /** The memories the host must supply, one per memory the module defined. */
  memories: GuardedMemory[];
  /** How many memory.grow sites now go through the helper. */
  growSites: number;
}

export function guardMemory(bytes: Uint8Array): GuardedModule {
  const sections = splitSections(bytes);
  const get = (id: number) => sections.find((s) => s.id === id);

  const typeCount = countTypes(get(SECTION.type));
  const imports = readImports(get(SECTION.import));
  const definedFuncs = vectorOf(get(SECTION.function)).count;
  const definedGlobals = countGlobals(get(SECTION.global));
  const definedMemories = readMemories(get(SECTION.memory));

  // 1. Defined memories become imports.
  const memories: GuardedMemory[] = definedMemories.map((m, i) => {
    const g: GuardedMemory = { name: `memory${i}`, initial: m.initial, shared: m.shared };
    if (m.maximum !== undefined) g.maximum = m.maximum;
    if (m.index64) throw new WasmFormatError('64-bit memories are not supported', 0);
    return g;
  });
  if (memories.length) {
    const extra = definedMemories.map((m, i) => {
      const w = new ByteWriter().name(GUARD_IMPORT_MODULE).name(`memory${i}`).bytes([0x02]);
      return w.bytes(m.limits).finish();
    });
    putSection(sections, appendToVector(SECTION.import, get(SECTION.import), extra));
    sections.splice(sections.findIndex((s) => s.id === SECTION.memory), 1);
  }

  // 2. memory.grow goes through a helper that traps when growth is refused.
  const code = get(SECTION.code);
  const rewritten = code ? rewriteGrows(code, definedFuncs) : null;
  if (rewritten && rewritten.grown.size > 0) {
    const memIs64 = [...imports.memories64, ...definedMemories.map((m) => m.index64)];
    const grown = [...rewritten.grown].sort((a, b) => a - b);
    const flagGlobal = imports.globals + definedGlobals;
    const firstHelper = imports.funcs + definedFuncs;
    // The helper of memory grown[k] is function firstHelper + k, of type typeCount + k.
    const types = grown.map((m) => memIs64[m] ? [0x60, 1, 0x7e, 1, 0x7e] : [0x60, 1, 0x7f, 1, 0x7f]);
    putSection(sections, appendToVector(SECTION.type, get(SECTION.type), types.map((t) => Uint8Array.from(t))));
    putSection(sections, appendToVector(SECTION.function, get(SECTION.function), grown.map((_, k) => Uint8Array.from(uleb(typeCount + k)))));
    putSection(sections, appendToVector(SECTION.global, get(SECTION.global), [Uint8Array.from([0x7f, 0x01, 0x41, 0x00, 0x0b])]));
    putSection(sections, appendToVector(SECTION.export, get(SECTION.export),
      [new ByteWriter().name(GROW_REFUSED_EXPORT).bytes([0x03]).u32(flagGlobal).finish()]));
    const helperOf = new Map(grown.map((m, k) => [m, firstHelper + k]));
    const bodies = rewritten.bodies.map((b) => b(helperOf));
    for (const m of grown) bodies.push(helperBody(m, flagGlobal, memIs64[m] ?? false));
    const w = new ByteWriter().u32(bodies.length);
    for (const b of bodies) w.u32(b.length).bytes(b);
    putSection(sections, { id: SECTION.code, body: w.finish() });
    // Branch hints and other code metadata point at code offsets that just moved.
    for (let i = sections.length - 1; i >= 0; i--) {
      if (sections[i]!.name?.startsWith('metadata.code.')) sections.splice(i, 1);
    }
  }
  return { bytes: joinSections(sections), memories, growSites: rewritten?.sites ?? 0 };
}

/** (func (param i32) (result i32) (local i32) ...): grow, and on -1 set the flag and trap. */
function helperBody(memory: number, flag: number, is64: boolean): Uint8Array {
  const t = is64 ? 0x7e : 0x7f;
  const minusOne = is64 ? [0x42, 0x7f] : [0x41, 0x7f];
  const eq = is64 ? 0x51 : 0x46;
  return Uint8Array.from([
    0x01, 0x01, t, // one local of the index type
    0x20, 0x00, 0x40, ...uleb(memory), 0x22, 0x01, // local.get 0; memory.grow; local.tee 1
    ...minusOne, eq, 0x04, 0x40, // i32.const -1; i32.eq; if
    0x41, 0x01, 0x24, ...uleb(flag), 0x00, // i32.const 1; global.set flag; unreachable
    0x0b, 0x20, 0x01, 0x0b, // end; local.get 1; end
  ]);
}

type BodyBuilder = (helperOf: Map<number, number>) => Uint8Array;

function rewriteGrows(code: Section, definedFuncs: number): { bodies: BodyBuilder[]; grown: Set<number>; sites: number } {
  const r = new ByteReader(code.body);
  const count = r.u32();
  if (count !== definedFuncs) throw new WasmFormatError(`code section has ${count} bodies for ${definedFuncs} functions`, 0);
  const bodies: BodyBuilder[] = [];
  const grown = new Set<number>();
  let sites = 0;
  for (let i = 0; i < count; i++) {
    const size = r.u32();
    const start = r.pos;
    r.skip(size);
    const body = code.body.subarray(start, start + size);
    const br = new ByteReader(code.body, start, start + size);
    skipLocals(br);
    const found = findMemoryGrows(br);
    if (found.length === 0) { bodies.push(() => body); continue; }
    sites += found.length;
    for (const s of found) grown.add(s.memory);
    bodies.push((helperOf) => {
      const w = new ByteWriter();
      let at = start;
      for (const s of found) {
        w.bytes(code.body.subarray(at, s.at));
        w.bytes([0x10, ...uleb(helperOf.get(s.memory)!)]); // call helper
        at = s.end;
      }
      w.bytes(code.body.subarray(at, start + size));
      return w.finish();
    });
  }
  return { bodies, grown, sites };
}

function countTypes(section: Section | undefined): number {
  const { count, r } = vectorOf(section);
  let n = 0;
  for (let i = 0; i < count; i++) {
    if (r.bytes[r.pos] === 0x4e) { // rec group
      r.pos++;
      const m = r.u32();
      for (let j = 0; j < m; j++) skipSubType(r);
      n += m;
    } else {
      skipSubType(r);
      n += 1;
    }
  }
  return n;
}

function skipSubType(r: ByteReader): void {
  const b = r.bytes[r.pos];
  if (b === 0x50 || b === 0x4f) {
    r.pos++;
    const supers = r.u32();
    for (let i = 0; i < supers; i++) r.u32();
  }
  const form = r.byte();
  if (form === 0x60) {
    for (let k = 0; k < 2; k++) { const n = r.u32(); for (let i = 0; i < n; i++) skipValType(r); }
  } else if (form === 0x5f) {
    const n = r.u32();
    for (let i = 0; i < n; i++) skipFieldType(r);
  } else if (form === 0x5e) {
    skipFieldType(r);
  } else {
    throw new WasmFormatError(`unknown type form 0x${form.toString(16)}`, r.pos - 1);
  }
}

function skipFieldType(r: ByteReader): void {
  const b = r.bytes[r.pos];
  if (b === 0x78 || b === 0x77) r.pos++; else skipValType(r); // packed i8/i16, or a value type
  r.byte(); // mutability
}

interface Limits {
  /** The encoded limits, copied as they are into the import. */
  limits: Uint8Array;
  initial: number;
  maximum?: number;
  shared: boolean;
  index64: boolean;
}

function readLimits(r: ByteReader): Limits {
  const start = r.pos;
  const flags = r.u32();
  const index64 = (flags & 0x04) !== 0;
  if (flags & ~0x0f) throw new WasmFormatError(`unknown memory limits flags 0x${flags.toString(16)}`, start);
  if (flags & 0x08) throw new WasmFormatError('custom memory page sizes are not supported', start);
  const initial = r.u(index64 ? 64 : 32);
  const maximum = flags & 0x01 ? r.u(index64 ? 64 : 32) : undefined;
  const l: Limits = { limits: r.bytes.slice(start, r.pos), initial, shared: (flags & 0x02) !== 0, index64 };
  if (maximum !== undefined) l.maximum = maximum;
  return l;
}

function readMemories(section: Section | undefined): Limits[] {
  const { count, r } = vectorOf(section);
  const out: Limits[] = [];
  for (let i = 0; i < count; i++) out.push(readLimits(r));
  return out;
}

function readImports(section: Section | undefined): { funcs: number; globals: number; memories64: boolean[] } {
  const { count, r } = vectorOf(section);
  let funcs = 0, globals = 0;
  const memories64: boolean[] = [];
  for (let i = 0; i < count; i++) {
    r.name(); r.name();
    const kind = r.byte();
    switch (kind) {
      case 0x00: r.u32(); funcs++; break;
      case 0x01: skipValType(r); readLimits(r); break; // table: reftype + limits
      case 0x02: memories64.push(readLimits(r).index64); break;
      case 0x03: skipValType(r); r.byte(); globals++; break;
      case 0x04: r.byte(); r.u32(); break; // tag
      default: throw new WasmFormatError(`unknown import kind ${kind}`, r.pos - 1);
    }
  }
  return { funcs, globals, memories64 };
}

function countGlobals(section: Section | undefined): number {
  return vectorOf(section).count;
}
