// Half-typed code is the normal case for a language server: whatever a
// document holds, the server must not crash and must keep answering. Each
// test feeds a real server hostile text and then checks that it still
// answers requests (and still serves a healthy document correctly).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { LspClient, markers } from './lsp-client.js';

let client: LspClient;
let healthy: string;
const HEALTHY = markers('(defn probe "Still here." [x] x)\n(pro<|>be 1)');

beforeAll(async () => {
  client = await LspClient.start();
  healthy = await client.open('healthy.glia', HEALTHY.text);
});
afterAll(async () => {
  const code = await client?.stop();
  // A clean shutdown, not a crash.
  expect(code).toBe(0);
});

/** The server is alive and answers a hover on the healthy document correctly. */
async function stillAnswering(): Promise<void> {
  expect(client.alive).toBe(true);
  const h = await client.hover(healthy, HEALTHY.at[0]!);
  expect(h.contents.value).toContain('Still here.');
}

/** Every read-only request the server offers, at a position. */
async function everything(uri: string, position: { line: number; character: number }): Promise<void> {
  const td = { textDocument: { uri } };
  await Promise.all([
    client.request('textDocument/hover', { ...td, position }),
    client.request('textDocument/completion', { ...td, position }),
    client.request('textDocument/definition', { ...td, position }),
    client.request('textDocument/references', { ...td, position, context: { includeDeclaration: true } }),
    client.request('textDocument/signatureHelp', { ...td, position }),
    client.request('textDocument/documentSymbol', td),
    client.request('textDocument/foldingRange', td),
    client.request('textDocument/semanticTokens/full', td),
    client.request('textDocument/formatting', { ...td, options: { tabSize: 2, insertSpaces: true } }),
    client.request('textDocument/codeAction', { ...td, range: { start: position, end: position }, context: { diagnostics: [] } }),
    client.request('textDocument/prepareRename', { ...td, position }).catch(() => null),
  ]);
}

describe('bad input', { timeout: 120_000 }, () => {
  it('a FIFO named like a .glia file, changed in the workspace and imported, does not block the server', async () => {
    // Reading it would wait for a writer for ever; the server reads regular files only.
    execFileSync('mkfifo', [join(client.dir, 'pipe.glia')]);
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('pipe.glia'), type: 1 }] });
    const u = await client.open('imports-pipe.glia', '(import "pipe" :as p)\n(p/x)');
    await client.diagnostics(u);
    await stillAnswering();
  });

  it('binary garbage', async () => {
    let s = '';
    let seed = 7;
    for (let i = 0; i < 20_000; i++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; s += String.fromCharCode(seed % 256); }
    const uri = await client.open('garbage.glia', s);
    const ds = await client.diagnostics(uri);
    expect(ds.length).toBeGreaterThan(0);
    expect(ds.length).toBeLessThanOrEqual(200);
    await everything(uri, { line: 3, character: 5 });
    await stillAnswering();
  });

  it('a 5 MB line', async () => {
    const line = '(def big [' + '1 '.repeat(2_500_000) + '])';
    const started = Date.now();
    const uri = await client.open('huge-line.glia', line);
    const ds = await client.diagnostics(uri, 1, 60_000);
    // The form is too large to read in the editor, and the file too large to check.
    expect(ds.map((d) => [d.code, d.severity])).toEqual([['read/too-large', 2], ['lsp/not-checked', 3]]);
    await everything(uri, { line: 0, character: 2_000_000 });
    await stillAnswering();
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('a large ordinary file is analysed, and other documents are answered meanwhile', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(`(defn f${i} [x] (+ x ${i}))`);
    const uri = await client.open('large.glia', lines.join('\n'));
    // Ask about the healthy document at once: it must not wait for the large one.
    const t0 = Date.now();
    await stillAnswering();
    const waited = Date.now() - t0;
    const ds = await client.diagnostics(uri, 1, 90_000);
    // Too large for the whole-file checker: only the reader's diagnostics (none), and a note saying so.
    expect(ds.map((d) => [d.code, d.severity])).toEqual([['lsp/not-checked', 3]]);
    expect(waited).toBeLessThan(5_000);
    const h = await client.hover(uri, { line: 19_999, character: 8 });
    expect(h.contents.value).toContain('user/f19999');
  });

  it('deeply nested and unbalanced brackets', async () => {
    for (const [name, text] of [
      ['deep-open.glia', '('.repeat(200_000)],
      ['deep-balanced.glia', '['.repeat(50_000) + ']'.repeat(50_000)],
      ['closers.glia', ')]}'.repeat(10_000)],
      ['mixed.glia', '(defn f [x\n  {:a (let [y #{1 2 "str\n(def z ^{:m ' + '#_ '.repeat(1000) + '\n\'`~@'],
    ] as const) {
      const uri = await client.open(name, text);
      const ds = await client.diagnostics(uri, 1, 60_000);
      expect(ds.length, name).toBeGreaterThan(0);
      await everything(uri, { line: 0, character: 10 });
    }
    await stillAnswering();
  });

  it('random edits to a real program, with every request after each', async () => {
    const base = `(ns app.main (:import [ww.string :as str]))
(defn greet "Greets." [{:keys [name]} & more]
  (let [msg (str/join " " ["hi" name])]
    (when-let [x (first more)] (println x))
    (perform :stdout msg)))
(defmacro twice [x] \`(do ~x ~x))
(match [1 2] [a b] (+ a b) (effect :e d k) (k d))
`;
    let text = base;
    const uri = await client.open('fuzz.glia', text);
    const alphabet = ['(', ')', '[', ']', '{', '}', '"', '\\', ';', '#', '#_', '^', "'", '`', '~@', '@', ':', '/', ' ', '\n', 'x', 'let', 'fn', '&', '%'];
    let seed = 42;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    for (let i = 0; i < 150; i++) {
      const at = rnd(text.length + 1);
      if (rnd(3) === 0 && text.length > 0) {
        const len = 1 + rnd(Math.min(20, text.length - Math.min(at, text.length - 1)));
        text = text.slice(0, at) + text.slice(at + len);
      } else {
        text = text.slice(0, at) + alphabet[rnd(alphabet.length)] + text.slice(at);
      }
      await client.change(uri, text);
      const lines = text.split('\n');
      const line = rnd(lines.length);
      await everything(uri, { line, character: rnd(lines[line]!.length + 1) });
    }
    // Diagnostics for the last version arrive.
    await client.diagnostics(uri);
    await stillAnswering();
  });
});
