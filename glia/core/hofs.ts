// Higher-order builtins. Each is one generator: with pure function
// arguments it never yields (and sequence functions stay lazy); with a
// resumable function argument it calls it through the driver, eagerly, so
// the effects happen in the handler context of the call.
import { List, Stack, Map as IMap } from 'immutable';
import { Library, call, fastPath, APPLY_ARRAY } from './define.js';
import { GEN, FN_INFO, type GliaFn } from '../values/fn.js';
import { seq, iterate, toArray, lazyFromIterable, LazySeq, lazyChunks, chunkSource, forEachItem, type ISeq } from '../values/seq.js';
import { fail } from '../values/errors.js';
import { prStr } from '../values/printer.js';
import { rt } from '../eval/rt.js';
import { CONTINUATION } from '../eval/driver.js';
import { ResumeOp } from '../eval/ops.js';
import { isInfinite, markInfinite, assoc, sortValues } from './colls.js';
import { get } from './lookup.js';
import { compare } from './compare.js';
import { Atom, SWAP_IN_PLACE, IN_PLACE_ASSOC, IN_PLACE_DISSOC, IN_PLACE_CONJ } from '../values/atom.js';
import { typeName } from './type.js';
import { equals } from '../values/equality.js';

const resumable = (f: any): boolean => typeof f === 'function' && !!f[GEN];
const plain = (f: any): ((...a: any[]) => any) => rt.fnOf(f);

function noInfinite(name: string, coll: any): void {
  if (isInfinite(coll)) {
    fail('illegal-argument', `${name} over an infinite sequence would never end`, null, 'take a finite part first: (take n xs)');
  }
}

/** Builds a function value: plain when every part is pure, resumable otherwise. */
export function makeFn(name: string, parts: any[], gen: (...a: any[]) => Generator<any, any, any>, pureImpl: (...a: any[]) => any): GliaFn {
  const f: any = parts.some(resumable) ? rt.mkgen(gen, { name, arities: [], variadic: 0 }) : pureImpl;
  f[FN_INFO] = { name, arities: [], variadic: 0 };
  return f;
}

function boolComparator(f: any) {
  return function* (a: any, b: any): Generator<any, number, any> {
    const r = yield* call(f, a, b);
    if (typeof r === 'number') return r;
    if (r !== null && r !== false) return -1;
    const back = yield* call(f, b, a);
    return back !== null && back !== false ? 1 : 0;
  };
}

function* mergeSortG(xs: any[], cmp: (a: any, b: any) => Generator<any, number, any>): Generator<any, any[], any> {
  if (xs.length <= 1) return xs;
  const mid = xs.length >> 1;
  const a = yield* mergeSortG(xs.slice(0, mid), cmp);
  const b = yield* mergeSortG(xs.slice(mid), cmp);
  const out: any[] = [];
  let i = 0, j = 0;
  while (i < a.length && j < b.length) out.push((yield* cmp(b[j], a[i])) < 0 ? b[j++] : a[i++]);
  return out.concat(a.slice(i), b.slice(j));
}

export function defineHofs(lib: Library): void {
  lib.hof('map', function* (f: any, ...colls: any[]) {
    if (colls.length === 0) fail('arity-mismatch', 'map needs a function and at least one collection');
    if (!resumable(f) || colls.every(isInfinite)) {
      const g = plain(f);
      if (colls.length === 1) {
        const pull = chunkSource(colls[0]);
        const step = (c: any[]): any[] => {
          const out = new Array(c.length);
          for (let i = 0; i < c.length; i++) out[i] = g(c[i]);
          return out;
        };
        return fusable(lazyChunks(() => { const c = pull(); return c === null ? null : step(c); }, isInfinite(colls[0])), colls[0], step);
      }
      return markInfinite(lazyFromIterable(function* () {
        const ss: Array<ISeq | null> = colls.map((c) => seq(c));
        while (allLive(ss)) {
          yield g(...ss.map((s) => s!.first()));
          for (let i = 0; i < ss.length; i++) ss[i] = ss[i]!.next();
        }
      }), colls.every(isInfinite));
    }
    const out: any[] = [];
    const ss: Array<ISeq | null> = colls.map((c) => seq(c));
    while (allLive(ss)) {
      out.push(yield* call(f, ...ss.map((s) => s!.first())));
      for (let i = 0; i < ss.length; i++) ss[i] = ss[i]!.next();
    }
    return Stack(out);
  }, [0], [], 2);

  lib.hof('mapv', function* (f: any, ...colls: any[]) {
    const out: any[] = [];
    const ss: Array<ISeq | null> = colls.map((c) => seq(c));
    if (colls.every(isInfinite)) noInfinite('mapv', colls[0]);
    while (allLive(ss)) {
      out.push(yield* call(f, ...ss.map((s) => s!.first())));
      for (let i = 0; i < ss.length; i++) ss[i] = ss[i]!.next();
    }
    return List(out);
  }, [0], [], 2);

  const filterG = (name: string, keep: boolean) => function* (pred: any, coll: any): Generator<any, any, any> {
    if (!resumable(pred) || isInfinite(coll)) {
      const p = plain(pred);
      const pull = chunkSource(coll);
      const step = (c: any[]): any[] => {
        const out: any[] = [];
        for (let i = 0; i < c.length; i++) { const r = p(c[i]); if ((r !== null && r !== false && r !== undefined) === keep) out.push(c[i]); }
        return out;
      };
      return fusable(lazyChunks(() => { const c = pull(); return c === null ? null : step(c); }, isInfinite(coll)), coll, step);
    }
    const out: any[] = [];
    for (const x of iterate(coll)) if (rt.truthy(yield* call(pred, x)) === keep) out.push(x);
    return Stack(out);
  };
  lib.hof('filter', filterG('filter', true), [0], [2]);
  lib.hof('remove', filterG('remove', false), [0], [2]);
  lib.hof('filterv', function* (pred: any, coll: any) {
    const out: any[] = [];
    for (const x of iterate(coll)) if (rt.truthy(yield* call(pred, x))) out.push(x);
    return List(out);
  }, [0], [2]);
  lib.hof('keep', function* (f: any, coll: any) {
    if (!resumable(f) || isInfinite(coll)) {
      const g = plain(f);
      return markInfinite(lazyFromIterable(function* () { for (const x of iterate(coll)) { const v = g(x); if (v !== null && v !== undefined) yield v; } }), isInfinite(coll));
    }
    const out: any[] = [];
    for (const x of iterate(coll)) { const v = yield* call(f, x); if (v !== null) out.push(v); }
    return Stack(out);
  }, [0], [2]);
  lib.hof('keep-indexed', function* (f: any, coll: any) {
    const out: any[] = []; let i = 0;
    for (const x of iterate(coll)) { const v = yield* call(f, i++, x); if (v !== null) out.push(v); }
    return Stack(out);
  }, [0], [2]);
  lib.hof('map-indexed', function* (f: any, coll: any) {
    if (!resumable(f) || isInfinite(coll)) {
      const g = plain(f);
      return markInfinite(lazyFromIterable(function* () { let i = 0; for (const x of iterate(coll)) yield g(i++, x); }), isInfinite(coll));
    }
    const out: any[] = []; let i = 0;
    for (const x of iterate(coll)) out.push(yield* call(f, i++, x));
    return Stack(out);
  }, [0], [2]);
  lib.hof('mapcat', function* (f: any, ...colls: any[]) {
    if (!resumable(f)) {
      const g = plain(f);
      return lazyFromIterable(function* () {
        const ss: Array<ISeq | null> = colls.map((c) => seq(c));
        while (allLive(ss)) {
          yield* iterate(g(...ss.map((s) => s!.first())));
          for (let i = 0; i < ss.length; i++) ss[i] = ss[i]!.next();
        }
      });
    }
    const out: any[] = [];
    const ss: Array<ISeq | null> = colls.map((c) => seq(c));
    while (allLive(ss)) {
      out.push(...iterate(yield* call(f, ...ss.map((s) => s!.first()))));
      for (let i = 0; i < ss.length; i++) ss[i] = ss[i]!.next();
    }
    return Stack(out);
  }, [0], [], 2);

  lib.hof('reduce', function* (f: any, ...args: any[]) {
    if (args.length !== 1 && args.length !== 2) return fail('arity-mismatch', `reduce expects 2 or 3 arguments, got ${args.length + 1}`);
    if (!resumable(f)) {
      // Items straight from the chunks (fused through map/filter stages when
      // the collection is such a pipeline, values/fuse.ts).
      const g = plain(f);
      let acc: any = args.length === 2 ? args[0] : NO_ITEM;
      forEachItem(args.length === 2 ? args[1] : args[0], (x) => {
        if (acc === NO_ITEM) { acc = x; return true; }
        acc = g(acc, x);
        if (acc instanceof Reduced) { acc = acc.value; return false; }
        return true;
      });
      return acc === NO_ITEM ? g() : acc;
    }
    let acc: any, s: ISeq | null;
    if (args.length === 1) {
      s = seq(args[0]);
      if (!s) return yield* call(f);
      acc = s.first(); s = s.next();
    } else { acc = args[0]; s = seq(args[1]); }
    while (s) { acc = yield* call(f, acc, s.first()); if (acc instanceof Reduced) return acc.value; s = s.next(); }
    return acc;
  }, [0], [2, 3]);
  lib.fn('reduced', (x: any) => new Reduced(x), [1]);
  lib.fn('reduced?', (x: any) => x instanceof Reduced, [1]);
  lib.hof('reduce-kv', function* (f: any, init: any, m: any) {
    let acc = init;
    if (m === null) return acc;
    if (List.isList(m)) { let i = 0; for (const v of m as List<any>) acc = yield* call(f, acc, i++, v); return acc; }
    for (const [k, v] of m as IMap<any, any>) { acc = yield* call(f, acc, k, v); if (acc instanceof Reduced) return acc.value; }
    return acc;
  }, [0], [3]);

  lib.hof('some', function* (pred: any, coll: any) {
    for (const x of iterate(coll)) { const v = yield* call(pred, x); if (rt.truthy(v)) return v; }
    return null;
  }, [0], [2]);
  lib.hof('every?', function* (pred: any, coll: any) {
    for (const x of iterate(coll)) if (!rt.truthy(yield* call(pred, x))) return false;
    return true;
  }, [0], [2]);
  lib.hof('not-every?', function* (pred: any, coll: any) {
    for (const x of iterate(coll)) if (!rt.truthy(yield* call(pred, x))) return true;
    return false;
  }, [0], [2]);
  lib.hof('not-any?', function* (pred: any, coll: any) {
    for (const x of iterate(coll)) if (rt.truthy(yield* call(pred, x))) return false;
    return true;
  }, [0], [2]);
  lib.hof('take-while', function* (pred: any, coll: any) {
    if (!resumable(pred) || isInfinite(coll)) {
      const p = plain(pred);
      return lazyFromIterable(function* () { for (const x of iterate(coll)) { if (!rt.truthy(p(x))) return; yield x; } });
    }
    const out: any[] = [];
    for (const x of iterate(coll)) { if (!rt.truthy(yield* call(pred, x))) break; out.push(x); }
    return Stack(out);
  }, [0], [2]);
  lib.hof('drop-while', function* (pred: any, coll: any) {
    if (!resumable(pred) || isInfinite(coll)) {
      const p = plain(pred);
      return markInfinite(new LazySeq(() => { let s = seq(coll); while (s && rt.truthy(p(s.first()))) s = s.next(); return s; }), isInfinite(coll));
    }
    let s = seq(coll);
    while (s && rt.truthy(yield* call(pred, s.first()))) s = s.next();
    return s;
  }, [0], [2]);
  lib.hof('split-with', function* (pred: any, coll: any) {
    const a = toArray(coll);
    let i = 0;
    while (i < a.length && rt.truthy(yield* call(pred, a[i]))) i++;
    return List([Stack(a.slice(0, i)), Stack(a.slice(i))]);
  }, [0], [2]);
  lib.hof('iterate', function* (f: any, x: any) {
    // Always lazy: a resumable f runs on a fallback driver as elements are realised.
    const g = plain(f);
    return markInfinite(lazyFromIterable(function* () { let v = x; for (;;) { yield v; v = g(v); } }), true);
  }, [0], [2]);
  lib.hof('repeatedly', function* (...args: any[]) {
    const [n, f] = args.length === 1 ? [Infinity, args[0]] : args;
    if (!resumable(f) || n === Infinity) {
      const g = plain(f);
      return markInfinite(lazyFromIterable(function* () { for (let i = 0; i < n; i++) yield g(); }), n === Infinity);
    }
    const out: any[] = [];
    for (let i = 0; i < n; i++) out.push(yield* call(f));
    return Stack(out);
  }, 'all', [1, 2]);
  lib.hof('group-by', function* (f: any, coll: any) {
    const m = IMap<any, any>().asMutable();
    for (const x of iterate(coll)) { const k = yield* call(f, x); m.set(k, (m.get(k) ?? List()).push(x)); }
    return m.asImmutable();
  }, [0], [2]);
  lib.hof('partition-by', function* (f: any, coll: any) {
    const out: any[] = [];
    let cur: any[] = [], last: any = undefined;
    for (const x of iterate(coll)) {
      const k = yield* call(f, x);
      if (cur.length && !equals(k, last)) { out.push(Stack(cur)); cur = []; }
      cur.push(x); last = k;
    }
    if (cur.length) out.push(Stack(cur));
    return Stack(out);
  }, [0], [2]);
  lib.hof('sort-by', function* (keyfn: any, ...args: any[]) {
    const [cmpFn, coll] = args.length === 2 ? args : [null, args[0]];
    const items = toArray(coll);
    const keyed: Array<[any, any]> = [];
    for (const x of items) keyed.push([yield* call(keyfn, x), x]);
    if (cmpFn === null) return Stack(keyed.sort((a, b) => compare(a[0], b[0])).map((p) => p[1]));
    const c = boolComparator(cmpFn);
    const sorted = yield* mergeSortG(keyed, function* (a: any, b: any) { return yield* c(a[0], b[0]); });
    return Stack(sorted.map((p: any) => p[1]));
  }, 'all', [2, 3]);
  lib.hof('sort', function* (...args: any[]) {
    if (args.length === 1) return Stack(sortValues(toArray(args[0])));
    const [cmpFn, coll] = args;
    return Stack(yield* mergeSortG(toArray(coll), boolComparator(cmpFn)));
  }, [0], [1, 2]);
  lib.hof('max-key', function* (f: any, ...xs: any[]) {
    let best = xs[0], bk = yield* call(f, best);
    for (const x of xs.slice(1)) { const k = yield* call(f, x); if (k >= bk) { best = x; bk = k; } }
    return best;
  }, [0], [], 2);
  lib.hof('min-key', function* (f: any, ...xs: any[]) {
    let best = xs[0], bk = yield* call(f, best);
    for (const x of xs.slice(1)) { const k = yield* call(f, x); if (k <= bk) { best = x; bk = k; } }
    return best;
  }, [0], [], 2);
  lib.hof('run!', function* (f: any, coll: any) {
    noInfinite('run!', coll);
    for (const x of iterate(coll)) yield* call(f, x);
    return null;
  }, [0], [2]);
  lib.hof('apply', function* (f: any, ...args: any[]) {
    if (args.length === 0) return yield* call(f);
    const last = args.pop();
    if (isInfinite(last)) fail('illegal-argument', 'apply over an infinite sequence');
    const all = args.concat(toArray(last));
    // The variadic core functions take the array itself: no JS argument limit.
    if (typeof f === 'function' && f[APPLY_ARRAY]) return f[APPLY_ARRAY](all);
    return yield* call(f, ...all);
  }, [0], [], 1);
  lib.hof('update', function* (m: any, k: any, f: any, ...more: any[]) {
    return assoc(m, k, yield* call(f, get(m, k), ...more));
  }, [2], [], 3);
  fastPath(lib.entries.get('update')!, (m: any, k: any, f: any, ...more: any[]) => assoc(m, k, plain(f)(get(m, k), ...more)));
  lib.hof('update-in', function* (m: any, path: any, f: any, ...more: any[]) {
    const ks = toArray(path);
    const up = function* (cur: any, i: number): Generator<any, any, any> {
      if (i === ks.length - 1) return assoc(cur, ks[i], yield* call(f, get(cur, ks[i]), ...more));
      return assoc(cur, ks[i], yield* up(get(cur, ks[i]), i + 1));
    };
    return ks.length ? yield* up(m, 0) : m;
  }, [2], [], 3);
  lib.hof('merge-with', function* (f: any, ...ms: any[]) {
    const live = ms.filter((m) => m !== null);
    if (!live.length) return null;
    let acc = live[0] as IMap<any, any>;
    for (const m of live.slice(1)) {
      for (const [k, v] of m as IMap<any, any>) acc = acc.has(k) ? acc.set(k, yield* call(f, acc.get(k), v)) : acc.set(k, v);
    }
    return acc;
  }, [0], [], 1);
  const assocBuiltin = lib.entries.get('assoc');
  lib.hof('swap!', function* (a: any, f: any, ...args: any[]) {
    if (!(a instanceof Atom)) fail('type-mismatch', `swap! expects an atom, got ${typeName(a)}`);
    const v = yield* call(f, a.value, ...args);
    a.value = v;
    return v;
  }, [1], [], 2);
  fastPath(lib.entries.get('swap!')!, function (a: any, f: any, x?: any, y?: any) {
    if (!(a instanceof Atom)) fail('type-mismatch', `swap! expects an atom, got ${typeName(a)}`);
    // (swap! a assoc k v) on a map, the commonest update, straight to the
    // map's set: the same result as calling the assoc builtin, without its
    // argument checks and rest array.
    if (f === assocBuiltin && arguments.length === 4 && IMap.isMap(a.value)) return (a.value = (a.value as IMap<any, any>).set(x, y));
    const g = plain(f);
    // The common shapes without building an argument array.
    switch (arguments.length) {
      case 2: return (a.value = g(a.value));
      case 3: return (a.value = g(a.value, x));
      case 4: return (a.value = g(a.value, x, y));
      // eslint-disable-next-line prefer-rest-params
      case 5: return (a.value = g(a.value, x, y, arguments[4]));
      // eslint-disable-next-line prefer-rest-params
      case 6: return (a.value = g(a.value, x, y, arguments[4], arguments[5]));
      // eslint-disable-next-line prefer-rest-params
      default: return (a.value = g(a.value, ...Array.prototype.slice.call(arguments, 2)));
    }
  });
  // (swap! a assoc k v), (swap! a dissoc k), (swap! a conj x) in statement
  // position (glia/emit/js.ts): done in the atom's own transient when these
  // are still the core functions.
  const dissocBuiltin = lib.entries.get('dissoc');
  const conjBuiltin = lib.entries.get('conj');
  (lib.entries.get('swap!') as any)[SWAP_IN_PLACE] = (a: any, f: any, n: number, x: any, y: any): boolean =>
    a instanceof Atom && (
      f === assocBuiltin ? n === 2 && a.inPlace(IN_PLACE_ASSOC, x, y)
        : f === dissocBuiltin ? n === 1 && a.inPlace(IN_PLACE_DISSOC, x, null)
          : f === conjBuiltin && n === 1 && a.inPlace(IN_PLACE_CONJ, x, null));
  lib.hof('swap-vals!', function* (a: any, f: any, ...args: any[]) {
    const old = a.value;
    a.value = yield* call(f, a.value, ...args);
    return List([old, a.value]);
  }, [1], [], 2);

  lib.hof('comp', function* (...fs: any[]) {
    if (fs.length === 0) return lib.entries.get('identity');
    const rev = fs.slice().reverse();
    return makeFn('comp', fs, function* (...args: any[]) {
      let v = yield* call(rev[0], ...args);
      for (const f of rev.slice(1)) v = yield* call(f, v);
      return v;
    }, (...args: any[]) => { let v = plain(rev[0])(...args); for (const f of rev.slice(1)) v = plain(f)(v); return v; });
  }, 'all', [], 0);
  lib.hof('partial', function* (f: any, ...bound: any[]) {
    return makeFn('partial', [f], function* (...args: any[]) { return yield* call(f, ...bound, ...args); },
      (...args: any[]) => plain(f)(...bound, ...args));
  }, [0], [], 1);
  lib.hof('complement', function* (f: any) {
    return makeFn('complement', [f], function* (...args: any[]) { return !rt.truthy(yield* call(f, ...args)); },
      (...args: any[]) => !rt.truthy(plain(f)(...args)));
  }, [0], [1]);
  lib.hof('juxt', function* (...fs: any[]) {
    return makeFn('juxt', fs, function* (...args: any[]) { const out: any[] = []; for (const f of fs) out.push(yield* call(f, ...args)); return List(out); },
      (...args: any[]) => List(fs.map((f) => plain(f)(...args))));
  }, 'all', [], 1);
  lib.hof('fnil', function* (f: any, ...defaults: any[]) {
    const fill = (args: any[]) => args.map((a, i) => (a === null && i < defaults.length ? defaults[i] : a));
    return makeFn('fnil', [f], function* (...args: any[]) { return yield* call(f, ...fill(args)); },
      (...args: any[]) => plain(f)(...fill(args)));
  }, [0], [], 2);
  lib.hof('every-pred', function* (...ps: any[]) {
    return makeFn('every-pred', ps, function* (...args: any[]) {
      for (const p of ps) for (const a of args) if (!rt.truthy(yield* call(p, a))) return false;
      return true;
    }, (...args: any[]) => ps.every((p) => args.every((a) => rt.truthy(plain(p)(a)))));
  }, 'all', [], 1);
  lib.hof('some-fn', function* (...ps: any[]) {
    return makeFn('some-fn', ps, function* (...args: any[]) {
      for (const p of ps) for (const a of args) { const v = yield* call(p, a); if (rt.truthy(v)) return v; }
      return null;
    }, (...args: any[]) => { for (const p of ps) for (const a of args) { const v = plain(p)(a); if (rt.truthy(v)) return v; } return null; });
  }, 'all', [], 1);
  lib.hof('memoize', function* (f: any) {
    let cache = IMap<any, any>();
    return makeFn('memoize', [f], function* (...args: any[]) {
      const k = List(args);
      if (cache.has(k)) return cache.get(k);
      const v = yield* call(f, ...args); cache = cache.set(k, v); return v;
    }, (...args: any[]) => {
      const k = List(args);
      if (cache.has(k)) return cache.get(k);
      const v = plain(f)(...args); cache = cache.set(k, v); return v;
    });
  }, [0], [1]);
  lib.hof('trampoline', function* (f: any, ...args: any[]) {
    let v = yield* call(f, ...args);
    while (typeof v === 'function') v = yield* call(v);
    return v;
  }, [0], [], 1);
  lib.fn('identity', (x: any) => x, [1]);

  // match with effect clauses (see Analyzer.matchWithEffects): the subject's
  // value and an effect clause's result are told apart by a private tag.
  lib.fn('-match-value', (v: any) => new MatchTag(false, v), [1]);
  lib.fn('-match-done', (v: any) => new MatchTag(true, v), [1]);
  lib.hof('-match-unwrap', function* (r: any, valueFn: any) {
    if (!(r instanceof MatchTag)) return r;
    return r.done ? r.value : yield* call(valueFn, r.value);
  }, [1], [2]);

  // for and doseq: each binding level maps its body over the sequence and
  // concatenates the results; a :while that fails returns FOR_STOP, which
  // ends that level.
  lib.fn('-for-stop', () => FOR_STOP, [0]);
  const discontinueOp = (k: any, err: any): ResumeOp => {
    const cont = typeof k === 'function' ? k[CONTINUATION] : undefined;
    if (!cont) fail('type-mismatch', `discontinue expects a handler's resume function, got ${prStr(k)}`);
    return new ResumeOp(cont, err, true);
  };
  const discontinue: any = lib.effectful('discontinue', function* (k: any, err: any) {
    return yield discontinueOp(k, err);
  }, [2], null, 'Resumes a continuation by throwing err at its perform site (OCaml\'s discontinue).');
  // Like a continuation, its resumable form is the op itself: discontinuing
  // takes no frame, so a handler that discontinues in tail position runs in
  // constant space too.
  discontinue[GEN] = (...args: any[]) => {
    if (args.length !== 2) fail('arity-mismatch', `discontinue expects 2 arguments, got ${args.length}`, { name: 'discontinue', got: args.length });
    return discontinueOp(args[0], args[1]);
  };
  lib.hof('-for-step', function* (coll: any, f: any) {
    if (!resumable(f)) {
      const g = plain(f);
      // Not marked infinite even over an infinite source: a :while may end it.
      return lazyFromIterable(function* () {
        for (const x of iterate(coll)) { const r = g(x); if (r === FOR_STOP) return; yield* iterate(r); }
      });
    }
    const out: any[] = [];
    for (const x of iterate(coll)) {
      const r = yield* call(f, x);
      if (r === FOR_STOP) break;
      for (const y of iterate(r)) out.push(y);
    }
    return Stack(out);
  }, [1], [2]);
  lib.fn('constantly', (x: any) => { const f = (..._: any[]) => x; (f as any)[FN_INFO] = { name: 'constantly', arities: [], variadic: 0 }; return f; }, [1]);
}

export class Reduced { constructor(readonly value: any) {} }
/** reduce without an initial value: no item seen yet. */
const NO_ITEM = Object.freeze({ noItem: true });

/** Records a chunked map/filter seq's input and step, so a reduce over it can run fused (values/fuse.ts). */
function fusable(s: LazySeq, from: any, step: (c: any[]) => any[]): LazySeq {
  s.fuseFrom = from;
  s.fuseStep = step;
  return s;
}
class MatchTag { constructor(readonly done: boolean, readonly value: any) {} }
const FOR_STOP = Object.freeze({ forStop: true });

function allLive(ss: Array<ISeq | null>): boolean {
  for (const s of ss) if (s === null) return false;
  return true;
}
