// `ww build` and `ww init` end to end: the real bin builds std/status and a
// fresh `ww init` project with componentize-js (once per distinct input,
// see built-cells.ts), and the components run through the cell host and
// `ww cell run`. Bad projects fail with coded errors before componentize-js.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHttpCell } from '../../cell/cgi.js';
import { cidOf } from '../../cell/cid.js';
import type { Executor } from '../../cell/executor.js';
import { buildCommand } from '../../cli/build-command.js';
import { initCommand } from '../../cli/init-command.js';
import { testRuntime } from '../cell/helpers.js';
import { toHook, type Hook } from '../../rpc/hooks.js';
import { Policy, allowOnly } from '../../membrane/policy.js';
import { Host$Server, Host$Client } from '../../../schema/generated/system.js';
import { assertBuilt, CELL_RUN_TIMEOUT_MS, ROOT, ww, describeRun } from '../ww-process.js';
import { builtCell, type BuiltCell } from './built-cells.js';

const BUILD_MS = 300_000;
const t = testRuntime({ shared: true });
const tmp = mkdtempSync(join(tmpdir(), 'ww-build-test-'));
afterAll(async () => { await t.done(); rmSync(tmp, { recursive: true, force: true }); });

/** The custom sections of a component (top level), by name. */
function customSections(bytes: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let at = 8; // magic and version/layer
  const leb = (): number => { let n = 0, shift = 0, b: number; do { b = bytes[at++]!; n |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80); return n >>> 0; };
  while (at < bytes.length) {
    const id = bytes[at++]!;
    const size = leb();
    const end = at + size;
    if (id === 0) {
      const n = leb();
      const name = new TextDecoder().decode(bytes.subarray(at, at + n));
      out.set(name, bytes.subarray(at + n, end));
    }
    at = end;
  }
  return out;
}

describe('ww build std/status', () => {
  let built: BuiltCell;
  let cell: Executor;
  beforeAll(async () => {
    assertBuilt();
    built = await builtCell(join(ROOT, 'std', 'status'), 'status');
    cell = await t.rt.load(built.wasm, 'status.wasm');
  }, BUILD_MS);

  it('prints the CID of bin/status.wasm and shows progress while componentize-js runs', () => {
    const [cid, path] = built.stdout.trim().split(/\s+/);
    expect(cid).toBe(cidOf(built.wasm));
    expect(path).toMatch(/bin\/status\.wasm$/);
    expect(built.stderr).toMatch(/compile\s+status\.glia/);
    expect(built.stderr).toMatch(/componentize\s+componentize-js/);
    expect(built.stderr).toMatch(/^\s+\d+ s$/m); // a tick while it works
    expect(built.stderr).toMatch(/built\s+.*status\.wasm\s+[\d.]+ MiB/);
  });

  it('declares its grant, host with read-only methods, in the ww:grants section', () => {
    const s = customSections(built.wasm).get('ww:grants');
    expect(s).toBeDefined();
    expect(JSON.parse(new TextDecoder().decode(s))).toEqual([{ name: 'host', methods: ['id', 'addrs', 'peers'] }]);
  });

  it('answers GET with 200 application/json, host fields null without its grant', async () => {
    const r = await runHttpCell(cell, { method: 'GET', url: '/status', scriptName: '/status', headers: [] });
    expect(r.status).toBe(200);
    expect(r.headers).toContainEqual(['content-type', 'application/json']);
    expect(JSON.parse(new TextDecoder().decode(r.body))).toEqual({ status: 'ok', version: '0.1.0', peer_id: null, listen_addrs: null, peer_count: null });
    expect(r.exitCode).toBe(0);
  });

  it('with host grafted: the host\'s id, addrs and peer count, over the membrane channel', async () => {
    const r = await runHttpCell(cell, { method: 'GET', url: '/', headers: [] }, { grants: [grant(hostHook())] });
    expect(r.status, new TextDecoder().decode(r.stderr)).toBe(200);
    expect(JSON.parse(new TextDecoder().decode(r.body))).toEqual({
      status: 'ok', version: '0.1.0', peer_id: '12D3KooWnode', listen_addrs: ['/ip4/127.0.0.1/tcp/2025', '/ip4/127.0.0.1/udp/2025/quic-v1'], peer_count: 2,
    });
  }, 60_000);

  it('a host attenuated to :id: the calls it denies come back null', async () => {
    const r = await runHttpCell(cell, { method: 'GET', url: '/', headers: [] }, { grants: [grant(hostHook(), [0])] });
    expect(JSON.parse(new TextDecoder().decode(r.body))).toMatchObject({ peer_id: '12D3KooWnode', listen_addrs: null, peer_count: null });
  }, 60_000);

  it('a call that fails or takes over 500 ms gives null, the others their values', async () => {
    const r = await runHttpCell(cell, { method: 'GET', url: '/', headers: [] }, {
      grants: [grant(hostHook({ idDelayMs: 800, peersFail: true }))],
    });
    expect(JSON.parse(new TextDecoder().decode(r.body))).toEqual({
      status: 'ok', version: '0.1.0', peer_id: null, listen_addrs: ['/ip4/127.0.0.1/tcp/2025', '/ip4/127.0.0.1/udp/2025/quic-v1'], peer_count: null,
    });
  }, 60_000);

  it('answers other methods with 405 and Allow', async () => {
    const r = await runHttpCell(cell, { method: 'DELETE', url: '/', headers: [] });
    expect(r.status).toBe(405);
    expect(r.headers).toContainEqual(['allow', 'GET, HEAD']);
  });

  it('refuses raw mode with a coded error: it defines no main', async () => {
    const p = cell.spawn({ mode: 'raw' });
    p.stdin.end();
    const chunks: Buffer[] = [];
    for await (const c of p.stderr) chunks.push(c as Buffer);
    expect(await p.wait()).toBe(2);
    expect(Buffer.concat(chunks).toString()).toContain('error[cell/no-entry-fn]');
  });

  it('runs under ww cell run --mode http', async () => {
    const r = await ww(['cell', 'run', built.path, '--mode', 'http', '--request', 'GET /'], { timeoutMs: CELL_RUN_TIMEOUT_MS });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^HTTP\/1.1 200 OK\r\n/);
    expect(r.stdout).toContain('"peer_id":null');
  }, CELL_RUN_TIMEOUT_MS + 15_000);
});

const HOST = Host$Client.interfaceId;

/** A TypeScript Host server: the node a status cell reports on. */
function hostHook(o: { idDelayMs?: number; peersFail?: boolean } = {}): Hook {
  return toHook(new Host$Server({
    id: async (_p, r) => { if (o.idDelayMs) await new Promise((res) => setTimeout(res, o.idDelayMs)); r.peerId = '12D3KooWnode'; },
    addrs: async (_p, r) => { const l = r._initAddrs(2); l.set(0, '/ip4/127.0.0.1/tcp/2025'); l.set(1, '/ip4/127.0.0.1/udp/2025/quic-v1'); },
    peers: async (_p, r) => { if (o.peersFail) throw new Error('peer table unavailable'); r._initPeers(2); },
    network: async () => { throw new Error('a status cell never gets here'); },
    stateRef: async () => { throw new Error('a status cell never gets here'); },
  }))!;
}

/** The grant std/status declares: host, limited to id, addrs and peers (ordinals 0-2), or fewer. */
function grant(cap: Hook, ordinals = [0, 1, 2]) {
  return { name: 'host', interfaceId: HOST, cap, policy: new Policy(allowOnly(HOST, ordinals)) };
}

describe('ww init', () => {
  it('scaffolds a project that builds and runs as-is', async () => {
    const r = await ww(['init', 'hello-cell'], { cwd: tmp });
    expect(r.code, describeRun(r)).toBe(0);
    const dir = join(tmp, 'hello-cell');
    for (const f of ['cell.edn', 'hello-cell.glia', 'README.md']) expect(existsSync(join(dir, f))).toBe(true);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('ww build');
    const built = await builtCell(dir, 'hello-cell');
    const run = await ww(['cell', 'run', built.path, '--mode', 'http', '--request', 'GET /there'], { timeoutMs: CELL_RUN_TIMEOUT_MS });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/^HTTP\/1.1 200 OK\r\n/);
    expect(run.stdout).toContain('hello from hello-cell at /there');
    // no grants declared: no section
    expect(customSections(built.wasm).has('ww:grants')).toBe(false);
  }, BUILD_MS);

  it('refuses a bad name and an existing folder', async () => {
    const bad = await capture((io) => initCommand(['Bad Name'], io));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('error[init/bad-name]');
    mkdirSync(join(tmp, 'taken'));
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      const taken = await capture((io) => initCommand(['taken'], io));
      expect(taken.err).toContain('error[init/exists]');
    } finally { process.chdir(cwd); }
  });
});

async function capture(run: (io: { out(s: string): void; err(s: string): void }) => Promise<number>) {
  let out = '', err = '';
  const code = await run({ out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

/** A project folder with these files. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

describe('ww build: bad projects fail with coded errors, before componentize-js', () => {
  const edn = (extra = '') => `{:name "c" :mode :http :entry "c.glia"${extra}}`;
  const cases: [string, Record<string, string>, RegExp][] = [
    ['no-project', {}, /error\[build\/no-project\]: no cell\.edn in .*\nhint: .*ww init/],
    ['unreadable', { 'cell.edn': '{:name "c" :mode' }, /error\[read\/[\w-]+\].*--> cell\.edn:1:/],
    ['not-a-map', { 'cell.edn': '[1 2]' }, /error\[build\/bad-project\]: cell\.edn: must hold one map/],
    ['unknown-key', { 'cell.edn': edn(' :nmae "x"'), 'c.glia': '' }, /error\[build\/bad-project\]: cell\.edn: unknown key :nmae\nhint: the keys are/],
    ['bad-mode', { 'cell.edn': '{:name "c" :mode :cgi :entry "c.glia"}', 'c.glia': '' }, /error\[build\/bad-project\]: cell\.edn: :mode must be :http, :raw, :pid0 or :vat, got :cgi/],
    ['vat-no-export', { 'cell.edn': '{:name "c" :mode :vat :entry "c.glia"}', 'c.glia': '' }, /error\[build\/bad-project\]: cell\.edn: a :vat cell needs :export, the name of the defcap it serves\nhint: add :export counter/],
    ['export-not-vat', { 'cell.edn': edn(' :export c'), 'c.glia': '' }, /error\[build\/bad-project\]: cell\.edn: :export is for :vat cells/],
    ['export-not-cap', { 'cell.edn': '{:name "c" :mode :vat :export counter :entry "c.glia"}', 'c.glia': '(defn counter [] 1)' },
      /error\[build\/no-export\]: c\.glia defines no capability counter, which cell\.edn names as the cell's :export\nhint: add \(defcap counter/],
    ['bad-name', { 'cell.edn': '{:name "C D" :mode :http :entry "c.glia"}' }, /error\[build\/bad-project\]: cell\.edn: :name must be/],
    ['no-entry', { 'cell.edn': edn() }, /error\[build\/no-entry\]: cell\.edn names c\.glia as its entry, and there is no such file/],
    ['compile', { 'cell.edn': edn(), 'c.glia': '(defn handle [req]\n  (undefined-thing req))\n' },
      /error\[unbound-symbol\]: .*undefined-thing.*--> c\.glia:2:4\n  \|\n2 \|   \(undefined-thing req\)\)\n  \|    \^+[\s\S]*error\[build\/compile\]: c\.glia does not compile/],
    ['read-error', { 'cell.edn': edn(), 'c.glia': '(defn handle [req]\n  {:status 200\n' }, /error\[read\/[\w-]+\][\s\S]*error\[build\/compile\]/],
    ['top-level-throws', { 'cell.edn': edn(), 'c.glia': '(throw (ex-info "no" {:type :x/y}))\n(defn handle [r] "")' }, /error\[:x\/y\]: no[\s\S]*error\[build\/compile\]: c\.glia fails while its top level runs/],
    ['no-handle', { 'cell.edn': edn(), 'c.glia': '(defn main [args] 0)' }, /error\[build\/no-entry-fn\]: c\.glia defines no handle function, which a http cell needs\nhint: add \(defn handle/],
    ['no-main', { 'cell.edn': '{:name "c" :mode :raw :entry "c.glia"}', 'c.glia': '(defn handle [r] "")' }, /error\[build\/no-entry-fn\]: c\.glia defines no main function/],
    ['grant-method', { 'cell.edn': edn(' :grants {host [:id :idd]}'), 'c.glia': '' }, /error\[build\/bad-grant\]: cell\.edn: grant host: Host has no method :idd\nhint: its methods are :id :addrs :peers/],
    ['grant-empty', { 'cell.edn': edn(' :grants {host []}'), 'c.glia': '' }, /error\[build\/bad-grant\]: cell\.edn: grant host needs a vector of the methods/],
    ['call-undeclared', { 'cell.edn': edn(' :grants {host [:id]}'), 'c.glia': '(perform host :addrs)\n(defn handle [r] "")' }, /error\[permission-denied\]: host :addrs is not among the methods this cell declared/],
  ];
  for (const [name, files, expected] of cases) {
    it(name, async () => {
      const dir = project(`bad-${name}`, files);
      const r = await capture((io) => buildCommand([dir, '-q'], io));
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(expected);
      expect(existsSync(join(dir, 'bin'))).toBe(false);
    });
  }
});
