// `ww mcp` end to end: the real bin (bin/ww.js, the built dist/) spawned
// by the MCP SDK's own client over stdio, as Claude Code spawns it. The
// tools (eval, check, describe, doc), the resources, a runaway evaluation
// that must be stopped while the server keeps serving, a stdout that holds
// nothing but protocol messages, and the exit when stdin closes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, BIN, assertBuilt, ww } from '../ww-process.js';
import { startServer, call, serverEnv, CALL_TIMEOUT_MS, type Server } from './mcp-client.js';

let home: string;
let s: Server;
beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ww-mcp-'));
  s = await startServer(['--local'], home);
}, 60_000);
afterAll(async () => {
  await s?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('ww mcp --local, through the SDK client', () => {
  it('initializes as wetware and lists four tools, each with a description and an input schema', async () => {
    expect(s.client.getServerVersion()?.name).toBe('wetware');
    expect(s.client.getInstructions()).toContain('wetware://doc/language.md');
    const { tools } = await s.client.listTools(undefined, { timeout: CALL_TIMEOUT_MS });
    expect(tools.map((t) => t.name).sort()).toEqual(['check', 'describe', 'doc', 'eval']);
    for (const t of tools) {
      expect(t.description!.length, t.name).toBeGreaterThan(100);
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type, t.name).toBe('object');
    }
    const evalTool = tools.find((t) => t.name === 'eval')!;
    expect(Object.keys(evalTool.inputSchema.properties!)).toEqual(['expression', 'timeout-ms']);
    expect(evalTool.inputSchema.required).toEqual(['expression']);
  });

  it('eval gives the pr-str of the last value', async () => {
    const r = await call(s, 'eval', { expression: '(+ 1 2)' });
    expect(r.isError).toBeFalsy();
    expect(r.text).toBe('=> 3');
    expect(r.structured).toEqual({ value: '3', values: ['3'], stdout: '', warnings: [] });
  });

  it('eval captures :stdout into the result, and definitions persist between calls', async () => {
    const r = await call(s, 'eval', { expression: '(println "hello from glia") (defn sq [x] (* x x)) {:a [1 "two"]}' });
    expect(r.isError).toBeFalsy();
    expect(r.text).toBe('hello from glia\n=> {:a [1 "two"]}');
    expect(r.structured).toMatchObject({ stdout: 'hello from glia\n', values: ['nil', "#'user/sq", '{:a [1 "two"]}'] });
    const again = await call(s, 'eval', { expression: '(sq 12)' });
    expect(again.structured.value).toBe('144');
  });

  it('an MCP session allows neither :load nor :exit: refused before any of the expression runs', async () => {
    const r = await call(s, 'eval', { expression: '(def before-exit 1) (exit 3)' });
    expect(r.isError).toBe(true);
    expect(r.structured).toMatchObject({ code: 'effect-not-allowed', span: { line: 1, col: 21 } });
    expect((await call(s, 'eval', { expression: 'before-exit' })).structured.code).toBe('unbound-symbol');
    const load = await call(s, 'eval', { expression: '(load "/etc/hostname")' });
    expect(load.structured.code).toBe('effect-not-allowed');
    expect(load.text).toContain('which an MCP session does not allow');
  });

  it('eval reports a compile error as isError with {code, message, span, hint}', async () => {
    const r = await call(s, 'eval', { expression: '(car [1 2])' });
    expect(r.isError).toBe(true);
    expect(r.structured).toEqual({
      code: 'unbound-symbol', message: "unable to resolve symbol 'car'",
      span: { line: 1, col: 2, endLine: 1, endCol: 5 }, hint: expect.any(String),
    });
    // The text is the rendered diagnostic with its code frame.
    expect(r.text).toContain('error[unbound-symbol]');
    expect(r.text).toContain('(car [1 2])');
  });

  it('eval reports read and run-time errors the same way, with output printed before them', async () => {
    const read = await call(s, 'eval', { expression: '(+ 1 2))' });
    expect(read.isError).toBe(true);
    expect(read.structured.code).toBe('read/unexpected-close');
    expect(read.structured.span).toMatchObject({ line: 1, col: 8 });
    const run = await call(s, 'eval', { expression: '(println "before") (/ 1 0)' });
    expect(run.isError).toBe(true);
    expect(Object.keys(run.structured).sort()).toEqual(['code', 'hint', 'message', 'span']);
    expect(run.structured.code).toBe('arithmetic');
    expect(run.text.startsWith('before\n')).toBe(true);
    expect(run.text).toContain('error[arithmetic]');
  });

  it('check gives the checker\'s diagnostics as JSON and runs nothing', async () => {
    const r = await call(s, 'check', { source: '(def only-checked 1)\n(perform host :id)' });
    expect(r.isError).toBeFalsy();
    expect(r.structured).toMatchObject({ context: 'mcp', errors: 1 });
    expect(r.structured.diagnostics[0]).toMatchObject({ code: 'unbound-symbol', severity: 'error', span: { line: 2, col: 10 } });
    expect(r.structured.diagnostics[0].hint).toContain('--local');
    // Nothing ran: the def the check saw is not defined in the session.
    const after = await call(s, 'eval', { expression: 'only-checked' });
    expect(after.structured.code).toBe('unbound-symbol');

    const init = await call(s, 'check', { source: '(perform host :idd)', context: 'init.d' });
    expect(init.structured.context).toBe('init.d');
    expect(init.structured.diagnostics.map((d: any) => d.code)).toEqual(['unknown-method']);
    expect(init.text).toContain('did you mean :id?');

    const clean = await call(s, 'check', { source: '(println (reduce + [1 2 3]))' });
    expect(clean.structured).toMatchObject({ errors: 0, warnings: 0, diagnostics: [], effects: [':stdout'] });

    const bad = await call(s, 'check', { source: '1', context: 'nowhere' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain('error[unknown-context]');
  });

  it('describe lists the session\'s capabilities (none with --local) and describes one from the schemas', async () => {
    const all = await call(s, 'describe', {});
    expect(all.structured).toEqual({ capabilities: [] });
    expect(all.text).toContain('--local');
    const host = await call(s, 'describe', { capability: 'host' });
    const [d] = host.structured.capabilities;
    expect(d).toMatchObject({ name: 'host', interface: 'Host', schema: 'schema/system.capnp', bound: false });
    const id = d.methods.find((m: any) => m.name === 'id');
    expect(id).toMatchObject({ call: '(perform host :id)', params: [], results: [{ name: 'peer-id', type: 'Text' }] });
    expect(id.doc).toContain('peer id');
    expect(d.methods.find((m: any) => m.name === 'listen')).toMatchObject({ convenience: true });
    const none = await call(s, 'describe', { capability: 'teleporter' });
    expect(none.isError).toBe(true);
    expect(none.text).toContain('error[unknown-capability]');
  });

  it('doc gives a name\'s call forms and documentation', async () => {
    const fn = await call(s, 'doc', { symbol: 'assoc-in' });
    expect(fn.structured).toMatchObject({ symbol: 'assoc-in', kind: 'function', ns: 'glia.core', signatures: ['(assoc-in m path v)'], effects: [] });
    expect(fn.structured.doc).toContain('along a path');
    const special = await call(s, 'doc', { symbol: 'try' });
    expect(special.structured).toMatchObject({ kind: 'special form' });
    expect(special.structured.doc).toContain('finally');
    const io = await call(s, 'doc', { symbol: 'println' });
    expect(io.structured.effects).toEqual([':stdout']);
    const method = await call(s, 'doc', { symbol: 'host :id' });
    expect(method.structured).toMatchObject({ kind: 'capability method', signatures: ['(perform host :id)', 'id [] -> (peer-id :Text)'] });
    await call(s, 'eval', { expression: '(def answer "The answer, computed slowly." 42)' });
    const own = await call(s, 'doc', { symbol: 'answer' });
    expect(own.structured).toMatchObject({ symbol: 'answer', doc: 'The answer, computed slowly.' });
    const unknown = await call(s, 'doc', { symbol: 'no-such-name' });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain('error[unknown-symbol]');
  });

  it('serves the language reference and the capability schemas as resources', async () => {
    const { resources } = await s.client.listResources(undefined, { timeout: CALL_TIMEOUT_MS });
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain('wetware://doc/language.md');
    expect(uris).toContain('wetware://schema/system.capnp');
    const lang = await s.client.readResource({ uri: 'wetware://doc/language.md' }, { timeout: CALL_TIMEOUT_MS });
    expect((lang.contents[0] as { text: string }).text).toBe(readFileSync(join(ROOT, 'doc', 'language.md'), 'utf8'));
    const schema = await s.client.readResource({ uri: 'wetware://schema/system.capnp' }, { timeout: CALL_TIMEOUT_MS });
    expect((schema.contents[0] as { text: string }).text).toContain('interface Host');
  });

  it('wrote nothing but protocol messages on stdout (the client saw no unparsable line)', () => {
    expect(s.errors).toEqual([]);
    expect(s.stderr()).toContain('mcp: serving Glia session local');
  });
});

describe('a runaway evaluation', () => {
  it('is stopped at timeout-ms and reported, and the server keeps serving', async () => {
    const own = await startServer(['--local'], home);
    try {
      await call(own, 'eval', { expression: '(def kept 7)' });
      const r = await call(own, 'eval', { expression: '(loop [] (recur))', 'timeout-ms': 1000 });
      expect(r.isError).toBe(true);
      expect(r.text).toContain('timeout-ms (1000 ms)');
      expect(typeof r.structured.code).toBe('string');
      const next = await call(own, 'eval', { expression: '(+ 1 2)' });
      expect(next.structured.value).toBe('3');
    } finally {
      await own.close();
    }
  }, 3 * CALL_TIMEOUT_MS);
});

describe('the stdio stream itself', () => {
  it('holds only JSON-RPC messages, even when the code prints, and the server exits 0 when stdin closes', async () => {
    assertBuilt();
    // As `ww shell --mcp`, the same server under the shell's name.
    const child = spawn(process.execPath, ['--stack-size=3800', BIN, 'shell', '--mcp', '--local'], { env: serverEnv(home), cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString('utf8'); });
    child.stderr.on('data', (b: Buffer) => { err += b.toString('utf8'); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const send = (m: object) => child.stdin.write(JSON.stringify(m) + '\n');
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'eval', arguments: { expression: '(println "PRINTED") (prn :also) 5' } } });
    // Wait for the answer to the call, then close stdin.
    const deadline = Date.now() + CALL_TIMEOUT_MS;
    while (!out.includes('"id":2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), CALL_TIMEOUT_MS);
    const code = await exited;
    clearTimeout(timer);
    expect(code, err).toBe(0);
    const lines = out.split('\n').filter((l) => l.length);
    expect(lines.length).toBe(2);
    for (const l of lines) expect(JSON.parse(l)).toMatchObject({ jsonrpc: '2.0' });
    const answer = JSON.parse(lines[1]!);
    expect(answer.result.structuredContent).toMatchObject({ value: '5', stdout: 'PRINTED\n:also\n' });
  }, 2 * CALL_TIMEOUT_MS);
});

describe('ww mcp usage', () => {
  it('with no node running and no --local, says so in one coded line on stderr and exits 1', async () => {
    const none = join(home, 'none');
    const env = { ...serverEnv(none), WW_HOST_STATE_PATH: join(none, 'host.json') };
    const r = spawnSync(process.execPath, ['--stack-size=3800', BIN, 'mcp'], { env, cwd: ROOT, encoding: 'utf8', timeout: CALL_TIMEOUT_MS, input: '' });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[node\/no-node\]: no node is running on this machine .*host\.json/);
    expect(r.stderr).toContain('--local');
  });

  it('refuses ADDR with --local, and more than one ADDR, with a usage error', async () => {
    const both = await ww(['mcp', '--local', '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWLs9z41DStJhcusJ4arVNu6CN2uor8XvS5DqeJjHotafH']);
    expect(both.code).toBe(2);
    expect(both.stdout).toBe('');
    expect(both.stderr).toBe("error[usage]: give either ADDR or --local, not both\nrun 'ww mcp --help' for usage\n");
    const two = await ww(['mcp', 'a', 'b']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('ww mcp takes at most one ADDR');
  });
});
