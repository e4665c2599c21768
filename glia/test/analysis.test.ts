// The editor queries in glia/analysis: top-level chunks, tokens, and the
// symbol index (where names are bound and used). The language server's own
// tests drive them through a real server; these pin down the rules.
import { describe, expect, it } from 'vitest';
import { Session, read, splitTopLevel, tokenize, indexSymbols, type SymbolIndex } from '../index.js';

const session = new Session();

function chunks(text: string): string[] {
  const cs = splitTopLevel(text);
  expect(cs[0]!.start).toBe(0);
  expect(cs[cs.length - 1]!.end).toBe(text.length);
  for (let i = 1; i < cs.length; i++) expect(cs[i]!.start).toBe(cs[i - 1]!.end);
  return cs.map((c) => text.slice(c.start, c.end));
}

function index(text: string): SymbolIndex & { at: (s: string, nth?: number) => any; text: string } {
  const ix = indexSymbols(read(text, 't.glia').forms, session);
  // The nth symbol token written exactly `s`, and what the index says about it.
  const at = (s: string, nth = 0) => {
    const tok = tokenize(text).filter((t) => t.kind === 'symbol' && t.text === s)[nth];
    return tok && ix.occurrences.find((o) => o.offset === tok.offset);
  };
  return { ...ix, at, text };
}

describe('splitTopLevel', () => {
  it('starts a chunk at each form that begins in column 1 outside brackets', () => {
    expect(chunks('(def a 1)\n(def b\n  2)\n\n;; c\n(def c 3) (def d 4)\n')).toEqual(['(def a 1)\n', '(def b\n  2)\n\n;; c\n', '(def c 3) (def d 4)\n']);
  });

  it('keeps reader macros and metadata with the form they apply to', () => {
    expect(chunks("^{:private true}\n(defn f [] 1)\n'\n(a b)\n#_\n(skipped)\n(next)")).toEqual(["^{:private true}\n(defn f [] 1)\n", "'\n(a b)\n", '#_\n(skipped)\n', '(next)']);
  });

  it('nested reader macros owe one form between them: \'@a ends with a, ^m \'x with x', () => {
    expect(chunks("'@a\n(next)\n^:m '\nx\n(last)")).toEqual(["'@a\n", "(next)\n", "^:m '\nx\n", '(last)']);
    expect(chunks("#_ #_ a\nb\n(c)")).toEqual(['#_ #_ a\nb\n', '(c)']);
  });

  it('does not split inside strings, or inside forms of a balanced file', () => {
    expect(chunks('(defn f\n  "Example:\n(f 1)"\n  [x] x)\n(def data\n[1 2])\n')).toEqual(['(defn f\n  "Example:\n(f 1)"\n  [x] x)\n', '(def data\n[1 2])\n']);
  });

  it('in an unbalanced file, a ( in column 1 starts a new chunk, so an unclosed form ends there', () => {
    expect(chunks('(defn f [x]\n  (let [y 1]\n(defn g [] 2)\n')).toEqual(['(defn f [x]\n  (let [y 1]\n', '(defn g [] 2)\n']);
  });
});

describe('tokenize', () => {
  it('gives every token with its kind and offsets, comments included', () => {
    const toks = tokenize('(f :k "s" 1 ; c\n #{x} ^:m @a #_ ##Inf)');
    expect(toks.map((t) => `${t.kind}:${t.text}`)).toEqual([
      'open:(', 'symbol:f', 'keyword::k', 'string:"s"', 'number:1', 'comment:; c', 'open:#{', 'symbol:x', 'close:}',
      'macro-char:^', 'keyword::m', 'macro-char:@', 'symbol:a', 'macro-char:#_', 'constant:##Inf', 'close:)',
    ]);
    expect(toks[3]).toMatchObject({ offset: 6, end: 9 });
  });
});

describe('indexSymbols', () => {
  it('binds fn parameters, destructured names and lets, each use pointing at its binding', () => {
    const ix = index('(defn f [a {:keys [b] :or {b 1} :as m} & [c]]\n  (let [d (+ a b c)\n        [e & r] m]\n    (list a b c d e r m)))');
    for (const name of ['a', 'b', 'c', 'd', 'e', 'r', 'm']) {
      const binding = ix.occurrences.find((o) => o.role === 'binding' && o.name === name);
      expect(binding, name).toBeDefined();
      const last = ix.text.lastIndexOf(` ${name}`) + 1;
      expect(ix.occurrences.find((o) => o.offset === last), name).toMatchObject({ role: 'local', binding: binding!.offset });
    }
    // `b` in :or is a use of the binding, not a new one.
    expect(ix.at('b', 2)).toMatchObject({ role: 'local' });
    expect(ix.at('+')).toMatchObject({ role: 'global', name: '+', head: true });
    expect(ix.at('let')).toMatchObject({ role: 'special', head: true });
  });

  it('sees the bindings that macros make, and records only symbols written in the text', () => {
    const ix = index('(when-let [x (first xs)]\n  (for [i (range x) :let [j (inc i)]] (+ i j)))');
    expect(ix.at('x')).toMatchObject({ role: 'binding' });
    expect(ix.at('x', 1)).toMatchObject({ role: 'local', binding: ix.at('x').offset });
    expect(ix.at('j', 1)).toMatchObject({ role: 'local', binding: ix.at('j').offset });
    expect(ix.at('when-let')).toMatchObject({ role: 'global', head: true });
    // Every occurrence is a symbol as written at its place.
    for (const o of ix.occurrences) expect(ix.text.slice(o.offset, o.end)).toBe(o.ns ? `${o.ns}/${o.name}` : o.name);
  });

  it('scopes a local to its form, and lets an inner binding shadow it', () => {
    const ix = index('(let [x 1] (let [x 2] x) x)\n(inc x)');
    const [outer, inner] = ix.locals;
    expect(ix.at('x', 2)).toMatchObject({ binding: inner!.offset });
    expect(ix.at('x', 3)).toMatchObject({ binding: outer!.offset });
    expect(ix.at('x', 4)).toMatchObject({ role: 'global' });
    expect(outer).toMatchObject({ scopeStart: 6, scopeEnd: 27 });
  });

  it('handles letfn, catch, match (with effect clauses) and syntax-quote', () => {
    const ix = index("(letfn [(ev? [n] (od? n)) (od? [n] (ev? n))] (ev? 2))\n(try 1 (catch :t e e))\n(match v [a _] a (effect :x d k) (k d))\n(defmacro m [y] `(list ~y z#))");
    expect(ix.at('od?')).toMatchObject({ role: 'local', binding: ix.at('od?', 1).offset });
    expect(ix.at('e', 1)).toMatchObject({ role: 'local' });
    expect(ix.at('a', 1)).toMatchObject({ role: 'local' });
    expect(ix.at('k', 1)).toMatchObject({ role: 'local', binding: ix.at('k').offset });
    expect(ix.at('y', 1)).toMatchObject({ role: 'local' });
    // Template symbols are not references; reader-made heads (the backquote) are not symbols in the text.
    expect(ix.at('list')).toBeUndefined();
    expect(ix.occurrences.some((o) => o.name === 'syntax-quote' || o.name === 'unquote')).toBe(false);
  });

  it('records definitions with their kind, docstring and arglists, and the file\'s imports', () => {
    const ix = index('(ns app.core (:import [ww.string :as str] [ww.coll]))\n(import "lib/util.glia" :as u)\n(defn f "Doc." ([] 1) ([x & more] x))\n(defn- g [] 2)\n(def h "Docd." (fn [a b] a))\n(declare later)\n(defmacro m [x] x)');
    expect(ix.ns).toBe('app.core');
    expect(ix.definitions.map((d) => [d.name, d.kind, d.doc, d.arglists, d.private])).toEqual([
      ['f', 'defn', 'Doc.', ['[]', '[x & more]'], false],
      ['g', 'defn-', undefined, ['[]'], true],
      ['h', 'def', 'Docd.', ['[a b]'], false],
      ['later', 'declare', undefined, [], false],
      ['m', 'defmacro', undefined, ['[x]'], false],
    ]);
    expect(ix.imports.map((i) => [i.alias, i.path])).toEqual([['str', 'ww/string'], ['coll', 'ww/coll'], ['u', 'lib/util.glia']]);
    expect(ix.at('str')).toMatchObject({ role: 'alias' });
    expect(ix.at('f')).toMatchObject({ role: 'def' });
    expect(ix.at('later')).toMatchObject({ role: 'def' });
  });

  it('never throws, and stops on a macro that expands into itself', () => {
    const s = new Session();
    s.runSync('(defmacro forever [x] (list (quote forever) x))', 'm.glia');
    const ix = indexSymbols(read('(forever 1)\n(let [q 1] q)', 'x.glia').forms, s);
    expect(ix.occurrences.some((o) => o.name === 'q' && o.role === 'local')).toBe(true);
    expect(() => indexSymbols(read('(let [[[[' + ' a'.repeat(10) + ']]]] 1) ((fn)) (fn [& ] 1) (let 1) (def) (ns) (import 1)', 'y.glia').forms, session)).not.toThrow();
  });
});
