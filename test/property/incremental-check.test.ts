// Incremental checking (glia/compile/form-cache.ts) gives what a check from
// scratch gives, after any sequence of edits: characters inserted and
// deleted anywhere (half-typed forms included), top-level forms duplicated
// and deleted, and parameter vectors changed (the arity callers see). After
// every edit the document is checked with its cache and from scratch, and
// the diagnostics, the effects of each form and the hover data must be the
// same.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkSource, CheckWorld, FormCache } from '../../glia/index.js';
import type { CheckResult } from '../../glia/compile/check.js';
import { splitTopLevel } from '../../glia/analysis/chunks.js';

const world = new CheckWorld();
const FILE = '/work/prop/doc.glia';

const BODY = `(defn area [w h] (* w h))

(defn label
  "Names a shape."
  [{:keys [w h] :as shape}]
  (str/join "x" [w h (area w h)]))

;; a comment between forms
(defn report [shapes]
  (doseq [s shapes] (println (label s)))
  (count shapes))

(defn early [] (late 1 2))
(defn late [a b] (+ a b))

(def total (reduce + 0 (map #(area % 2) [1 2 3])))
(defn loud [x] (when (pos? x) (println "loud" x)) (area x x))
(report [{:w 1 :h 2}])
(area 1)
(let [unused 1] (loud 2))
`;

const BASES = [
  `(ns prop.doc (:import [ww.string :as str]))\n\n${BODY}`,
  `;; glia: context=pure\n(ns prop.pure (:import [ww.string :as str]))\n${BODY}`,
  `(import "ww/string" :as str)\n${BODY}`,
];

function summary(r: CheckResult) {
  return {
    diagnostics: r.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, hint: d.hint, span: { ...d.span } })),
    forms: r.forms.map((f) => ({ span: { ...f.span }, effects: f.effects, defines: f.defines })),
    symbols: r.symbols,
  };
}

type Edit =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; form: number }
  | { kind: 'drop'; form: number }
  | { kind: 'params'; form: number; params: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('(', ')', '[', ']', ' ', '\n', 'x', '1', '"', 'area', ' 7', '#_', ';', '(println 1)', '(area 1 2 3)') }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), form: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), form: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('params' as const), form: fc.nat(), params: fc.constantFrom('[]', '[w]', '[w h]', '[w h d]', '[& more]', '[a b]') }) },
);

function apply(text: string, e: Edit): string {
  switch (e.kind) {
    case 'insert': { const at = e.at % (text.length + 1); return text.slice(0, at) + e.text + text.slice(at); }
    case 'delete': { const at = e.at % (text.length + 1); return text.slice(0, at) + text.slice(at + e.length); }
    default: {
      const chunks = splitTopLevel(text).filter((c) => text.slice(c.start, c.end).trim() !== '');
      if (!chunks.length) return text;
      const c = chunks[e.form % chunks.length]!;
      const piece = text.slice(c.start, c.end);
      if (e.kind === 'duplicate') return text.slice(0, c.end) + (piece.endsWith('\n') ? piece : `\n${piece}`) + text.slice(c.end);
      if (e.kind === 'drop') return text.slice(0, c.start) + text.slice(c.end);
      const m = /^\(defn\s+\S+\s+(?:"[^"]*"\s+)?(\[[^\]]*\])/.exec(piece);
      if (!m) return text;
      const at = c.start + m[0].length - m[1]!.length;
      return text.slice(0, at) + e.params + text.slice(at + m[1]!.length);
    }
  }
}

describe('incremental check', () => {
  it('equals a check from scratch after any sequence of edits', () => {
    let reused = 0;
    fc.assert(
      fc.property(fc.constantFrom(...BASES), fc.array(edit, { minLength: 1, maxLength: 10 }), (base, edits) => {
        const cache = new FormCache();
        let text = base;
        checkSource(text, { file: FILE, cache }, world);
        for (const e of edits) {
          text = apply(text, e);
          const inc = summary(checkSource(text, { file: FILE, cache }, world));
          reused += cache.stats.reused;
          const fresh = summary(checkSource(text, { file: FILE }, world));
          expect(inc).toEqual(fresh);
        }
      }),
      { numRuns: 60 },
    );
    // The property held while forms were actually reused.
    expect(reused).toBeGreaterThan(100);
  }, 120_000);
});
