// The grants a component declares: its `ww:grants` custom section
// (doc/cells.md, "Declaring grants"). The content is UTF-8 JSON, a list of
// `{"name": "host", "methods": ["id", "addrs", "peers"]}`: the capability
// names the cell wants and, for each, the methods it will call. Glia's
// `(cell wasm)` with no grants map takes each name from its scope and
// attenuates it to exactly those methods (doc/language.md §8, "cell").
//
// Parsed strictly: anything but that shape is `:cell/bad-grants`, naming
// what is wrong, because a grant read loosely is authority given loosely.
import { ByteReader, ByteWriter, WasmFormatError } from './wasm/bytes.js';
import { CellError } from './errors.js';
import { checkHeader } from './translate.js';

export const GRANTS_SECTION = 'ww:grants';

export interface DeclaredGrant {
  /** kebab-case export name (`host`, `http-client`). */
  name: string;
  /** kebab-case method names, at least one. */
  methods: string[];
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_GRANTS_BYTES = 64 * 1024;

/** The custom sections at the top level of a component (or core module) with this name. */
export function customSections(bytes: Uint8Array, name: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  try {
    const r = new ByteReader(bytes, 8);
    while (!r.done) {
      const id = r.byte();
      const size = r.u32();
      const start = r.pos;
      r.skip(size);
      if (id !== 0) continue;
      const body = new ByteReader(bytes, start, start + size);
      if (body.name() === name) out.push(bytes.subarray(body.pos, start + size));
    }
  } catch (e) {
    if (e instanceof WasmFormatError) throw new CellError('cell/invalid', `the component's sections cannot be read: ${e.message}`);
    throw e;
  }
  return out;
}

/** The grants the component declares; [] when it has no ww:grants section. */
export function declaredGrants(wasm: Uint8Array): DeclaredGrant[] {
  checkHeader(wasm);
  const sections = customSections(wasm, GRANTS_SECTION);
  if (sections.length === 0) return [];
  if (sections.length > 1) throw bad(`the component has ${sections.length} ${GRANTS_SECTION} sections; it may have one`);
  return parseGrants(sections[0]!);
}

export function parseGrants(content: Uint8Array): DeclaredGrant[] {
  if (content.length > MAX_GRANTS_BYTES) throw bad(`the ${GRANTS_SECTION} section is ${content.length} bytes, over ${MAX_GRANTS_BYTES}`);
  let json: unknown;
  try { json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(content)); }
  catch (e) { throw bad(`the ${GRANTS_SECTION} section is not UTF-8 JSON: ${(e as Error).message}`); }
  if (!Array.isArray(json)) throw bad(`the ${GRANTS_SECTION} section must be a JSON list of {"name", "methods"} objects`);
  const seen = new Set<string>();
  return json.map((g, i) => {
    if (typeof g !== 'object' || g === null || Array.isArray(g)) throw bad(`grant ${i} is not an object`);
    const extra = Object.keys(g).filter((k) => k !== 'name' && k !== 'methods');
    if (extra.length) throw bad(`grant ${i} has unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
    const { name, methods } = g as { name: unknown; methods: unknown };
    if (typeof name !== 'string' || !KEBAB.test(name)) throw bad(`grant ${i}: name must be a kebab-case string, got ${JSON.stringify(name)}`);
    if (seen.has(name)) throw bad(`grant ${name} is declared twice`);
    seen.add(name);
    if (!Array.isArray(methods) || methods.length === 0) throw bad(`grant ${name}: methods must be a non-empty list of method names`);
    for (const m of methods) if (typeof m !== 'string' || !KEBAB.test(m)) throw bad(`grant ${name}: method ${JSON.stringify(m)} is not a kebab-case name`);
    return { name, methods: [...new Set(methods as string[])] };
  });
}

/** The component with a ww:grants section appended (what `ww build` writes; tests use it too). */
export function withGrantsSection(wasm: Uint8Array, grants: readonly DeclaredGrant[]): Uint8Array {
  checkHeader(wasm);
  if (customSections(wasm, GRANTS_SECTION).length) throw bad(`the component already has a ${GRANTS_SECTION} section`);
  const content = new TextEncoder().encode(JSON.stringify(grants.map((g) => ({ name: g.name, methods: g.methods }))));
  parseGrants(content);
  const body = new ByteWriter().name(GRANTS_SECTION).bytes(content).finish();
  const section = new ByteWriter().bytes([0]).u32(body.length).bytes(body).finish();
  const out = new Uint8Array(wasm.length + section.length);
  out.set(wasm);
  out.set(section, wasm.length);
  return out;
}

function bad(message: string): CellError {
  return new CellError('cell/bad-grants', message, {}, 'ww:grants holds JSON like [{"name":"host","methods":["id","addrs","peers"]}]');
}
