// Diagnostics as you type, through a real server over stdio: reader and
// compiler errors with their ranges and hints, incremental edits, and
// broken code (the reader recovers, so the forms around a half-typed one
// are still checked).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, textOf, type Diagnostic } from './lsp-client.js';

let client: LspClient;
beforeAll(async () => { client = await LspClient.start(); });
afterAll(async () => { await client?.stop(); });

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code).sort();

describe('diagnostics', { timeout: 30_000 }, () => {
  it('reports nothing for correct code', async () => {
    const uri = await client.open('ok.glia', '(defn twice [x] (* 2 x))\n(twice 21)\n');
    expect(await client.diagnostics(uri)).toEqual([]);
  });

  it('reports an unbound symbol at the symbol, with the did-you-mean hint', async () => {
    const text = '(defn greet [name] (str "hi " name))\n(greet "a")\n(gret "b")\n';
    const uri = await client.open('unbound.glia', text);
    const ds = await client.diagnostics(uri);
    expect(codes(ds)).toEqual(['unbound-symbol']);
    expect(textOf(text, ds[0]!.range)).toBe('gret');
    expect(ds[0]!.severity).toBe(1);
    expect(ds[0]!.source).toBe('glia');
    expect(ds[0]!.message).toContain("unable to resolve symbol 'gret'");
    expect(ds[0]!.message).toContain('did you mean greet?');
    expect(ds[0]!.data).toMatchObject({ code: 'unbound-symbol', suggestion: 'greet' });
  });

  it('reports arity and recur errors of the compiler', async () => {
    const text = '(defn f [a b] (+ a b))\n(f 1)\n(defn g [x] (inc (recur x)))\n';
    const uri = await client.open('compiler.glia', text);
    const ds = (await client.diagnostics(uri)).filter((d) => d.severity === 1);
    expect(codes(ds)).toEqual(['arity-mismatch', 'recur-not-tail']);
    const arity = ds.find((d) => d.code === 'arity-mismatch')!;
    expect(textOf(text, arity.range)).toBe('(f 1)');
    expect(arity.message).toContain('f expects 2 arguments, got 1');
  });

  it('reports the checker\'s effect errors for the file\'s context, and its warnings', async () => {
    const text = ';; glia: context=pure\n(defn greet [n] (println "hi" n))\n(let [unused 1] 2)\n';
    const uri = await client.open('effects.glia', text);
    const ds = await client.diagnostics(uri);
    expect(codes(ds)).toEqual(['effect-not-allowed', 'unused-binding']);
    const effect = ds.find((d) => d.code === 'effect-not-allowed')!;
    expect(textOf(text, effect.range)).toBe('(println "hi" n)');
    expect(effect.message).toContain('calling println performs :stdout, which a pure module does not allow');
    expect(effect.message).toContain('hint: ');
    const unused = ds.find((d) => d.code === 'unused-binding')!;
    expect(unused.severity).toBe(2);
    expect(textOf(text, unused.range)).toBe('unused');
  });

  it('takes the context from the file\'s folder: an init.d script may use host', async () => {
    const text = '(perform host :id)\n(perform host :idd)\n';
    const uri = await client.open('etc/init.d/10-app.glia', text);
    const ds = await client.diagnostics(uri);
    expect(codes(ds)).toEqual(['unknown-method']);
    expect(textOf(text, ds[0]!.range)).toBe(':idd');
    expect(ds[0]!.message).toContain('did you mean :id?');
    expect(ds[0]!.data.suggestion).toBe(':id');
  });

  it('checks a cell\'s entry with the grants of its cell.edn, and follows changes to cell.edn', async () => {
    client.write('hello-cell/cell.edn', '{:name "hello" :mode :http :entry "hello.glia" :grants {host [:id]}}\n');
    const text = '(defn handle [_req] {:body (str (perform host :id) (:name cell-info))})\n(defn peers [] (perform host :network))\n';
    const uri = await client.open('hello-cell/hello.glia', text);
    const ds = await client.diagnostics(uri);
    expect(codes(ds)).toEqual(['effect-not-allowed']);
    expect(textOf(text, ds[0]!.range)).toBe('(perform host :network)');
    expect(ds[0]!.message).toContain('host/:network is performed here, which the cell hello (cell.edn) does not allow');
    expect(ds[0]!.message).toContain('add :network to host in the :grants of cell.edn');
    // Declaring the method in cell.edn clears it at the next check.
    client.write('hello-cell/cell.edn', '{:name "hello" :mode :http :entry "hello.glia" :grants {host [:id :network]}}\n');
    await client.change(uri, text + '\n');
    expect(await client.diagnostics(uri)).toEqual([]);
  });

  it('reports reader errors and still checks the forms that read', async () => {
    const text = '(def a 1)\n(def s "bad \\q escape")\n(undefined-thing a)\n';
    const uri = await client.open('reader.glia', text);
    const ds = await client.diagnostics(uri);
    expect(codes(ds)).toEqual(['read/bad-escape', 'unbound-symbol']);
    expect(textOf(text, ds.find((d) => d.code === 'unbound-symbol')!.range)).toBe('undefined-thing');
  });

  it('a half-typed form is reported where it opens and does not swallow the forms after it', async () => {
    const text = '(defn ok [x] x)\n\n(defn half [y]\n  (let [z (inc y)]\n\n(defn later [] (missing 1))\n(half 2)\n';
    const uri = await client.open('unclosed.glia', text);
    const ds = await client.diagnostics(uri);
    expect(codes(ds)).toEqual(['read/unclosed', 'read/unclosed', 'unbound-symbol']);
    const unclosed = ds.filter((d) => d.code === 'read/unclosed').map((d) => d.range.start.line);
    expect(unclosed).toEqual([2, 3]);
    // The later form was checked; and `half`, although unreadable, is still known.
    expect(textOf(text, ds.find((d) => d.code === 'unbound-symbol')!.range)).toBe('missing');
  });

  it('follows incremental edits, version by version', async () => {
    const uri = await client.open('typing.glia', '(defn f [x] x)\n');
    expect(await client.diagnostics(uri)).toEqual([]);
    // Type "(f" on a new line: an unclosed list.
    const v2 = await client.edit(uri, { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '(f' });
    expect(codes(await client.diagnostics(uri, v2))).toEqual(['read/unclosed']);
    // Close it with a wrong argument count.
    const v3 = await client.edit(uri, { range: { start: { line: 1, character: 2 }, end: { line: 1, character: 2 } }, text: ' 1 2)' });
    const ds3 = await client.diagnostics(uri, v3);
    expect(codes(ds3)).toEqual(['arity-mismatch']);
    expect(ds3[0]!.range.start).toEqual({ line: 1, character: 0 });
    // Fix it.
    const v4 = await client.edit(uri, { range: { start: { line: 1, character: 4 }, end: { line: 1, character: 6 } }, text: '' });
    expect(await client.diagnostics(uri, v4)).toEqual([]);
  });

  it('answers an edit at once with the reader\'s diagnostics and the checker\'s away from the edit, then checks again', async () => {
    const text = '(defn f [x] x)\n(nope 1)\n';
    const uri = await client.open('two-pass.glia', text);
    expect(codes(await client.diagnostics(uri))).toEqual(['unbound-symbol']);
    // A new form above: the quick pass moves the unchanged form's error with it.
    const v2text = '(def a 1)\n' + text;
    const v2 = await client.change(uri, v2text);
    const quick = await client.firstDiagnostics(uri, v2);
    expect(codes(quick)).toEqual(['unbound-symbol']);
    expect(textOf(v2text, quick[0]!.range)).toBe('nope');
    expect(quick[0]!.range.start.line).toBe(2);
    // Carrying over starts from the last full check: wait for it before the next edit.
    expect(codes(await client.diagnostics(uri, v2))).toEqual(['unbound-symbol']);
    // An edit elsewhere in the same form: the error before it stays until the check (which blanks the
    // now unreadable form) replaces it.
    const v3text = '(def a 1)\n(defn f [x] x)\n(nope 1\n';
    const v3 = await client.change(uri, v3text);
    expect(codes(await client.firstDiagnostics(uri, v3))).toEqual(['read/unclosed', 'unbound-symbol']);
    expect(codes(await client.diagnostics(uri, v3))).toEqual(['read/unclosed']);
    const v4 = await client.change(uri, '(def a 1)\n(defn f [x] x)\n(nope 1)\n');
    expect(codes(await client.diagnostics(uri, v4))).toEqual(['unbound-symbol']);
    // Typing into the symbol the error is about drops it at once; the check finds the new name unbound.
    const v5 = await client.change(uri, '(def a 1)\n(defn f [x] x)\n(nopes 1)\n');
    expect(await client.firstDiagnostics(uri, v5)).toEqual([]);
    const final = await client.diagnostics(uri, v5);
    expect(codes(final)).toEqual(['unbound-symbol']);
    expect(final[0]!.message).toContain("'nopes'");
  });

  it('a change to a definition reaches its callers in the next check (forms are re-analysed only where needed)', async () => {
    // Each check after the first reuses the analyses of unchanged forms
    // (glia/compile/form-cache.ts); the arity and the effects of a changed
    // definition must still reach the forms that call it.
    const text = ';; glia: context=pure\n(defn helper [x] (inc x))\n(defn other [] 1)\n(defn caller [] (helper 1))\n(caller)\n';
    const uri = await client.open('reach.glia', text);
    expect(await client.diagnostics(uri)).toEqual([]);
    const paramsAt = { start: { line: 1, character: 13 }, end: { line: 1, character: 16 } };
    const v2 = await client.edit(uri, { range: paramsAt, text: '[x y]' });
    const arity = await client.diagnostics(uri, v2);
    expect(codes(arity)).toEqual(['arity-mismatch', 'unused-binding']);
    expect(arity.find((d) => d.code === 'arity-mismatch')!.range.start.line).toBe(3);
    const v3 = await client.edit(uri, { range: { start: { line: 1, character: 13 }, end: { line: 1, character: 18 } }, text: '[x]' });
    expect(await client.diagnostics(uri, v3)).toEqual([]);
    // Now helper prints: the pure module's top-level (caller) performs :stdout through caller.
    const v4 = await client.edit(uri, { range: { start: { line: 1, character: 18 }, end: { line: 1, character: 21 } }, text: 'println' });
    const effect = await client.diagnostics(uri, v4);
    expect(codes(effect)).toContain('effect-not-allowed');
    expect(effect.some((d) => d.message.includes('calling caller performs :stdout'))).toBe(true);
    const v5 = await client.edit(uri, { range: { start: { line: 1, character: 18 }, end: { line: 1, character: 25 } }, text: 'inc' });
    expect(await client.diagnostics(uri, v5)).toEqual([]);
  });

  it('clears the diagnostics of a closed document', async () => {
    const uri = await client.open('closing.glia', '(nope)');
    expect(codes(await client.diagnostics(uri))).toEqual(['unbound-symbol']);
    await client.close(uri);
    await expect.poll(() => client.publishedFor(uri).at(-1)?.diagnostics.length, { timeout: 10_000 }).toBe(0);
  });
});
