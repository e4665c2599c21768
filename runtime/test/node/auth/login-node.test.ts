// Terminal login on a real `ww run` (loopback, ports from 0, mDNS off)
// through dialNode: the node's own key and a key from authorized_keys log
// in and graft (host :id is the node's peer id); a key added to the file
// while the node runs is accepted without a restart; a stranger, a wrong
// peer id, an address where nothing listens each fail with their code
// within the bound; every attempt is in the node's log with the key's
// peer id; after POST /epoch/advance the session is stale and regraft()
// logs in again.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { PrivateKey } from '@libp2p/interface';
import { Host$Client } from '../../../../schema/generated/system.js';
import { RpcError } from '../../../rpc/errors.js';
import { readIdentity } from '../../../node/identity.js';
import { dialNode, DialNodeError, type NodeSession } from '../../../node/dial-node.js';
import { startNode, cleanup, type NodeProcess } from '../ww-node.js';

let node: NodeProcess;
let peerId: string;
let addr: string;
let nodeKey: PrivateKey;
let alice: PrivateKey, aliceId: string;

beforeAll(async () => {
  alice = await generateKeyPair('Ed25519');
  aliceId = peerIdFromPrivateKey(alice).toString();
  node = startNode({ args: ['--with-http-admin', '127.0.0.1:0'] });
  // authorized_keys beside the identity, written before the node reads it.
  writeFileSync(join(node.home, 'authorized_keys'), `# the test's key\n${aliceId}\n`);
  peerId = await node.peerId();
  addr = (await node.addrs()).find((a) => a.startsWith('/ip4/127.0.0.1/'))!;
  if (!addr.includes('/p2p/')) addr += `/p2p/${peerId}`;
  nodeKey = (await readIdentity(join(node.home, 'identity'))).privateKey;
}, 90_000);
afterAll(async () => { await cleanup(node); });

const hostId = async (s: NodeSession) => (await new Host$Client(s.caps.find((c) => c.name === 'host')!.cap as any).id().promise()).peerId;

async function failure(p: Promise<NodeSession>): Promise<DialNodeError> {
  const e = await p.then(async (s) => { await s.close(); return null; }, (x) => x);
  expect(e, 'dialNode should have failed').toBeInstanceOf(DialNodeError);
  return e as DialNodeError;
}

const logged = (key: string, outcome: string) => node.waitFor((l) => l.key === key && (l.reason ?? l.outcome) === outcome, 20_000, `a login line for ${key}: ${outcome}`);

describe('login on a running node', () => {
  it('the node\'s own key logs in; the grafted host :id is the node\'s peer id', async () => {
    const s = await dialNode(addr, { privateKey: nodeKey });
    try {
      expect(s.peerId).toBe(peerId);
      expect(s.caps.map((c) => c.name)).toEqual(expect.arrayContaining(['host', 'identity', 'ipfs', 'routing', 'runtime']));
      expect(await hostId(s)).toBe(peerId);
    } finally { await s.close(); }
    await logged(peerId, 'ok');
  });

  it('a key in authorized_keys logs in; a stranger is refused `unknown key` and logged', async () => {
    const s = await dialNode(addr, alice);
    expect(await hostId(s)).toBe(peerId);
    await s.close();
    await logged(aliceId, 'ok');
    const stranger = await generateKeyPair('Ed25519');
    const strangerId = peerIdFromPrivateKey(stranger).toString();
    const e = await failure(dialNode(addr, stranger));
    expect(e.code).toBe('node/login-refused');
    expect(e.reason).toBe('unknown key');
    expect(e.message).toContain(addr);
    await logged(strangerId, 'unknown key');
  });

  it('a key added to authorized_keys while the node runs is accepted without a restart', async () => {
    const bob = await generateKeyPair('Ed25519');
    const bobId = peerIdFromPrivateKey(bob).toString();
    expect((await failure(dialNode(addr, bob))).reason).toBe('unknown key');
    appendFileSync(join(node.home, 'authorized_keys'), `${bobId}  # added while running\n`);
    const s = await dialNode(addr, bob);
    expect(await hostId(s)).toBe(peerId);
    await s.close();
  });

  it('after an epoch advance the session is stale, and regraft() logs in again', async () => {
    const s = await dialNode(addr, { privateKey: nodeKey });
    try {
      const before = await s.epoch();
      const r = await fetch(`${await node.admin()}/epoch/advance`, { method: 'POST', body: 'login test', signal: AbortSignal.timeout(60_000) });
      expect(r.status).toBe(200);
      const stale = await new Host$Client(s.caps.find((c) => c.name === 'host')!.cap as any).id().promise().then(() => null, (x) => x);
      expect((stale as RpcError).code).toBe('stale-epoch');
      await s.regraft();
      expect(await hostId(s)).toBe(peerId);
      expect((await s.epoch()).seq).toBe(before.seq + 1n);
    } finally { await s.close(); }
  });

  it('a wrong peer id in the address is node/dial-failed `wrong peer`', async () => {
    const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
    const e = await failure(dialNode(addr.replace(peerId, other), nodeKey));
    expect(e.code).toBe('node/dial-failed');
    expect(e.reason).toBe('wrong peer');
  });

  it('an address where nothing listens is node/dial-failed `unreachable`', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const e = await failure(dialNode(`/ip4/127.0.0.1/tcp/${port}/p2p/${peerId}`, nodeKey));
    expect(e.code).toBe('node/dial-failed');
    expect(e.reason).toBe('unreachable');
  });
});
