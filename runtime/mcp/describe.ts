// What the `describe` tool says about a capability: each method Glia can
// call on it (the schema's, inherited ones, then the conveniences Glia
// adds), with its parameters, results and the schema's doc comments. All
// of it comes from the capability-signature table generated from
// schema/*.capnp (glia/compile/capabilities.ts) — the same table the
// checker and the language server read — never from a running node, so a
// model sees exactly what `check` will hold its code to.
import {
  allCapabilityInterfaces, capabilityInterface, capabilityInterfaceForBinding, methodSignature,
  type CapabilityField, type CapabilityInterface,
} from '../../glia/compile/capabilities.js';
import { gliaMethods } from '../../glia/compile/conveniences.js';

export interface FieldDescription { name: string; type: string; doc: string; optional?: boolean }

export interface MethodDescription {
  /** The keyword after the capability: `(perform host :id)` has `id`. */
  name: string;
  /** `id [] -> (peer-id :Text)`. */
  signature: string;
  /** How a call is written: `(perform host :id)`. */
  call: string;
  doc: string;
  /** True for a method Glia adds on top of the schema (`host :listen`). */
  convenience: boolean;
  params: FieldDescription[];
  results: FieldDescription[];
}

export interface CapabilityDescription {
  /** The name it is bound under in the session (`host`), or the interface's kebab-case name. */
  name: string;
  /** The schema interface (`Host`) and its file. */
  interface: string;
  schema: string;
  doc: string;
  /** Bound in this session by name, so `(perform NAME ...)` reaches it. */
  bound: boolean;
  methods: MethodDescription[];
}

function field(f: CapabilityField): FieldDescription {
  return { name: f.name, type: f.type.text, doc: f.doc, ...(f.optional ? { optional: true } : {}) };
}

export function describeInterface(iface: CapabilityInterface, name: string, bound: boolean): CapabilityDescription {
  return {
    name,
    interface: iface.name,
    schema: `schema/${iface.file}`,
    doc: iface.doc,
    bound,
    methods: gliaMethods(iface).map((m) => ({
      name: m.name,
      signature: methodSignature(m),
      call: `(perform ${name} :${m.name}${m.params.map((p) => ` ${p.name}`).join('')})`,
      doc: m.doc,
      convenience: m.convenience,
      params: m.params.map(field),
      results: m.results.map(field),
    })),
  };
}

/**
 * The capability `query` names: a name bound in the session (`host`), an
 * interface's kebab-case name (`executor`, reached through another
 * capability) or its schema name (`Executor`). Undefined when none.
 */
export function describeCapability(query: string, bound: readonly string[]): CapabilityDescription | undefined {
  const q = query.trim();
  const iface = capabilityInterfaceForBinding(q) ?? capabilityInterface(q)
    ?? allCapabilityInterfaces().find((i) => i.name.toLowerCase() === q.toLowerCase());
  if (!iface) return undefined;
  const isBound = bound.includes(q) || bound.includes(iface.binding);
  return describeInterface(iface, isBound && bound.includes(q) ? q : iface.binding, isBound);
}

/** Every capability bound in the session, in the order the session lists them. */
export function describeSession(bound: readonly string[]): CapabilityDescription[] {
  const out: CapabilityDescription[] = [];
  for (const name of bound) {
    const iface = capabilityInterfaceForBinding(name);
    if (iface) out.push(describeInterface(iface, name, true));
  }
  return out;
}

/** The names `describe` accepts besides the bound ones, for messages. */
export function interfaceNames(): string[] {
  return allCapabilityInterfaces().map((i) => i.binding);
}

/** A description as text for a model: the interface, then one paragraph per method. */
export function describeText(d: CapabilityDescription): string {
  const lines = [`${d.name} — ${d.interface} (${d.schema})${d.bound ? '' : ' — not bound in this session (a method result, or a node session has it)'}`];
  if (d.doc) lines.push(indent(d.doc, '  '));
  for (const m of d.methods) {
    lines.push('', `  ${m.call}${m.convenience ? '   ; Glia convenience' : ''}`, `    ${m.signature}`);
    if (m.doc) lines.push(indent(m.doc, '    '));
    for (const p of m.params) if (p.doc) lines.push(`    - ${p.name}${p.optional ? ' (optional)' : ''}: ${p.doc.replace(/\n/g, ' ')}`);
  }
  return lines.join('\n');
}

function indent(text: string, pad: string): string {
  return text.split('\n').map((l) => pad + l).join('\n');
}
