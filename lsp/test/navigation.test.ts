// Go to definition, find references and rename through a real server, in
// a workspace of several files: `<|>` marks the cursor, and the test checks
// the locations and edits the server answers against the text.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, markers, textOf, positionOf } from './lsp-client.js';

const UTIL = `(ns app.util)

(defn shout
  "Upper-cases a greeting."
  [s] (str s "!"))

(defn- secret [] 42)
`;

const OTHER = `(import "./util" :as u)
(u/shout "from other")
`;

let client: LspClient;
beforeAll(async () => { client = await LspClient.start({ 'lib/util.glia': UTIL, 'lib/other.glia': OTHER, 'lib/unrelated.glia': '(defn shout [] :not-the-same)\n(shout)\n' }); });
afterAll(async () => { await client?.stop(); });

interface Location { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }

/** The text a location points at, read from disk (or the std cache) as an editor would. */
function at(loc: Location): string {
  return textOf(readFileSync(fileURLToPath(loc.uri), 'utf8'), loc.range);
}

describe('go to definition', { timeout: 30_000 }, () => {
  it('jumps from a local to its binding, and from a call to the defn in the same file', async () => {
    const { text, at: pos } = markers('(defn area [w h]\n  (let [size (* w h)]\n    (str si<|>ze)))\n(ar<|>ea 2 3)');
    const uri = await client.open('main.glia', text);
    const local: Location = await client.definition(uri, pos[0]!);
    expect(local.uri).toBe(uri);
    expect(local.range.start).toEqual(positionOf(text, text.indexOf('size')));
    expect(textOf(text, local.range)).toBe('size');
    const global: Location = await client.definition(uri, pos[1]!);
    expect(textOf(text, global.range)).toBe('area');
    expect(global.range.start.line).toBe(0);
  });

  it('jumps into another file of the workspace through an import alias', async () => {
    const { text, at: pos } = markers('(import "./lib/util" :as util)\n(util/sho<|>ut "hi")');
    const uri = await client.open('uses-util.glia', text);
    const loc: Location = await client.definition(uri, pos[0]!);
    expect(loc.uri).toBe(client.uri('lib/util.glia'));
    expect(at(loc)).toBe('shout');
    expect(loc.range.start.line).toBe(2);
  });

  it('jumps into a std module and into the prelude, materialized as read-only files', async () => {
    const { text, at: pos } = markers('(import "ww/coll" :as coll)\n(coll/index-b<|>y :id [])\n(def<|>n f [] 1)');
    const uri = await client.open('uses-std.glia', text);
    const coll: Location = await client.definition(uri, pos[0]!);
    expect(coll.uri.startsWith(client.uri('.std-cache/'))).toBe(true);
    expect(coll.uri.endsWith('/std/ww/coll.glia')).toBe(true);
    expect(at(coll)).toBe('index-by');
    const defn: Location = await client.definition(uri, pos[1]!);
    expect(defn.uri.endsWith('/glia/prelude/core.glia')).toBe(true);
    expect(at(defn)).toBe('defn');
    expect(readFileSync(fileURLToPath(defn.uri), 'utf8').split('\n')[defn.range.start.line]).toContain('(defmacro defn ');
  });

  it('jumps from the module named in an import or ns form to the module', async () => {
    const { text, at: pos } = markers('(ns app (:import [ww.co<|>ll :as c]))\n(import "./lib/ut<|>il" :as u)\n(import "ww/string" :as s<|>tr)');
    const uri = await client.open('imports.glia', text);
    const coll: Location = await client.definition(uri, pos[0]!);
    expect(coll.uri.endsWith('/std/ww/coll.glia')).toBe(true);
    expect(coll.range.start).toEqual({ line: 0, character: 0 });
    const util: Location = await client.definition(uri, pos[1]!);
    expect(util.uri).toBe(client.uri('lib/util.glia'));
    // ww/string is built in (TypeScript): there is no file to open.
    expect(await client.definition(uri, pos[2]!)).toBeNull();
  });

  it('has nothing to jump to for a builtin written in TypeScript, a keyword or a string', async () => {
    const { text, at: pos } = markers('(in<|>c 1)\n(def k :ke<|>y)\n(def s "st<|>r")');
    const uri = await client.open('nowhere.glia', text);
    for (const p of pos) expect(await client.definition(uri, p)).toBeNull();
  });
});

describe('find references', { timeout: 30_000 }, () => {
  it('finds the uses of a definition across the workspace, and not a same-named one elsewhere', async () => {
    const { text, at: pos } = markers('(import "./lib/util" :as util)\n(util/shout "a")\n(util/sho<|>ut "b")');
    const uri = await client.open('refs.glia', text);
    const refs: Location[] = await client.request('textDocument/references', { textDocument: { uri }, position: pos[0], context: { includeDeclaration: true } });
    const where = refs.map((r) => `${r.uri.slice(r.uri.lastIndexOf('/') + 1)}:${r.range.start.line}`).sort();
    // uses-util.glia, opened by an earlier test, calls it too; unrelated.glia's own shout is another var.
    expect(where).toEqual(['other.glia:1', 'refs.glia:1', 'refs.glia:2', 'uses-util.glia:1', 'util.glia:2']);
    const noDecl: Location[] = await client.request('textDocument/references', { textDocument: { uri }, position: pos[0], context: { includeDeclaration: false } });
    expect(noDecl.map((r) => r.uri).some((u) => u.endsWith('/lib/util.glia'))).toBe(false);
    expect(noDecl).toHaveLength(4);
  });

  it('finds the uses of a local only inside its scope', async () => {
    const { text, at: pos } = markers('(let [x<|> 1] (+ x x))\n(let [x 2] x)');
    const uri = await client.open('local-refs.glia', text);
    const refs: Location[] = await client.request('textDocument/references', { textDocument: { uri }, position: pos[0], context: { includeDeclaration: true } });
    expect(refs.map((r) => r.range.start.character).sort((a, b) => a - b)).toEqual([6, 14, 16]);
    expect(refs.every((r) => r.range.start.line === 0)).toBe(true);
  });
});

describe('rename', { timeout: 30_000 }, () => {
  it('renames a local and all its uses, leaving a shadowing local alone', async () => {
    const { text, at: pos } = markers('(defn f [n<|>]\n  (let [m (* n 2)]\n    (+ n m (let [n 5] n))))');
    const uri = await client.open('rename-local.glia', text);
    const prep = await client.request('textDocument/prepareRename', { textDocument: { uri }, position: pos[0] });
    expect(textOf(text, prep.range)).toBe('n');
    const edit = await client.request('textDocument/rename', { textDocument: { uri }, position: pos[0], newName: 'count' });
    const result = applyEdits(text, edit.changes[uri]);
    expect(result).toBe('(defn f [count]\n  (let [m (* count 2)]\n    (+ count m (let [n 5] n))))');
  });

  it('renames a global across the files that use it', async () => {
    const { text, at: pos } = markers('(import "./lib/util" :as util)\n(util/sho<|>ut "c")');
    const uri = await client.open('rename-global.glia', text);
    const edit = await client.request('textDocument/rename', { textDocument: { uri }, position: pos[0], newName: 'yell' });
    const files = Object.keys(edit.changes).map((u) => u.slice(u.lastIndexOf('/') + 1)).sort();
    // Every file that calls it: two on disk, and the documents earlier tests opened.
    expect(files).toEqual(['other.glia', 'refs.glia', 'rename-global.glia', 'uses-util.glia', 'util.glia']);
    expect(applyEdits(text, edit.changes[uri])).toBe('(import "./lib/util" :as util)\n(util/yell "c")');
    expect(applyEdits(UTIL, edit.changes[client.uri('lib/util.glia')])).toContain('(defn yell\n');
    expect(applyEdits(OTHER, edit.changes[client.uri('lib/other.glia')])).toContain('(u/yell "from other")');
  });

  it('refuses to rename what is not the workspace\'s, and names that do not read back', async () => {
    const { text, at: pos } = markers('(ma<|>p inc [1])\n(defn mine [] 1)\n(mi<|>ne)');
    const uri = await client.open('rename-refused.glia', text);
    await expect(client.request('textDocument/prepareRename', { textDocument: { uri }, position: pos[0] })).rejects.toThrow(/part of Glia's standard library|built into Glia/);
    await expect(client.request('textDocument/rename', { textDocument: { uri }, position: pos[1], newName: 'has space' })).rejects.toThrow(/not a valid Glia name/);
    await expect(client.request('textDocument/rename', { textDocument: { uri }, position: pos[1], newName: ':kw' })).rejects.toThrow(/not a valid Glia name/);
    const ok = await client.request('textDocument/rename', { textDocument: { uri }, position: pos[1], newName: 'ours!' });
    expect(applyEdits(text, ok.changes[uri])).toBe('(map inc [1])\n(defn ours! [] 1)\n(ours!)');
  });
});

/** Applies LSP text edits (non-overlapping) to a text. */
function applyEdits(text: string, edits: Array<{ range: Location['range']; newText: string }>): string {
  const off = (p: { line: number; character: number }) => {
    let line = 0, i = 0;
    while (line < p.line) { if (text.charCodeAt(i) === 10) line++; i++; }
    return i + p.character;
  };
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}
