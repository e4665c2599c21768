// The node's metrics registry: RPC calls counted by interface and method
// wherever they come from (a local holder, a connection), the peers gauge
// read at each scrape, cell counters, and prom-client's process metrics.
import { afterAll, describe, expect, it } from 'vitest';
import { Connection } from '../../rpc/conn.js';
import { pipePair } from '../../rpc/transport.js';
import { toHook } from '../../rpc/hooks.js';
import { Host$Server, Host$Client } from '../../../schema/generated/system.js';
import { NodeMetrics } from '../../node/metrics.js';

const host = () => toHook(new Host$Server({
  id: async (_p, r) => { r.peerId = '12D3KooWmetrics'; },
  addrs: async (_p, r) => { r._initAddrs(0); },
  peers: async (_p, r) => { r._initPeers(0); },
  network: async () => { throw new Error('not here'); },
}))!;

let peers = 3;
const metrics = new NodeMetrics({ peers: () => peers });
afterAll(() => metrics.close());

const value = async (m: NodeMetrics, line: RegExp) => { const x = line.exec(await m.text()); return x ? Number(x[1]) : null; };
const HOST_ID = /^ww_rpc_calls_total\{interface="Host",method="id"\} (\d+)$/m;

describe('NodeMetrics', () => {
  it('counts the calls local servers answer, by interface and method, locally and over a connection', async () => {
    const before = (await value(metrics, HOST_ID)) ?? 0;
    const h = host();
    for (let i = 0; i < 3; i++) await new Host$Client(h as any).id().promise();
    const [a, b] = pipePair();
    const server = new Connection(a, { bootstrap: h });
    const client = new Connection(b);
    const remote = new Host$Client(await client.bootstrapClient() as any);
    await remote.id().promise();
    await remote.addrs().promise();
    client.close(); server.close();
    expect(await value(metrics, HOST_ID)).toBe(before + 4);
    expect(await value(metrics, /^ww_rpc_calls_total\{interface="Host",method="addrs"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    // Scraping twice does not count twice.
    expect(await value(metrics, HOST_ID)).toBe(before + 4);
  });

  it('stops counting RPC calls once closed', async () => {
    const other = new NodeMetrics({ processMetrics: false });
    const h = host();
    await new Host$Client(h as any).id().promise();
    expect(await value(other, HOST_ID)).toBe(1);
    other.close();
    await new Host$Client(h as any).id().promise();
    expect(await value(other, HOST_ID)).toBe(1);
  });

  it('reads the peers gauge from its callback at each scrape, and a failing callback does not fail the scrape', async () => {
    expect(await value(metrics, /^ww_peers (\d+)$/m)).toBe(3);
    peers = 7;
    expect(await value(metrics, /^ww_peers (\d+)$/m)).toBe(7);
    metrics.setPeers(() => { throw new Error('swarm gone'); });
    expect(await metrics.text()).toMatch(/^ww_peers 7$/m);
    metrics.setPeers(() => peers);
  });

  it('counts spawns and failures by code, and WAGI requests by route', async () => {
    const m = new NodeMetrics({ processMetrics: false, rpc: false });
    m.cells.spawned('bafkreix');
    m.cells.spawned('bafkreix');
    m.cells.failed('bafkreix', 'cell/timeout');
    m.wagi.request('/status', 200, null);
    m.wagi.request(null, 404, null);
    m.wagi.request('/status', 502, 'cell/bad-cgi');
    const text = await m.text();
    expect(text).toMatch(/^ww_cells_spawned_total 2$/m);
    expect(text).toMatch(/^ww_cell_failures_total\{code="cell\/timeout"\} 1$/m);
    expect(text).toMatch(/^ww_cell_failures_total\{code="cell\/bad-cgi"\} 1$/m);
    expect(text).toMatch(/^ww_http_requests_total\{route="\/status",code="200"\} 1$/m);
    expect(text).toMatch(/^ww_http_requests_total\{route="none",code="404"\} 1$/m);
    expect(text).not.toMatch(/process_cpu/);
  });

  it('has prom-client\'s process metrics, in the Prometheus text format', async () => {
    const text = await metrics.text();
    expect(text).toMatch(/^# TYPE ww_http_requests_total counter$/m);
    expect(text).toMatch(/^# TYPE ww_peers gauge$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_total_bytes \d/m);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
