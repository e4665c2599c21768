// The bundles `npm run build` writes over tsc's output (scripts/bundle.mjs),
// built here into a temporary folder with `--out`: the `ww` bundle
// evaluates and loads a command chunk on demand; the init.d worker bundle
// runs a script over the membrane and prints; the language server bundle
// answers. Each bundled module finds files beside its tsc output (the
// init.d worker entry beside runner.js, say) because its import.meta.url
// is rewritten to that file's URL, which is checked in the bundle text.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { Membrane } from '../membrane/membrane.js';
import { Connection } from '../rpc/conn.js';
import { portTransport } from '../rpc/transport.js';
import { ROOT, assertBuilt } from './ww-process.js';

let out: string;
beforeAll(() => {
  assertBuilt();
  out = mkdtempSync(join(tmpdir(), 'ww-bundle-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), '--out', out], { stdio: 'pipe' });
  // As bin/ww.js does: the polyfill first, then the command.
  writeFileSync(join(out, 'ww.mjs'), `await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/runtime/polyfill.js')).href)});\n` +
    `const { main } = await import(${JSON.stringify(pathToFileURL(join(out, 'runtime/cli/main.js')).href)});\n` +
    'process.exitCode = await main(process.argv.slice(2));\n');
}, 180_000);
afterAll(() => { if (out) rmSync(out, { recursive: true, force: true }); });

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--stack-size=3800', join(out, 'ww.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the bundles', () => {
  it('are few files: the ww entry, its chunks, its help text, the init.d and session workers and the server', () => {
    const cli = readdirSync(join(out, 'runtime/cli')).filter((f) => f.endsWith('.js'));
    expect(cli).toContain('main.js');
    // main-help.js: `ww --help` as text, which bin/ww.js prints without loading the command.
    expect(cli).toContain('main-help.js');
    expect(cli.every((f) => f === 'main.js' || f === 'main-help.js' || f.startsWith('chunk-'))).toBe(true);
    expect(existsSync(join(out, 'runtime/node/initd/worker.js'))).toBe(true);
    expect(existsSync(join(out, 'runtime/session/worker.js'))).toBe(true);
    expect(existsSync(join(out, 'lsp/server-main.js'))).toBe(true);
  });

  it('ww evaluates, with the command loaded from its chunk', async () => {
    const r = await run(["eval", "(when true (str (+ 1 2) \"x\"))"]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('"3x"\n');
    expect(r.code).toBe(0);
  }, 60_000);

  it('ww prints its help and reports a usage error as the unbundled command does', async () => {
    const help = await run(['--help']);
    expect(help.stdout).toMatch(/^Usage: ww <command>/);
    const bad = await run(['eval', '--tier', 'fast', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--tier must be auto or resumable/);
  }, 60_000);

  it('points import.meta.url of each bundled module at its tsc output', () => {
    const chunks = readdirSync(join(out, 'runtime/cli')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(out, 'runtime/cli', f), 'utf8')).join('\n');
    // runner.ts finds the init.d worker next to itself; worker-url.ts finds the cell worker next to itself.
    const asBuilt = (src: string) => JSON.stringify(relative(join(out, 'runtime/cli'), join(ROOT, 'dist', src)).split(sep).join('/'));
    expect(chunks).toContain(`new URL("./worker.js", new URL(${asBuilt('runtime/node/initd/runner.js')}, import.meta.url).href)`);
    expect(chunks).toContain(`new URL(\`./\${name}.js\`, new URL(${asBuilt('runtime/cell/worker-url.js')}, import.meta.url).href)`);
  });

  it('the init.d worker runs a script over a membrane and prints', async () => {
    const { port1, port2 } = new MessageChannel();
    const conn = new Connection(portTransport(port1), { bootstrap: new Membrane(() => []).server() });
    const worker = new Worker(pathToFileURL(join(out, 'runtime/node/initd/worker.js')), {
      workerData: { file: 'etc/init.d/00-hello.glia', source: '(println "hello" (+ 1 2))\n', modules: {}, grants: [], rpcPort: port2 },
      transferList: [port2], stdout: false, stderr: false,
    });
    try {
      const events: string[] = [];
      await new Promise<void>((resolve, reject) => {
        worker.on('message', (m: { t: string; text?: string; value?: string }) => {
          events.push(m.t === 'stdout' ? `stdout ${m.text}` : m.t === 'done' ? `done ${m.value}` : m.t);
          if (m.t === 'done' || m.t === 'failed') resolve();
        });
        worker.on('error', reject);
      });
      expect(events).toEqual(['started', 'stdout hello 3\n', 'done nil']);
    } finally {
      conn.close();
      await worker.terminate();
    }
  }, 60_000);

  it('the language server answers initialize', async () => {
    const child = spawn(process.execPath, [join(out, 'lsp/server-main.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let text = '';
    await new Promise<void>((resolve) => child.stdout.on('data', (d) => { text += d; if (/"capabilities"/.test(text)) resolve(); }));
    child.kill();
    expect(text).toMatch(/"textDocumentSync"/);
  }, 60_000);
});
