// The admin HTTP server over real HTTP on 127.0.0.1: its four routes, 404
// and 405, a failing callback (500, server still up), a busy port as a
// node code, and the address rules (loopback by default, a warning line
// otherwise).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminServer } from '../../node/admin.js';
import { NodeMetrics } from '../../node/metrics.js';
import { NodeError } from '../../node/errors.js';
import { isLoopbackHost, parseHttpAddr } from '../../node/http-addr.js';

const metrics = new NodeMetrics({ processMetrics: false, rpc: false, peers: () => 2 });
const logged: string[] = [];
let fail = false;
const admin = new AdminServer({
  metrics,
  peerId: () => { if (fail) throw new Error('identity unavailable'); return '12D3KooWadmin'; },
  addrs: async () => ['/ip4/127.0.0.1/tcp/2025', '/ip6/::1/tcp/2025'],
  log: (level, line) => logged.push(`${level}: ${line}`),
});
let base: string;
let port: number;

beforeAll(async () => {
  ({ port } = await admin.start('127.0.0.1:0'));
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => { await admin.close(); metrics.close(); });

const get = async (path: string, init?: RequestInit) => {
  const r = await fetch(base + path, init);
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
};

describe('admin HTTP', () => {
  it('serves /metrics, /host/id, /host/addrs and /healthz', async () => {
    metrics.wagi.request('/status', 200, null);
    const m = await get('/metrics');
    expect(m.status).toBe(200);
    expect(m.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(m.text).toMatch(/^ww_http_requests_total\{route="\/status",code="200"\} 1$/m);
    expect(m.text).toMatch(/^ww_peers 2$/m);
    expect(await get('/host/id')).toEqual({ status: 200, type: 'text/plain; charset=utf-8', text: '12D3KooWadmin\n' });
    expect(await get('/host/addrs')).toEqual({ status: 200, type: 'text/plain; charset=utf-8', text: '/ip4/127.0.0.1/tcp/2025\n/ip6/::1/tcp/2025\n' });
    expect(await get('/healthz?x=1')).toEqual({ status: 200, type: 'text/plain; charset=utf-8', text: 'ok\n' });
  });

  it('answers 404 elsewhere and 405 to other methods, and a failing callback with 500 without going down', async () => {
    expect((await get('/')).status).toBe(404);
    expect((await get('/host')).status).toBe(404);
    expect((await get('/metrics/x')).status).toBe(404);
    expect((await get('/healthz', { method: 'POST', body: 'x' })).status).toBe(405);
    fail = true;
    expect(await get('/host/id')).toMatchObject({ status: 500, text: 'error: identity unavailable\n' });
    fail = false;
    expect((await get('/healthz')).status).toBe(200);
  });

  it('logs no warning on loopback', () => {
    expect(logged).toEqual([]);
  });

  it('fails node/port-in-use on a busy port', async () => {
    const other = new AdminServer({ metrics, peerId: () => 'x', addrs: () => [] });
    const e = await other.start(`127.0.0.1:${port}`).catch((x) => x);
    expect(e).toBeInstanceOf(NodeError);
    expect(e.code).toBe('node/port-in-use');
    expect(e.format()).toMatch(/the port is taken by another process\n  hint: .*--with-http-admin HOST:PORT/);
  });
});

describe('HTTP addresses', () => {
  it('parses HOST:PORT, [IPv6]:PORT, a bare port (loopback) and off', () => {
    expect(parseHttpAddr('127.0.0.1:2026', '--x')).toEqual({ host: '127.0.0.1', port: 2026 });
    expect(parseHttpAddr('[::1]:2026', '--x')).toEqual({ host: '::1', port: 2026 });
    expect(parseHttpAddr('2026', '--x')).toEqual({ host: '127.0.0.1', port: 2026 });
    expect(parseHttpAddr('localhost:80', '--x')).toEqual({ host: 'localhost', port: 80 });
    expect(parseHttpAddr('off', '--x')).toBeNull();
  });

  it('refuses anything else with node/http naming the flag', () => {
    for (const bad of ['', 'nohost', '::1:2026', '127.0.0.1:99999', '127.0.0.1:http', '[zz]:1', 'a b:1']) {
      let e: unknown;
      try { parseHttpAddr(bad, '--with-http-admin'); } catch (x) { e = x; }
      expect(e, bad).toBeInstanceOf(NodeError);
      expect((e as NodeError).code).toBe('node/http');
      expect((e as NodeError).message).toContain('--with-http-admin');
    }
  });

  it('knows loopback from the rest', () => {
    for (const h of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'example.com', '::ffff:10.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });
});
