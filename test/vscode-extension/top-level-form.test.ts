// The form "Glia: Evaluate top-level form" picks for a cursor, and the
// source it hands to `ww eval`. `<|>` marks the cursor in each case.
import { describe, it, expect } from 'vitest';
import { topLevelFormAt } from '../../vscode-extension/src/top-level-form.js';
import { readForms } from '../../vscode-extension/src/forms.js';
import { evalSource } from '../../vscode-extension/src/eval-source.js';

/** The text of the form picked at the `<|>` marker, or undefined. */
function formAt(marked: string): string | undefined {
  const offset = marked.indexOf('<|>');
  if (offset < 0) throw new Error('no <|> marker');
  const text = marked.replace('<|>', '');
  const f = topLevelFormAt(text, offset);
  return f && text.slice(f.start, f.end);
}

describe('topLevelFormAt', () => {
  it('picks the top-level form around the cursor, however deep the cursor is', () => {
    const src = '(def a 1)\n\n(defn f [x]\n  (let [y (inc <|>x)]\n    (* y 2)))\n\n(f a)';
    expect(formAt(src)).toBe('(defn f [x]\n  (let [y (inc x)]\n    (* y 2)))');
  });

  it('picks the form on its opening bracket and just after its closing one', () => {
    expect(formAt('(a)\n<|>(b 1)\n(c)')).toBe('(b 1)');
    expect(formAt('(a)\n(b 1)<|>\n(c)')).toBe('(b 1)');
  });

  it('picks the form before the cursor on the same line, past spaces and a trailing comment', () => {
    expect(formAt('(a)\n(+ 1 2)   <|>\n(c)')).toBe('(+ 1 2)');
    expect(formAt('(a)\n(+ 1 2) ; three<|>\n(c)')).toBe('(+ 1 2)');
  });

  it('picks the form after the cursor on the same line, from its indentation', () => {
    expect(formAt('(a)\n  <|>  (b)\n(c)')).toBe('(b)');
  });

  it('finds nothing on a blank or comment-only line', () => {
    expect(formAt('(a)\n<|>\n(c)')).toBeUndefined();
    expect(formAt('(a)\n;; just a <|>comment\n(c)')).toBeUndefined();
    expect(formAt('<|>')).toBeUndefined();
  });

  it('treats atoms, strings and prefixed forms as forms', () => {
    expect(formAt('(a)\n:key<|>word\n(c)')).toBe(':keyword');
    expect(formAt('"a (string) ; with <|>brackets"')).toBe('"a (string) ; with brackets"');
    expect(formAt("'(a <|>b)")).toBe("'(a b)");
    expect(formAt('@(atom <|>1)')).toBe('@(atom 1)');
    expect(formAt('^:private (def <|>x 1)')).toBe('^:private (def x 1)');
    expect(formAt('^{:doc "d"} (def <|>x 1)')).toBe('^{:doc "d"} (def x 1)');
    expect(formAt('#{1 <|>2}')).toBe('#{1 2}');
    expect(formAt('#(inc <|>%)')).toBe('#(inc %)');
    expect(formAt('#bytes "00<|>ff"')).toBe('#bytes "00ff"');
  });

  it('is not fooled by brackets in strings, comments and character literals', () => {
    expect(formAt('(str ")" ; (\n  \\) "(" <|>x)\n(next)')).toBe('(str ")" ; (\n  \\) "(" x)');
    expect(formAt('(f "\\")" \\; <|>y)')).toBe('(f "\\")" \\; y)');
    expect(formAt('(re #"\\"(" <|>z)')).toBe('(re #"\\"(" z)');
  });

  it('evaluates the form behind a #_, so a discarded form can still be tried', () => {
    expect(formAt('#_(launch <|>:missiles)\n(safe)')).toBe('(launch :missiles)');
    expect(formAt('<|>#_(launch :missiles)')).toBe('(launch :missiles)');
    expect(formAt('#_ #_ (a) (b<|>) (c)')).toBe('(b)');
  });

  it('treats the forms inside a top-level (comment ...) block as top-level', () => {
    const src = '(defn f [] 1)\n(comment\n  (f)\n  (+ (f) <|>2)\n  )';
    expect(formAt(src)).toBe('(+ (f) 2)');
    expect(formAt('(comment\n  (f)\n  <|>\n  (g))')).toBe('(comment\n  (f)\n  \n  (g))');
    expect(formAt('(com<|>ment (f))')).toBe('(comment (f))');
    expect(formAt('(comment (f)   <|>  )')).toBe('(f)');
  });

  it('lets an unclosed form run to the end of the text', () => {
    expect(formAt('(ok)\n(defn broken [x]\n  (inc <|>x)\n')).toBe('(defn broken [x]\n  (inc x)\n');
  });

  it('skips stray and mismatched closers', () => {
    expect(formAt(')) (a <|>b)')).toBe('(a b)');
    expect(formAt('(a ] <|>b)')).toBe('(a ] b)');
  });

  it('survives deep nesting without recursion', () => {
    const deep = '('.repeat(100_000) + 'x' + ')'.repeat(100_000);
    const forms = readForms(deep);
    expect(forms).toHaveLength(1);
    expect(forms[0]!.end).toBe(deep.length);
    expect(topLevelFormAt(deep, 100_000)?.end).toBe(deep.length);
  });
});

describe('evalSource', () => {
  it('is the form alone, mapped back to its own line and column', () => {
    const text = '(def a 1)\n\n  (+ 1\n     (/ 2 0))\n(def b 2)';
    const form = topLevelFormAt(text, text.indexOf('+'))!;
    const e = evalSource(text, form);
    expect(e.source).toBe('(+ 1\n     (/ 2 0))');
    expect(e.filePosition({ line: 1, col: 1 })).toEqual({ line: 3, col: 3 });
    expect(e.filePosition({ line: 2, col: 6 })).toEqual({ line: 4, col: 6 });
  });

  it('brings along the earlier ns and import forms, so aliases resolve', () => {
    const text = '(ns app.main)\n(import "ww/string" :as s)\n(def skipped (launch))\n\n(s/join "," [1 2])\n(import "later" :as l)';
    const form = topLevelFormAt(text, text.indexOf('s/join'))!;
    const e = evalSource(text, form);
    expect(e.source).toBe('(ns app.main)\n(import "ww/string" :as s)\n(s/join "," [1 2])');
    expect(e.filePosition({ line: 2, col: 9 })).toEqual({ line: 2, col: 9 });
    expect(e.filePosition({ line: 3, col: 4 })).toEqual({ line: 5, col: 4 });
  });

  it('maps a form inside a comment block to its column there', () => {
    const text = '(comment\n  (f 1))';
    const form = topLevelFormAt(text, text.indexOf('f'))!;
    const e = evalSource(text, form);
    expect(e.source).toBe('(f 1)');
    expect(e.filePosition({ line: 1, col: 2 })).toEqual({ line: 2, col: 4 });
  });

  it('stays as long as the forms it sends, however far down the file they are', () => {
    const text = '(def filler 0)\n'.repeat(50_000) + '(+ 1 2)';
    const e = evalSource(text, topLevelFormAt(text, text.length)!);
    expect(e.source).toBe('(+ 1 2)');
    expect(e.filePosition({ line: 1, col: 1 })).toEqual({ line: 50_001, col: 1 });
  });
});
