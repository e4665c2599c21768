// The state codec (runtime/node/state/codec.ts) and version blocks
// (version.ts), property-tested: every Glia data value survives Glia ->
// Glia.Value (the RPC binding) -> IPLD -> dag-cbor bytes -> back exactly,
// and equal values give equal bytes whatever order their maps and sets
// were built in. Then the values it refuses and the blocks it rejects,
// each with its code.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as $ from 'capnp-es';
import * as dagCbor from '@ipld/dag-cbor';
import * as raw from 'multiformats/codecs/raw';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import { Value, Value_Which } from '../../../../schema/generated/glia.js';
import { writeValue, readValue, type CapBridge } from '../../../membrane/glia-values.js';
import { encodeValue, decodeValue, type Ipld } from '../../../node/state/codec.js';
import { makeVersion, readVersion, MAX_VERSION_BYTES } from '../../../node/state/version.js';
import { NodeError } from '../../../node/errors.js';
import { equals, kw, sym, prStr } from '../../../../glia/index.js';
import { asBytes } from '../../../../glia/values/bytes.js';

const noCaps: CapBridge = {
  hookOf: () => { throw new Error('no capabilities here'); },
  interfaceIdOf: () => 0n,
  capOf: () => { throw new Error('no capabilities here'); },
};

/** A Glia value as the StateRef server receives it. */
function toValue(v: unknown): Value {
  const out = new $.Message().initRoot(Value);
  writeValue(out, v, noCaps);
  return out;
}

/** Glia value -> stored bytes. */
function store(v: unknown): Uint8Array {
  return dagCbor.encode(encodeValue(toValue(v)));
}

/** Stored bytes -> Glia value. */
function load(bytes: Uint8Array): unknown {
  const out = new $.Message().initRoot(Value);
  decodeValue(dagCbor.decode(bytes), out);
  return readValue(out, noCaps);
}

const name = fc.stringMatching(/^[a-z][a-z0-9?!*-]{0,8}$/);
const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null), fc.boolean(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }).filter((b) => b < BigInt(Number.MIN_SAFE_INTEGER) || b > BigInt(Number.MAX_SAFE_INTEGER)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
  fc.string(), fc.string({ unit: 'grapheme', maxLength: 8 }),
  name.map((n) => kw(n)), fc.tuple(name, name).map(([ns, n]) => kw(n, ns)),
  name.map((n) => sym(n)), fc.tuple(name, name).map(([ns, n]) => sym(n, ns)),
  fc.uint8Array({ maxLength: 16 }).map((b) => asBytes(b)),
);
const { value } = fc.letrec<{ value: unknown; coll: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('coll')),
  coll: fc.oneof(
    fc.array(tie('value'), { maxLength: 5 }).map((xs) => List(xs)),
    fc.array(tie('value'), { maxLength: 5 }).map((xs) => Stack(xs)),
    fc.array(tie('value'), { maxLength: 5 }).map((xs) => ISet(xs)),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 5 }).map((es) => IMap(es)),
  ),
}));

/** The printed form with the elements of maps and sets in sorted order: equal and of the same kinds throughout. */
function kinds(v: unknown): string {
  if (List.isList(v)) return `[${(v as List<unknown>).toArray().map(kinds).join(' ')}]`;
  if (Stack.isStack(v)) return `(${(v as Stack<unknown>).toArray().map(kinds).join(' ')})`;
  if (ISet.isSet(v)) return `#{${[...(v as ISet<unknown>)].map(kinds).sort().join(' ')}}`;
  if (IMap.isMap(v)) return `{${[...(v as IMap<unknown, unknown>)].map(([k, x]) => `${kinds(k)} ${kinds(x)}`).sort().join(', ')}}`;
  return prStr(v);
}

describe('the state codec', () => {
  it('round-trips every Glia data value exactly', () => {
    fc.assert(fc.property(value, (v) => {
      const back = load(store(v));
      expect(equals(back, v), `${prStr(v)} came back as ${prStr(back)}`).toBe(true);
      // The kind of every collection is kept (= alone treats lists and vectors alike).
      expect(kinds(back)).toBe(kinds(v));
    }), { numRuns: 400 });
  });

  it('is deterministic: equal maps and sets give equal bytes and CIDs whatever their insertion order', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(value, value), { maxLength: 8 }), fc.func(fc.integer()), async (entries, f) => {
      const shuffled = [...entries].sort((a, b) => f(a) - f(b) || 0).reverse();
      const m1 = IMap(entries), m2 = IMap(shuffled);
      if (!equals(m1, m2)) return; // duplicate keys: the last one differs with the order
      const s1 = ISet(entries.map((e) => e[0])), s2 = ISet(shuffled.map((e) => e[0]));
      expect(Buffer.from(store(m1)).equals(Buffer.from(store(m2)))).toBe(true);
      expect(Buffer.from(store(s1)).equals(Buffer.from(store(s2)))).toBe(true);
      const a = await makeVersion('x', 1n, null, encodeValue(toValue(m1)));
      const b = await makeVersion('x', 1n, null, encodeValue(toValue(m2)));
      expect(a.cid.toString()).toBe(b.cid.toString());
    }), { numRuns: 200 });
  });

  it('keeps float and int apart at the Glia.Value level: 2.0, -0.0 and 1e300 stay floats', () => {
    for (const x of [2, -0, 1e300, -7, 0.1, Number.MAX_VALUE, Number.MIN_VALUE]) {
      const v = new $.Message().initRoot(Value);
      v.float = x;
      const out = new $.Message().initRoot(Value);
      decodeValue(dagCbor.decode(dagCbor.encode(encodeValue(v))), out);
      expect(out.which()).toBe(Value_Which.FLOAT);
      expect(Object.is(out.float, x), `${x}`).toBe(true);
    }
  });

  it('stores a 64-bit bigint as the integer it equals, and a bigint beyond as decimal text', () => {
    const v = new $.Message().initRoot(Value);
    v.bigint = '42';
    expect(encodeValue(v)).toBe(42);
    v.bigint = (1n << 70n).toString();
    expect(encodeValue(v)).toEqual({ big: (1n << 70n).toString() });
  });

  it('writes a readable shape that IPLD tools show as it is', () => {
    const v = IMap<unknown, unknown>([[kw('count'), 3], ['s', Stack([sym('f'), 1.5])], [kw('tags'), ISet([kw('a/b')])]]);
    const ipld = encodeValue(toValue(v)) as { map: Ipld[] };
    expect(ipld.map).toEqual(expect.arrayContaining([
      [{ kw: 'count' }, 3], ['s', { list: [{ sym: 'f' }, 1.5] }], [{ kw: 'tags' }, { set: [{ kw: 'a/b' }] }],
    ]));
  });

  it('refuses NaN, the infinities, capabilities and deep nesting with node/state-value', () => {
    const code = (f: () => unknown) => { try { f(); return null; } catch (e) { return [(e as NodeError).code, (e as Error).message]; } };
    for (const [x, shown] of [[NaN, '##NaN'], [Infinity, '##Inf'], [-Infinity, '##-Inf']] as const) {
      const v = new $.Message().initRoot(Value);
      v.float = x;
      expect(code(() => encodeValue(v))).toEqual(['node/state-value', expect.stringContaining(shown)]);
    }
    const c = new $.Message().initRoot(Value);
    c._initCap();
    expect(code(() => encodeValue(c))).toEqual(['node/state-value', expect.stringContaining('a capability')]);
    let deep: unknown = 1;
    for (let i = 0; i < 64; i++) deep = List([deep]);
    expect(code(() => store(deep))).toBeNull();
    const d = new $.Message().initRoot(Value);
    let at = d;
    for (let i = 0; i < 70; i++) at = at._initVector(1).get(0);
    at.int = 1n;
    expect(code(() => encodeValue(d))).toEqual(['node/state-value', expect.stringContaining('nested more than 64')]);
  });
});

describe('version blocks', () => {
  const fail = async (p: Promise<unknown>) => p.then(() => null, (e) => e as NodeError);

  it('link to their predecessor with a real CID and read back what was made', async () => {
    const first = await makeVersion('r', 1n, null, 1);
    const second = await makeVersion('r', 2n, first.cid, 2);
    const raw2 = dagCbor.decode(second.bytes) as Record<string, unknown>;
    expect(CID.asCID(raw2.prev)?.toString()).toBe(first.cid.toString());
    expect(second.cid.code).toBe(dagCbor.code);
    const v = await readVersion(second.cid, second.bytes);
    expect(v).toMatchObject({ ref: 'r', seq: 2n, value: 2 });
    expect(v.prev?.toString()).toBe(first.cid.toString());
  });

  it('a block whose bytes do not hash to its CID is node/state-corrupt, naming it', async () => {
    const b = await makeVersion('r', 1n, null, 'x');
    const bytes = b.bytes.slice();
    bytes[bytes.length - 1] ^= 1;
    const e = await fail(readVersion(b.cid, bytes));
    expect(e?.code).toBe('node/state-corrupt');
    expect(e?.message).toContain(b.cid.toString());
  });

  it('a sound block of another kind is node/state-not-version: raw bytes, or dag-cbor without the kind', async () => {
    const r = new TextEncoder().encode('hello');
    const rawCid = CID.createV1(raw.code, await sha256.digest(r));
    expect((await fail(readVersion(rawCid, r)))?.code).toBe('node/state-not-version');
    const other = dagCbor.encode({ hello: 'world' });
    const otherCid = CID.createV1(dagCbor.code, await sha256.digest(other));
    const e = await fail(readVersion(otherCid, other));
    expect(e?.code).toBe('node/state-not-version');
    expect(e?.message).toContain(otherCid.toString());
  });

  it('a version over 1 MiB is node/too-large, naming the limit', async () => {
    const e = await fail(makeVersion('r', 1n, null, 'x'.repeat(MAX_VERSION_BYTES)));
    expect(e?.code).toBe('node/too-large');
    expect(e?.message).toContain(String(MAX_VERSION_BYTES));
  });
});
