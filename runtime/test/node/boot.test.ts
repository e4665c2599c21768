// `ww run` end to end: a real node process on loopback (ports from 0)
// booting the std image, serving /status through the std/status cell over
// WAGI, the admin routes, the host-state file, and a clean exit on SIGTERM.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { startNode, cleanup, get, type NodeProcess } from './ww-node.js';

const BOOT_MS = 120_000;
let node: NodeProcess;

beforeAll(async () => {
  node = startNode({ args: ['--with-http-admin', '127.0.0.1:0'] });
  // The std image's 05-status.glia registers /status; the first run in a fresh cache translates the cell.
  await node.waitFor((l) => /status cell serving \/status/.test(l.msg), BOOT_MS, 'that /status is served');
}, BOOT_MS + 10_000);

afterAll(() => cleanup(node));

describe('ww run with no layers (the std image)', () => {
  it('serves /status from the status cell: its keys sorted, this node\'s id and addresses', async () => {
    // The first request after boot warms the cell's worker and the grant's
    // path; a host field slower than 500 ms is null by design, so the
    // assertions are on the next one.
    await get(`${await node.http()}/status`);
    const r = await get(`${await node.http()}/status`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('x-wetware-cell')).toMatch(/^bafk/);
    const body = JSON.parse(r.body);
    expect(Object.keys(body)).toEqual(['listen_addrs', 'peer_count', 'peer_id', 'status', 'version']);
    expect(body.status).toBe('ok');
    expect(body.version).toBe('0.1.0');
    expect(body.peer_id).toBe(await node.peerId());
    expect(body.peer_id).toMatch(/^12D3KooW/);
    expect(body.listen_addrs).toEqual(await node.addrs());
    expect(body.peer_count).toBe(0);
  });

  it('answers 404 for a path no cell serves, and /status matches on segment boundaries only', async () => {
    const base = await node.http();
    expect((await get(`${base}/nothing`)).status).toBe(404);
    expect((await get(`${base}/statusx`)).status).toBe(404);
    expect((await get(`${base}/status/sub`)).status).toBe(200);
  });

  it('serves the admin routes on loopback: metrics that count requests, host id and addrs, healthz', async () => {
    const admin = await node.admin();
    await get(`${await node.http()}/status`);
    const m = await get(`${admin}/metrics`);
    expect(m.status).toBe(200);
    expect(m.body).toMatch(/ww_http_requests_total\{route="\/status",code="200"\} [1-9]/);
    expect(m.body).toMatch(/ww_cells_spawned_total [1-9]/);
    expect(m.body).toMatch(/ww_rpc_calls_total\{interface="Host",method="id"\} [1-9]/);
    expect(m.body).toMatch(/process_cpu_seconds_total/);
    expect((await get(`${admin}/host/id`)).body).toBe(`${await node.peerId()}\n`);
    expect((await get(`${admin}/host/addrs`)).body).toBe((await node.addrs()).join('\n') + '\n');
    expect((await get(`${admin}/healthz`)).body).toBe('ok\n');
  });

  it('writes the host-state file, mode 0600, with its pid, peer id and loopback addresses', async () => {
    const s = JSON.parse(readFileSync(node.hostState, 'utf8'));
    expect(s.pid).toBe(node.child.pid);
    expect(s.peer_id).toBe(await node.peerId());
    expect(s.addrs).toEqual(await node.addrs());
    expect(s.addrs.every((a: string) => a.startsWith('/ip4/127.0.0.1/tcp/'))).toBe(true);
    expect(Math.abs(Date.now() - s.updated_at_unix_ms)).toBeLessThan(10 * 60_000);
    expect(statSync(node.hostState).mode & 0o777).toBe(0o600);
  });

  it('created its identity 0600 on first run and logged the peer id once', async () => {
    expect(statSync(`${node.home}/identity`).mode & 0o777).toBe(0o600);
    const created = node.lines.filter((l) => /created a new identity/.test(l.msg));
    expect(created).toHaveLength(1);
    expect(created[0]!.peer_id).toBe(await node.peerId());
  });

  it('logs one JSON object per line with time, level and msg, and its ready time', async () => {
    for (const l of node.lines) {
      expect(typeof l.time).toBe('string');
      expect(['info', 'warn', 'error']).toContain(l.level);
      expect(typeof l.msg).toBe('string');
    }
    const ready = await node.waitFor((l) => typeof l.ready_ms === 'number', 30_000, 'its ready time');
    expect(ready.ready_ms).toBeGreaterThan(0);
  });

  it('exits 0 on SIGTERM, promptly, and removes the host-state file', async () => {
    const { code, ms } = await node.stop('SIGTERM', 10_000);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(6_000);
    expect(existsSync(node.hostState)).toBe(false);
    expect(node.lines.some((l) => l.msg === 'stopped')).toBe(true);
  });
});

describe('the same identity on a second run', () => {
  it('keeps its peer id and does not log creating one', async () => {
    const home = node.home;
    const again = startNode({ home, args: ['--http-listen', 'off'] });
    try {
      const id = await again.peerId();
      expect(id).toBe(await node.peerId());
      expect(again.lines.some((l) => /created a new identity/.test(l.msg))).toBe(false);
      expect((await again.stop()).code).toBe(0);
    } finally {
      if (again.child.exitCode === null) again.child.kill('SIGKILL');
    }
  }, 60_000);
});
