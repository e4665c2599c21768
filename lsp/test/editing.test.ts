// Formatting, signature help and code actions through a real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, markers, textOf, type Diagnostic } from './lsp-client.js';

let client: LspClient;
beforeAll(async () => { client = await LspClient.start(); });
afterAll(async () => { await client?.stop(); });

type Pos = { line: number; character: number };
type Edit = { range: { start: Pos; end: Pos }; newText: string };

function applyEdits(text: string, edits: Edit[]): string {
  const off = (p: Pos) => {
    let line = 0, i = 0;
    while (line < p.line) { if (text.charCodeAt(i) === 10) line++; i++; }
    return i + p.character;
  };
  let out = text;
  for (const e of [...edits].sort((a, b) => off(b.range.start) - off(a.range.start))) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}

const fmtOptions = { tabSize: 2, insertSpaces: true };

describe('formatting', { timeout: 30_000 }, () => {
  it('formats a document with the Glia formatter', async () => {
    const text = '(defn f [x]\n(let [y   1]\n(+ x y)))\n';
    const uri = await client.open('fmt.glia', text);
    const edits: Edit[] = await client.request('textDocument/formatting', { textDocument: { uri }, options: fmtOptions });
    expect(applyEdits(text, edits)).toBe('(defn f [x]\n  (let [y 1]\n    (+ x y)))\n');
    // Formatted text needs no edits.
    const again = await client.open('fmt2.glia', applyEdits(text, edits));
    expect(await client.request('textDocument/formatting', { textDocument: { uri: again }, options: fmtOptions })).toEqual([]);
  });

  it('formats only the forms in a range', async () => {
    const text = '(def a   1)\n(def b   2)\n(def c   3)\n';
    const uri = await client.open('fmt-range.glia', text);
    const edits: Edit[] = await client.request('textDocument/rangeFormatting', {
      textDocument: { uri }, options: fmtOptions, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
    });
    expect(applyEdits(text, edits)).toBe('(def a   1)\n(def b 2)\n(def c   3)\n');
  });

  it('leaves text the reader cannot read alone', async () => {
    const uri = await client.open('fmt-broken.glia', '(defn f [x]\n(let [y 1]');
    expect(await client.request('textDocument/formatting', { textDocument: { uri }, options: fmtOptions })).toEqual([]);
  });
});

describe('signature help', { timeout: 30_000 }, () => {
  async function sigAt(src: string, name: string) {
    const { text, at } = markers(src);
    const uri = await client.open(name, text);
    return Promise.all(at.map((position) => client.request('textDocument/signatureHelp', { textDocument: { uri }, position })));
  }

  it('shows the arities of the called function and the parameter the cursor is on', async () => {
    const [first, second, rest] = await sigAt('(defn f "Doc." ([a] a) ([a b & more] b))\n(f <|>1)\n(f 1 <|>2)\n(f 1 2 3 4<|>)', 'sig.glia');
    expect(first.signatures.map((s: any) => s.label)).toEqual(['(f a)', '(f a b & more)']);
    expect(first.activeSignature).toBe(0);
    expect(first.activeParameter).toBe(0);
    expect(first.signatures[0].documentation).toBe('Doc.');
    expect(second.activeSignature).toBe(1);
    expect(second.activeParameter).toBe(1);
    const more = rest.signatures[1];
    expect(rest.activeSignature).toBe(1);
    expect(rest.activeParameter).toBe(2);
    const [s, e] = more.parameters[2].label;
    expect(more.label.slice(s, e)).toBe('more');
  });

  it('works for builtins, macros and special forms, and in half-typed calls', async () => {
    const [inc, when, iff, open] = await sigAt('(inc <|>)\n(when <|>)\n(if t <|>)\n(defn g [alpha beta] 1)\n(g 1 <|>', 'sig2.glia');
    expect(inc.signatures.map((s: any) => s.label)).toEqual(['(inc x)']);
    expect(when.signatures[0].label).toBe('(when test & body)');
    expect(iff.signatures.map((s: any) => s.label)).toEqual(['(if test then)', '(if test then else)']);
    expect(iff.activeParameter).toBe(1);
    expect(open.signatures[0].label).toBe('(g alpha beta)');
    expect(open.activeParameter).toBe(1);
  });

  it('shows a capability method\'s parameters inside a perform', async () => {
    const [listen] = await sigAt(';; glia: context=init.d\n(perform host :listen (cell (load "a.wasm")) <|>)', 'sig3.glia');
    expect(listen.signatures[0].label).toBe('(perform host :listen cell prefix)');
    expect(listen.activeParameter).toBe(1);
  });

  it('has nothing to show outside a call or on the head', async () => {
    const [outside, head] = await sigAt('[1 <|>2]\n(in<|>c 1)', 'sig4.glia');
    expect(outside).toBeNull();
    expect(head).toBeNull();
  });
});

describe('code actions', { timeout: 30_000 }, () => {
  async function actionsFor(name: string, text: string) {
    const uri = await client.open(name, text);
    const diagnostics: Diagnostic[] = await client.diagnostics(uri);
    const actions = await client.request('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } }, context: { diagnostics },
    });
    return { uri, diagnostics, actions };
  }

  it('offers the did-you-mean fixes of an unbound symbol, an alias member and a capability method', async () => {
    const text = ';; glia: context=init.d\n(import "ww/string" :as str)\n(defn greet [n] n)\n(gret 1)\n(str/jion ["a"] ",")\n(perform host :idd)\n';
    const { uri, actions } = await actionsFor('fixes.glia', text);
    expect(actions.map((a: any) => a.title).sort()).toEqual(['Change to :id', 'Change to greet', 'Change to str/join']);
    let fixed = text;
    for (const a of actions) fixed = applyEdits(fixed, a.edit.changes[uri]);
    expect(fixed).toBe(';; glia: context=init.d\n(import "ww/string" :as str)\n(defn greet [n] n)\n(greet 1)\n(str/join ["a"] ",")\n(perform host :id)\n');
    expect(actions.every((a: any) => a.kind === 'quickfix' && a.diagnostics.length === 1)).toBe(true);
  });

  it('offers to wrap an effect the context does not allow in with-effect-handler', async () => {
    const text = ';; glia: context=pure\n(defn shout [s]\n  (println\n    s))\n';
    const { uri, diagnostics, actions } = await actionsFor('wrap.glia', text);
    expect(diagnostics.map((d) => d.code)).toEqual(['effect-not-allowed']);
    expect(textOf(text, diagnostics[0]!.range)).toBe('(println\n    s)');
    const wrap = actions.find((a: any) => a.title.startsWith('Wrap in with-effect-handler'));
    expect(wrap.title).toBe('Wrap in with-effect-handler :stdout');
    const out = applyEdits(text, wrap.edit.changes[uri]);
    expect(out).toBe(';; glia: context=pure\n(defn shout [s]\n  (with-effect-handler :stdout (fn [data resume] (resume nil))\n    (println\n      s)))\n');
    // The wrapped code checks clean in the pure context.
    const v = await client.change(uri, out);
    expect((await client.diagnostics(uri, v)).filter((d) => d.severity === 1)).toEqual([]);
  });
});
