// The checker's form cache (glia/compile/form-cache.ts): a document checked
// again after an edit analyses only what the edit changed, and its results
// are those of a check from scratch. A change to a definition reaches its
// callers; units the cache cannot follow are checked from scratch.
import { describe, expect, it } from 'vitest';
import { checkSource, CheckWorld, FormCache } from '../index.js';
import type { CheckResult } from '../compile/check.js';

const world = new CheckWorld();
const FILE = '/work/doc.glia';

function summary(r: CheckResult) {
  return {
    diagnostics: r.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, hint: d.hint, offset: d.span.offset, end: d.span.endOffset, line: d.span.line, col: d.span.col })),
    forms: r.forms.map((f) => ({ offset: f.span.offset, effects: f.effects, defines: f.defines })),
  };
}

/** Checks `text` with the cache and from scratch; they must agree. Returns the cached result. */
function both(cache: FormCache, text: string): CheckResult {
  const inc = checkSource(text, { file: FILE, cache }, world);
  const incSummary = summary(inc);
  const fresh = checkSource(text, { file: FILE }, world);
  expect(incSummary).toEqual(summary(fresh));
  return inc;
}

const codes = (r: CheckResult) => r.diagnostics.map((d) => d.code);

describe('form cache', () => {
  it('analyses again only the form an edit changed', () => {
    const cache = new FormCache();
    const forms = Array.from({ length: 10 }, (_, i) => `(defn f${i} [x] (+ x ${i}))`);
    both(cache, forms.join('\n'));
    expect(cache.stats).toEqual({ analysed: 10, reused: 0, moved: 0 });
    forms[4] = '(defn f4 [x] (+ x 7))';
    both(cache, forms.join('\n'));
    expect(cache.stats).toEqual({ analysed: 1, reused: 9, moved: 0 });
    // A longer form: the five after it moved, and are reused where they are now.
    forms[4] = '(defn f4 [x] (+ x 444))';
    both(cache, forms.join('\n'));
    expect(cache.stats).toEqual({ analysed: 1, reused: 9, moved: 5 });
    // A line inserted at the top moves every form by one line.
    both(cache, `\n${forms.join('\n')}`);
    expect(cache.stats).toEqual({ analysed: 0, reused: 10, moved: 10 });
  });

  it('a change of arity reaches the callers: the caller\'s arity-mismatch appears and goes', () => {
    const cache = new FormCache();
    const text = (params: string) => `(defn callee ${params} (vector ${params.slice(1, -1)}))\n(defn other [] 1)\n(defn caller [] (callee 1))\n`;
    expect(codes(both(cache, text('[x]')))).toEqual([]);
    const r = both(cache, text('[x y]'));
    expect(codes(r)).toEqual(['arity-mismatch']);
    expect(r.diagnostics[0]!.message).toContain('callee expects 2 arguments, got 1');
    // The caller was analysed again; the unrelated function was not.
    expect(cache.stats.reused).toBe(1);
    expect(codes(both(cache, text('[x]')))).toEqual([]);
  });

  it('a change of effect reaches the callers: a pure module\'s caller is reported, then not', () => {
    const cache = new FormCache();
    const text = (body: string) => `;; glia: context=pure\n(defn helper [x] ${body})\n(defn caller [] (helper 1))\n(caller)\n`;
    expect(codes(both(cache, text('(inc x)')))).toEqual([]);
    const r = both(cache, text('(println x)'));
    expect(codes(r)).toContain('effect-not-allowed');
    expect(r.diagnostics.some((d) => d.message.includes('calling caller performs :stdout'))).toBe(true);
    expect(codes(both(cache, text('(inc x)')))).toEqual([]);
  });

  it('a call written before its definition keeps the result of a fresh check when the definition changes', () => {
    const cache = new FormCache();
    const text = (params: string) => `(defn early [] (late 1 2))\n(defn late ${params} 1)\n(defn after [] (late 1 2))\n`;
    both(cache, text('[a]'));
    both(cache, text('[a b]'));
    both(cache, text('[a]'));
  });

  it('a new, renamed or removed definition starts from scratch', () => {
    const cache = new FormCache();
    both(cache, '(defn a [] 1)\n(defn b [] (a))\n');
    expect(codes(both(cache, '(defn a2 [] 1)\n(defn b [] (a))\n'))).toEqual(['unbound-symbol']);
    expect(cache.stats.reused).toBe(0);
    expect(codes(both(cache, '(defn b [] (a))\n'))).toEqual(['unbound-symbol']);
    expect(codes(both(cache, '(defn a [] 1)\n(defn b [] (a))\n'))).toEqual([]);
  });

  it('follows text moving: an insertion above a form moves its diagnostics', () => {
    const cache = new FormCache();
    both(cache, '(defn f [x] x)\n(f)\n(f 1 2)\n');
    const r = both(cache, '\n\n(defn f [x] x)\n(f)\n(f 1 2)\n');
    expect(r.diagnostics.map((d) => d.span.line)).toEqual([4, 5]);
  });

  it('keeps the diagnostics of reused forms, and the unit\'s imports', () => {
    const cache = new FormCache();
    const text = (n: number) => `(ns demo.a (:import [ww.string :as str]))\n(defn j [] (str/join "-" [${n}]))\n(defn bad [] (str/jion "-" []))\n(defn u [] (let [unused 1] 2))\n`;
    const first = codes(both(cache, text(1)));
    expect(first).toEqual(['unbound-symbol', 'unused-binding']);
    expect(codes(both(cache, text(2)))).toEqual(first);
    expect(cache.stats.reused).toBe(2);
  });

  it('checks from scratch what it cannot follow: macros, eval, in-ns, defs made by macros', () => {
    for (const unit of [
      '(defmacro twice [x] `(do ~x ~x))\n(defn f [] (twice 1))\n',
      '(eval \'(def q 1))\n(defn f [] q)\n',
      '(in-ns \'other)\n(defn f [] 1)\n',
      '(let [v 1] (def hidden v))\n(defn f [] hidden)\n',
    ]) {
      const cache = new FormCache();
      both(cache, unit);
      both(cache, `${unit}\n(defn g [] 2)\n`);
      both(cache, `${unit}\n(defn g [] 3)\n`);
      expect(cache.stats.reused).toBe(0);
    }
  });

  it('a document checked after another in the same world gets its own namespaces back', () => {
    const a = new FormCache();
    const b = new FormCache();
    const ta = (n: number) => `(ns shared.ns)\n(defn f [x] x)\n(defn g [] (f ${n}))\n`;
    const tb = (n: number) => `(ns shared.ns)\n(defn f [x y] (+ x y))\n(defn g [] (f ${n} 1))\n`;
    both(a, ta(1));
    both(b, tb(1));
    expect(codes(both(a, ta(2)))).toEqual([]);
    expect(a.stats.reused).toBe(1);
    expect(codes(both(b, tb(2)))).toEqual([]);
    expect(b.stats.reused).toBe(1);
  });
});
