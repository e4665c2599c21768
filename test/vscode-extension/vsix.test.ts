// Packages the extension as VS Code users get it (`npm run package` in
// vscode-extension/, which runs @vscode/vsce), then checks the .vsix: its
// files, and that the bundled server and CLI in it work on their own,
// outside the repository, with no node_modules and no global `ww`.
//
// vscode-extension/ has its own dependencies (vsce, vscode-languageclient,
// esbuild), which the root `npm install` does not fetch; this test installs
// them from the committed lockfile with `npm ci` the first time (and again
// when the lockfile is newer). See vscode-extension/README.md.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, builtinModules } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node.js';
import { unzip } from './unzip.js';
import { runEval } from '../../vscode-extension/src/run-eval.js';
import { wwCommand } from '../../vscode-extension/src/ww-command.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ext = join(root, 'vscode-extension');

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

let files: Map<string, Buffer>;
let installed: string; // the .vsix unpacked, as VS Code installs it
beforeAll(() => {
  const marker = join(ext, 'node_modules/.package-lock.json');
  if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(join(ext, 'package-lock.json')).mtimeMs) {
    run('npm', ['ci', '--no-audit', '--no-fund'], ext);
  }
  run('npm', ['run', 'package'], ext);
  files = unzip(readFileSync(join(ext, 'glia.vsix')));
  installed = mkdtempSync(join(tmpdir(), 'glia-vsix-'));
  for (const [name, data] of files) {
    if (!name.startsWith('extension/')) continue;
    const to = join(installed, name.slice('extension/'.length));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, data);
  }
}, 600_000);
afterAll(() => { if (installed) rmSync(installed, { recursive: true, force: true }); });

describe('the .vsix', () => {
  it('holds the manifest, grammar, language configuration, README, client bundle and server bundles', () => {
    for (const f of ['package.json', 'syntaxes/glia.tmLanguage.json', 'language-configuration.json',
      'dist/extension.js', 'server/server.js', 'server/ww.js', 'server/package.json']) {
      expect(files.has(`extension/${f}`), f).toBe(true);
    }
    // vsce stores the README under a lower-case name.
    expect(files.get('extension/readme.md')?.toString('utf8')).toContain('Evaluate top-level form');
    expect(files.has('extension.vsixmanifest')).toBe(true);
  });

  it('leaves out sources, tests and node_modules', () => {
    const stray = [...files.keys()].filter((f) => /^extension\/(src|test|scripts|node_modules)\//.test(f) || f.endsWith('.vsix'));
    expect(stray).toEqual([]);
  });

  it('has every file its manifest points to', () => {
    const pkg = JSON.parse(files.get('extension/package.json')!.toString('utf8'));
    const paths = [pkg.main, ...pkg.contributes.grammars.map((g: any) => g.path), ...pkg.contributes.languages.map((l: any) => l.configuration)];
    for (const p of paths) expect(files.has(join('extension', p).replaceAll('\\', '/')), p).toBe(true);
    expect(pkg.contributes.languages[0]).toMatchObject({ id: 'glia', extensions: ['.glia'] });
  });

  it('has a client bundle that needs nothing but the vscode module', () => {
    // Loads dist/extension.js with a do-nothing `vscode`, and records what it requires from outside.
    const req = createRequire(join(installed, 'dist/extension.js'));
    const Module = req('node:module');
    const outside = new Set<string>();
    const stub: any = new Proxy(function () {}, { get: (_t, k) => (k === 'prototype' ? {} : stub), construct: () => ({}), apply: () => stub });
    const load = Module._load;
    Module._load = function (request: string, ...rest: unknown[]) {
      const bare = request.replace(/^node:/, '');
      if (!request.startsWith('.') && !isAbsolute(request) && !builtinModules.includes(bare)) outside.add(request);
      return request === 'vscode' ? stub : load.call(this, request, ...rest);
    };
    try {
      const m = req(join(installed, 'dist/extension.js'));
      expect(typeof m.activate).toBe('function');
      expect(typeof m.deactivate).toBe('function');
    } finally {
      Module._load = load;
    }
    expect([...outside]).toEqual(['vscode']);
  });
});

describe('the bundled language server', () => {
  let server: ReturnType<typeof spawn>;
  let conn: MessageConnection;
  let stderr = '';
  const logged: string[] = [];
  beforeAll(() => {
    // Started as vscode-languageclient starts a `module` server over stdio.
    server = spawn(process.execPath, [join(installed, 'server/server.js'), '--stdio', `--clientProcessId=${process.pid}`],
      { cwd: tmpdir(), stdio: ['pipe', 'pipe', 'pipe'] });
    server.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    conn = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    // The server logs its own failures as window/logMessage; they explain a missing answer.
    conn.onNotification('window/logMessage', (p: any) => { logged.push(p.message); });
    conn.listen();
  });
  afterAll(() => { conn?.dispose(); server?.kill(); });

  it('answers initialize over stdio', async () => {
    const result: any = await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    expect(result.capabilities, stderr).toMatchObject({ hoverProvider: true, textDocumentSync: expect.anything() });
    conn.sendNotification('initialized', {});
  });

  it('reports a read error in an opened document', async () => {
    const uri = 'file:///tmp/bundled-check.glia';
    const diagnostics = new Promise<any>((res, rej) => {
      conn.onNotification('textDocument/publishDiagnostics', (p: any) => { if (p.uri === uri && p.diagnostics.length) res(p); });
      setTimeout(() => rej(new Error(`no diagnostics after 15 s; server log:\n${logged.join('\n')}\n${stderr}`)), 15_000);
    });
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'glia', version: 1, text: '(+ 1' } });
    const p = await diagnostics;
    expect(p.diagnostics.map((d: any) => d.code)).toContain('read/unclosed');
  });

  it('shuts down and exits when asked', async () => {
    await conn.sendRequest('shutdown');
    const exited = new Promise<number | null>((res) => server.on('exit', (code) => res(code)));
    conn.sendNotification('exit');
    expect(await exited).toBe(0);
  });
});

describe('the bundled ww CLI', () => {
  const ww = (args: string[]) => wwCommand({ wwPath: '', extensionPath: installed, execPath: process.execPath, platform: process.platform }, args);
  const src = (source: string) => ({ source, filePosition: (p: { line: number; col: number }) => p });

  it('evaluates effects and handlers the way the extension runs it', async () => {
    const r = await runEval(ww, src('(with-effect-handler :x (fn [d k] (* 2 (k 5))) (+ 1 (perform :x 0)))'), tmpdir(), 60_000);
    expect(r).toMatchObject({ ok: true, value: '12' });
  });

  it('carries the std library, and loads files relative to its directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-vsix-eval-'));
    try {
      writeFileSync(join(dir, 'five.txt'), '12345');
      const r = await runEval(ww, src('(import "ww/string" :as s)\n(s/join "-" [(count (load "five.txt")) "ok"])'), dir, 60_000);
      expect(r).toMatchObject({ ok: true, value: '"5-ok"' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports errors as JSON', async () => {
    const r = await runEval(ww, src('(/ 1 0)'), tmpdir(), 60_000);
    expect(r).toMatchObject({ ok: false, message: 'error[arithmetic]: divide by zero (line 1, column 1)' });
  });
});
