// Glia values <-> Cap'n Proto, for calls from Glia on schema capabilities
// (`(perform host :peers)`) and for Glia capabilities served to other vats
// (the GliaCap interface of schema/glia.capnp). Types come from the
// capability-signature table generated from schema/*.capnp, the same table
// the checker reads. doc/language.md §8: a single result field comes back bare,
// several as a map with kebab-case keyword keys, none as nil.
import * as $ from 'capnp-es';
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import { Keyword, kw } from '../../glia/values/keyword.js';
import { Sym, sym } from '../../glia/values/symbol.js';
import { asBytes } from '../../glia/values/bytes.js';
import { fail } from '../../glia/values/errors.js';
import { prStr } from '../../glia/values/printer.js';
import { isSeqObject, toArray } from '../../glia/values/seq.js';
import { isCapability } from '../../glia/eval/driver.js';
import { typeName } from '../../glia/core/type.js';
import { capabilityStruct, capabilityInterface, capabilityInterfaceById, type CapabilityField, type CapnpType, type CapabilityInterface, type CapabilityMethod } from '../../glia/compile/capabilities.js';
import { Value, Value_Which, type Entry } from '../../schema/generated/glia.js';
import { capOfPointer, capPointer, toHook, type Hook } from '../rpc/hooks.js';

/** How capabilities cross between Glia values and hooks (glia-cap.ts provides it). */
export interface CapBridge {
  /** The hook to send for a Glia capability value. */
  hookOf(cap: unknown): Hook;
  /** The interface id of a Glia capability value (0n when unknown). */
  interfaceIdOf(cap: unknown): bigint;
  /** The Glia value for a received capability of a known (or unknown) interface. */
  capOf(hook: Hook, iface: CapabilityInterface | undefined): unknown;
}

const INT_RANGES: Record<string, [number, number]> = {
  Int8: [-128, 127], Int16: [-32768, 32767], Int32: [-2147483648, 2147483647],
  UInt8: [0, 255], UInt16: [0, 65535], UInt32: [0, 4294967295],
};

/** The struct of schema/glia.capnp that carries any Glia value (data, and capabilities by reference). */
const GLIA_VALUE = 'Value';

function capitalized(name: string): string { return name[0]!.toUpperCase() + name.slice(1); }

function mismatch(where: string, type: CapnpType, v: unknown, example?: string): never {
  fail('type-mismatch', `${where} must be ${type.text}, got ${typeName(v)} ${short(v)}`, null, example);
}
function short(v: unknown): string {
  const s = prStr(v);
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

/** Writes Glia value `v` into field `f` of struct `s`. */
export function writeField(s: any, f: CapabilityField, v: unknown, where: string, bridge: CapBridge): void {
  const t = f.type;
  const name = f.schemaName;
  switch (t.kind) {
    case 'Void': return;
    case 'Bool': if (typeof v !== 'boolean') mismatch(where, t, v, 'true or false'); s[name] = v; return;
    case 'Int64': case 'UInt64': {
      let b: bigint;
      if (typeof v === 'bigint') b = v;
      else if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v);
      else mismatch(where, t, v, 'an integer');
      if (t.kind === 'UInt64' ? (b < 0n || b > 0xffffffffffffffffn) : (b < -(1n << 63n) || b >= (1n << 63n))) {
        fail('illegal-argument', `${where} must fit in ${t.text}, got ${b}`);
      }
      s[name] = b;
      return;
    }
    case 'Int8': case 'Int16': case 'Int32': case 'UInt8': case 'UInt16': case 'UInt32': {
      const n = typeof v === 'bigint' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) mismatch(where, t, v, 'an integer');
      const [lo, hi] = INT_RANGES[t.kind]!;
      if (n < lo || n > hi) fail('illegal-argument', `${where} must fit in ${t.text} (${lo}..${hi}), got ${n}`);
      s[name] = n;
      return;
    }
    case 'Float32': case 'Float64':
      if (typeof v !== 'number' && typeof v !== 'bigint') mismatch(where, t, v, 'a number');
      s[name] = Number(v);
      return;
    case 'Text': if (typeof v !== 'string') mismatch(where, t, v, '"text"'); s[name] = v; return;
    case 'Data': {
      const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : v;
      if (!(bytes instanceof Uint8Array)) mismatch(where, t, v, 'bytes, or a string (sent as UTF-8)');
      s[`_init${capitalized(name)}`](bytes.length).copyBuffer(bytes);
      return;
    }
    case 'List': {
      if (v !== null && v !== undefined && !List.isList(v) && !Stack.isStack(v) && !isSeqObject(v) && !ISet.isSet(v)) mismatch(where, t, v, '[...]');
      const items = v == null ? [] : toArray(v as any);
      const list = s[`_init${capitalized(name)}`](items.length);
      items.forEach((x, i) => writeElement(list, i, t.element!, x, `${where}[${i}]`, bridge));
      return;
    }
    case 'Struct': {
      // A Glia.Value field (StateRef :put) takes any Glia data as it is.
      if (t.name === GLIA_VALUE) { writeValue(s[`_init${capitalized(name)}`](), v, bridge); return; }
      if (!IMap.isMap(v)) mismatch(where, t, v, '{:field value ...}');
      writeStruct(s[`_init${capitalized(name)}`](), t.name!, v as IMap<unknown, unknown>, where, bridge);
      return;
    }
    case 'Interface': {
      if (!isCapability(v)) mismatch(where, t, v, 'a capability');
      s[name] = { client: bridge.hookOf(v) };
      return;
    }
    case 'Capability': case 'AnyPointer': {
      if (!isCapability(v)) mismatch(where, t, v, 'a capability');
      s[name] = capPointer(bridge.hookOf(v));
      return;
    }
    case 'Enum': {
      if (typeof v !== 'number') mismatch(where, t, v, 'the enumerant ordinal');
      s[name] = v;
      return;
    }
    default: fail('cap-call-failed', `${where}: the Glia binding cannot send ${t.text} yet`);
  }
}

function writeElement(list: any, i: number, t: CapnpType, v: unknown, where: string, bridge: CapBridge): void {
  switch (t.kind) {
    case 'Struct':
      if (!IMap.isMap(v)) mismatch(where, t, v, '{:field value ...}');
      writeStruct(list.get(i), t.name!, v as IMap<unknown, unknown>, where, bridge);
      return;
    case 'Text': if (typeof v !== 'string') mismatch(where, t, v); list.set(i, v); return;
    case 'Bool': if (typeof v !== 'boolean') mismatch(where, t, v); list.set(i, v); return;
    case 'Int64': case 'UInt64':
      if (typeof v !== 'bigint' && !(typeof v === 'number' && Number.isInteger(v))) mismatch(where, t, v);
      list.set(i, BigInt(v as number)); return;
    default:
      if (typeof v !== 'number') mismatch(where, t, v);
      list.set(i, v);
  }
}

function writeStruct(s: any, structName: string, m: IMap<unknown, unknown>, where: string, bridge: CapBridge): void {
  const def = capabilityStruct(structName);
  if (!def) fail('cap-call-failed', `${where}: unknown struct ${structName}`);
  for (const [k, v] of m) {
    const key = k instanceof Keyword ? k.name : String(k);
    const f = def.fields.find((x) => x.name === key);
    if (!f) {
      fail('illegal-argument', `${structName} has no field ${prStr(k)}`, null,
        `its fields are ${def.fields.map((x) => ':' + x.name).join(' ')}`);
    }
    writeField(s, f, v, `${where} ${prStr(k)}`, bridge);
  }
}

/** Reads field `f` of struct `s` as a Glia value. */
export function readField(s: any, f: CapabilityField, bridge: CapBridge): unknown {
  const t = f.type;
  const name = f.schemaName;
  switch (t.kind) {
    case 'Void': return null;
    case 'Int64': case 'UInt64': return int64(s[name]);
    case 'Data': return asBytes(new Uint8Array(s[name].toUint8Array()));
    case 'List': {
      const list = s[name];
      const out: unknown[] = [];
      for (let i = 0; i < list.length; i++) out.push(readElement(list.get(i), t.element!, bridge));
      return List(out);
    }
    case 'Struct': return t.name === GLIA_VALUE ? readValue(s[name], bridge) : readStruct(s[name], t.name!, bridge);
    case 'Interface': return bridge.capOf(toHook(s[name])!, t.name ? capabilityInterface(t.name) : undefined);
    case 'Capability': case 'AnyPointer': return bridge.capOf(capOfPointer(s[name]), undefined);
    default: return s[name];
  }
}

function readElement(x: any, t: CapnpType, bridge: CapBridge): unknown {
  switch (t.kind) {
    case 'Struct': return readStruct(x, t.name!, bridge);
    case 'Int64': case 'UInt64': return int64(x);
    case 'Interface': return bridge.capOf(toHook(x)!, t.name ? capabilityInterface(t.name) : undefined);
    default: return x;
  }
}

function readStruct(s: any, structName: string, bridge: CapBridge): unknown {
  const def = capabilityStruct(structName);
  if (!def) return null;
  let m = IMap<unknown, unknown>().asMutable();
  for (const f of def.fields) m = m.set(kw(f.name), readField(s, f, bridge));
  return m.asImmutable();
}

/** A 64-bit integer as Glia has it: a number when exact, a bigint beyond. */
function int64(b: bigint): number | bigint {
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

/**
 * Positional arguments in schema order, then `:param value` options for the
 * rest (`(perform ex :spawn :args ["a"] :env [...])`), as every caller of a
 * schema method from Glia passes them: here and inside a Glia cell.
 */
export function splitArgs(m: CapabilityMethod, args: any[]): { positional: any[]; options: Array<[number, any]> } {
  const byName = new Map(m.params.map((p, i) => [p.name, i]));
  // The first place from which the rest reads as :param value pairs naming
  // parameters not already given positionally.
  for (let start = 0; start <= args.length; start++) {
    if ((args.length - start) % 2 !== 0) continue;
    const options: Array<[number, any]> = [];
    let ok = true;
    for (let i = start; i < args.length; i += 2) {
      const k = args[i];
      const idx = k instanceof Keyword && k.ns === null ? byName.get(k.name) : undefined;
      if (idx === undefined || idx < start || options.some(([j]) => j === idx)) { ok = false; break; }
      options.push([idx, args[i + 1]]);
    }
    if (!ok) continue;
    if (start > m.params.length) break;
    return { positional: args.slice(0, start), options };
  }
  const sig = m.params.map((p) => p.name).join(' ');
  return fail('arity-mismatch', `${m.interfaceName} :${m.name} takes ${m.params.length} argument${m.params.length === 1 ? '' : 's'} [${sig}], got ${args.length}`,
    null, m.params.length ? `(perform cap :${m.name} ${m.params.map((p) => p.name).join(' ')}), or trailing ones as :${m.params[m.params.length - 1]!.name} value` : `(perform cap :${m.name})`);
}

/** A method's results as Glia has them: one field bare, several as a map, none as nil. */
export function readResults(results: any, fields: readonly CapabilityField[], bridge: CapBridge): unknown {
  if (fields.length === 0) return null;
  if (fields.length === 1) return readField(results, fields[0]!, bridge);
  let m = IMap<unknown, unknown>().asMutable();
  for (const f of fields) m = m.set(kw(f.name), readField(results, f, bridge));
  return m.asImmutable();
}

// ---------------------------------------------------------------------------
// The GliaCap Value union: any Glia data, and capabilities by reference.

const I64_MIN = -(1n << 63n), I64_MAX = (1n << 63n) - 1n;

export function writeValue(out: Value, v: unknown, bridge: CapBridge, depth = 0): void {
  if (depth > 64) fail('illegal-argument', 'a value sent to another vat nests more than 64 levels');
  if (v === null || v === undefined) { out.nil = true; return; }
  switch (typeof v) {
    case 'boolean': out.bool = v; return;
    case 'number':
      if (Number.isSafeInteger(v)) out.int = BigInt(v); else out.float = v;
      return;
    case 'bigint':
      if (v >= I64_MIN && v <= I64_MAX) out.int = v; else out.bigint = v.toString();
      return;
    case 'string': out.text = v; return;
  }
  if (v instanceof Keyword) { out.keyword = v.fqn; return; }
  if (v instanceof Sym) { out.symbol = v.ns ? `${v.ns}/${v.name}` : v.name; return; }
  if (v instanceof Uint8Array) { out._initBytes(v.length).copyBuffer(v); return; }
  if (isCapability(v)) {
    const ref = out._initCap();
    ref.cap = capPointer(bridge.hookOf(v));
    ref.interfaceId = bridge.interfaceIdOf(v);
    return;
  }
  if (IMap.isMap(v)) {
    const entries = [...(v as IMap<unknown, unknown>)];
    const list = out._initMap(entries.length);
    entries.forEach(([k, x], i) => {
      const e: Entry = list.get(i);
      writeValue(e._initKey(), k, bridge, depth + 1);
      writeValue(e._initValue(), x, bridge, depth + 1);
    });
    return;
  }
  const seqOf = (xs: unknown[], init: (n: number) => $.List<Value>) => {
    const list = init(xs.length);
    xs.forEach((x, i) => writeValue(list.get(i), x, bridge, depth + 1));
  };
  if (List.isList(v)) return seqOf((v as List<unknown>).toArray(), (n) => out._initVector(n));
  if (ISet.isSet(v)) return seqOf([...(v as ISet<unknown>)], (n) => out._initSet(n));
  if (Stack.isStack(v) || isSeqObject(v)) return seqOf(toArray(v as any), (n) => out._initList(n));
  fail('type-mismatch', `a ${typeName(v)} cannot be sent to another vat (only data and capabilities can)`, null,
    'send the data the function needs, or a capability that does the work');
}

export function readValue(v: Value, bridge: CapBridge): unknown {
  switch (v.which()) {
    case Value_Which.NIL: return null;
    case Value_Which.BOOL: return v.bool;
    case Value_Which.INT: return int64(v.int);
    case Value_Which.BIGINT: return BigInt(v.bigint);
    case Value_Which.FLOAT: return v.float;
    case Value_Which.TEXT: return v.text;
    case Value_Which.KEYWORD: return kw(v.keyword);
    case Value_Which.SYMBOL: return sym(v.symbol);
    case Value_Which.BYTES: return asBytes(new Uint8Array(v.bytes.toUint8Array()));
    case Value_Which.LIST: return Stack(readList(v.list, bridge));
    case Value_Which.VECTOR: return List(readList(v.vector, bridge));
    case Value_Which.SET: return ISet(readList(v.set, bridge));
    case Value_Which.MAP: {
      let m = IMap<unknown, unknown>().asMutable();
      const es = v.map;
      for (let i = 0; i < es.length; i++) { const e = es.get(i); m = m.set(readValue(e.key, bridge), readValue(e.value, bridge)); }
      return m.asImmutable();
    }
    case Value_Which.CAP: {
      const ref = v.cap;
      return bridge.capOf(capOfPointer(ref.cap), ref.interfaceId ? capabilityInterfaceById(ref.interfaceId) : undefined);
    }
    default: return null;
  }
}

function readList(l: $.List<Value>, bridge: CapBridge): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < l.length; i++) out.push(readValue(l.get(i), bridge));
  return out;
}
