// Starting the server: `ww lsp` (with or without the --stdio that editors
// pass), its help and usage errors, and the server's own entry point
// (dist/lsp/server-main.js, which the VS Code extension bundles). Real
// processes, driven over stdio.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import { BIN, LspClient, ROOT } from './lsp-client.js';

function run(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['--stack-size=3800', BIN, ...args], { cwd: ROOT, env });
    let stdout = '', stderr = '';
    child.stdout.on('data', (b) => { stdout += b; });
    child.stderr.on('data', (b) => { stderr += b; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.end(stdin);
  });
}

describe('ww lsp', { timeout: 60_000 }, () => {
  it('--help prints the usage, and ww --help lists the command', async () => {
    const r = await run(['lsp', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: ww lsp [--stdio]');
    expect(r.stdout).toContain('doc/lsp.md');
    const main = await run(['--help']);
    expect(main.stdout).toMatch(/^\s+lsp \[--stdio\]\s+run the Glia language server/m);
  });

  it('refuses an unknown option with a usage error', async () => {
    const r = await run(['lsp', '--socket=9000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[usage]:');
    expect(r.stderr).toContain("run 'ww lsp --help' for usage");
  });

  it('ends when the editor closes stdin', async () => {
    const r = await run(['lsp', '--stdio'], '');
    expect(r.code).not.toBeNull();
    expect(r.stdout).toBe('');
  });

  it('speaks LSP without --stdio too, and exits 0 after shutdown and exit', async () => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['--stack-size=3800', BIN, 'lsp'], { cwd: ROOT, env });
    const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    conn.listen();
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const init: any = await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    expect(init.serverInfo.name).toBe('glia-language-server');
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    expect(await exited).toBe(0);
    conn.dispose();
  });
});

describe('the server\'s own entry point', { timeout: 60_000 }, () => {
  it('starts without ww, announces every feature, and serves requests', async () => {
    const client = await LspClient.start({}, { serverMain: true });
    try {
      const uri = await client.open('entry.glia', '(defn f "From the entry." [x] x)\n(f 1)');
      expect(await client.diagnostics(uri)).toEqual([]);
      const h = await client.hover(uri, { line: 1, character: 1 });
      expect(h.contents.value).toContain('From the entry.');
    } finally {
      expect(await client.stop()).toBe(0);
    }
  });

  it('declares the capabilities the features need', async () => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [`${ROOT}/dist/lsp/server-main.js`, '--stdio'], { cwd: ROOT, env });
    const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    conn.listen();
    const init: any = await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    const caps = init.capabilities;
    expect(caps.textDocumentSync.change).toBe(2); // incremental
    for (const k of ['hoverProvider', 'definitionProvider', 'referencesProvider', 'documentSymbolProvider', 'workspaceSymbolProvider',
      'foldingRangeProvider', 'documentFormattingProvider', 'documentRangeFormattingProvider']) expect(caps[k], k).toBe(true);
    expect(caps.completionProvider.triggerCharacters).toEqual(['(', '/', ':']);
    expect(caps.renameProvider).toEqual({ prepareProvider: true });
    expect(caps.signatureHelpProvider.triggerCharacters).toContain(' ');
    expect(caps.semanticTokensProvider.legend.tokenTypes).toContain('macro');
    expect(caps.codeActionProvider.codeActionKinds).toEqual(['quickfix']);
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    conn.dispose();
    child.kill();
  });
});
