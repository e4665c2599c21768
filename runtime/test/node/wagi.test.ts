// The node's WAGI gateway over real HTTP on 127.0.0.1 with real WAT cells:
// prefix matching at segment boundaries, registration rules (taken
// prefixes, cancel), 404/413/502/504, X-Wetware-Cell on every answer of a
// route, a node that keeps serving after cells trap, flood and hang, and
// the metrics counters those requests move.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { CellRuntime } from '../../cell/runtime.js';
import { executorTarget } from '../../cell/http-listener.js';
import { cidOf } from '../../cell/cid.js';
import { WagiGateway, WAGI_DEFAULTS } from '../../node/wagi.js';
import { NodeMetrics } from '../../node/metrics.js';
import { NodeError } from '../../node/errors.js';
import { watFixture } from '../cell/wat-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ww-wagi-test-'));
const metrics = new NodeMetrics({ processMetrics: false, rpc: false });
const rt = new CellRuntime({ cacheDir: dir, observer: metrics.cells });
// A short gateway timeout, so the hanging cell's 504 comes quickly.
const gateway = new WagiGateway({ timeoutMs: 2000, observer: metrics.wagi });
let base: string;
const cid: Record<string, string> = {};

beforeAll(async () => {
  for (const n of ['cgi', 'echo', 'trap', 'flood', 'loop']) cid[n] = cidOf(await watFixture(n));
  const cgi = await rt.load(await watFixture('cgi'));
  gateway.register('/status', executorTarget(cgi));
  gateway.register('/status/sub', executorTarget(cgi, { env: [['ROUTE_ENV', 'sub']] }));
  gateway.register('/echo', executorTarget(await rt.load(await watFixture('echo'))));
  gateway.register('/trap', executorTarget(await rt.load(await watFixture('trap'))));
  gateway.register('/flood', executorTarget(await rt.load(await watFixture('flood')), { limits: { outputBytes: 1024 * 1024 } }));
  gateway.register('/hang', executorTarget(await rt.load(await watFixture('loop'))));
  const { port } = await gateway.start({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${port}`;
}, 120_000);
afterAll(async () => { await gateway.close(); await rt.close(); metrics.close(); rmSync(dir, { recursive: true, force: true }); });

/** The cgi cell's answer: its environment (NAME=VALUE lines), "--", the body. */
function envOf(text: string): Record<string, string> {
  const head = text.split('--\n')[0]!;
  return Object.fromEntries(head.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

async function metricValue(line: RegExp): Promise<number> {
  const m = line.exec(await metrics.text());
  return m ? Number(m[1]) : 0;
}

describe('WAGI gateway', () => {
  it('has the node defaults: 16 MiB bodies, 30 s timeout, 127.0.0.1:2080', () => {
    expect(WAGI_DEFAULTS).toMatchObject({ maxBodyBytes: 16 * 1024 * 1024, timeoutMs: 30_000, listen: '127.0.0.1:2080' });
  });

  it('routes by the longest prefix on segment boundaries', async () => {
    const at = async (path: string) => {
      const r = await fetch(base + path);
      return { status: r.status, cell: r.headers.get('x-wetware-cell'), env: r.status === 201 ? envOf(await r.text()) : {} };
    };
    const plain = await at('/status');
    expect(plain.status).toBe(201);
    expect(plain.env).toMatchObject({ SCRIPT_NAME: '/status', PATH_INFO: '', REQUEST_METHOD: 'GET' });
    expect(plain.env.ROUTE_ENV).toBeUndefined();
    expect((await at('/statusx')).status).toBe(404);
    expect((await at('/statusx')).cell).toBeNull();
    expect((await at('/status/subx')).env).toMatchObject({ SCRIPT_NAME: '/status', PATH_INFO: '/subx' });
    expect((await at('/status/sub')).env).toMatchObject({ SCRIPT_NAME: '/status/sub', PATH_INFO: '', ROUTE_ENV: 'sub' });
    expect((await at('/status/sub/deeper?q=1')).env).toMatchObject({ SCRIPT_NAME: '/status/sub', PATH_INFO: '/deeper', QUERY_STRING: 'q=1' });
    expect((await at('/')).status).toBe(404);
    expect((await at('/nothing/here')).status).toBe(404);
  });

  it('names the component in X-Wetware-Cell, and a cell cannot set it itself', async () => {
    const r = await fetch(`${base}/echo`, { method: 'POST', body: 'Content-Type: text/plain\nX-Wetware-Cell: forged\n\nhi' });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-wetware-cell')).toBe(cid.echo);
    expect(await r.text()).toBe('hi');
    expect((await fetch(`${base}/status`)).headers.get('x-wetware-cell')).toBe(cid.cgi);
    expect(cid.cgi).toMatch(/^bafkrei[a-z2-7]{52}$/);
  });

  it('refuses a taken prefix and a prefix that is not a path, with node codes', () => {
    const target = { cid: cid.cgi!, run: () => Promise.reject(new Error('never run')) };
    const code = (f: () => unknown) => { try { f(); return 'ok'; } catch (e) { return e instanceof NodeError ? e.code : String(e); } };
    expect(code(() => gateway.register('/status', target))).toBe('node/route-taken');
    expect(code(() => gateway.register('/status/', target))).toBe('node/route-taken');
    expect(code(() => gateway.register('status', target))).toBe('node/bad-route');
    expect(code(() => gateway.register('/a b', target))).toBe('node/bad-route');
  });

  it('cancel() removes the route (twice does nothing), and the prefix can be taken again', async () => {
    const cgi = await rt.load(await watFixture('cgi'));
    const reg = gateway.register('/temp', executorTarget(cgi));
    expect(reg.prefix).toBe('/temp');
    expect(reg.cid).toBe(cid.cgi);
    expect((await fetch(`${base}/temp/x`)).status).toBe(201);
    reg.cancel();
    reg.cancel();
    expect(reg.cancelled).toBe(true);
    expect((await fetch(`${base}/temp/x`)).status).toBe(404);
    expect(gateway.routes()).not.toContain('/temp');
    const again = gateway.register('/temp', executorTarget(cgi));
    expect((await fetch(`${base}/temp`)).status).toBe(201);
    // The old registration's cancel does not remove the new route.
    reg.cancel();
    expect((await fetch(`${base}/temp`)).status).toBe(201);
    again.cancel();
  });

  it('a route whose registration has ended by itself (its epoch) is gone, and its prefix is free', async () => {
    let live = true;
    const cgi = await rt.load(await watFixture('cgi'));
    gateway.register('/epochal', executorTarget(cgi), { alive: () => live });
    expect((await fetch(`${base}/epochal`)).status).toBe(201);
    live = false;
    expect((await fetch(`${base}/epochal`)).status).toBe(404);
    gateway.register('/epochal', executorTarget(cgi)).cancel();
  });

  it('takes a body of exactly 16 MiB on stdin, and answers 413 past it without running a cell', async () => {
    const head = 'Content-Type: application/octet-stream\n\n';
    const body = Buffer.alloc(16 * 1024 * 1024, 0x61);
    body.write(head, 0);
    const r = await fetch(`${base}/echo`, { method: 'POST', body });
    expect(r.status).toBe(200);
    expect((await r.arrayBuffer()).byteLength).toBe(body.length - head.length);
    const spawned = await metricValue(/^ww_cells_spawned_total (\d+)/m);
    const over = await fetch(`${base}/echo`, { method: 'POST', body: Buffer.alloc(16 * 1024 * 1024 + 1, 0x61) });
    expect(over.status).toBe(413);
    expect(over.headers.get('x-wetware-cell')).toBe(cid.echo);
    expect(await metricValue(/^ww_cells_spawned_total (\d+)/m)).toBe(spawned);
  }, 60_000);

  it('answers 502 with the code for a cell that traps, floods or is not CGI, 504 for one that hangs, and keeps serving', async () => {
    const [trap, flood, bad, hang, ...good] = await Promise.all([
      fetch(`${base}/trap`),
      fetch(`${base}/flood`),
      fetch(`${base}/echo`, { method: 'POST', body: 'no headers here' }),
      fetch(`${base}/hang`),
      ...Array.from({ length: 4 }, (_, i) => fetch(`${base}/status/${i}`)),
    ]);
    expect([trap.status, trap.headers.get('x-cell-error'), trap.headers.get('x-wetware-cell')]).toEqual([502, 'cell/trap', cid.trap]);
    expect(await trap.text()).toMatch(/^error\[cell\/trap\]/);
    expect([flood.status, flood.headers.get('x-cell-error')]).toEqual([502, 'cell/output-limit']);
    expect(await flood.text()).toMatch(/^error\[cell\/output-limit\]/);
    expect([bad.status, bad.headers.get('x-cell-error')]).toEqual([502, 'cell/bad-cgi']);
    expect([hang.status, hang.headers.get('x-cell-error'), hang.headers.get('x-wetware-cell')]).toEqual([504, 'cell/timeout', cid.loop]);
    expect(await hang.text()).toMatch(/^error\[cell\/timeout\]: the cell did not answer within the listener's timeout of 2000 ms/);
    for (const [i, r] of good.entries()) {
      expect(r.status).toBe(201);
      expect(envOf(await r.text()).PATH_INFO).toBe(`/${i}`);
    }
    // The hung cell was stopped, not left spinning.
    await expect.poll(() => metricValue(/^ww_cell_failures_total\{code="cell\/killed"\} (\d+)/m), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${base}/status`)).status).toBe(201);
  }, 60_000);

  it('stops the cell of a client that leaves before its answer', async () => {
    // A gateway whose timeout (and the cell's wall clock) are far off, so only the client leaving can stop the cell in time.
    const patient = new WagiGateway({ timeoutMs: 120_000 });
    patient.register('/hang', executorTarget(await rt.load(await watFixture('loop')), { limits: { timeoutMs: 120_000, cpuMs: 120_000 } }));
    const { port } = await patient.start('127.0.0.1:0');
    try {
      const killed = () => metricValue(/^ww_cell_failures_total\{code="cell\/killed"\} (\d+)/m);
      const before = await killed();
      const spawned = await metricValue(/^ww_cells_spawned_total (\d+)/m);
      const leave = new AbortController();
      const req = fetch(`http://127.0.0.1:${port}/hang`, { signal: leave.signal }).catch((e) => e);
      await expect.poll(() => metricValue(/^ww_cells_spawned_total (\d+)/m)).toBe(spawned + 1);
      leave.abort();
      expect(await req).toBeInstanceOf(Error);
      await expect.poll(() => killed(), { timeout: 10_000 }).toBe(before + 1);
    } finally { await patient.close(); }
  });

  it('starts no cell for a client that leaves in the middle of its body, and lets the request go', async () => {
    const spawned = await metricValue(/^ww_cells_spawned_total (\d+)/m);
    const seen = () => metricValue(/^ww_http_requests_total\{route="\/echo",code="500"\} (\d+)/m);
    const before = await seen();
    const { port } = new URL(base);
    const sock = connect(Number(port), '127.0.0.1');
    await new Promise((res) => sock.once('connect', res));
    sock.write('POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nonly a little');
    await new Promise((res) => setTimeout(res, 100));
    sock.destroy();
    // The request is over (not left waiting for a body that will never come), and no cell ran for it.
    await expect.poll(seen, { timeout: 10_000 }).toBe(before + 1);
    expect(await metricValue(/^ww_cells_spawned_total (\d+)/m)).toBe(spawned);
  });

  it('counts requests by route and code, spawns and failures by code', async () => {
    const count = (route: string, code: number) => metricValue(new RegExp(`^ww_http_requests_total\\{route="${route.replace(/\//g, '\\/')}",code="${code}"\\} (\\d+)`, 'm'));
    const before = { ok: await count('/status', 201), none: await count('none', 404), trap: await metricValue(/^ww_cell_failures_total\{code="cell\/trap"\} (\d+)/m) };
    const spawned = await metricValue(/^ww_cells_spawned_total (\d+)/m);
    await (await fetch(`${base}/status/a`)).text();
    await (await fetch(`${base}/status/b?x=${Math.random()}`)).text();
    await (await fetch(`${base}/nowhere/${Math.random()}`)).text();
    await (await fetch(`${base}/trap`)).text();
    expect(await count('/status', 201)).toBe(before.ok + 2);
    expect(await count('none', 404)).toBe(before.none + 1);
    expect(await metricValue(/^ww_cells_spawned_total (\d+)/m)).toBe(spawned + 3);
    await expect.poll(() => metricValue(/^ww_cell_failures_total\{code="cell\/trap"\} (\d+)/m)).toBe(before.trap + 1);
    expect(await metricValue(/^ww_cell_failures_total\{code="cell\/bad-cgi"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    // Raw paths never become labels.
    expect(await metrics.text()).not.toMatch(/route="\/(status\/a|nowhere)/);
  });
});
