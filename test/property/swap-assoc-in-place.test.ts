// Property: a `(swap! a assoc k v)`, `(swap! a dissoc k)` or `(swap! a conj
// x)` whose result is discarded, which the compiler runs in place on the
// atom's own transient map or vector (Atom.inPlace, glia/emit/js.ts), is
// indistinguishable from the ordinary persistent function: every value read
// from the atom has the same items in the same iteration order, the same
// equality, hash, count and metadata, and no value once read ever changes
// afterwards. Keys cross Immutable's 8-entry array-map limit and the 16-
// and 32-way node limits (vectors cross the 32-item leaf), and include
// values that are equal but not identical (vectors), -0 and 0, NaN and
// bigints. The Glia-level property runs each program on both tiers against
// `(reset! a (f @a ...))`.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { List, Map as IMap, is } from 'immutable';
import { Atom, IN_PLACE_ASSOC, IN_PLACE_DISSOC, IN_PLACE_CONJ } from '../../glia/values/atom.js';
import { kw } from '../../glia/values/keyword.js';
import { metaOf, setMeta } from '../../glia/values/meta.js';
import { Session, type Tier } from '../../glia/eval/session.js';
import { prStr } from '../../glia/values/printer.js';
import { GliaError, errorType } from '../../glia/values/errors.js';
import { emitTopLevel } from '../../glia/emit/js.js';
import { Analyzer } from '../../glia/compile/analyzer.js';
import { read } from '../../glia/reader/read.js';

const key = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -5, max: 60 }) },
  { weight: 2, arbitrary: fc.constantFrom('a', 'b', 'k', 'x') },
  { weight: 2, arbitrary: fc.constantFrom(kw('a'), kw('b'), kw('n/c')) },
  // Equal but never identical: a fresh vector each time.
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }).map((i) => List([i, i])) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, Number.NaN, 5n, 1.5) },
);
const val = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(null, 'v'));

type Op =
  | { op: 'assoc'; k: unknown; v: unknown }
  | { op: 'dissoc'; k: unknown }
  | { op: 'conj'; v: unknown }
  | { op: 'deref' }
  | { op: 'reset'; to: 'empty' | 'meta' | 'vector' | 'meta-vector' | 'number' | 'nil' | 'current' };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ op: fc.constant('assoc' as const), k: key, v: val }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('dissoc' as const), k: key }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('conj' as const), v: val }) },
  { weight: 3, arbitrary: fc.constant({ op: 'deref' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reset' as const), to: fc.constantFrom('empty' as const, 'meta' as const, 'vector' as const, 'meta-vector' as const, 'number' as const, 'nil' as const, 'current' as const) }) },
);

const entries = (m: unknown): unknown[] =>
  IMap.isMap(m) ? [...(m as IMap<unknown, unknown>).entries()] : List.isList(m) ? [...(m as List<unknown>)] : [m];

describe('(swap! a assoc|dissoc|conj ...) in place, against the persistent functions', () => {
  it('gives the same maps, and never changes one already read (random operations)', () => {
    // size 'max': fast-check's default size keeps arrays to about ten items,
    // too few to cross the node limits.
    fc.assert(fc.property(fc.boolean(), fc.array(op, { maxLength: 160, size: 'max' }), (vector, ops) => {
      const a = new Atom(vector ? List() : IMap());
      let ref: unknown = vector ? List() : IMap();
      // Every map read, with its entries as they were when read.
      const seen: Array<{ m: unknown; at: unknown[][] }> = [];
      const check = () => {
        const m = a.value;
        expect(is(m, ref)).toBe(true);
        expect(entries(m)).toEqual(entries(ref));
        if (IMap.isMap(m) || List.isList(m)) {
          const c = m as IMap<unknown, unknown>, r = ref as IMap<unknown, unknown>;
          expect(c.size).toBe(r.size);
          expect(c.hashCode()).toBe(r.hashCode());
        }
        expect(metaOf(m)).toBe(metaOf(ref));
        seen.push({ m, at: entries(m) });
      };
      for (const o of ops) {
        if (o.op === 'assoc' || o.op === 'dissoc') {
          const done = o.op === 'assoc' ? a.inPlace(IN_PLACE_ASSOC, o.k, o.v) : a.inPlace(IN_PLACE_DISSOC, o.k, null);
          expect(done).toBe(IMap.isMap(ref));
          if (IMap.isMap(ref)) ref = o.op === 'assoc' ? (ref as IMap<unknown, unknown>).set(o.k, o.v) : (ref as IMap<unknown, unknown>).remove(o.k);
        } else if (o.op === 'conj') {
          expect(a.inPlace(IN_PLACE_CONJ, o.v, null)).toBe(List.isList(ref));
          if (List.isList(ref)) ref = (ref as List<unknown>).push(o.v);
        } else if (o.op === 'deref') {
          check();
        } else {
          const to = o.to === 'empty' ? IMap() : o.to === 'meta' ? setMeta(IMap([[1, 1], [kw('a'), 2]]), IMap([[kw('m'), 1]]))
            : o.to === 'vector' ? List() : o.to === 'meta-vector' ? setMeta(List([1, 2]), IMap([[kw('m'), 2]]))
              : o.to === 'number' ? 7 : o.to === 'nil' ? null : a.value;
          if (o.to === 'current') check();
          a.value = to;
          ref = to;
        }
      }
      check();
      for (const s of seen) expect(entries(s.m)).toEqual(s.at);
    }), { numRuns: 400 });
  });

  it('keeps a map (and its metadata) when the change changes nothing, as assoc and dissoc do', () => {
    const m = setMeta(IMap([[1, 'x']]), IMap([[kw('m'), 1]]));
    const a = new Atom(m);
    expect(a.inPlace(IN_PLACE_ASSOC, 1, 'x')).toBe(true);
    expect(a.inPlace(IN_PLACE_DISSOC, 2, null)).toBe(true);
    expect(a.value).toBe(m);
    expect(a.inPlace(IN_PLACE_ASSOC, 2, 'y')).toBe(true);
    expect(a.inPlace(IN_PLACE_ASSOC, 2, 'y')).toBe(true);
    const after = a.value;
    expect(metaOf(after)).toBe(null);
    expect(m.size).toBe(1);
    expect(entries(after)).toEqual([[1, 'x'], [2, 'y']]);
    // Emptied in place: the empty map, as dissoc gives.
    expect(a.inPlace(IN_PLACE_DISSOC, 1, null)).toBe(true);
    expect(a.inPlace(IN_PLACE_DISSOC, 2, null)).toBe(true);
    expect(a.value).toBe(IMap());
  });
});

describe('keys equal but not identical', () => {
  it('are stored as the persistent assoc stores them (the new key), past the array-map limit', () => {
    for (const [k1, k2] of [[List([1, 1]), List([1, 1])], [0, -0], [-0, 0]] as Array<[unknown, unknown]>) {
      const a = new Atom(IMap());
      let ref = IMap<unknown, unknown>();
      for (let i = 1; i <= 20; i++) { a.inPlace(IN_PLACE_ASSOC, i, i); ref = ref.set(i, i); }
      a.inPlace(IN_PLACE_ASSOC, k1, 'first'); ref = ref.set(k1, 'first');
      a.inPlace(IN_PLACE_ASSOC, 21, 21); ref = ref.set(21, 21);
      a.inPlace(IN_PLACE_ASSOC, k2, 'second'); ref = ref.set(k2, 'second');
      const got = [...(a.value as IMap<unknown, unknown>).keys()].find((k) => is(k, k1));
      const want = [...ref.keys()].find((k) => is(k, k1));
      expect(Object.is(got, want)).toBe(true);
      expect(Object.is(got, k2)).toBe(true);
    }
  });
});

// ---- Glia programs, both tiers ---------------------------------------------------

const sessions: Record<Tier, Session> = { auto: new Session(), resumable: new Session({ tier: 'resumable' }) };

async function run(s: Session, src: string): Promise<string> {
  try { return prStr(await s.evalString(src)); } catch (e) { return `error ${e instanceof GliaError ? prStr(errorType(e.value)) : String(e)}`; }
}

const gKey = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 40 }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom(':a', ':b', ':n/c', '"s"', '[1 1]', '-0', '0.5', '5N', '{:x 1}') },
);
const gVal = fc.oneof(fc.integer({ min: 0, max: 2 }).map(String), fc.constantFrom('[1 2]', '[:a 1]', '[[0 0] :v]'));
type GStep = string | { f: 'assoc'; k: string; v: string } | { f: 'dissoc'; k: string } | { f: 'conj'; v: string } | { read: true };
const gStep: fc.Arbitrary<GStep> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(gKey, fc.integer({ min: 0, max: 2 })).map(([k, v]) => ({ f: 'assoc' as const, k, v: String(v) })) },
  { weight: 3, arbitrary: gKey.map((k) => ({ f: 'dissoc' as const, k })) },
  // A pair conjoins onto a map and a vector alike; a number only onto a vector.
  { weight: 4, arbitrary: gVal.map((v) => ({ f: 'conj' as const, v })) },
  { weight: 2, arbitrary: fc.constant({ read: true as const }) },
  { weight: 1, arbitrary: fc.constantFrom('(reset! a {})', '(reset! a (with-meta {1 1} {:m 1}))', '(reset! a [])', '(reset! a (with-meta [0] {:m 1}))',
    '(reset! a (vec (range 30)))', '(reset! a 3)', '(reset! a nil)', '(swap! a dissoc 1 :a)', '(swap! a conj [7 7] [8 8])') },
);

/** The same operations twice: `(swap! a f ...)` as a statement, and the persistent form. */
function programs(init: string, steps: GStep[]): [string, string] {
  const body = (inPlace: boolean) => steps.map((s) => {
    if (typeof s === 'string') return s;
    if ('read' in s) return '(swap! seen conj (let [m @a] [m (count m) (hash m) (meta m) (seq m)]))';
    const args = s.f === 'assoc' ? `${s.k} ${s.v}` : s.f === 'dissoc' ? s.k : s.v;
    return inPlace ? `(swap! a ${s.f} ${args})` : `(reset! a (${s.f} @a ${args}))`;
  }).join('\n  ');
  const wrap = (b: string) => `(let [a (atom ${init}) seen (atom [])]\n  ${b}\n  (swap! seen conj @a)\n  [@seen (= @seen (deref seen))])`;
  return [wrap(body(true)), wrap(body(false))];
}

describe('(swap! a assoc|dissoc|conj ...) as a statement in Glia programs', () => {
  it('is compiled in place only where its value is discarded', () => {
    const s = new Session();
    const emitted = (src: string, tier: Tier = 'auto') => {
      const node = new Analyzer(s.registry, s.runMacro, '<t>').analyzeTop(read(src, '<t>').forms[0]);
      return emitTopLevel(node, { forceResumable: tier === 'resumable' }).source;
    };
    for (const tier of ['auto', 'resumable'] as const) {
      expect(emitted('(let [a (atom {})] (swap! a assoc 1 2) @a)', tier)).toContain('$swapInPlace(');
      expect(emitted('(let [a (atom {})] (loop [i 0] (when (< i 3) (swap! a assoc i i) (recur (inc i)))))', tier)).toContain('$swapInPlace(');
      // Its value is used: the ordinary call.
      expect(emitted('(let [a (atom {})] (swap! a assoc 1 2))', tier)).not.toContain('$swapInPlace(');
      expect(emitted('(let [a (atom {})] [(swap! a assoc 1 2)])', tier)).not.toContain('$swapInPlace(');
      // Another function, or more items: the ordinary call.
      expect(emitted('(let [a (atom [])] (swap! a conj 1) @a)', tier)).toContain('$swapInPlace(');
      expect(emitted('(let [a (atom {})] (swap! a dissoc 1) @a)', tier)).toContain('$swapInPlace(');
      expect(emitted('(let [a (atom {})] (swap! a update 1 inc) @a)', tier)).not.toContain('$swapInPlace(');
      expect(emitted('(let [a (atom [])] (swap! a conj 1 2) @a)', tier)).not.toContain('$swapInPlace(');
      expect(emitted('(let [a (atom {})] (swap! a dissoc 1 2) @a)', tier)).not.toContain('$swapInPlace(');
      expect(emitted('(let [a (atom {})] (swap! a assoc 1 2 3 4) @a)', tier)).not.toContain('$swapInPlace(');
    }
  });

  it('agrees with (reset! a (f @a ...)) on both tiers', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom('{}', '[]'), fc.array(gStep, { maxLength: 70, size: 'max' }), async (init, steps) => {
      const [inPlace, persistent] = programs(init, steps);
      const want = await run(sessions.auto, persistent);
      expect(await run(sessions.auto, inPlace), inPlace).toBe(want);
      expect(await run(sessions.resumable, inPlace), inPlace).toBe(want);
    }), { numRuns: 120 });
  });

  it('keeps working when swap! or assoc is not the core one, or the atom holds no map', async () => {
    const s = new Session();
    expect(await run(s, '(let [a (atom nil)] (swap! a assoc :x 1) @a)')).toBe('{:x 1}');
    expect(await run(s, '(let [a (atom [0])] (swap! a assoc 1 2) @a)')).toBe('[0 2]');
    expect(await run(s, '(let [a (atom 5)] (swap! a assoc 1 2) @a)')).toBe('error :glia.error/type-mismatch');
    expect(await run(s, '(let [a (atom nil)] (swap! a conj 1) (swap! a conj 2) @a)')).toBe('(2 1)');
    expect(await run(s, '(let [a (atom (list 1))] (swap! a conj 2) @a)')).toBe('(2 1)');
    expect(await run(s, '(let [a (atom #{1})] (swap! a conj 2) (swap! a conj 1) @a)')).toBe(await run(s, '#{1 2}'));
    expect(await run(s, '(let [a (atom {})] (swap! a conj [1 2]) (swap! a conj {3 4}) @a)')).toBe('{1 2, 3 4}');
    expect(await run(s, '(let [a (atom {})] (swap! a conj 1) @a)')).toBe('error :glia.error/illegal-argument');
    expect(await run(s, '(let [a (atom [1])] (swap! a dissoc 0) @a)')).toBe('error :glia.error/type-mismatch');
    expect(await run(s, '(let [a (atom nil)] (swap! a dissoc 0) @a)')).toBe('nil');
    expect(await run(s, '(let [a (atom [])] (dotimes [i 40] (swap! a conj i)) [(count @a) (nth @a 39) (reduce + @a)])')).toBe('[40 39 780]');
    expect(await run(s, '(let [a (atom {})] (swap! a assoc 1) @a)')).toBe('error :glia.error/arity-mismatch');
    // Five and six arguments (the fast path's own cases), and more.
    expect(await run(s, '(let [a (atom {:x {:y 1}})] [(swap! a update-in [:x :y] + 5) @a])')).toBe('[{:x {:y 6}} {:x {:y 6}}]');
    expect(await run(s, '(let [a (atom {})] [(swap! a assoc 1 2 3 4) @a])')).toBe('[{1 2, 3 4} {1 2, 3 4}]');
    expect(await run(s, '(let [a (atom {})] (swap! a assoc 1 2 3 4) @a)')).toBe('{1 2, 3 4}');
    expect(await run(s, '(let [a (atom 1)] [(swap! a + 2 3 4) (swap! a + 1 1 1 1) @a])')).toBe('[10 14 14]');
    expect(await run(s, '(do (defn assoc [m k v] (conj m [k (* 10 v)])) (let [a (atom {})] (swap! a assoc 1 2) @a))')).toBe('{1 20}');
    expect(await run(s, '(let [swap! (fn [a f k v] (reset! a :mine))] (let [a (atom {})] (swap! a assoc 1 2) @a))')).toBe(':mine');
  });
});
