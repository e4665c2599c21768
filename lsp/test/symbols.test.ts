// Document symbols, workspace symbols, folding ranges and semantic tokens
// through a real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, textOf } from './lsp-client.js';

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start({
    'src/geometry.glia': '(ns app.geometry)\n(defn area [w h] (* w h))\n(def unit 1)\n',
    'src/deep/net.glia': '(defn fetch-all [urls] urls)\n(defmacro with-retry [& body] `(do ~@body))\n',
    'node_modules/pkg/ignored.glia': '(defn area-ignored [] 1)\n',
  });
});
afterAll(async () => { await client?.stop(); });

const SymbolKind = { Namespace: 3, Function: 12, Variable: 13, Interface: 11 };

describe('document symbols', { timeout: 30_000 }, () => {
  it('lists the definitions of a file under its namespace, with kinds and ranges', async () => {
    const text = '(ns app.main\n  (:import [ww.string :as str]))\n\n(def limit 10)\n\n(defn- helper [x] x)\n\n(defn run\n  "Runs."\n  ([] (run 1))\n  ([n] (helper n)))\n\n(defmacro unless [t & body] `(if ~t nil (do ~@body)))\n(defcap echo :say (fn [x] x))\n';
    const uri = await client.open('outline.glia', text);
    const syms = await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    expect(syms).toHaveLength(1);
    expect(syms[0].name).toBe('app.main');
    expect(syms[0].kind).toBe(SymbolKind.Namespace);
    const kids = syms[0].children.map((s: any) => [s.name, s.kind, s.detail]);
    expect(kids).toEqual([
      ['limit', SymbolKind.Variable, 'def'],
      ['helper', SymbolKind.Function, 'defn- [x]'],
      ['run', SymbolKind.Function, 'defn [] [n]'],
      ['unless', SymbolKind.Function, 'defmacro [t & body]'],
      ['echo', SymbolKind.Interface, 'defcap'],
    ]);
    const run = syms[0].children[2];
    expect(textOf(text, run.selectionRange)).toBe('run');
    expect(textOf(text, run.range)).toBe('(defn run\n  "Runs."\n  ([] (run 1))\n  ([n] (helper n)))');
  });

  it('lists a file without an ns form flat', async () => {
    const uri = await client.open('flat.glia', '(defn a [] 1)\n(defn b [] 2)\n');
    const syms = await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    expect(syms.map((s: any) => s.name)).toEqual(['a', 'b']);
  });
});

describe('workspace symbols', { timeout: 30_000 }, () => {
  it('finds definitions in files on disk that were never opened, and skips node_modules', async () => {
    // Indexing the folder happens in the background after start-up.
    await expect.poll(async () => (await client.request('workspace/symbol', { query: 'area' })).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const area = await client.request('workspace/symbol', { query: 'area' });
    expect(area.map((s: any) => s.name)).toEqual(['area']);
    expect(area[0].location.uri).toBe(client.uri('src/geometry.glia'));
    expect(area[0].containerName).toBe('app.geometry');
    expect(area[0].location.range.start).toEqual({ line: 1, character: 6 });
    const fuzzy = await client.request('workspace/symbol', { query: 'wr' });
    expect(fuzzy.map((s: any) => s.name)).toContain('with-retry');
  });
});

describe('folding ranges', { timeout: 30_000 }, () => {
  it('folds multi-line forms and runs of comment lines', async () => {
    const text = ';; one\n;; two\n;; three\n(defn f [x]\n  (let [y 1]\n    (+ x\n       y)))\n(def one-line [1 2])\n';
    const uri = await client.open('folding.glia', text);
    const ranges = await client.request('textDocument/foldingRange', { textDocument: { uri } });
    const shown = ranges.map((r: any) => `${r.startLine}-${r.endLine}${r.kind ? ' ' + r.kind : ''}`).sort();
    expect(shown).toEqual(['0-2 comment', '3-6', '4-6', '5-6']);
  });
});

describe('semantic tokens', { timeout: 30_000 }, () => {
  it('tells special forms, macros, functions, locals, aliases and keywords apart', async () => {
    const text = '(ns app (:import [ww.string :as str]))\n(defn greet [who] (when who (str/join ", " [:hi who])))\n(let [g greet] (g "x"))\n';
    const uri = await client.open('tokens.glia', text);
    const legend = { types: ['namespace', 'function', 'macro', 'variable', 'keyword', 'interface'], mods: ['declaration', 'definition', 'defaultLibrary'] };
    const res = await client.request('textDocument/semanticTokens/full', { textDocument: { uri } });
    const toks = decode(res.data, text, legend);
    const find = (t: string, nth = 0) => toks.filter((x) => x.text === t)[nth];
    expect(find('ns')).toMatchObject({ type: 'macro', mods: ['defaultLibrary'] });
    expect(find('str')).toMatchObject({ type: 'namespace' });
    expect(find('defn')).toMatchObject({ type: 'macro', mods: ['defaultLibrary'] });
    expect(find('greet')).toMatchObject({ type: 'function', mods: ['declaration', 'definition'] });
    expect(find('who')).toMatchObject({ type: 'variable', mods: ['declaration'] });
    expect(find('when')).toMatchObject({ type: 'macro', mods: ['defaultLibrary'] });
    expect(find('who', 1)).toMatchObject({ type: 'variable', mods: [] });
    expect(find('str', 1)).toMatchObject({ type: 'namespace' });
    expect(find('join')).toMatchObject({ type: 'function', mods: ['defaultLibrary'] });
    expect(find(':hi')).toMatchObject({ type: 'keyword' });
    expect(find('let')).toMatchObject({ type: 'macro', mods: ['defaultLibrary'] });
    expect(find('greet', 1)).toMatchObject({ type: 'function', mods: [] });
    expect(find('g', 1)).toMatchObject({ type: 'variable' });
  });
});

/** Decodes the relative encoding of semantic tokens into absolute tokens with their text. */
function decode(data: number[], text: string, legend: { types: string[]; mods: string[] }) {
  const lines = text.split('\n');
  const out: Array<{ text: string; type: string; mods: string[] }> = [];
  let line = 0, char = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [dl, dc, len, type, bits] = data.slice(i, i + 5) as [number, number, number, number, number];
    line += dl;
    char = dl === 0 ? char + dc : dc;
    out.push({
      text: lines[line]!.slice(char, char + len),
      type: legend.types[type]!,
      mods: legend.mods.filter((_, b) => bits & (1 << b)),
    });
  }
  return out;
}
