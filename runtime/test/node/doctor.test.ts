// `ww doctor` as a user runs it: one line per check, exit 1 only when a
// required check fails. Ports are checked on loopback ports the test holds.
import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, assertBuilt } from '../ww-process.js';
import { startNode, cleanup, type NodeProcess } from './ww-node.js';

const dir = mkdtempSync(join(tmpdir(), 'ww-doctor-'));
let node: NodeProcess | undefined;
afterAll(async () => { await cleanup(node); rmSync(dir, { recursive: true, force: true }); });

function doctor(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; lines: Map<string, string> } {
  assertBuilt();
  const e: NodeJS.ProcessEnv = { ...process.env, HOME: dir, NO_COLOR: '1', WW_HOST_STATE_PATH: join(dir, 'none.json'), ...env };
  delete e.IPFS_API; delete e.WW_IDENTITY;
  const r = spawnSync(process.execPath, [BIN, 'doctor', ...args], { env: e, encoding: 'utf8', timeout: 30_000 });
  const lines = new Map<string, string>();
  for (const l of r.stdout.split('\n').filter(Boolean)) {
    const m = /^(ok|warn|fail)\s+(.+?)\s{2,}(.*)$/.exec(l);
    expect(m, `a doctor line: ${l}`).not.toBe(null);
    lines.set(m![2]!, `${m![1]} ${m![3]}`);
  }
  return { code: r.status, lines };
}

const holdPort = () => new Promise<Server>((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => resolve(s)); });
const portOf = (s: Server) => (s.address() as { port: number }).port;

describe('ww doctor', () => {
  it('passes on a fresh machine, warning that the identity and repo come with the first run', async () => {
    const free = await holdPort();
    const port = portOf(free);
    await new Promise<void>((r) => free.close(() => r()));
    const r = doctor(['--swarm-port', '0', '--http-listen', `127.0.0.1:${port}`, '--identity', join(dir, 'id'), '--ipfs-repo', join(dir, 'repo')]);
    expect(r.code).toBe(0);
    expect(r.lines.get('node')).toMatch(/^ok Node\.js 20\./);
    expect(r.lines.get('identity')).toMatch(/^warn .*does not exist yet; ww run creates it/);
    expect(r.lines.get('repo')).toMatch(/^warn .*does not exist yet/);
    expect(r.lines.get(`port ${port}`)).toMatch(/^ok WAGI 127\.0\.0\.1:\d+ is free/);
    expect(r.lines.get('host-state')).toMatch(/^ok no node running/);
    expect(r.lines.get('cell toolchain')).toMatch(/^ok /);
    expect([...r.lines.keys()]).toContain('capnp');
  });

  it('fails on a corrupt identity and a Kubo that does not answer; warns about a key others can read', async () => {
    const bad = join(dir, 'bad-id');
    writeFileSync(bad, 'nope!');
    const r = doctor(['--swarm-port', '0', '--http-listen', 'off', '--identity', bad, '--ipfs-url', 'http://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.lines.get('identity')).toMatch(/^fail .*not base58btc/);
    expect(r.lines.get('kubo')).toMatch(/^fail Kubo at http:\/\/127\.0\.0\.1:1 does not answer/);
    const open = join(dir, 'open-id');
    spawnSync(process.execPath, [BIN, 'keygen', '--output', open]);
    chmodSync(open, 0o644);
    const w = doctor(['--swarm-port', '0', '--http-listen', 'off', '--identity', open]);
    expect(w.code).toBe(0);
    expect(w.lines.get('identity')).toMatch(/^warn .*12D3KooW.*mode is 0644.*chmod 600/);
  });

  it('tells a port held by another program from one held by the running node', async () => {
    const other = await holdPort();
    try {
      const r = doctor(['--swarm-port', '0', '--http-listen', `127.0.0.1:${portOf(other)}`]);
      expect(r.code).toBe(0);
      expect(r.lines.get(`port ${portOf(other)}`)).toMatch(/^warn .*held by another program/);
    } finally { other.close(); }
    node = startNode();
    const http = (await node.http()).replace('http://', '');
    const r = doctor(['--swarm-port', '0', '--http-listen', http], { WW_HOST_STATE_PATH: node.hostState });
    expect(r.lines.get('host-state')).toMatch(new RegExp(`^ok .*node ${await node.peerId()} runs as pid ${node.child.pid}`));
    expect(r.lines.get(`port ${http.split(':')[1]}`)).toMatch(/^ok .*held, and a ww node .* runs/);
  }, 60_000);
});
