// The checker's dosync-effect rule: a dosync body (ww/state) may perform
// only the transaction's own effects, since a conflict runs it again.
// What it rejects (capability calls, :stdout, calls of functions that
// perform, functions passed in through a parameter), where it points, and
// what it must not reject (pure code, alter! with a pure function, nested
// lets and fns that are only defined).
import { describe, it, expect } from 'vitest';
import { checkSource, CheckWorld, type CheckResult } from '../compile/check.js';
import type { Diagnostic } from '../diagnostics.js';

const world = new CheckWorld();
const HEAD = '(import "ww/state" :as st)\n(def r (perform host :state-ref "counter"))\n';
/** Checks an init.d script that has imported ww/state and holds a ref `r`. */
const check = (body: string, context = 'init.d'): CheckResult => checkSource(HEAD + body, { context, file: 'etc/init.d/10-app.glia' }, world);
const errors = (r: CheckResult) => r.diagnostics.filter((d) => d.severity === 'error');
/** The source text a diagnostic points at. */
const at = (body: string, d: Diagnostic) => (HEAD + body).slice(d.span.offset, d.span.endOffset);

describe('dosync-effect', () => {
  it('rejects a capability call in a body, naming it, at the perform, with a hint', () => {
    const body = '(st/dosync r (perform host :id))';
    const [d, ...more] = errors(check(body));
    expect(more).toEqual([]);
    expect(d!.code).toBe('dosync-effect');
    expect(d!.message).toContain('host :id');
    expect(at(body, d!)).toBe('(perform host :id)');
    expect(d!.hint).toContain('before or after the dosync');
  });

  it('rejects :stdout, and a call of a function that performs, at the call in the body', () => {
    const body = '(defn greet [] (println "hi"))\n(st/dosync r (st/alter! [:n] inc) (greet) (println "direct"))';
    const ds = errors(check(body));
    expect(ds.map((d) => d.code)).toEqual(['dosync-effect']);
    // One effect (:stdout) reported once, at the first form that performs it.
    expect(at(body, ds[0]!)).toBe('(greet)');
    expect(ds[0]!.message).toContain('calling greet performs :stdout');
    const direct = errors(check('(st/dosync r (println "x"))'));
    expect(direct.map((d) => [d.code, d.message.includes(':stdout')])).toEqual([['dosync-effect', true]]);
  });

  it('rejects a function given to alter! that performs', () => {
    const ds = errors(check('(st/dosync r (st/alter! [:n] (fn [x] (println x) (inc x))))'));
    expect(ds.map((d) => d.code)).toEqual(['dosync-effect']);
    expect(ds[0]!.message).toContain(':stdout');
  });

  it('rejects a perform on a defcap written in the body', () => {
    const ds = errors(check('(defcap clock :now (fn [] 5))\n(st/dosync r (st/assoc! [:t] (perform clock :now)))'));
    expect(ds.map((d) => [d.code, d.message.includes('clock :now')])).toEqual([['dosync-effect', true]]);
  });

  it('rejects a dosync nested in a dosync body', () => {
    const body = '(st/dosync r (st/assoc! [:x] 1) (st/dosync r (st/assoc! [:y] 2)))';
    const ds = errors(check(body));
    expect(ds.map((d) => d.code)).toEqual(['dosync-effect']);
    expect(at(body, ds[0]!)).toBe('(st/dosync r (st/assoc! [:y] 2))');
    expect(ds[0]!.message).toContain('a dosync inside a dosync body');
  });

  it('rejects, where it is called, a function passed into a body through a parameter', () => {
    const body = '(defn in-tx [f] (st/dosync r (f) (st/alter! [:n] inc)))\n(in-tx inc)\n(in-tx println)';
    const ds = errors(check(body));
    expect(ds.map((d) => d.code)).toEqual(['dosync-effect']);
    expect(at(body, ds[0]!)).toBe('println');
    expect(ds[0]!.message).toContain('f is called inside a dosync body, and it performs :stdout');
  });

  it('does not reject pure code, alter! with a pure function, nested lets and fns, or effects around the dosync', () => {
    const r = check([
      '(defn bump [m k] (update m k (fnil inc 0)))',
      '(def id (perform host :id))',
      '(println "before")',
      '(st/dosync r',
      '  (let [n (:n (st/snapshot))',
      '        twice (fn [x] (* 2 x))',
      '        later (fn [] (println "defined, never called"))]',
      '    (st/alter! [:n] (fnil inc 0))',
      '    (st/alter! [] bump :m)',
      '    (st/assoc! [:owner] id)',
      '    (st/assoc! [:double] (twice n))',
      '    (letfn [(go [i acc] (if (zero? i) acc (go (dec i) (+ acc i))))] (st/assoc! [:sum] (go 3 0)))',
      '    (when later (st/snapshot))))',
      '(println (st/deref-state r))',
    ].join('\n'));
    expect(errors(r)).toEqual([]);
  });

  it('takes the refused effect out of the dosync\'s effects, so the context does not report it again', () => {
    const r = checkSource('(import "ww/state" :as st)\n(defcap m :head (fn [] 1))\n(st/dosync m (println "x"))', { context: 'pure', file: 'm.glia' }, world);
    expect(errors(r).map((d) => d.code)).toEqual(['dosync-effect']);
  });
});
