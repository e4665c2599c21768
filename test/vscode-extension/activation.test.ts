// The extension's activation and its commands, driven against a fake
// `vscode` module and a fake language client (see fake-vscode.ts: VS Code
// cannot run here). Evaluation is real: the command runs `ww eval` in a
// child process and the test reads the decoration it leaves.
import { describe, it, expect, vi, beforeEach, afterEach, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

vi.mock('vscode', () => import('./fake-vscode.js'));
vi.mock('../../vscode-extension/src/language-client.js', () => import('./fake-languageclient.js'));

import { fake, FakeDocument, FakeEditor, Uri, window } from './fake-vscode.js';
import { LanguageClient, TransportKind } from './fake-languageclient.js';
import { activate, deactivate } from '../../vscode-extension/src/extension.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const manifest = JSON.parse(readFileSync(join(root, 'vscode-extension/package.json'), 'utf8'));

let ext: string;   // a stand-in extension directory
let work: string;  // the directory of the edited .glia file
beforeAll(() => {
  ext = mkdtempSync(join(tmpdir(), 'glia-ext-'));
  // The real extension ships the ww CLI bundled as server/ww.js (vsix.test.ts
  // checks that bundle); here the same path runs the repository's bin/ww.js.
  mkdirSync(join(ext, 'server'));
  writeFileSync(join(ext, 'server/ww.js'), `await import(${JSON.stringify(pathToFileURL(join(root, 'bin/ww.js')).href)});\n`);
  writeFileSync(join(ext, 'server/package.json'), '{"type":"module"}\n');
  work = mkdtempSync(join(tmpdir(), 'glia-work-'));
  writeFileSync(join(work, 'data.txt'), 'hello');
});
afterAll(() => {
  rmSync(ext, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

let context: { subscriptions: Array<{ dispose(): void }>; extensionPath: string };
beforeEach(async () => {
  fake.reset();
  LanguageClient.created.length = 0;
  context = { subscriptions: [], extensionPath: ext };
});
afterEach(async () => {
  await deactivate();
  for (const d of context.subscriptions) d.dispose();
});

/** Opens `marked` (with a `<|>` cursor) as the active editor of a file in `work`. */
function open(marked: string): FakeEditor {
  const cursor = marked.indexOf('<|>');
  const doc = new FakeDocument(Uri.file(join(work, 'main.glia')), marked.replace('<|>', ''));
  const editor = new FakeEditor(doc, cursor);
  window.activeTextEditor = editor;
  window.visibleTextEditors = [editor];
  return editor;
}

async function evaluate(): Promise<void> {
  await fake.commands.get('glia.evaluateTopLevelForm')!();
}

describe('activation', () => {
  it('registers every command the manifest contributes, and the keybinding\'s', async () => {
    await activate(context as any);
    const contributed = manifest.contributes.commands.map((c: any) => c.command).sort();
    expect([...fake.commands.keys()].sort()).toEqual(contributed);
    expect(contributed).toContain(manifest.contributes.keybindings[0].command);
  });

  it('starts the bundled server on VS Code\'s Node over stdio, for Glia documents', async () => {
    await activate(context as any);
    expect(LanguageClient.created).toHaveLength(1);
    const c = LanguageClient.created[0]!;
    expect(c.id).toBe('glia');
    expect(c.started).toBe(true);
    expect(c.serverOptions.run).toEqual({
      module: join(ext, 'server', 'server.js'),
      transport: TransportKind.stdio,
      options: { execArgv: process.platform === 'win32' ? [] : ['--stack-size=3800'] },
    });
    expect(c.clientOptions.documentSelector).toEqual([{ scheme: 'file', language: 'glia' }, { scheme: 'untitled', language: 'glia' }]);
    expect(fake.watchers).toEqual(['**/*.glia']);
  });

  it('starts `ww lsp` instead when glia.ww.path names a ww, and restarts when the setting changes', async () => {
    await activate(context as any);
    fake.changeSetting('glia.ww.path', 'ww');
    await vi.waitFor(() => expect(LanguageClient.created).toHaveLength(2));
    expect(LanguageClient.created[0]!.stopped).toBe(true);
    const c = LanguageClient.created[1]!;
    expect(c.serverOptions.run).toEqual({ command: 'ww', args: ['lsp'], transport: TransportKind.stdio });
    await vi.waitFor(() => expect(c.started).toBe(true));
  });

  it('says so when the server cannot start, and keeps its commands', async () => {
    fake.settings.set('glia.ww.path', '/nowhere/ww');
    LanguageClient.failNextStart = new Error('spawn /nowhere/ww ENOENT');
    await activate(context as any);
    expect(fake.messages).toEqual([{ kind: 'error', text: "Glia: could not start '/nowhere/ww lsp --stdio': spawn /nowhere/ww ENOENT" }]);
    expect(fake.commands.has('glia.evaluateTopLevelForm')).toBe(true);
  });
});

describe('Glia: Evaluate top-level form', () => {
  it('shows the value after the line where the form ends', async () => {
    await activate(context as any);
    const editor = open('(def a 1)\n(+ 1\n   <|>2)\n(def b 2)');
    await evaluate();
    expect(editor.shown()).toEqual([{ line: 2, text: '=> 3', color: 'glia.inlineResultForeground', hover: expect.stringContaining('3') }]);
  });

  it('shows an error in the error colour, with its position in the file', async () => {
    await activate(context as any);
    const editor = open('(def a 1)\n\n(let [x 1]\n  (/ x <|>0))');
    await evaluate();
    const [shown, ...rest] = editor.shown();
    expect(rest).toEqual([]);
    expect(shown).toMatchObject({ line: 3, color: 'glia.inlineErrorForeground', text: '✗ error[arithmetic]: divide by zero (line 4, column 3)' });
    expect(shown!.hover).toContain('hint:');
  });

  it('clears the result when the document is edited', async () => {
    await activate(context as any);
    const editor = open('(inc <|>41)');
    await evaluate();
    expect(editor.shown().map((s) => s.text)).toEqual(['=> 42']);
    editor.document.edit('(inc 4)');
    expect(editor.shown()).toEqual([]);
  });

  it('runs in the file\'s directory, with the file\'s imports, and sends printed output to the Glia channel', async () => {
    await activate(context as any);
    const editor = open('(import "ww/string" :as s)\n(def unrelated (boom))\n(do (println "side effect") [(count (load "data.txt")) (s/join "," [1 2])])<|>');
    await evaluate();
    expect(editor.shown().map((s) => s.text)).toEqual(['=> [5 "1,2"]']);
    expect(fake.channels.get('Glia')!.join('')).toContain('side effect');
  });

  it('runs the ww that glia.ww.path names', async () => {
    fake.settings.set('glia.ww.path', join(root, 'bin/ww.js'));
    await activate(context as any);
    const editor = open('(str "via " <|>"setting")');
    await evaluate();
    expect(editor.shown().map((s) => s.text)).toEqual(['=> "via setting"']);
  });

  it('stops a form that runs past glia.eval.timeout', async () => {
    fake.settings.set('glia.eval.timeout', 1500);
    await activate(context as any);
    const editor = open('(loop [] <|>(recur))');
    await evaluate();
    expect(editor.shown()).toMatchObject([{ color: 'glia.inlineErrorForeground', text: '✗ timed out after 1500 ms (glia.eval.timeout)' }]);
  });

  it('says so when no form is at the cursor', async () => {
    await activate(context as any);
    const editor = open('(a)\n\n<|>\n(b)');
    await evaluate();
    expect(fake.messages).toEqual([{ kind: 'info', text: 'Glia: no form at the cursor' }]);
    expect(editor.shown()).toEqual([]);
  });
});
