// Completion through a real server: `<|>` marks where completion is asked;
// the test asserts which items come back (and, where it matters, which
// do not).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, markers } from './lsp-client.js';

let client: LspClient;
beforeAll(async () => { client = await LspClient.start(); });
afterAll(async () => { await client?.stop(); });

interface Item { label: string; kind?: number; detail?: string; documentation?: any; data?: any; textEdit?: any }

let n = 0;
async function completeAt(src: string, name = `c${++n}.glia`): Promise<Item[]> {
  const { text, at } = markers(src);
  const uri = await client.open(name, text);
  const r = await client.completion(uri, at[0]!);
  return (Array.isArray(r) ? r : r.items) as Item[];
}
const labels = (items: Item[]) => items.map((i) => i.label);

describe('completion', { timeout: 30_000 }, () => {
  it('offers the locals in scope, innermost first, and not those out of scope', async () => {
    const items = await completeAt(`(defn f [alpha {:keys [beta]}]
  (let [gamma 1
        [delta & rest] [1 2]]
    (+ <|>)))
(let [outside 1] outside)`);
    const ls = labels(items);
    for (const name of ['alpha', 'beta', 'gamma', 'delta', 'rest']) expect(ls).toContain(name);
    expect(ls).not.toContain('outside');
    expect(ls.indexOf('gamma')).toBeLessThan(ls.indexOf('map'));
    expect(items.find((i) => i.label === 'alpha')!.detail).toBe('local');
  });

  it('completes a prefix: the file\'s own definitions and glia.core', async () => {
    const items = await completeAt('(defn map-twice [f xs] (map f (map f xs)))\n(defn helper [] 1)\n(map<|>)');
    const ls = labels(items);
    expect(ls).toContain('map-twice');
    expect(ls).toContain('map');
    expect(ls).toContain('mapcat');
    expect(ls).not.toContain('helper');
    expect(items.find((i) => i.label === 'map-twice')!.detail).toBe('[f xs]');
  });

  it('offers special forms and macros', async () => {
    const items = await completeAt('(wi<|>)');
    const ls = labels(items);
    expect(ls).toContain('with-effect-handler');
    expect(items.find((i) => i.label === 'with-effect-handler')!.detail).toBe('special form');
    const w = await completeAt('(when-l<|>)');
    expect(labels(w)).toContain('when-let');
    expect(w.find((i) => i.label === 'when-let')!.detail).toMatch(/^macro \[/);
  });

  it('completes std module members after an alias', async () => {
    const coll = await completeAt('(import "ww/coll" :as coll)\n(coll/<|>)');
    expect(labels(coll)).toEqual(expect.arrayContaining(['coll/index-by', 'coll/deep-merge', 'coll/find-first', 'coll/map-vals']));
    expect(labels(coll).every((l) => l.startsWith('coll/'))).toBe(true);
    const str = await completeAt('(ns app (:import [ww.string :as str]))\n(str/jo<|>)');
    expect(labels(str)).toContain('str/join');
    expect(labels(str)).not.toContain('str/split');
    const edit = str.find((i) => i.label === 'str/join')!.textEdit;
    expect(edit.newText).toBe('str/join');
    expect(edit.range.start.character).toBe(1);
  });

  it('completes the methods of a capability after (perform host :', async () => {
    const items = await completeAt(';; glia: context=init.d\n(perform host :<|>)');
    const ls = labels(items);
    expect(ls).toEqual(expect.arrayContaining([':id', ':addrs', ':peers', ':network', ':listen']));
    expect(ls.every((l) => l.startsWith(':'))).toBe(true);
    expect(items.find((i) => i.label === ':id')!.detail).toMatch(/^id \[\] -> \(/);
    const http = await completeAt('(perform http-client :<|>)');
    expect(labels(http).length).toBeGreaterThan(0);
    expect(labels(http)).not.toContain(':id');
  });

  it('after (perform : offers the host effects and the keywords the file uses', async () => {
    const items = await completeAt('(def m {:colour 1})\n(perform :<|>)');
    const ls = labels(items);
    expect(ls).toEqual(expect.arrayContaining([':stdout', ':load', ':import', ':exit', ':colour']));
  });

  it('resolves an item\'s documentation when the editor asks', async () => {
    const items = await completeAt('(defn documented "It has docs." [a] a)\n(docu<|>)');
    const item = items.find((i) => i.label === 'documented')!;
    const resolved = await client.request('completionItem/resolve', item);
    expect(resolved.documentation.value).toContain('It has docs.');
    const core = (await completeAt('(when-no<|>)')).find((i) => i.label === 'when-not')!;
    expect((await client.request('completionItem/resolve', core)).documentation.value).toContain('glia.core/when-not');
  });

  it('offers nothing inside strings and comments', async () => {
    expect(await completeAt('(def s "ma<|>p")')).toEqual([]);
    expect(await completeAt(';; ma<|>p\n')).toEqual([]);
  });

  it('works in half-typed code', async () => {
    const items = await completeAt('(defn f [count-of-things]\n  (let [total (inc cou<|>');
    expect(labels(items)).toContain('count-of-things');
    expect(labels(items)).toContain('count');
  });
});
