// Checks the arguments of a schema method call against the signature table:
// how many there are, the keyword options, and the type of each literal.
//
// Arguments are positional in schema order; trailing ones may instead be
// given as keyword options (`(perform ex :spawn :args ["serve"])`, doc/language.md
// §8). Cap'n Proto gives every field a default, so no parameter is
// strictly required on the wire. The checker asks for the ones whose
// default is almost surely a mistake: Text, Data, Bool, numbers and enums
// (an empty key, a zero byte count). Lists, structs and capabilities may be
// left out (`(perform routing :find-providers key)` has no sink).
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import type * as IR from './ir.js';
import type { CapnpType, CapabilityField, CapabilityInterface } from './capabilities.js';
import { capabilityStruct } from './capabilities.js';
import type { GliaMethod } from './conveniences.js';
import { closest } from './suggest.js';
import { Keyword } from '../values/keyword.js';
import { Bytes } from '../values/bytes.js';
import { prStr } from '../values/printer.js';

export interface ArgProblem {
  code: 'method-arity' | 'method-arg-type';
  /** The argument at fault (index into the arguments after the method), or -1 for the whole call. */
  index: number;
  message: string;
  hint?: string;
}

const REQUIRED_KINDS = new Set(['Text', 'Data', 'Bool', 'Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'Float32', 'Float64', 'Enum']);

export function isRequired(p: CapabilityField): boolean { return REQUIRED_KINDS.has(p.type.kind) && !p.optional; }

/** `key :Text, sink :ProviderSink` */
export function describeParams(m: GliaMethod): string {
  return m.params.length ? m.params.map((p) => `${p.name} :${p.type.text}`).join(', ') : 'no arguments';
}

function callName(iface: CapabilityInterface, m: GliaMethod): string { return `${iface.name} :${m.name}`; }

export function checkMethodArgs(iface: CapabilityInterface, m: GliaMethod, args: IR.Node[]): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const names = m.params.map((p) => p.name);
  // Options start at the first keyword literal that leaves an even tail and
  // either names a parameter or stands where no keyword fits (so a misspelt
  // option is reported as one, not as a badly typed argument).
  let split = args.length;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!(a.op === 'const' && a.value instanceof Keyword && a.value.ns === null) || (args.length - i) % 2 !== 0) continue;
    const kind = m.params[i]?.type.kind;
    if (names.includes(a.value.name) || kind === undefined || (kind !== 'Enum' && kind !== 'AnyPointer')) { split = i; break; }
  }
  const given = new Map<string, number>();
  for (let i = 0; i < split && i < m.params.length; i++) given.set(m.params[i]!.name, i);
  if (split > m.params.length) {
    problems.push({
      code: 'method-arity', index: m.params.length,
      message: `${callName(iface, m)} takes ${m.params.length === 0 ? 'no arguments' : `at most ${m.params.length} argument${m.params.length === 1 ? '' : 's'} (${describeParams(m)})`}, got ${split}`,
      hint: `the signature is ${signatureText(m)}`,
    });
  }
  for (let i = split; i < args.length; i += 2) {
    const k = args[i]!;
    if (!(k.op === 'const' && k.value instanceof Keyword && k.value.ns === null)) {
      problems.push({ code: 'method-arity', index: i, message: `after the keyword options of ${callName(iface, m)}, ${describeNode(k)} is not an option name`, hint: `options come in pairs: :${names[names.length - 1] ?? 'name'} value` });
      continue;
    }
    const key = k.value.name;
    if (!names.includes(key)) {
      const guess = closest(key, names);
      problems.push({ code: 'method-arity', index: i, message: `${callName(iface, m)} has no parameter :${key}`, hint: guess ? `did you mean :${guess}?` : `its parameters are ${describeParams(m)}` });
      continue;
    }
    if (given.has(key)) {
      problems.push({ code: 'method-arity', index: i, message: `${callName(iface, m)} gets ${key} twice: as argument ${given.get(key)! + 1} and as the option :${key}` });
      continue;
    }
    given.set(key, i + 1);
  }
  const missing = m.params.filter((p) => isRequired(p) && !given.has(p.name));
  if (missing.length && problems.length === 0) {
    problems.push({
      code: 'method-arity', index: -1,
      message: `${callName(iface, m)} needs ${missing.map((p) => `${p.name} :${p.type.text}`).join(', ')}; got ${split === 0 ? 'no arguments' : `${split} argument${split === 1 ? '' : 's'}`}`,
      hint: `the signature is ${signatureText(m)}`,
    });
  }
  for (const p of m.params) {
    const at = given.get(p.name);
    if (at === undefined || at >= args.length) continue;
    const bad = mismatch(p.type, args[at]!, 0);
    if (bad) problems.push({ code: 'method-arg-type', index: at, message: `${callName(iface, m)} takes ${p.name} as ${p.type.text}; ${bad}`, hint: hintFor(p.type) });
  }
  return problems;
}

function signatureText(m: GliaMethod): string {
  const results = m.results.map((r) => `${r.name} :${r.type.text}`).join(', ');
  return `(${[m.name, ...m.params.map((p) => `${p.name} :${p.type.text}`)].join(' ')})${results ? ` -> ${results}` : ''}`;
}

function describeNode(n: IR.Node): string {
  if (n.op === 'const') return describeValue(n.value);
  if (n.op === 'vector') return 'a vector';
  if (n.op === 'map') return 'a map';
  return 'an expression';
}

function describeValue(v: any): string {
  const text = prStr(v);
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  if (v === null) return 'nil';
  if (typeof v === 'string') return `the string ${shown}`;
  if (typeof v === 'number' || typeof v === 'bigint') return `the number ${shown}`;
  if (typeof v === 'boolean') return shown;
  if (v instanceof Keyword) return `the keyword ${shown}`;
  if (v instanceof Bytes) return `the bytes ${shown}`;
  if (List.isList(v)) return `the vector ${shown}`;
  if (IMap.isMap(v)) return `the map ${shown}`;
  if (ISet.isSet(v)) return `the set ${shown}`;
  if (Stack.isStack(v)) return `the list ${shown}`;
  return shown;
}

const INT_RANGE: Record<string, [bigint, bigint]> = {
  Int8: [-(2n ** 7n), 2n ** 7n - 1n], Int16: [-(2n ** 15n), 2n ** 15n - 1n], Int32: [-(2n ** 31n), 2n ** 31n - 1n], Int64: [-(2n ** 63n), 2n ** 63n - 1n],
  UInt8: [0n, 2n ** 8n - 1n], UInt16: [0n, 2n ** 16n - 1n], UInt32: [0n, 2n ** 32n - 1n], UInt64: [0n, 2n ** 64n - 1n],
};

function hintFor(t: CapnpType): string | undefined {
  switch (t.kind) {
    case 'Text': return 'pass a string, such as "abc"';
    case 'Data': return 'pass bytes (#bytes "00ff", or (load "file")) or a string, which is sent as UTF-8';
    case 'Bool': return 'pass true or false';
    case 'List': return `pass a vector, such as [${t.element?.kind === 'Text' ? '"a" "b"' : '...'}]`;
    case 'Struct': return t.name === 'CellSpec' ? 'pass a cell value: (cell (load "bin/app.wasm")) or (cell wasm {"host" host})' : `pass a map with keyword keys${fieldList(t)}`;
    case 'Interface': case 'Capability': return 'pass a capability';
    default: return INT_RANGE[t.kind] ? `pass an integer from ${INT_RANGE[t.kind]![0]} to ${INT_RANGE[t.kind]![1]}` : undefined;
  }
}

function fieldList(t: CapnpType): string {
  const s = t.name ? capabilityStruct(t.name) : undefined;
  return s ? ` (${s.fields.map((f) => `:${f.name}`).join(' ')})` : '';
}

/** Why a literal cannot be a value of type `t`, or null when it can (or is not a literal). */
function mismatch(t: CapnpType, n: IR.Node, depth: number): string | null {
  if (depth > 8) return null;
  if (n.op === 'vector') return t.kind === 'List' ? firstOf(n.items.map((x) => (t.element ? mismatch(t.element, x, depth + 1) : null))) : t.kind === 'AnyPointer' ? null : `got a vector`;
  if (n.op === 'map') {
    if (t.kind !== 'Struct') return t.kind === 'AnyPointer' ? null : 'got a map';
    return structKeys(t, n.pairs.map(([k]) => (k.op === 'const' ? k.value : undefined)), n.pairs.map(([, v]) => v), depth);
  }
  if (n.op === 'set') return t.kind === 'AnyPointer' ? null : 'got a set';
  if (n.op !== 'const') return null;
  return valueMismatch(t, n.value, depth);
}

function valueMismatch(t: CapnpType, v: any, depth: number): string | null {
  if (typeof v === 'function') return null;
  if (v === null) return REQUIRED_KINDS.has(t.kind) && t.kind !== 'Text' && t.kind !== 'Data' ? `got nil` : null;
  const got = `got ${describeValue(v)}`;
  switch (t.kind) {
    case 'Text': return typeof v === 'string' ? null : got;
    case 'Data': return typeof v === 'string' || v instanceof Bytes ? null : got;
    case 'Bool': return typeof v === 'boolean' ? null : got;
    case 'Float32': case 'Float64': return typeof v === 'number' || typeof v === 'bigint' ? null : got;
    case 'Enum': return v instanceof Keyword ? null : got;
    case 'List':
      if (!List.isList(v) && !Stack.isStack(v)) return got;
      return firstOf((v as List<any>).toArray().map((x) => (t.element ? valueMismatch(t.element, x, depth + 1) : null)));
    case 'Struct':
      if (!IMap.isMap(v)) return got;
      return structKeys(t, [...(v as IMap<any, any>).keys()], [...(v as IMap<any, any>).values()].map((x) => ({ op: 'const', value: x, effectful: false }) as IR.ConstNode), depth);
    case 'Interface': case 'Capability': return got;
    case 'AnyPointer': case 'Void': return null;
  }
  const range = INT_RANGE[t.kind];
  if (range) {
    if (typeof v !== 'number' && typeof v !== 'bigint') return got;
    if (typeof v === 'number' && !Number.isInteger(v)) return `got ${prStr(v)}, which is not an integer`;
    const b = BigInt(v);
    if (b < range[0] || b > range[1]) return `got ${prStr(v)}, outside ${range[0]}..${range[1]}`;
  }
  return null;
}

function structKeys(t: CapnpType, keys: any[], values: IR.Node[], depth: number): string | null {
  const s = t.name ? capabilityStruct(t.name) : undefined;
  if (!s) return null;
  const names = s.fields.map((f) => f.name);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === undefined) continue;
    if (!(k instanceof Keyword) || k.ns !== null) return `the keys of a ${s.name} are keywords, got ${describeValue(k)}`;
    const f = s.fields.find((x) => x.name === k.name);
    if (!f) {
      const guess = closest(k.name, names);
      return `${s.name} has no field :${k.name}${guess ? ` (did you mean :${guess}?)` : ` (its fields are ${names.map((x) => `:${x}`).join(' ')})`}`;
    }
    const bad = mismatch(f.type, values[i]!, depth + 1);
    if (bad) return `field :${f.name} of ${s.name} is ${f.type.text}; ${bad}`;
  }
  return null;
}

function firstOf(xs: Array<string | null>): string | null {
  for (let i = 0; i < xs.length; i++) if (xs[i]) return `item ${i + 1}: ${xs[i]}`;
  return null;
}
