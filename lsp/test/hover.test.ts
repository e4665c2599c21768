// Hover through a real server: `<|>` in a source marks where the hover is
// asked, and the test asserts the text the server answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, markers, textOf } from './lsp-client.js';

let client: LspClient;
beforeAll(async () => { client = await LspClient.start(); });
afterAll(async () => { await client?.stop(); });

let n = 0;
/** Opens the source (markers removed) and hovers at each marker. */
async function hoverAt(src: string, name = `h${++n}.glia`) {
  const { text, at } = markers(src);
  const uri = await client.open(name, text);
  const out = [];
  for (const p of at) out.push(await client.hover(uri, p));
  return { text, hovers: out as Array<{ contents: { kind: string; value: string }; range?: any } | null> };
}

describe('hover', { timeout: 30_000 }, () => {
  it('shows the docstring and arglists of a function, and its inferred effects', async () => {
    const { text, hovers } = await hoverAt(`(defn greet
  "Says hello to someone."
  ([] (greet "world"))
  ([name] (println "hello" name)))
(gr<|>eet "you")
(defn add [a b] (+ a b))
(a<|>dd 1 2)`);
    const [h1, h2] = hovers;
    expect(h1!.contents.kind).toBe('markdown');
    expect(h1!.contents.value).toContain('user/greet');
    expect(h1!.contents.value).toContain('(greet)\n(greet name)');
    expect(h1!.contents.value).toContain('Says hello to someone.');
    expect(h1!.contents.value).toContain('**Effects:** `:stdout`');
    expect(textOf(text, h1!.range)).toBe('greet');
    expect(h2!.contents.value).toContain('(add a b)');
    expect(h2!.contents.value).toContain('**Effects:** none (pure)');
  });

  it('a cursor right after a name hovers that name', async () => {
    const { hovers } = await hoverAt('(defn f "doc of f" [x] x)\n(f<|> 1)');
    expect(hovers[0]!.contents.value).toContain('doc of f');
  });

  it('shows glia.core macros from the prelude, builtins by their arities, and special forms', async () => {
    const { hovers } = await hoverAt('(wh<|>en true (in<|>c 1))\n(l<|>et [x 1] x)');
    const [when, inc, let_] = hovers;
    expect(when!.contents.value).toContain('glia.core/when');
    expect(when!.contents.value).toContain('(when test & body)');
    expect(when!.contents.value).toContain('*macro*');
    expect(inc!.contents.value).toContain('glia.core/inc');
    expect(inc!.contents.value).toContain('(inc x)');
    expect(inc!.contents.value).toContain('*function*');
    expect(let_!.contents.value).toContain('*special form*');
    expect(let_!.contents.value).toContain('(let bindings & body)');
  });

  it('shows a local as a local', async () => {
    const { hovers } = await hoverAt('(let [total 1] (inc to<|>tal))');
    expect(hovers[0]!.contents.value).toContain('total');
    expect(hovers[0]!.contents.value).toContain('*local*');
  });

  it('shows a std module member through its alias, with its docstring', async () => {
    const { hovers } = await hoverAt('(import "ww/coll" :as coll)\n(coll/find-fi<|>rst odd? [1 2 3])');
    expect(hovers[0]!.contents.value).toContain('ww.coll/find-first');
    expect(hovers[0]!.contents.value).toContain('(find-first pred coll)');
    expect(hovers[0]!.contents.value).toContain('The first item of coll for which (pred item) is truthy');
  });

  it('shows a capability method with its schema signature and doc comment', async () => {
    const { text, hovers } = await hoverAt(';; glia: context=init.d\n(perform host :li<|>sten (cell (load "a.wasm")) "/a")\n(perform host :i<|>d)');
    const [listen, id] = hovers;
    expect(listen!.contents.value).toMatch(/host :listen \[[^\]]*\] -> /);
    expect(listen!.contents.value).toContain('(Glia convenience method)');
    expect(listen!.contents.value).toContain('Serves HTTP');
    expect(textOf(text, listen!.range)).toBe(':listen');
    expect(id!.contents.value).toContain('host :id [] -> (');
    expect(id!.contents.value).toContain('*Host.id*');
  });

  it('answers null where there is nothing to say', async () => {
    const { hovers } = await hoverAt('(def x "a st<|>ring")\n;; a com<|>ment\n(undefined-na<|>me)\n(perform :some-ef<|>fect 1)');
    expect(hovers).toEqual([null, null, null, null]);
  });
});
