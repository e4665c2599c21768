// A real LSP client for the tests: spawns the real server process (the
// compiled dist/, so run `npm run build` first) and talks JSON-RPC to it over
// its stdin and stdout with vscode-jsonrpc, as an editor does. Not a test
// file itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'ww.js');
export const SERVER_MAIN = join(ROOT, 'dist', 'lsp', 'server-main.js');

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface Diagnostic { range: Range; severity?: number; code?: string | number; source?: string; message: string; data?: any }

/** Source with `<|>` cursor markers: the text without them, and the position of each. */
export function markers(src: string): { text: string; at: Position[]; offsets: number[] } {
  const at: Position[] = [];
  const offsets: number[] = [];
  let text = '';
  let rest = src;
  for (;;) {
    const i = rest.indexOf('<|>');
    if (i < 0) { text += rest; break; }
    text += rest.slice(0, i);
    offsets.push(text.length);
    at.push(positionOf(text, text.length));
    rest = rest.slice(i + 3);
  }
  return { text, at, offsets };
}

export function positionOf(text: string, offset: number): Position {
  let line = 0, last = -1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) { line++; last = i; }
  return { line, character: offset - last - 1 };
}

/** The text a range covers. */
export function textOf(text: string, r: Range): string {
  const off = (p: Position) => {
    let line = 0, i = 0;
    while (line < p.line && i < text.length) { if (text.charCodeAt(i) === 10) line++; i++; }
    return i + p.character;
  };
  return text.slice(off(r.start), off(r.end));
}

export interface StartOptions {
  /** Start `node dist/lsp/server-main.js --stdio` instead of `ww lsp --stdio`. */
  serverMain?: boolean;
  initializationOptions?: Record<string, unknown>;
}

export class LspClient {
  readonly dir: string;
  readonly stdDir: string;
  private readonly published = new Map<string, Array<{ version?: number; diagnostics: Diagnostic[] }>>();
  /** Versions whose full check has been published (glia/diagnosticsComplete), by URI. */
  private readonly complete = new Map<string, Set<number>>();
  private readonly waiters: Array<() => void> = [];
  private versions = new Map<string, number>();
  stderr = '';
  exitCode: number | null = null;
  private exited: Promise<number | null>;

  private constructor(readonly proc: ChildProcess, readonly conn: MessageConnection, dir: string) {
    this.dir = dir;
    this.stdDir = join(dir, '.std-cache');
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
      const list = this.published.get(p.uri) ?? [];
      list.push({ version: p.version, diagnostics: p.diagnostics });
      this.published.set(p.uri, list);
      for (const w of this.waiters.splice(0)) w();
    });
    conn.onNotification('glia/diagnosticsComplete', (p: { uri: string; version: number }) => {
      const set = this.complete.get(p.uri) ?? new Set<number>();
      set.add(p.version);
      this.complete.set(p.uri, set);
      for (const w of this.waiters.splice(0)) w();
    });
    // The server may log, ask for configuration or register watchers; answer like an editor.
    conn.onNotification('window/logMessage', () => {});
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    conn.onRequest('window/workDoneProgress/create', () => null);
    this.exited = new Promise((resolve) => proc.on('exit', (code) => { this.exitCode = code; resolve(code); }));
  }

  /** Spawns a server with a fresh temporary workspace folder (files can be written there first). */
  static async start(files: Record<string, string> = {}, opts: StartOptions = {}): Promise<LspClient> {
    if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run \`npm run build\` before the LSP tests`);
    const dir = mkdtempSync(join(tmpdir(), 'ww-lsp-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const args = opts.serverMain ? [SERVER_MAIN, '--stdio'] : ['--stack-size=3800', BIN, 'lsp', '--stdio'];
    const proc = spawn(process.execPath, args, { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, conn, dir);
    proc.stderr!.on('data', (b: Buffer) => { client.stderr += b.toString(); });
    conn.listen();
    const folder = pathToFileURL(dir).href;
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'ws' }],
      capabilities: {
        workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { dynamicRegistration: false } },
      },
      initializationOptions: { stdSourcesDir: join(dir, '.std-cache'), ...opts.initializationOptions },
    });
    await conn.sendNotification('initialized', {});
    return client;
  }

  uri(name: string): string { return pathToFileURL(join(this.dir, name)).href; }

  /** Writes a file into the workspace folder (as if saved by another tool). */
  write(name: string, text: string): void {
    mkdirSync(dirname(join(this.dir, name)), { recursive: true });
    writeFileSync(join(this.dir, name), text);
  }

  async open(name: string, text: string): Promise<string> {
    const uri = this.uri(name);
    this.versions.set(uri, 1);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'glia', version: 1, text } });
    return uri;
  }

  /** Replaces the whole text (a full-document change); returns the new version. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** Applies incremental edits, in order, as editors send them while typing; returns the new version. */
  async edit(uri: string, ...edits: Array<{ range: Range; text: string }>): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: edits });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  version(uri: string): number { return this.versions.get(uri) ?? 1; }

  /**
   * The diagnostics of a version of a document (the current one by default)
   * once the server has checked it fully (glia/diagnosticsComplete).
   */
  async diagnostics(uri: string, version = this.version(uri), timeoutMs = 15_000): Promise<Diagnostic[]> {
    return this.waitFor(uri, version, timeoutMs, () => {
      if (!this.complete.get(uri)?.has(version)) return undefined;
      return (this.published.get(uri) ?? []).filter((p) => p.version === version).pop()?.diagnostics;
    });
  }

  /** The first diagnostics published for a version: the quick pass, before the full check. */
  async firstDiagnostics(uri: string, version = this.version(uri), timeoutMs = 15_000): Promise<Diagnostic[]> {
    return this.waitFor(uri, version, timeoutMs, () => (this.published.get(uri) ?? []).find((p) => p.version === version)?.diagnostics);
  }

  private async waitFor(uri: string, version: number, timeoutMs: number, probe: () => Diagnostic[] | undefined): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = probe();
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no diagnostics for ${uri} version ${version} within ${timeoutMs} ms; stderr: ${this.stderr.slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Every diagnostics notification for a document so far. */
  publishedFor(uri: string): Array<{ version?: number; diagnostics: Diagnostic[] }> { return this.published.get(uri) ?? []; }

  request<R = any>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  hover(uri: string, position: Position) { return this.request('textDocument/hover', { textDocument: { uri }, position }); }
  completion(uri: string, position: Position) { return this.request('textDocument/completion', { textDocument: { uri }, position }); }
  definition(uri: string, position: Position) { return this.request('textDocument/definition', { textDocument: { uri }, position }); }

  /** Shuts the server down as an editor does; resolves to its exit status. */
  async stop(): Promise<number | null> {
    if (this.exitCode === null && this.proc.exitCode === null) {
      try {
        await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 3000))]);
        await this.conn.sendNotification('exit');
      } catch { /* already gone */ }
      const killer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(killer);
    }
    this.conn.dispose();
    rmSync(this.dir, { recursive: true, force: true });
    return this.exitCode;
  }

  /** True while the server process is running. */
  get alive(): boolean { return this.proc.exitCode === null && this.proc.signalCode === null; }
}
