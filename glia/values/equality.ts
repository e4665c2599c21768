// Value equality and hashing, as Clojure's `=`: sequential collections are
// equal to each other element-wise whatever their kind, maps and sets
// ignore order, numbers compare across double and bigint.
import { List, Stack, Map as IMap, Set as ISet, isImmutable, hash as iHash } from 'immutable';
import { isSeqObject, seq, iterate } from './seq.js';
import { bytesEqual, asBytes } from './bytes.js';

export function isSequential(x: unknown): boolean {
  return List.isList(x) || Stack.isStack(x) || isSeqObject(x);
}

export function equals(a: any, b: any): boolean {
  if (a === b) return true;
  const ta = typeof a;
  // Doubles and bigints are different categories (like Clojure's floats and
  // integers): = is false across them, so = agrees with hashing in maps and sets.
  if (ta === 'number' || ta === 'bigint') return false;
  if (a === null || b === null || ta !== 'object' || typeof b !== 'object') return false;
  if (isSequential(a)) {
    if (!isSequential(b)) return false;
    if ((List.isList(a) || Stack.isStack(a)) && (List.isList(b) || Stack.isStack(b)) && a.size !== b.size) return false;
    let sa = seq(a), sb = seq(b);
    while (sa && sb) {
      if (!equals(sa.first(), sb.first())) return false;
      sa = sa.next(); sb = sb.next();
    }
    return sa === null && sb === null;
  }
  if (IMap.isMap(a)) {
    if (!IMap.isMap(b) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      const NONE = missing;
      const w = (b as IMap<any, any>).get(k, NONE);
      if (w === NONE || !equals(v, w)) return false;
    }
    return true;
  }
  if (ISet.isSet(a)) {
    if (!ISet.isSet(b) || a.size !== b.size) return false;
    for (const v of a) if (!(b as ISet<any>).has(v)) return false;
    return true;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return bytesEqual(a, b);
  if (typeof a.equals === 'function') return a.equals(b);
  return false;
}

const missing = Symbol('missing');

export function hash(x: any): number {
  if (x === null || x === undefined) return 0;
  if (isSeqObject(x)) return iHash(List(iterate(x)));
  if (x instanceof Uint8Array) return asBytes(x).hashCode();
  if (isImmutable(x) || typeof x !== 'object' || typeof x.hashCode === 'function') return iHash(x);
  return iHash(x);
}
