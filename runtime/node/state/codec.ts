// Glia data (the schema's Glia.Value, schema/glia.capnp) as IPLD data,
// for the dag-cbor blocks of state versions (runtime/node/state/version.ts),
// and back. dag-cbor has only null, booleans, 64-bit integers, finite
// floats, strings, bytes, arrays, string-keyed maps and CID links, so the
// rest of Glia's data travels as a one-key map that names its kind:
//
//   nil -> null        true/false -> bool       "text" -> text
//   int (64-bit) -> integer                     bytes -> bytes
//   a float that is not a whole number -> float
//   a whole-number float (2.0, -0.0, 1e300) -> {"float": "2"} (decimal text; dag-cbor would store 2.0 as the integer 2)
//   a bigint beyond 64 bits -> {"big": "<decimal>"}
//   :kw, :ns/kw -> {"kw": "ns/kw"}              sym -> {"sym": "sym"}
//   [a b] (vector) -> [a b]                     (a b) (list) -> {"list": [a b]}
//   #{a b} -> {"set": [a b]}                    {k v} -> {"map": [[k v] ...]}
//
// A bare CBOR map is therefore always one of these tags, never user data,
// so no user map can be mistaken for a tag. Set elements and map entries
// are sorted by the dag-cbor bytes of the element (of the key), so equal
// values give equal bytes and equal CIDs whatever order they were built
// in; a bigint that fits in 64 bits is stored as the integer it equals.
// NaN and the infinities (which dag-cbor forbids) and capabilities (which
// are references into a live vat, not data) cannot be stored: they fail
// node/state-value, as does nesting deeper than MAX_DEPTH.
import * as dagCbor from '@ipld/dag-cbor';
import type * as $ from 'capnp-es';
import { CID } from 'multiformats/cid';
import { Value, Value_Which, type Entry } from '../../../schema/generated/glia.js';
import { NodeError } from '../errors.js';

/** IPLD data as @ipld/dag-cbor takes and gives it. */
export type Ipld = null | boolean | number | bigint | string | Uint8Array | Ipld[] | { [k: string]: Ipld };

/** The deepest nesting a stored value may have (the same bound as values sent between vats). */
export const MAX_DEPTH = 64;

const I64_MIN = -(1n << 63n), I64_MAX = (1n << 63n) - 1n;

function refuse(what: string, hint?: string): never {
  throw new NodeError('node/state-value', `a state value cannot hold ${what}`, hint ?? 'store data only: nil, booleans, numbers, strings, keywords, symbols, bytes, lists, vectors, maps and sets');
}

/** Glia data as IPLD data (see above). */
export function encodeValue(v: Value, depth = 0): Ipld {
  if (depth > MAX_DEPTH) refuse(`values nested more than ${MAX_DEPTH} levels deep`, 'flatten the value');
  switch (v.which()) {
    case Value_Which.NIL: return null;
    case Value_Which.BOOL: return v.bool;
    case Value_Which.INT: return intOf(v.int);
    case Value_Which.BIGINT: {
      let b: bigint;
      try { b = BigInt(v.bigint); } catch { return refuse(`the bigint ${JSON.stringify(v.bigint)}, which is not a decimal integer`); }
      return b >= I64_MIN && b <= I64_MAX ? intOf(b) : { big: b.toString() };
    }
    case Value_Which.FLOAT: return floatOf(v.float);
    case Value_Which.TEXT: return v.text;
    case Value_Which.KEYWORD: return { kw: v.keyword };
    case Value_Which.SYMBOL: return { sym: v.symbol };
    case Value_Which.BYTES: return new Uint8Array(v.bytes.toUint8Array());
    case Value_Which.VECTOR: return items(v.vector, depth);
    case Value_Which.LIST: return { list: items(v.list, depth) };
    case Value_Which.SET: return { set: sorted(items(v.set, depth)) };
    case Value_Which.MAP: return { map: entries(v.map, depth) };
    case Value_Which.CAP: return refuse('a capability', 'store data; a capability is a live reference, not a value (serve it with :serve-vat and store its name)');
    default: return refuse(`an unknown kind of value (union tag ${v.which()})`);
  }
}

function intOf(b: bigint): number | bigint {
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

function floatOf(x: number): Ipld {
  if (!Number.isFinite(x)) refuse(`the float ${x === Infinity ? '##Inf' : x === -Infinity ? '##-Inf' : '##NaN'}, which dag-cbor cannot encode`, 'store a finite number, or nil or a keyword to stand for it');
  if (!Number.isInteger(x)) return x;
  return { float: Object.is(x, -0) ? '-0' : String(x) };
}

function items(l: $.List<Value>, depth: number): Ipld[] {
  const out: Ipld[] = [];
  for (let i = 0; i < l.length; i++) out.push(encodeValue(l.get(i), depth + 1));
  return out;
}

/** Elements in the order of their dag-cbor bytes, each once. */
function sorted(xs: Ipld[]): Ipld[] {
  const keyed = xs.map((x) => [dagCbor.encode(x), x] as const).sort((a, b) => compareBytes(a[0], b[0]));
  return keyed.filter((k, i) => i === 0 || compareBytes(keyed[i - 1]![0], k[0]) !== 0).map((k) => k[1]);
}

/** Entries in the order of their keys' dag-cbor bytes; of entries with equal keys the last wins (as a Glia map built from them would have it). */
function entries(l: $.List<Entry>, depth: number): Ipld[] {
  const byKey = new Map<string, [Uint8Array, Ipld, Ipld]>();
  for (let i = 0; i < l.length; i++) {
    const e = l.get(i);
    const k = encodeValue(e.key, depth + 1);
    const bytes = dagCbor.encode(k);
    byKey.set(Buffer.from(bytes).toString('latin1'), [bytes, k, encodeValue(e.value, depth + 1)]);
  }
  return [...byKey.values()].sort((a, b) => compareBytes(a[0], b[0])).map(([, k, v]) => [k, v]);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The reason `decodeValue` fails: the block is not what the encoding above makes. */
export class BadEncoding extends Error {}

const bad = (why: string): never => { throw new BadEncoding(why); };

/** Writes IPLD data made by `encodeValue` into `out`; BadEncoding when it is not such data. */
export function decodeValue(x: unknown, out: Value, depth = 0): void {
  if (depth > MAX_DEPTH) bad(`it nests more than ${MAX_DEPTH} levels deep`);
  if (x === null) { out.nil = true; return; }
  switch (typeof x) {
    case 'boolean': out.bool = x; return;
    case 'number':
      if (Number.isInteger(x)) out.int = BigInt(x); else out.float = x;
      return;
    case 'bigint':
      if (x >= I64_MIN && x <= I64_MAX) out.int = x; else out.bigint = x.toString();
      return;
    case 'string': out.text = x; return;
  }
  if (x instanceof Uint8Array) { out._initBytes(x.length).copyBuffer(x); return; }
  if (Array.isArray(x)) { list(x, (n) => out._initVector(n), depth); return; }
  if (typeof x !== 'object') return bad(`it holds a ${typeof x}`);
  if (CID.asCID(x)) return bad(`it holds a CID link (${String(x)}) where a value belongs`);
  const keys = Object.keys(x);
  if (keys.length !== 1) return bad(`a map with ${keys.length === 0 ? 'no keys' : `the keys ${keys.join(', ')}`} is none of the tagged kinds (kw, sym, big, float, list, set, map)`);
  const tag = keys[0]!;
  const body = (x as Record<string, unknown>)[tag];
  const text = (): string => (typeof body === 'string' ? body : bad(`the ${tag} tag holds a ${typeof body}, not a string`));
  const arr = (): unknown[] => (Array.isArray(body) ? body : bad(`the ${tag} tag holds a ${typeof body}, not an array`));
  switch (tag) {
    case 'kw': out.keyword = text(); return;
    case 'sym': out.symbol = text(); return;
    case 'big': {
      const s = text();
      if (!/^-?\d+$/.test(s)) bad(`the big tag holds ${JSON.stringify(s)}, not a decimal integer`);
      out.bigint = s;
      return;
    }
    case 'float': {
      const s = text();
      const f = Number(s);
      if (s.trim() === '' || Number.isNaN(f)) bad(`the float tag holds ${JSON.stringify(s)}, not a number`);
      out.float = f;
      return;
    }
    case 'list': list(arr(), (n) => out._initList(n), depth); return;
    case 'set': list(arr(), (n) => out._initSet(n), depth); return;
    case 'map': {
      const es = arr();
      const l = out._initMap(es.length);
      es.forEach((e, i) => {
        if (!Array.isArray(e) || e.length !== 2) bad('a map entry is not a [key value] pair');
        const entry = l.get(i);
        decodeValue((e as unknown[])[0], entry._initKey(), depth + 1);
        decodeValue((e as unknown[])[1], entry._initValue(), depth + 1);
      });
      return;
    }
    default: bad(`the tag ${JSON.stringify(tag)} is none of kw, sym, big, float, list, set, map`);
  }
}

function list(xs: unknown[], init: (n: number) => $.List<Value>, depth: number): void {
  const l = init(xs.length);
  xs.forEach((x, i) => decodeValue(x, l.get(i), depth + 1));
}
