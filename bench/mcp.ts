// MCP benchmark: the round trip of one `eval` tool call for `(+ 1 2)`,
// made by the MCP SDK's own client against a real `ww mcp --local`
// process (dist/, spawned as an agent spawns it, over stdio), against the
// same evaluation in this process the way `ww eval` does it (a Glia
// Session with ww eval's local effects, evalString, pr-str). The ratio
// is what the protocol, the pipe, the session layer and the checker pass
// of each call cost over the evaluation itself.
// Run with `npm run bench -- mcp [--runs N]`; doc/performance.md records the figures.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Session } from '../glia/eval/session.js';
import { prStr } from '../glia/values/printer.js';
import { localEffects } from '../runtime/host/local-effects.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = `${ROOT}bin/ww.js`;
const EXPR = '(+ 1 2)';
// Each eval compiles new JS (new Function), so both sides need a long warm-up before V8 settles.
const WARMUP = 300;

interface Stats { n: number; p50: number; p99: number }
function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { n: s.length, p50: at(0.5), p99: at(0.99) };
}
const f3 = (x: number) => (x < 1 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(0));

async function inProcess(runs: number): Promise<number[]> {
  const session = new Session({ ...localEffects(process.cwd(), () => {}) });
  const out: number[] = [];
  for (let i = 0; i < WARMUP + runs; i++) {
    const t = performance.now();
    const printed = prStr(await session.evalString(EXPR, '<expr>'));
    const ms = performance.now() - t;
    if (printed !== '3') throw new Error(`in-process (+ 1 2) gave ${printed}`);
    if (i >= WARMUP) out.push(ms);
  }
  return out;
}

async function overMcp(runs: number): Promise<{ times: number[]; startMs: number }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'NODE_OPTIONS') env[k] = v;
  const started = performance.now();
  const transport = new StdioClientTransport({ command: process.execPath, args: ['--stack-size=3800', BIN, 'mcp', '--local'], env, stderr: 'ignore' });
  const client = new Client({ name: 'ww-bench', version: '1.0.0' });
  await client.connect(transport);
  const startMs = performance.now() - started;
  const out: number[] = [];
  try {
    for (let i = 0; i < WARMUP + runs; i++) {
      const t = performance.now();
      const r = await client.callTool({ name: 'eval', arguments: { expression: EXPR } });
      const ms = performance.now() - t;
      const value = (r.structuredContent as { value?: string } | undefined)?.value;
      if (r.isError || value !== '3') throw new Error(`MCP eval (+ 1 2) gave ${JSON.stringify(r)}`);
      if (i >= WARMUP) out.push(ms);
    }
  } finally { await client.close(); }
  return { times: out, startMs };
}

/**
 * The same calls as bare JSON-RPC lines, no SDK on the client side: what
 * the server and the pipe cost, apart from the SDK client's own parsing.
 */
async function overRawStdio(runs: number): Promise<number[]> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--stack-size=3800', BIN, 'mcp', '--local'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  let buf = '';
  const waiting = new Map<number, (m: any) => void>();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buf += chunk;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const m = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      waiting.get(m.id)?.(m);
    }
  });
  let id = 0;
  const request = (method: string, params: object) => new Promise<any>((resolve) => {
    const n = ++id;
    waiting.set(n, resolve);
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: n, method, params }) + '\n');
  });
  await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'ww-bench-raw', version: '0' } });
  child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
  const out: number[] = [];
  for (let i = 0; i < WARMUP + runs; i++) {
    const t = performance.now();
    const m = await request('tools/call', { name: 'eval', arguments: { expression: EXPR } });
    const ms = performance.now() - t;
    if (m.result?.structuredContent?.value !== '3') throw new Error(`raw MCP eval (+ 1 2) gave ${JSON.stringify(m)}`);
    if (i >= WARMUP) out.push(ms);
  }
  child.stdin.end();
  return out;
}

export async function main(args: string[]): Promise<number> {
  let runs = 1000;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs' && /^\d+$/.test(args[i + 1] ?? '')) runs = Number(args[++i]);
    else { console.error(`bench mcp: unknown argument ${args[i]}\nusage: npm run bench -- mcp [--runs N]`); return 2; }
  }
  if (!existsSync(`${ROOT}dist/runtime/cli/main.js`)) { console.error('bench mcp: dist/ is missing; run `npm run build` first'); return 1; }
  const local = stats(await inProcess(runs));
  const { times, startMs } = await overMcp(runs);
  const mcp = stats(times);
  const raw = stats(await overRawStdio(runs));
  console.log(`bench mcp what=in-process expr=${JSON.stringify(EXPR)} n=${local.n} p50_ms=${f3(local.p50)} p99_ms=${f3(local.p99)}`);
  console.log(`bench mcp what=eval-round-trip expr=${JSON.stringify(EXPR)} n=${mcp.n} p50_ms=${f3(mcp.p50)} p99_ms=${f3(mcp.p99)} `
    + `peer=in-process peer_p50_ms=${f3(local.p50)} ratio=${(mcp.p50 / local.p50).toFixed(1)} server_start_ms=${f3(startMs)}`);
  console.log(`bench mcp what=eval-round-trip-raw-jsonrpc expr=${JSON.stringify(EXPR)} n=${raw.n} p50_ms=${f3(raw.p50)} p99_ms=${f3(raw.p99)} `
    + `peer=in-process ratio_vs_in_process=${(raw.p50 / local.p50).toFixed(1)}`);
  return 0;
}
