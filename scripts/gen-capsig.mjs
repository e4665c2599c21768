// Regenerates glia/generated/capabilities.ts, the capability-signature
// table, from schema/*.capnp. Part of `npm run gen:schema`; needs the
// reference compiler `capnp`. The file is committed, so the normal build
// never runs this (scripts/generated.mjs says why).
//
//   node scripts/gen-capsig.mjs [--out DIR]   (DIR mirrors the repository; for checks)
//
// The table is read from the reference compiler's own output, never from
// the .capnp text: `capnp compile -o-` writes the CodeGeneratorRequest (every
// node with its resolved types, plus the doc comments in sourceInfo) to
// stdout, and capnp-es's generated schema classes read it. So the table
// agrees with what capnp-es and the C++ tools see, down to ordinals and ids.
//
// glia/ reads the table through glia/compile/capabilities.ts; it never sees
// runtime objects. The record types live there.
import { mkdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Message } from 'capnp-es';
import { CodeGeneratorRequest, Node, Type } from 'capnp-es/capnp/schema';
import { CAPSIG, compileRequest, fail, outRoot, schemasOf, withHeader } from './generated.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = join(outRoot(root, process.argv.slice(2)), CAPSIG.out);

const request = compileRequest(root, CAPSIG.dir, schemasOf(root, CAPSIG.dir));
const req = new Message(request, false).getRoot(CodeGeneratorRequest);
const nodes = new Map();
for (const n of req.nodes) nodes.set(n.id, n);
const infos = new Map();
for (const s of req.sourceInfo) infos.set(s.id, s);

// capnp keeps the text after `#` including its leading space; we keep the
// comment's own line breaks (the LSP shows them as markdown).
function cleanDoc(text) {
  return text.split('\n').map((l) => (l.startsWith(' ') ? l.slice(1) : l)).join('\n').trim();
}
function docOf(id) { return cleanDoc(infos.get(id)?.docComment ?? ''); }
function memberDoc(id, index) {
  const info = infos.get(id);
  if (!info || index >= info.members.length) return '';
  return cleanDoc(info.members.get(index).docComment);
}

/** `findProviders` -> `find-providers`, `HttpClient` -> `http-client`, `URLPath` -> `url-path`. */
function kebab(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

function shortName(id) {
  const n = nodes.get(id);
  if (!n) return `0x${id.toString(16)}`;
  return n.displayName.slice(n.displayNamePrefixLength);
}
function fileOf(node) {
  let n = node;
  while (n && n.which() !== Node.FILE) n = nodes.get(n.scopeId);
  return n ? n.displayName : '';
}
function qualifiedName(id) {
  const n = nodes.get(id);
  if (!n) return `0x${id.toString(16)}`;
  const colon = n.displayName.indexOf(':');
  return colon >= 0 ? n.displayName.slice(colon + 1) : n.displayName;
}

const PRIMITIVE = {
  [Type.VOID]: 'Void', [Type.BOOL]: 'Bool',
  [Type.INT8]: 'Int8', [Type.INT16]: 'Int16', [Type.INT32]: 'Int32', [Type.INT64]: 'Int64',
  [Type.UINT8]: 'UInt8', [Type.UINT16]: 'UInt16', [Type.UINT32]: 'UInt32', [Type.UINT64]: 'UInt64',
  [Type.FLOAT32]: 'Float32', [Type.FLOAT64]: 'Float64', [Type.TEXT]: 'Text', [Type.DATA]: 'Data',
};

/** A type as { text, kind, element?, name? }; kind is the capnp type name. */
function typeOf(t) {
  const w = t.which();
  if (PRIMITIVE[w]) return { text: PRIMITIVE[w], kind: PRIMITIVE[w] };
  switch (w) {
    case Type.LIST: {
      const element = typeOf(t.list.elementType);
      return { text: `List(${element.text})`, kind: 'List', element };
    }
    case Type.ENUM: return { text: qualifiedName(t.enum.typeId), kind: 'Enum', name: qualifiedName(t.enum.typeId) };
    case Type.STRUCT: return { text: qualifiedName(t.struct.typeId), kind: 'Struct', name: qualifiedName(t.struct.typeId) };
    case Type.INTERFACE: return { text: qualifiedName(t.interface.typeId), kind: 'Interface', name: qualifiedName(t.interface.typeId) };
    case Type.ANY_POINTER: {
      const ap = t.anyPointer;
      if (ap._isUnconstrained && ap.unconstrained._isCapability) return { text: 'Capability', kind: 'Capability' };
      return { text: 'AnyPointer', kind: 'AnyPointer' };
    }
    default: return { text: 'Unknown', kind: 'AnyPointer' };
  }
}

function fieldsOf(structId) {
  const n = nodes.get(structId);
  if (!n) return [];
  const fields = [...n.struct.fields].map((f, index) => ({ f, index }));
  fields.sort((a, b) => a.f.codeOrder - b.f.codeOrder);
  return fields.map(({ f, index }, ordinal) => ({
    name: kebab(f.name),
    schemaName: f.name,
    ordinal: f.ordinal._isExplicit ? f.ordinal.explicit : ordinal,
    type: f._isSlot ? typeOf(f.slot.type) : { text: 'Group', kind: 'Struct', name: f.name },
    doc: memberDoc(structId, index),
  }));
}

const interfaces = [];
const structs = [];
for (const n of req.nodes) {
  const which = n.which();
  // Method param and result structs are implicit; they show up as the
  // methods' params and results instead.
  if (which === Node.STRUCT && !n.struct.isGroup && n.scopeId !== 0n && !n.displayName.includes('$')) {
    structs.push({ name: qualifiedName(n.id), id: `0x${n.id.toString(16)}`, file: fileOf(n), doc: docOf(n.id), fields: fieldsOf(n.id) });
  }
  if (which !== Node.INTERFACE) continue;
  const iface = n.interface;
  const name = qualifiedName(n.id);
  const id = `0x${n.id.toString(16)}`;
  const methods = [...iface.methods].map((m, index) => ({ m, index }));
  methods.sort((a, b) => a.m.codeOrder - b.m.codeOrder);
  interfaces.push({
    name,
    binding: kebab(name),
    id,
    file: fileOf(n),
    doc: docOf(n.id),
    superclasses: [...iface.superclasses].map((s) => qualifiedName(s.id)),
    // The ordinal of a method is its index in the interface's method list.
    methods: methods.map(({ m, index }) => ({
      name: kebab(m.name),
      schemaName: m.name,
      ordinal: index,
      interfaceName: name,
      interfaceId: id,
      doc: memberDoc(n.id, index),
      params: fieldsOf(m.paramStructType),
      results: fieldsOf(m.resultStructType),
    })).sort((a, b) => a.ordinal - b.ordinal),
  });
}
interfaces.sort((a, b) => a.name.localeCompare(b.name));
structs.sort((a, b) => a.name.localeCompare(b.name));

const seen = new Set();
for (const i of interfaces) {
  if (seen.has(i.name)) fail([`error[gen]: two interfaces are named ${i.name}; the capability table keys interfaces by name.`]);
  seen.add(i.name);
}

const body = `// Read it through glia/compile/capabilities.ts.
import type { CapabilityInterface, CapabilityStruct } from '../compile/capabilities.js';

export const CAPABILITY_INTERFACES: readonly CapabilityInterface[] = ${JSON.stringify(interfaces, null, 1)};

export const CAPABILITY_STRUCTS: readonly CapabilityStruct[] = ${JSON.stringify(structs, null, 1)};
`;
const out = withHeader(root, { from: `${CAPSIG.dir}/*.capnp`, by: 'scripts/gen-capsig.mjs (capnp compile -o-)', dir: CAPSIG.dir, body });
mkdirSync(dirname(target), { recursive: true });
if (!existsSync(target) || readFileSync(target, 'utf8') !== out) writeFileSync(target, out);
