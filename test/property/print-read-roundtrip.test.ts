// Property: pr-str output reads back to an equal value for all data
// (doc/language.md §2), and reading it reports no diagnostics.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { asBytes } from '../../glia/values/bytes.js';
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import { read } from '../../glia/reader/read.js';
import { prStr } from '../../glia/values/printer.js';
import { equals } from '../../glia/values/equality.js';
import { kw } from '../../glia/values/keyword.js';
import { sym } from '../../glia/values/symbol.js';

const TWO_53 = 2 ** 53;

// ---- scalars ------------------------------------------------------------------

// Whole-number doubles at or past 2^53 print without a decimal point
// ("9007199254740992") and the reader turns integer literals past 2^53 into
// bigints, by design (doc/language.md §1). Such a double reads back as a bigint,
// which is `=` to it but not the same value, so doubles are restricted to
// |x| < 2^53 or non-integers. NaN is excluded because it is not `=` to
// itself; the infinities print as ##Inf / ##-Inf and are included.
const double = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x) || Math.abs(x) < TWO_53),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1000, max: 1000 }),
  fc.integer({ min: -1000, max: 1000 }).map((n) => n / 8),
  fc.constantFrom(0, -0, 0.5, -0.5, 0.1, 1e-7, -1e-300, 5e-324, 1.5e300, TWO_53 - 1, -(TWO_53 - 1), 2 ** 51 + 0.5, -(2 ** 52) - 1, Infinity, -Infinity),
);
const safeInt = fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -100, max: 100 }));
const bigint = fc.oneof(
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 130n }),
  fc.bigInt({ min: -(2n ** 130n), max: -(2n ** 53n) }),
  fc.bigInt({ min: -1000n, max: 1000n }), // prints with N, so stays a bigint
);

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const trickyChar = fc.constantFrom('"', '\\', '\n', '\r', '\t', '\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u2028', '\u00e9', '\ud83d\ude00', ';', '#', '\\u', '\\n', ' ', ',');
const string = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: codeUnit, maxLength: 12 }),
  fc.string({ unit: fc.oneof(trickyChar, fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 })), maxLength: 16 }),
);

// Names the reader reads back as a single symbol or keyword. A name must
// not start with a digit, and when it starts with + - or . the next
// character must not be a digit (that would be a number); nil, true and
// false are literals, not symbols.
const first = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCXYZ*!_?<>=&%λé'.split(''));
const rest = fc.constantFrom(...'abcxyzKQ0123456789*!_?<>=-+.\'#&%λé'.split(''));
const plainName = fc.oneof(
  fc.tuple(first, fc.array(rest, { maxLength: 8 })).map(([f, r]) => f + r.join('')),
  fc.tuple(fc.constantFrom('+', '-', '.'), fc.array(fc.constantFrom(...'abc*!?<>=_'.split('')), { maxLength: 1 }), fc.array(rest, { maxLength: 4 }))
    .map(([f, s, r]) => f + s.join('') + (s.length ? r.join('') : '')),
  fc.constantFrom('->', '->>', '..', '+', '-', '*', '<=', 'a.b', 'x-y?', 'swap!'),
).filter((n) => n !== 'nil' && n !== 'true' && n !== 'false');
const qualifiedName = fc.oneof(
  { weight: 3, arbitrary: plainName },
  { weight: 1, arbitrary: fc.tuple(plainName, plainName).map(([ns, n]) => `${ns}/${n}`) },
);
const keyword = qualifiedName.map((n) => kw(n));
const symbol = fc.oneof(qualifiedName.map((n) => sym(n)), fc.constant(sym('/')));

// Glia's own bytes values (Bytes: a Uint8Array that hashes by content).
const bytes = fc.uint8Array({ maxLength: 12 }).map(asBytes);

// ---- collections --------------------------------------------------------------

/**
 * Builds the data generator. `hashedBytes` says whether bytes may sit
 * inside set elements and map keys; see the BUG note below for why the
 * main property leaves them out there.
 */
function dataArb(hashedBytes: boolean) {
  const scalar = (withBytes: boolean) => fc.oneof(
    fc.constant(null), fc.boolean(), double, safeInt, bigint, string, keyword, symbol,
    ...(withBytes ? [bytes] : []),
  );
  return fc.letrec<{ value: any; hashable: any }>((tie) => {
    const colls = (elem: fc.Arbitrary<any>, key: fc.Arbitrary<any>) => [
      fc.array(elem, { maxLength: 5 }).map((xs) => List(xs)),
      fc.array(elem, { maxLength: 5 }).map((xs) => Stack(xs)),
      fc.array(fc.tuple(key, elem), { maxLength: 5 }).map((es) => IMap(es)),
      fc.array(key, { maxLength: 5 }).map((xs) => ISet(xs)),
    ];
    return {
      value: fc.oneof(
        { depthSize: 'small', maxDepth: 4, withCrossShrink: true },
        scalar(true),
        ...colls(tie('value'), tie('hashable')),
      ),
      // Set elements and map keys.
      hashable: fc.oneof(
        { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
        scalar(hashedBytes),
        ...colls(tie('hashable'), tie('hashable')),
      ),
    };
  });
}

const data = dataArb(false);
/** Bigger maps and sets too: past 8 entries Immutable switches to hashed order. */
const bigColl = fc.oneof(
  fc.array(fc.tuple(data.hashable, data.value), { minLength: 6, maxLength: 40 }).map((es) => IMap(es)),
  fc.array(data.hashable, { minLength: 6, maxLength: 40 }).map((xs) => ISet(xs)),
  fc.array(data.value, { minLength: 6, maxLength: 30 }).map((xs) => List(xs)),
);

/** Same kinds all the way down: vector vs list, bigint vs double, keyword vs symbol. */
function sameKinds(a: any, b: any): boolean {
  if (typeof a !== typeof b) return false;
  if (a === null || typeof a !== 'object') return b !== null && typeof b !== 'object' ? equals(a, b) : a === b;
  if (List.isList(a) !== List.isList(b) || Stack.isStack(a) !== Stack.isStack(b) ||
      IMap.isMap(a) !== IMap.isMap(b) || ISet.isSet(a) !== ISet.isSet(b) ||
      (a instanceof Uint8Array) !== (b instanceof Uint8Array) ||
      (!(a instanceof Uint8Array) && a.constructor !== b.constructor)) return false;
  if (List.isList(a) || Stack.isStack(a)) {
    const xs = [...a], ys = [...b];
    return xs.length === ys.length && xs.every((x, i) => sameKinds(x, ys[i]));
  }
  if (IMap.isMap(a)) {
    const es = [...(b as IMap<any, any>)];
    return a.size === b.size && [...(a as IMap<any, any>)].every(([k, v]) =>
      es.some(([k2, v2]) => equals(k, k2) && sameKinds(k, k2) && sameKinds(v, v2)));
  }
  if (ISet.isSet(a)) {
    const ys = [...b];
    return a.size === b.size && [...a].every((x) => ys.some((y) => equals(x, y) && sameKinds(x, y)));
  }
  return equals(a, b);
}

/** True when no map or set in v has more than 8 entries (those print in insertion order). */
function smallHashed(v: any): boolean {
  if (IMap.isMap(v)) return v.size <= 8 && [...(v as IMap<any, any>)].every(([k, x]) => smallHashed(k) && smallHashed(x));
  if (ISet.isSet(v)) return v.size <= 8 && [...v].every(smallHashed);
  if (List.isList(v) || Stack.isStack(v)) return [...v].every(smallHashed);
  return true;
}

function roundTrip(v: any): void {
  const text = prStr(v);
  const r = read(text, 'roundtrip');
  expect(r.diagnostics.map((d) => `${d.code}: ${d.message}`), text).toEqual([]);
  expect(r.forms.length, text).toBe(1);
  const back = r.forms[0];
  expect(equals(back, v), `${text} read back as ${prStr(back)}`).toBe(true);
  expect(equals(v, back), text).toBe(true);
  // Stronger than `=`, which ignores vector vs list and bigint vs double.
  expect(sameKinds(v, back), `${text} read back as ${prStr(back)}`).toBe(true);
  // Small maps and sets keep insertion order (DECISIONS.md), so the text is
  // reproduced exactly; past 8 entries "any stable order is fine".
  if (smallHashed(v)) expect(prStr(back)).toBe(text);
}

describe('pr-str then read gives back an equal value', () => {
  it('for scalars', () => {
    const scalar = fc.oneof(fc.constant(null), fc.boolean(), double, safeInt, bigint, string, keyword, symbol, bytes);
    fc.assert(fc.property(scalar, roundTrip), { numRuns: 3000 });
  });

  it('for nested data', () => {
    fc.assert(fc.property(data.value, roundTrip), { numRuns: 1000 });
  });

  it('for larger maps, sets and vectors', () => {
    fc.assert(fc.property(bigColl, roundTrip), { numRuns: 100 });
  });

  it('for a sequence of values printed one after another', () => {
    fc.assert(
      fc.property(fc.array(data.value, { maxLength: 6 }), fc.constantFrom(' ', '\n', ',', ' ;c\n'), (vs, sep) => {
        const text = vs.map(prStr).join(sep);
        const r = read(text);
        expect(r.diagnostics).toEqual([]);
        expect(r.forms.length).toBe(vs.length);
        vs.forEach((v, i) => expect(equals(r.forms[i], v), text).toBe(true));
      }),
      { numRuns: 300 },
    );
  });

  // Bytes compare by content under `=`; Glia's bytes (glia/values/bytes.ts)
  // also hash by content, so they work as set elements and map keys too.
  it('for data with bytes inside set elements and map keys', () => {
    const withHashedBytes = dataArb(true);
    const holder = fc.oneof(
      withHashedBytes.hashable.map((k) => ISet([k])),
      withHashedBytes.hashable.map((k) => IMap([[k, 1]])),
    );
    fc.assert(fc.property(holder, roundTrip), { numRuns: 300 });
  });
});

describe('equal values are interchangeable in hashed collections', () => {
  // `=` ignores the vector/list distinction; so must sets and maps.
  it('vectors and lists', () => {
    fc.assert(
      fc.property(fc.array(data.hashable, { maxLength: 4 }), (xs) => {
        const v = List(xs), l = Stack(xs);
        expect(equals(v, l)).toBe(true);
        expect(equals(ISet<any>([v]), ISet<any>([l]))).toBe(true);
        expect(IMap<any, number>([[v, 1]]).get(l)).toBe(1);
      }),
      { numRuns: 200 },
    );
  });

  // Doubles and bigints are different number categories (DECISIONS.md, as
  // floats and integers in Clojure): `=` is false across them and `==`
  // compares values, so `=` and hashing agree in sets and map keys.
  it('integral numbers and equal bigints are distinct values that == relates', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), (n) => {
        const b = BigInt(n);
        expect(equals(n, b)).toBe(false);
        expect(ISet<any>([n, b]).size).toBe(2);
        expect(IMap<any, number>([[n, 1]]).get(b)).toBe(undefined);
        expect(ISet<any>([b]).has(BigInt(n))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
