// The checker's chunk-by-chunk reader (glia/compile/read-cache.ts) gives the
// forms and spans of reading the whole text, reuses the chunks that did not
// change, and reads the whole text when the split could differ.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Stack, List, Map as IMap, Set as ISet } from 'immutable';
import { ReadCache } from '../compile/read-cache.js';
import { read } from '../reader/read.js';
import { spanOf } from '../span.js';
import { prStr } from '../values/printer.js';

const FILE = '/work/read.glia';

/** Every form with its span, depth first, as text. */
function shape(forms: readonly unknown[]): string[] {
  const out: string[] = [];
  const visit = (f: unknown) => {
    const s = spanOf(f);
    out.push(`${prStr(f)} @${s ? `${s.offset}-${s.endOffset} ${s.line}:${s.col}-${s.endLine}:${s.endCol} ${s.file}` : '-'}`);
    if (Stack.isStack(f) || List.isList(f) || ISet.isSet(f)) for (const x of f as Iterable<unknown>) visit(x);
    else if (IMap.isMap(f)) for (const [k, v] of f as IMap<unknown, unknown>) { visit(k); visit(v); }
  };
  forms.forEach(visit);
  return out;
}

function same(cache: ReadCache, text: string): void {
  const mine = cache.read(text, FILE);
  const whole = read(text, FILE);
  expect(shape(mine.forms)).toEqual(shape(whole.forms));
  expect(mine.diagnostics).toEqual(whole.diagnostics);
}

const BASE = `(ns demo (:import [ww.string :as str]))

;; comment
(defn f [x] {:a [x 'y] :b #{1 2}})
(def ^:private g "doc\nstring" 2) (def h 3)
#_(ignored form)
(defn k
  [m]
  (-> m (assoc :k 1) (update :n inc)))
\`(a ~b ~@c)
`;

describe('read cache', () => {
  it('reads only the chunks that changed, with the spans of a whole read', () => {
    const cache = new ReadCache();
    same(cache, BASE);
    expect(cache.stats.reused).toBe(0);
    same(cache, BASE.replace('inc', 'dec'));
    expect(cache.stats.read).toBe(1);
    expect(cache.stats.reused).toBeGreaterThan(3);
    // Text moved: the chunks below the edit are read again at their new place.
    same(cache, BASE.replace('(defn f [x]', '(defn f [xx]'));
  });

  it('reads the whole text when it is unbalanced or a chunk has an error', () => {
    const cache = new ReadCache();
    same(cache, `${BASE}(unclosed\n`);
    same(cache, `${BASE}\n(def bad 1))\n`);
    same(cache, `${BASE}\n(def weird \\x)\n`);
  });

  it('equals a whole read after random edits', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.constantFrom('(', ')', '[', ']', '{', '}', '"', ' ', '\n', 'x', '1', '#_', "'", '^:m ', ';', '\\', '#{', '`', '~@', ':k')), { minLength: 1, maxLength: 8 }), (edits) => {
        const cache = new ReadCache();
        let text = BASE;
        same(cache, text);
        for (const [at, del, ins] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + ins + text.slice(i + del);
          same(cache, text);
        }
      }),
      { numRuns: 150 },
    );
  });
});
