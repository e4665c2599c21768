// The Glia extension: starts the Glia language server and registers the
// commands. The server is the one bundled in the .vsix (server/server.js),
// run on VS Code's own Node, unless `glia.ww.path` names a `ww` to run as
// `ww lsp --stdio` instead.
import * as vscode from 'vscode';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from './language-client.js';
import { topLevelFormAt } from './top-level-form.js';
import { evalSource } from './eval-source.js';
import { runEval } from './run-eval.js';
import { InlineResults } from './inline-results.js';
import { BUNDLED_SERVER, nodeFlags, wwCommand, type WwSettings } from './ww-command.js';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // What evaluated code prints goes to "Glia"; the server's log to its own channel.
  const output = vscode.window.createOutputChannel('Glia');
  const serverLog = vscode.window.createOutputChannel('Glia Language Server', { log: true });
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.glia');
  const results = new InlineResults();
  context.subscriptions.push(output, serverLog, watcher, results);
  const options = clientOptions(serverLog, watcher);

  const settings = (): WwSettings => ({
    wwPath: vscode.workspace.getConfiguration('glia').get<string>('ww.path', ''),
    extensionPath: context.extensionPath,
    execPath: process.execPath,
    platform: process.platform,
  });

  context.subscriptions.push(
    vscode.commands.registerCommand('glia.evaluateTopLevelForm', () => evaluateTopLevelForm(settings(), results, output)),
    vscode.commands.registerCommand('glia.clearInlineResults', () => results.clearAll()),
    vscode.commands.registerCommand('glia.restartServer', () => restartServer(settings(), options)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('glia.ww.path')) void restartServer(settings(), options);
    }),
  );
  await startServer(settings(), options);
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  try { await c?.stop(); } catch { /* it may never have started */ }
}

/** How the client starts the server: the bundled one, or `ww lsp` (the client appends `--stdio`). */
export function serverOptions(s: WwSettings): ServerOptions {
  const custom = s.wwPath.trim();
  if (custom) {
    const run = { command: custom, args: ['lsp'], transport: TransportKind.stdio };
    return { run, debug: run };
  }
  const run = {
    module: join(s.extensionPath, BUNDLED_SERVER),
    transport: TransportKind.stdio,
    options: { execArgv: nodeFlags(s.platform) },
  };
  return { run, debug: run };
}

/** Glia files on disk and unsaved; the server hears of .glia files changed outside the editor too. */
export function clientOptions(serverLog: vscode.LogOutputChannel, watcher: vscode.FileSystemWatcher): LanguageClientOptions {
  return {
    documentSelector: [{ scheme: 'file', language: 'glia' }, { scheme: 'untitled', language: 'glia' }],
    synchronize: { fileEvents: watcher },
    outputChannel: serverLog,
  };
}

async function startServer(s: WwSettings, options: LanguageClientOptions): Promise<void> {
  client = new LanguageClient('glia', 'Glia Language Server', serverOptions(s), options);
  try {
    await client.start();
  } catch (e) {
    // The commands and highlighting still work without the server.
    const how = s.wwPath.trim() ? `'${s.wwPath} lsp --stdio'` : 'the bundled server';
    void vscode.window.showErrorMessage(`Glia: could not start ${how}: ${(e as Error).message}`);
  }
}

async function restartServer(s: WwSettings, options: LanguageClientOptions): Promise<void> {
  const old = client;
  client = undefined;
  try { await old?.stop(); } catch { /* it may never have started */ }
  await startServer(s, options);
}

async function evaluateTopLevelForm(s: WwSettings, results: InlineResults, output: vscode.OutputChannel): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'glia') return;
  const doc = editor.document;
  const text = doc.getText();
  const form = topLevelFormAt(text, doc.offsetAt(editor.selection.active));
  if (!form) {
    void vscode.window.showInformationMessage('Glia: no form at the cursor');
    return;
  }
  const line = doc.positionAt(form.end).line;
  const version = doc.version;
  results.pending(editor, line);
  const timeout = vscode.workspace.getConfiguration('glia').get<number>('eval.timeout', 10000);
  const outcome = await runEval((args) => wwCommand(s, args), evalSource(text, form), evalDirectory(doc), timeout);
  if (outcome.output) output.append(outcome.output.endsWith('\n') ? outcome.output : outcome.output + '\n');
  if (outcome.log) output.appendLine(outcome.log);
  // An edit while it ran already cleared the placeholder; the result would sit on a stale line.
  if (doc.version !== version) return;
  results.show(editor, line, outcome);
}

/** `ww eval` runs in the file's directory, so :load and :import resolve as they do for the file. */
function evalDirectory(doc: vscode.TextDocument): string {
  if (doc.uri.scheme === 'file') return dirname(doc.uri.fsPath);
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? homedir();
}
