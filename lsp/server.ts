// The Glia language server: wires the LSP requests to the analyses in this
// folder. It speaks LSP over stdio (`ww lsp --stdio`, or
// `node dist/lsp/server-main.js --stdio`).
//
// It must never crash and never stop answering, whatever the documents
// hold: every handler catches its own failures (answering null or nothing
// and logging to the client), analysis yields to the event loop between
// chunks, and work for a document version that has been superseded is
// dropped.
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, CodeActionKind, ResponseError,
  DidChangeWatchedFilesNotification, FileChangeType,
  type Connection, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Checker } from './checker.js';
import { StdSources, PRELUDE_KEY } from './std-sources.js';
import { Workspace, DEFAULT_LIMITS } from './workspace.js';
import { Resolver } from './resolve.js';
import type { FileAnalysis } from './file-analysis.js';
import { canonicalUri, uriToPath } from './uri.js';
import { repairedText, MAX_CHECK_CHARS } from './features/diagnostics.js';
import { DiagnosticsLoop } from './diagnostics-loop.js';
import { hover } from './features/hover.js';
import { complete, resolveItem } from './features/completion.js';
import { definition, prepareRename, referencesAt, rename, toLocations } from './features/navigation.js';
import { documentSymbols, workspaceSymbols } from './features/symbols.js';
import { foldingRanges } from './features/folding.js';
import { LEGEND, semanticTokens } from './features/semantic-tokens.js';
import { formatDocument, formatRange } from './features/formatting.js';
import { signatureHelp } from './features/signature-help.js';
import { codeActions } from './features/code-actions.js';

export const SERVER_NAME = 'glia-language-server';
export const SERVER_VERSION = '0.1.0';

/** Settings a client may pass as initializationOptions. */
export interface ServerSettings {
  /** Where the std sources are written for go-to-definition (default: the OS temp folder). */
  stdSourcesDir?: string;
  /** How many .glia files of the workspace folders to index (default 5000). */
  maxFiles?: number;
  /** Larger files on disk are not indexed (default 2 MB). */
  maxFileBytes?: number;
  /** Milliseconds after the last change before the whole file is checked again (default 100). */
  checkDelayMs?: number;
  /** Reuse the analyses of unchanged top-level forms between checks (default true; false checks every time from scratch). */
  incrementalCheck?: boolean;
}

/** Starts the server on this process's stdin and stdout. */
export function startStdioServer(): void {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  // stdout carries the protocol: anything printed must go to the client's log instead.
  const log = (level: 'log' | 'info' | 'warn' | 'error') => (...args: unknown[]) => {
    try { connection.console[level](args.map((a) => (typeof a === 'string' ? a : String((a as Error)?.stack ?? a))).join(' ')); } catch { /* the connection is gone */ }
  };
  console.log = log('log'); console.info = log('info'); console.warn = log('warn'); console.error = log('error'); console.debug = log('log');
  process.on('uncaughtException', (e) => console.error('glia-lsp: uncaught', e));
  process.on('unhandledRejection', (e) => console.error('glia-lsp: unhandled rejection', e));
  new GliaServer(connection).listen();
}

export class GliaServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly checker = new Checker((path, from) => this.ws.moduleSource(path, from), (file) => this.ws.cellProject(file));
  private std!: StdSources;
  private ws!: Workspace;
  private resolver!: Resolver;
  private diagnostics!: DiagnosticsLoop;
  private lastYield = Date.now();

  constructor(private readonly connection: Connection) {
    this.setup(new StdSources());
  }

  private setup(std: StdSources): void {
    this.std = std;
    this.ws = new Workspace(this.checker, std, () => this.pause());
    this.resolver = new Resolver(this.ws, this.checker);
    this.diagnostics = new DiagnosticsLoop(this.connection, this.documents, this.ws, this.checker, (e) => console.error('glia-lsp:', e));
  }

  /** Yields to the event loop every few milliseconds of analysis, so requests keep being answered. */
  private pause(): Promise<void> {
    if (Date.now() - this.lastYield < 10) return Promise.resolve();
    return new Promise((r) => setImmediate(() => { this.lastYield = Date.now(); r(); }));
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize((p) => this.initialize(p));
    c.onInitialized(() => { void this.initialized(); });
    this.documents.onDidChangeContent((e) => { this.ws.setOpen(e.document); this.diagnostics.changed(e.document.uri); });
    this.documents.onDidClose((e) => {
      this.ws.setClosed(e.document.uri);
      this.checker.forget(canonicalUri(e.document.uri));
      this.diagnostics.closed(e.document.uri);
    });
    c.onDidChangeWatchedFiles((p) => {
      for (const ch of p.changes) this.ws.fileChanged(ch.uri, ch.type === FileChangeType.Deleted);
      // An imported file may have changed what the open documents see.
      for (const d of this.documents.all()) this.diagnostics.changed(d.uri);
    });

    c.onHover((p) => this.withFile(p.textDocument.uri, null, (f) => hover(f, f.doc.offsetAt(p.position), this.resolver, (file, start, end) => this.effectsAt(file, start, end))));
    c.onCompletion((p) => this.withFile(p.textDocument.uri, null, (f) => complete(f, f.doc.offsetAt(p.position), this.resolver)));
    c.onCompletionResolve((item) => this.safe(item, async () => {
      const uri = (item.data as { uri?: string } | undefined)?.uri;
      return resolveItem(item, uri ? await this.ws.analysis(uri) : undefined, this.resolver);
    }));
    c.onDefinition((p) => this.withFile(p.textDocument.uri, null, (f) => definition(f, f.doc.offsetAt(p.position), this.ws, this.resolver)));
    c.onReferences((p, token) => this.withFile(p.textDocument.uri, [], async (f) => {
      const found = await referencesAt(f, f.doc.offsetAt(p.position), this.ws, this.resolver, p.context.includeDeclaration);
      return found && !token.isCancellationRequested ? toLocations(found.refs) : [];
    }));
    c.onPrepareRename((p) => this.withFile(p.textDocument.uri, null, (f) => prepareRename(f, f.doc.offsetAt(p.position), this.ws, this.resolver)));
    c.onRenameRequest((p) => this.withFile(p.textDocument.uri, null, (f) => rename(f, f.doc.offsetAt(p.position), p.newName, this.ws, this.resolver)));
    c.onDocumentSymbol((p) => this.withFile(p.textDocument.uri, [], (f) => documentSymbols(f)));
    c.onWorkspaceSymbol((p, token) => this.safe([], () => workspaceSymbols(p.query, this.ws, () => token.isCancellationRequested)));
    c.onFoldingRanges((p) => this.withFile(p.textDocument.uri, [], (f) => foldingRanges(f)));
    c.languages.semanticTokens.on((p) => this.withFile(p.textDocument.uri, { data: [] }, (f) => semanticTokens(f, this.resolver)));
    c.onDocumentFormatting((p) => this.withFile(p.textDocument.uri, [], (f) => formatDocument(f)));
    c.onDocumentRangeFormatting((p) => this.withFile(p.textDocument.uri, [], (f) => formatRange(f, p.range)));
    c.onSignatureHelp((p) => this.withFile(p.textDocument.uri, null, (f) => signatureHelp(f, f.doc.offsetAt(p.position), this.resolver)));
    c.onCodeAction((p) => this.withFile(p.textDocument.uri, [], (f) => codeActions(f, p.context.diagnostics)));

    this.documents.listen(c);
    c.listen();
  }

  private initialize(p: InitializeParams): InitializeResult {
    const opts = (p.initializationOptions ?? {}) as ServerSettings;
    if (typeof opts.stdSourcesDir === 'string') this.setup(new StdSources(opts.stdSourcesDir));
    this.ws.limits = {
      maxFiles: typeof opts.maxFiles === 'number' ? opts.maxFiles : DEFAULT_LIMITS.maxFiles,
      maxFileBytes: typeof opts.maxFileBytes === 'number' ? opts.maxFileBytes : DEFAULT_LIMITS.maxFileBytes,
    };
    if (typeof opts.checkDelayMs === 'number' && opts.checkDelayMs >= 0) this.diagnostics.checkDelayMs = opts.checkDelayMs;
    if (opts.incrementalCheck === false) this.checker.incremental = false;
    const folders = p.workspaceFolders?.map((f) => f.uri) ?? (p.rootUri ? [p.rootUri] : []);
    this.ws.roots = folders.map(uriToPath).filter((x): x is string => !!x);
    this.watchFiles = !!p.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['(', '/', ':'], resolveProvider: true },
        signatureHelpProvider: { triggerCharacters: [' ', '('], retriggerCharacters: [' '] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        semanticTokensProvider: { legend: LEGEND, full: true },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: SERVER_NAME, version: SERVER_VERSION },
    };
  }

  private watchFiles = false;

  private async initialized(): Promise<void> {
    if (this.watchFiles) {
      void this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.glia' }] }).catch(() => {});
    }
    await this.safe(undefined, async () => {
      // The prelude's analysis tells where glia.core's macros and functions are written.
      await this.ws.analysis(this.std.uriOf(PRELUDE_KEY));
      await this.pause();
      this.ws.scanFolders();
    });
  }

  /** What the checker inferred about the function named at [start, end): its effects. */
  private effectsAt(file: FileAnalysis, start: number, end: number): string[] | undefined {
    if (this.std.keyOf(file.uri) || file.text.length > MAX_CHECK_CHARS) return undefined;
    const result = this.checker.check(file.uri, repairedText(file), this.ws.fileName(file.uri));
    const s = result?.symbols.find((x) => x.offset === start && x.end === end && x.kind !== 'method');
    return s?.signature !== undefined ? s.effects : undefined;
  }

  // ---- plumbing ------------------------------------------------------------------

  private async withFile<T>(uri: string, fallback: T, f: (file: FileAnalysis) => T | Promise<T>): Promise<T> {
    return this.safe(fallback, async () => {
      const file = await this.ws.analysis(uri);
      return file ? f(file) : fallback;
    });
  }

  /** Runs a handler; a failure is logged and answered with `fallback`, except errors meant for the client. */
  private async safe<T>(fallback: T, f: () => T | Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      console.error('glia-lsp:', e);
      return fallback;
    }
  }
}
