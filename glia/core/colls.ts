// Collections and sequences (the functions that take no function arguments).
import { List, Stack, Map as IMap, Set as ISet, OrderedMap } from 'immutable';
import type { Library } from './define.js';
import { seq, iterate, toArray, forEachItem, LazySeq, Cons, isSeqObject, isSeqable, lazyFromIterable, lazyChunks, CHUNK, MAX_ELEMENTS, tooManyElements, withKnownSize, type ISeq } from '../values/seq.js';
import { equals } from '../values/equality.js';
import { fail } from '../values/errors.js';
import { prStr } from '../values/printer.js';
import { typeName, describeValue } from './type.js';
import { get, contains } from './lookup.js';
import { compare } from './compare.js';

export function isInfinite(x: any): boolean { return x instanceof LazySeq && x.infinite; }
export function markInfinite<T extends LazySeq>(s: T, yes: boolean): T { s.infinite = yes; return s; }

export function count(x: any): number {
  if (x === null || x === undefined) return 0;
  if (typeof x === 'string') return x.length;
  if (x instanceof Uint8Array) return x.length;
  if (List.isList(x) || Stack.isStack(x) || IMap.isMap(x) || ISet.isSet(x)) return (x as any).size;
  if (isInfinite(x)) fail('illegal-argument', 'count of an infinite sequence', null, 'take a finite part first: (count (take n xs))');
  if (isSeqObject(x)) { let n = 0; let s = seq(x); while (s) { n++; s = s.next(); } return n; }
  return fail('type-mismatch', `count is not supported on ${typeName(x)}`);
}

function seqable(op: string, x: any): void {
  if (!isSeqable(x)) fail('type-mismatch', `${op} expects a collection, got ${describeValue(x)}`, { value: x });
}

export function conj(coll: any, ...xs: any[]): any {
  if (coll === null || coll === undefined) return Stack(xs.slice().reverse());
  if (List.isList(coll)) {
    if ((coll as List<any>).size + xs.length > MAX_ELEMENTS) tooManyElements('the vector');
    return (coll as List<any>).push(...xs);
  }
  if (Stack.isStack(coll)) { let s = coll as Stack<any>; for (const x of xs) s = s.unshift(x); return s; }
  if (ISet.isSet(coll)) return (coll as ISet<any>).union(xs);
  if (IMap.isMap(coll)) {
    let m = coll as IMap<any, any>;
    for (const x of xs) m = conjEntry(m, x);
    return m;
  }
  if (isSeqObject(coll)) { let s: any = coll; for (const x of xs) s = new Cons(x, s); return s; }
  return fail('type-mismatch', `cannot conj onto ${typeName(coll)}`);
}

/** conj of one item onto a map (persistent, or a mutable copy that `into` freezes afterwards). */
function conjEntry(m: IMap<any, any>, x: any): IMap<any, any> {
  if (x === null) return m;
  if (IMap.isMap(x)) return m.merge(x);
  const e = toArray(x);
  if (e.length !== 2) fail('illegal-argument', `conj onto a map takes [key value] pairs, got ${prStr(x)}`);
  return m.set(e[0], e[1]);
}

export function nth(coll: any, i: any, ...dflt: any[]): any {
  if (typeof i !== 'number' || !Number.isInteger(i)) fail('type-mismatch', `nth index must be an integer, got ${prStr(i)}`);
  const has = dflt.length > 0;
  const out = (n: number) => has ? dflt[0] : fail('index-out-of-bounds', `index ${i} is out of bounds for a collection of ${n}`, { index: i });
  if (coll === null || coll === undefined) return has ? dflt[0] : null;
  if (List.isList(coll)) return i >= 0 && i < coll.size ? (coll as List<any>).get(i) : out(coll.size);
  if (typeof coll === 'string') return i >= 0 && i < coll.length ? coll[i] : out(coll.length);
  if (coll instanceof Uint8Array) return i >= 0 && i < coll.length ? coll[i] : out(coll.length);
  if (Stack.isStack(coll) || isSeqObject(coll)) {
    if (i < 0) return out(0);
    let s = seq(coll), k = 0;
    while (s && k < i) { s = s.next(); k++; }
    return s ? s.first() : out(k);
  }
  return fail('type-mismatch', `nth is not supported on ${typeName(coll)}`);
}

export function first(x: any): any { const s = seq(x); return s ? s.first() : null; }
export function next(x: any): any { const s = seq(x); return s ? s.next() : null; }
export function rest(x: any): any {
  if (Stack.isStack(x)) return (x as Stack<any>).size ? (x as Stack<any>).pop() : x;
  const s = seq(x);
  return s ? (s.next() ?? Stack()) : Stack();
}

export function assoc(m: any, ...kvs: any[]): any {
  if (kvs.length % 2 !== 0) fail('illegal-argument', 'assoc expects keys and values in pairs');
  if (m === null || m === undefined) m = IMap();
  if (IMap.isMap(m)) {
    let r = m as IMap<any, any>;
    for (let i = 0; i < kvs.length; i += 2) r = r.set(kvs[i], kvs[i + 1]);
    return r;
  }
  if (List.isList(m)) {
    let v = m as List<any>;
    for (let i = 0; i < kvs.length; i += 2) {
      const k = kvs[i];
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > v.size) fail('index-out-of-bounds', `assoc index ${prStr(k)} is out of bounds for a vector of ${v.size}`);
      v = v.set(k, kvs[i + 1]);
    }
    return v;
  }
  return fail('type-mismatch', `assoc expects a map or vector, got ${typeName(m)}`);
}

export function dissoc(m: any, ...ks: any[]): any {
  if (m === null || m === undefined) return null;
  if (!IMap.isMap(m)) fail('type-mismatch', `dissoc expects a map, got ${typeName(m)}`);
  let r = m as IMap<any, any>;
  for (const k of ks) r = r.delete(k);
  return r;
}

export function getIn(m: any, path: any, dflt: any = null): any {
  let cur = m;
  const NONE = {};
  for (const k of iterate(path)) {
    cur = get(cur, k, NONE);
    if (cur === NONE) return dflt;
  }
  return cur;
}

export function assocIn(m: any, path: any, v: any): any {
  const ks = toArray(path);
  if (ks.length === 0) return assoc(m, null, v);
  const [k, ...more] = ks;
  return assoc(m, k, more.length ? assocIn(get(m, k), more, v) : v);
}

export function into(to: any, from: any): any {
  if (to === null || to === undefined) to = Stack();
  if (List.isList(to)) return (to as List<any>).concat(toArray(from));
  if (ISet.isSet(to)) return (to as ISet<any>).union(toArray(from));
  if (IMap.isMap(to)) {
    // A transient: one mutable copy takes every entry, then is frozen (conj
    // would make a new map per entry).
    const m = (to as IMap<any, any>).asMutable();
    if (IMap.isMap(from)) conjEntry(m, from);
    else forEachItem(from, (x) => { conjEntry(m, x); });
    return m.asImmutable();
  }
  const items = toArray(from);
  if (items.length === 0) return conj(to);
  if (Stack.isStack(to)) return (to as Stack<any>).unshiftAll(items.slice().reverse());
  let r = to;
  for (const x of items) r = conj(r, x);
  return r;
}

/** (repeat n x) for a large n: lazy, in chunks of one shared array, so realising it costs little per element. */
function repeatChunks(n: number, x: any): LazySeq {
  const chunk = new Array(CHUNK).fill(x);
  let left = n;
  return withKnownSize(lazyChunks(() => {
    if (left <= 0) return null;
    const k = Math.min(CHUNK, left);
    left -= k;
    return k === CHUNK ? chunk : chunk.slice(0, k);
  }), n);
}

export function vec(x: any): List<any> { seqable('vec', x); return List.isList(x) ? x : List(toArray(x)); }
export function concatLazy(colls: any[]): LazySeq {
  return markInfinite(lazyFromIterable(function* () { for (const c of colls) yield* iterate(c); }), colls.some(isInfinite));
}

export function takeLazy(n: number, coll: any): LazySeq {
  return lazyFromIterable(function* () {
    if (n <= 0) return;
    let i = 0;
    let s = seq(coll);
    while (s) { yield s.first(); if (++i >= n) return; s = s.next(); }
  });
}

export function dropLazy(n: number, coll: any): LazySeq {
  return markInfinite(new LazySeq(() => { let s = seq(coll); for (let i = 0; i < n && s; i++) s = s.next(); return s; }), isInfinite(coll));
}

export function range(...args: any[]): LazySeq | Stack<any> {
  for (const a of args) if (typeof a !== 'number') fail('type-mismatch', `range expects numbers, got ${prStr(a)}`);
  const [start, end, step] = args.length === 0 ? [0, Infinity, 1] : args.length === 1 ? [0, args[0], 1] : [args[0], args[1], args[2] ?? 1];
  if (step === 0 && start !== end) {
    return markInfinite(lazyFromIterable(function* () { for (;;) yield start; }), true);
  }
  const pull = () => {
    let next = start;
    const more = step > 0 ? () => next < end : () => next > end;
    return () => {
      if (step === 0 || !more()) return null;
      const c: number[] = [];
      while (c.length < CHUNK && more()) { c.push(next); next += step; }
      return c;
    };
  };
  const r = lazyChunks(pull(), end === Infinity || end === -Infinity);
  // A range is pure: a fused reduce over (map f (range n)) re-runs it instead of realising it (values/fuse.ts).
  r.freshPull = pull;
  return step === 0 || r.infinite ? r : withKnownSize(r, Math.max(0, Math.ceil((end - start) / step)));
}

export function sortValues(xs: any[], cmp: (a: any, b: any) => number = compare): any[] {
  return xs.slice().sort(cmp);
}

export function defineColls(lib: Library): void {
  lib.variadic('list', (xs) => Stack(xs), [], 0);
  lib.fn('list*', (...xs: any[]) => { const last = xs.pop(); let s: any = seq(last) ?? Stack(); for (let i = xs.length - 1; i >= 0; i--) s = new Cons(xs[i], s); return s; }, [], 1);
  lib.variadic('vector', (xs) => List(xs), [], 0);
  lib.variadic('hash-map', (kvs) => {
    if (kvs.length % 2) fail('illegal-argument', 'hash-map expects keys and values in pairs');
    const m = IMap<any, any>().asMutable();
    for (let i = 0; i < kvs.length; i += 2) m.set(kvs[i], kvs[i + 1]);
    return m.asImmutable();
  }, [], 0);
  lib.fn('array-map', (...kvs: any[]) => { let m = OrderedMap<any, any>(); for (let i = 0; i < kvs.length; i += 2) m = m.set(kvs[i], kvs[i + 1]); return m; }, [], 0);
  lib.variadic('hash-set', (xs) => ISet(xs), [], 0);
  lib.fn('vec', vec, [1]);
  lib.fn('set', (x: any) => { seqable('set', x); return ISet(toArray(x)); }, [1]);
  lib.fn('seq', (x: any) => { seqable('seq', x); return seq(x); }, [1]);
  lib.fn('count', count, [1]);
  lib.fn('conj', (coll?: any, ...xs: any[]) => (coll === undefined ? List() : conj(coll, ...xs)), [0], 1);
  lib.fn('cons', (x: any, coll: any) => { seqable('cons', coll); return new Cons(x, coll); }, [2]);
  lib.fn('first', (x: any) => { seqable('first', x); return first(x); }, [1]);
  lib.fn('second', (x: any) => { seqable('second', x); return first(next(x)); }, [1]);
  lib.fn('ffirst', (x: any) => first(first(x)), [1]);
  lib.fn('rest', (x: any) => { seqable('rest', x); return rest(x); }, [1]);
  lib.fn('next', (x: any) => { seqable('next', x); return next(x); }, [1]);
  lib.fn('nnext', (x: any) => next(next(x)), [1]);
  lib.fn('nth', nth, [2, 3]);
  lib.fn('nthnext', (coll: any, n: number) => { let s = seq(coll); for (let i = 0; i < n && s; i++) s = s.next(); return s; }, [2]);
  lib.fn('nthrest', (coll: any, n: number) => dropLazy(n, coll), [2]);
  lib.fn('last', (x: any) => {
    if (List.isList(x)) return (x as List<any>).last(null);
    if (isInfinite(x)) fail('illegal-argument', 'last of an infinite sequence');
    let s = seq(x), v = null; while (s) { v = s.first(); s = s.next(); } return v;
  }, [1]);
  lib.fn('butlast', (x: any) => { const a = toArray(x); return a.length > 1 ? Stack(a.slice(0, -1)) : null; }, [1]);
  lib.fn('peek', (x: any) => (List.isList(x) ? (x as List<any>).last(null) : Stack.isStack(x) ? (x as Stack<any>).peek() ?? null : x === null ? null : fail('type-mismatch', `peek expects a vector or list, got ${typeName(x)}`)), [1]);
  lib.fn('pop', (x: any) => {
    if (List.isList(x)) { if (!x.size) fail('illegal-argument', "can't pop an empty vector"); return (x as List<any>).pop(); }
    if (Stack.isStack(x)) { if (!x.size) fail('illegal-argument', "can't pop an empty list"); return (x as Stack<any>).pop(); }
    return fail('type-mismatch', `pop expects a vector or list, got ${typeName(x)}`);
  }, [1]);
  lib.fn('get', (m: any, k: any, d: any = null) => get(m, k, d), [2, 3]);
  lib.fn('get-in', getIn, [2, 3]);
  // One key on a map, the common case, without the rest array of the general form.
  lib.fn('assoc', function (m: any, k: any, v: any) {
    // eslint-disable-next-line prefer-rest-params
    return arguments.length === 3 && IMap.isMap(m) ? (m as IMap<any, any>).set(k, v) : assoc.apply(undefined, arguments as any);
  }, [], 3);
  lib.fn('assoc-in', assocIn, [3]);
  lib.fn('dissoc', dissoc, [], 1);
  lib.fn('disj', (s: any, ...xs: any[]) => (s === null ? null : ISet.isSet(s) ? (s as ISet<any>).subtract(xs) : fail('type-mismatch', `disj expects a set, got ${typeName(s)}`)), [], 1);
  lib.fn('contains?', contains, [2]);
  lib.fn('find', (m: any, k: any) => (contains(m, k) ? List([k, get(m, k)]) : null), [2]);
  lib.fn('keys', (m: any) => { if (m !== null && !IMap.isMap(m)) fail('type-mismatch', `keys expects a map, got ${typeName(m)}`); return m && m.size ? Stack((m as IMap<any, any>).keySeq().toArray()) : null; }, [1]);
  lib.fn('vals', (m: any) => { if (m !== null && !IMap.isMap(m)) fail('type-mismatch', `vals expects a map, got ${typeName(m)}`); return m && m.size ? Stack((m as IMap<any, any>).valueSeq().toArray()) : null; }, [1]);
  lib.fn('key', (e: any) => nth(e, 0), [1]);
  lib.fn('val', (e: any) => nth(e, 1), [1]);
  lib.variadic('merge', (ms) => {
    const live = ms.filter((m) => m !== null && m !== undefined);
    if (!live.length) return null;
    return live.slice(1).reduce((a, b) => conj(a, b), live[0]);
  }, [], 0);
  lib.fn('select-keys', (m: any, ks: any) => { let r = IMap<any, any>(); for (const k of iterate(ks)) if (contains(m, k)) r = r.set(k, get(m, k)); return r; }, [2]);
  lib.fn('zipmap', (ks: any, vs: any) => {
    const m = IMap<any, any>().asMutable();
    let a = seq(ks), b = seq(vs);
    while (a && b) { m.set(a.first(), b.first()); a = a.next(); b = b.next(); }
    return m.asImmutable();
  }, [2]);
  lib.fn('into', (to: any, from?: any) => (from === undefined ? to : into(to, from)), [1, 2]);
  lib.fn('empty', (x: any) => (List.isList(x) ? List() : Stack.isStack(x) || isSeqObject(x) ? Stack() : IMap.isMap(x) ? IMap() : ISet.isSet(x) ? ISet() : typeof x === 'string' ? '' : null), [1]);
  lib.fn('empty?', (x: any) => { seqable('empty?', x); return seq(x) === null; }, [1]);
  lib.fn('not-empty', (x: any) => (seq(x) === null ? null : x), [1]);
  lib.fn('subvec', (v: any, start: number, end?: number) => {
    const e = end ?? v.size;
    if (start < 0 || e > v.size || start > e) fail('index-out-of-bounds', `subvec ${start}..${e} is out of bounds for a vector of ${v.size}`);
    return (v as List<any>).slice(start, e);
  }, [2, 3]);
  lib.fn('reverse', (x: any) => Stack(toArray(x).slice().reverse()), [1]);
  lib.variadic('concat', (colls) => concatLazy(colls), [], 0);
  lib.fn('take', (n: number, coll: any) => takeLazy(n, coll), [2]);
  lib.fn('drop', (n: number, coll: any) => dropLazy(n, coll), [2]);
  lib.fn('take-last', (n: number, coll: any) => { const a = toArray(coll); return n > 0 && a.length ? Stack(a.slice(Math.max(0, a.length - n))) : null; }, [2]);
  lib.fn('drop-last', (n: any, coll?: any) => { if (coll === undefined) { coll = n; n = 1; } const a = toArray(coll); return Stack(a.slice(0, Math.max(0, a.length - n))); }, [1, 2]);
  lib.fn('take-nth', (n: number, coll: any) => markInfinite(lazyFromIterable(function* () { let i = 0; for (const x of iterate(coll)) { if (i++ % n === 0) yield x; } }), isInfinite(coll)), [2]);
  lib.fn('split-at', (n: number, coll: any) => { const a = toArray(coll); return List([Stack(a.slice(0, n)), Stack(a.slice(n))]); }, [2]);
  lib.fn('range', range, [0, 1, 2, 3]);
  lib.fn('repeat', (n: any, x?: any) => (x === undefined
    ? markInfinite(lazyFromIterable(function* () { for (;;) yield n; }), true)
    // Small counts are built at once; a large one is lazy, as in Clojure, so
    // (apply str (repeat 600000000 "x")) meets the element limit instead of
    // allocating 600 million cells first.
    : n <= 1024 ? Stack(Array.from({ length: Math.max(0, n) }, () => x))
      : repeatChunks(n, x)), [1, 2]);
  lib.fn('cycle', (coll: any) => {
    const items = toArray(coll);
    if (!items.length) return Stack();
    return markInfinite(lazyFromIterable(function* () { for (;;) yield* items; }), true);
  }, [1]);
  lib.fn('distinct', (coll: any) => markInfinite(lazyFromIterable(function* () {
    let seen = ISet<any>();
    for (const x of iterate(coll)) if (!seen.has(x)) { seen = seen.add(x); yield x; }
  }), isInfinite(coll)), [1]);
  lib.fn('dedupe', (coll: any) => {
    const out: any[] = [];
    for (const x of iterate(coll)) if (!out.length || !equals(out[out.length - 1], x)) out.push(x);
    return Stack(out);
  }, [1]);
  lib.fn('frequencies', (coll: any) => {
    const m = IMap<any, any>().asMutable();
    for (const x of iterate(coll)) m.set(x, (m.get(x) ?? 0) + 1);
    return m.asImmutable();
  }, [1]);
  lib.fn('interleave', (...colls: any[]) => lazyFromIterable(function* () {
    if (colls.length === 0) return;
    const ss = colls.map((c) => seq(c));
    for (;;) {
      if (ss.some((s) => s === null)) return;
      for (let i = 0; i < ss.length; i++) { yield ss[i]!.first(); ss[i] = ss[i]!.next(); }
    }
  }), [], 0);
  lib.fn('interpose', (sep: any, coll: any) => markInfinite(lazyFromIterable(function* () {
    let firstItem = true;
    for (const x of iterate(coll)) { if (!firstItem) yield sep; firstItem = false; yield x; }
  }), isInfinite(coll)), [2]);
  lib.fn('partition', (n: number, ...args: any[]) => {
    const coll = args[args.length - 1];
    const step = args.length >= 2 ? args[0] : n;
    const pad = args.length === 3 ? toArray(args[1]) : null;
    return lazyFromIterable(function* () {
      let s: ISeq | null = seq(coll);
      while (s) {
        const chunk: any[] = [];
        let t: ISeq | null = s;
        while (t && chunk.length < n) { chunk.push(t.first()); t = t.next(); }
        if (chunk.length < n) {
          if (!pad) return;
          chunk.push(...pad.slice(0, n - chunk.length));
          yield Stack(chunk);
          return;
        }
        yield Stack(chunk);
        for (let i = 0; i < step && s; i++) s = s.next();
      }
    });
  }, [2, 3, 4]);
  lib.fn('partition-all', (n: number, ...args: any[]) => {
    const coll = args[args.length - 1];
    const step = args.length === 2 ? args[0] : n;
    return lazyFromIterable(function* () {
      let s: ISeq | null = seq(coll);
      while (s) {
        const chunk: any[] = [];
        let t: ISeq | null = s;
        while (t && chunk.length < n) { chunk.push(t.first()); t = t.next(); }
        yield Stack(chunk);
        for (let i = 0; i < step && s; i++) s = s.next();
      }
    });
  }, [2, 3]);
  lib.fn('flatten', (coll: any) => {
    const out: any[] = [];
    const walk = (x: any) => { if (List.isList(x) || Stack.isStack(x) || isSeqObject(x)) for (const y of iterate(x)) walk(y); else out.push(x); };
    walk(coll);
    return Stack(out);
  }, [1]);
  lib.fn('shuffle', (coll: any) => { const a = toArray(coll).slice(); for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; } return List(a); }, [1]);
  // (doall coll) / (dorun coll) realise everything; with n, the first n items.
  const realise = (name: string, args: any[]): any => {
    const [n, x] = args.length === 2 ? args : [Infinity, args[0]];
    if (n === Infinity && isInfinite(x)) fail('illegal-argument', `${name} of an infinite sequence`, null, `use (${name} n coll) to realise a prefix`);
    let s = seq(x);
    for (let i = 0; s && i < n; i++) {
      // doall holds what it realises; past the limit the heap would run out.
      if (i === MAX_ELEMENTS && name === 'doall') tooManyElements('(doall coll)');
      s = s.next();
    }
    return x;
  };
  lib.fn('doall', (...args: any[]) => realise('doall', args), [1, 2]);
  lib.fn('dorun', (...args: any[]) => { realise('dorun', args); return null; }, [1, 2]);
  lib.fn('realized?', (x: any) => !(x instanceof LazySeq), [1]);
  lib.fn('seq?', (x: any) => Stack.isStack(x) || isSeqObject(x), [1]);
  lib.fn('seqable?', (x: any) => isSeqable(x), [1]);
  lib.fn('sequential?', (x: any) => List.isList(x) || Stack.isStack(x) || isSeqObject(x), [1]);
  lib.fn('coll?', (x: any) => List.isList(x) || Stack.isStack(x) || IMap.isMap(x) || ISet.isSet(x) || isSeqObject(x), [1]);
  lib.fn('list?', (x: any) => Stack.isStack(x), [1]);
  lib.fn('vector?', (x: any) => List.isList(x), [1]);
  lib.fn('map?', (x: any) => IMap.isMap(x), [1]);
  lib.fn('set?', (x: any) => ISet.isSet(x), [1]);
  lib.fn('associative?', (x: any) => IMap.isMap(x) || List.isList(x), [1]);
  lib.fn('counted?', (x: any) => List.isList(x) || Stack.isStack(x) || IMap.isMap(x) || ISet.isSet(x), [1]);
  lib.fn('map-entry?', (x: any) => List.isList(x) && x.size === 2, [1]);
  lib.fn('destructure-map', (x: any) => {
    if (x === null || x === undefined || IMap.isMap(x)) return x;
    if (Stack.isStack(x) || isSeqObject(x)) { const a = toArray(x); const m = IMap<any, any>().asMutable(); for (let i = 0; i + 1 < a.length; i += 2) m.set(a[i], a[i + 1]); return m.asImmutable(); }
    return x;
  }, [1]);
  lib.fn('-match-sequential', (x: any, n: number, rest: boolean) => {
    if (!(List.isList(x) || Stack.isStack(x) || isSeqObject(x))) return false;
    if (isInfinite(x)) return rest;
    const c = count(x);
    return rest ? c >= n : c === n;
  }, [3]);
}

export function comparatorResult(r: any): number {
  if (typeof r === 'number') return r;
  if (r === true) return -1;
  if (r === false || r === null) return 0;
  return Number(r);
}
