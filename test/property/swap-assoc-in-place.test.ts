// Property: a `(swap! a assoc k v)` whose result is discarded, which the
// compiler runs in place on the atom's own transient map (Atom.assocInPlace,
// glia/emit/js.ts), is indistinguishable from the ordinary persistent assoc:
// every map read from the atom has the same entries in the same iteration
// order, the same equality, hash, count and metadata, and no map once read
// ever changes afterwards. Keys cross Immutable's 8-entry array-map limit
// and the 16- and 32-way node limits, and include values that are equal but
// not identical (vectors), -0 and 0, NaN and bigints. The Glia-level
// property runs each program on both tiers against `(reset! a (assoc @a k v))`.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { List, Map as IMap, is } from 'immutable';
import { Atom } from '../../glia/values/atom.js';
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
  | { op: 'deref' }
  | { op: 'reset'; to: 'empty' | 'meta' | 'number' | 'nil' | 'current' };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ op: fc.constant('assoc' as const), k: key, v: val }) },
  { weight: 3, arbitrary: fc.constant({ op: 'deref' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reset' as const), to: fc.constantFrom('empty' as const, 'meta' as const, 'number' as const, 'nil' as const, 'current' as const) }) },
);

const entries = (m: unknown): unknown[][] => (IMap.isMap(m) ? [...(m as IMap<unknown, unknown>).entries()] : [[m]]);

describe('(swap! a assoc k v) in place, against the persistent assoc', () => {
  it('gives the same maps, and never changes one already read (random operations)', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 160 }), (ops) => {
      const a = new Atom(IMap());
      let ref: unknown = IMap();
      // Every map read, with its entries as they were when read.
      const seen: Array<{ m: unknown; at: unknown[][] }> = [];
      const check = () => {
        const m = a.value;
        expect(is(m, ref)).toBe(true);
        expect(entries(m)).toEqual(entries(ref));
        if (IMap.isMap(m)) {
          expect((m as IMap<unknown, unknown>).size).toBe((ref as IMap<unknown, unknown>).size);
          expect((m as IMap<unknown, unknown>).hashCode()).toBe((ref as IMap<unknown, unknown>).hashCode());
        }
        expect(metaOf(m)).toBe(metaOf(ref));
        seen.push({ m, at: entries(m) });
      };
      for (const o of ops) {
        if (o.op === 'assoc') {
          const done = a.assocInPlace(o.k, o.v);
          expect(done).toBe(IMap.isMap(ref));
          if (IMap.isMap(ref)) ref = (ref as IMap<unknown, unknown>).set(o.k, o.v);
        } else if (o.op === 'deref') {
          check();
        } else {
          const to = o.to === 'empty' ? IMap() : o.to === 'meta' ? setMeta(IMap([[1, 1], [kw('a'), 2]]), IMap([[kw('m'), 1]]))
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

  it('keeps a map (and its metadata) when the assoc changes nothing, as assoc does', () => {
    const m = setMeta(IMap([[1, 'x']]), IMap([[kw('m'), 1]]));
    const a = new Atom(m);
    expect(a.assocInPlace(1, 'x')).toBe(true);
    expect(a.value).toBe(m);
    expect(a.assocInPlace(2, 'y')).toBe(true);
    expect(a.assocInPlace(2, 'y')).toBe(true);
    const after = a.value;
    expect(metaOf(after)).toBe(null);
    expect(m.size).toBe(1);
    expect(entries(after)).toEqual([[1, 'x'], [2, 'y']]);
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
const gStep = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(gKey, fc.integer({ min: 0, max: 2 })).map(([k, v]) => ({ assoc: [k, String(v)] as const })) },
  { weight: 2, arbitrary: fc.constant({ read: true }) },
  { weight: 1, arbitrary: fc.constantFrom('(reset! a {})', '(reset! a (with-meta {1 1} {:m 1}))', '(reset! a 3)', '(reset! a nil)', '(swap! a dissoc 1 :a)') },
);

/** The same operations twice: `(swap! a assoc k v)` as a statement, and the persistent form. */
function programs(steps: Array<string | { assoc: readonly [string, string] } | { read: boolean }>): [string, string] {
  const body = (assoc: (k: string, v: string) => string) => steps.map((s) =>
    typeof s === 'string' ? s
      : 'assoc' in s ? assoc(s.assoc[0], s.assoc[1])
        : '(swap! seen conj (let [m @a] [m (count m) (hash m) (meta m) (seq m)]))').join('\n  ');
  const wrap = (b: string) => `(let [a (atom {}) seen (atom [])]\n  ${b}\n  (swap! seen conj @a)\n  [@seen (= @seen (deref seen))])`;
  return [
    wrap(body((k, v) => `(swap! a assoc ${k} ${v})`)),
    wrap(body((k, v) => `(reset! a (assoc @a ${k} ${v}))`)),
  ];
}

describe('(swap! a assoc k v) as a statement in Glia programs', () => {
  it('is compiled in place only where its value is discarded', () => {
    const s = new Session();
    const emitted = (src: string, tier: Tier = 'auto') => {
      const node = new Analyzer(s.registry, s.runMacro, '<t>').analyzeTop(read(src, '<t>').forms[0]);
      return emitTopLevel(node, { forceResumable: tier === 'resumable' }).source;
    };
    for (const tier of ['auto', 'resumable'] as const) {
      expect(emitted('(let [a (atom {})] (swap! a assoc 1 2) @a)', tier)).toContain('$swapAssocInPlace(');
      expect(emitted('(let [a (atom {})] (loop [i 0] (when (< i 3) (swap! a assoc i i) (recur (inc i)))))', tier)).toContain('$swapAssocInPlace(');
      // Its value is used: the ordinary call.
      expect(emitted('(let [a (atom {})] (swap! a assoc 1 2))', tier)).not.toContain('$swapAssocInPlace(');
      expect(emitted('(let [a (atom {})] [(swap! a assoc 1 2)])', tier)).not.toContain('$swapAssocInPlace(');
      // Another function, or more pairs: the ordinary call.
      expect(emitted('(let [a (atom {})] (swap! a conj [1 2]) @a)', tier)).not.toContain('$swapAssocInPlace(');
      expect(emitted('(let [a (atom {})] (swap! a assoc 1 2 3 4) @a)', tier)).not.toContain('$swapAssocInPlace(');
    }
  });

  it('agrees with (reset! a (assoc @a k v)) on both tiers', async () => {
    await fc.assert(fc.asyncProperty(fc.array(gStep, { maxLength: 70 }), async (steps) => {
      const [inPlace, persistent] = programs(steps);
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
