// Sessions on a real `ww run` (loopback, ports from 0, mDNS off): `ww
// shell` by the node's address and by its host-state file evaluates with
// the node's grafted capabilities ((perform host :id) is the node's peer
// id); a stranger's key is refused with one coded line; after POST
// /epoch/advance on the node's admin server one evaluation sees
// stale-epoch, and the next has fresh capabilities; a node that goes away
// gives one clear message.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newIdentity } from '../../node/identity.js';
import { startNode, cleanup, type NodeProcess } from '../node/ww-node.js';
import { TEST_TIMEOUT_MS } from '../ww-process.js';
import { openSession } from '../../session/open-session.js';
import type { Session } from '../../session/session.js';
import { shell } from './ww-shell.js';

let node: NodeProcess;
let peerId: string;
let addr: string;
let admin: string;
let identity: string;

beforeAll(async () => {
  node = startNode({ args: ['--with-http-admin', '127.0.0.1:0'] });
  peerId = await node.peerId();
  addr = (await node.addrs()).find((a) => a.startsWith('/ip4/127.0.0.1/'))!;
  if (!addr.includes('/p2p/')) addr += `/p2p/${peerId}`;
  admin = await node.admin();
  identity = join(node.home, 'identity');
}, 90_000);
afterAll(async () => { await cleanup(node); });

describe('ww shell on a node', () => {
  it('by address: (perform host :id) is the node\'s peer id', async () => {
    const r = await shell([addr, '--identity', identity], '(perform host :id)\n');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`"${peerId}"\n`);
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT_MS);

  it('by the host-state file, with WW_IDENTITY: the same node', async () => {
    const r = await shell(['-e', '(perform host :id)'], '', { WW_HOST_STATE_PATH: node.hostState, WW_IDENTITY: identity });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`"${peerId}"\n`);
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT_MS);

  it('a stranger\'s key is refused: one coded line naming the reason, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ww-shell-stranger-'));
    try {
      const file = join(dir, 'identity');
      writeFileSync(file, (await newIdentity()).text, { mode: 0o600 });
      const r = await shell([addr, '--identity', file, '-e', '(perform host :id)']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('error[node/login-refused]');
      expect(r.stderr).toContain('unknown key');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }, TEST_TIMEOUT_MS);
});

describe('a session across an epoch', () => {
  let s: Session;
  beforeAll(async () => { s = await openSession({ addr, identityPath: identity }); }, 60_000);
  afterAll(async () => { await s?.close(); });

  it('binds the node\'s capabilities by name and labels itself with the short peer id', async () => {
    expect(s.capabilityNames()).toEqual(expect.arrayContaining(['host', 'routing', 'runtime', 'ipfs', 'identity']));
    expect(s.label).toBe(`${peerId.slice(0, 6)}…${peerId.slice(-6)}`);
    expect(await s.evaluate('(defn me [] (perform host :id)) (me)')).toMatchObject({ ok: true, values: ["#'user/me", `"${peerId}"`] });
  }, TEST_TIMEOUT_MS);

  it('after POST /epoch/advance, one evaluation fails stale-epoch and the next works, with its definitions', async () => {
    const r = await fetch(`${admin}/epoch/advance`, { method: 'POST', body: JSON.stringify({ reason: 'shell test' }), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(60_000) });
    expect(r.status, await r.text()).toBe(200);
    const stale = await s.evaluate('(me)');
    expect(stale.ok).toBe(false);
    if (stale.ok) return;
    expect(stale.error.code).toBe('stale-epoch');
    expect(stale.error.hint).toContain('grafted again');
    expect(stale.error.rendered).toContain('error[stale-epoch]');
    expect(await s.evaluate('(me)')).toMatchObject({ ok: true, values: [`"${peerId}"`] });
  }, TEST_TIMEOUT_MS);

  it('a node that goes away gives one clear message', async () => {
    await node.stop('SIGTERM');
    const out = await s.evaluate('(me)');
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(['disconnected', 'stale-epoch']).toContain(out.error.code);
    expect(out.error.hint).toContain('the node is gone');
    expect(out.error.rendered).not.toMatch(/\n\s+at .*\.js:\d+/);
  }, TEST_TIMEOUT_MS * 2);
});
