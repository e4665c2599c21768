// dialNode (runtime/node/dial-node.ts) against a real libp2p node on
// 127.0.0.1 in this process, serving a Terminal on /ww/0.1.0: the dial,
// the login and the graft for real, regraft across an epoch advance, and
// each failure coded with its step within its bound.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { PrivateKey } from '@libp2p/interface';
import { createServer, type Server } from 'node:net';
import { Identity$Client, Terminal$Server } from '../../../../schema/generated/auth.js';
import { toHook } from '../../../rpc/hooks.js';
import { Membrane } from '../../../membrane/membrane.js';
import { Epoch } from '../../../membrane/epoch.js';
import { RpcError } from '../../../rpc/errors.js';
import { identityHook } from '../../../node/caps/identity.js';
import { createSwarm, type Swarm } from '../../../node/swarm.js';
import { Terminal } from '../../../node/auth/terminal.js';
import { TERMINAL_PROTOCOL } from '../../../node/p2p/protocols.js';
import { serveVat } from '../../../node/p2p/vat-protocol.js';
import { dialNode, DialNodeError, type NodeSession } from '../../../node/dial-node.js';
import { silentLogger } from '../../../node/log.js';

let nodeKey: PrivateKey, swarm: Swarm, epoch: Epoch, addr: string, nodeId: string;
const authorized = new Set<string>();

beforeAll(async () => {
  nodeKey = await generateKeyPair('Ed25519');
  nodeId = peerIdFromPrivateKey(nodeKey).toString();
  swarm = await createSwarm({ privateKey: nodeKey, listen: ['/ip4/127.0.0.1/tcp/0'] });
  epoch = new Epoch('head-0');
  const membrane = new Membrane(() => [{ name: 'identity', interfaceId: Identity$Client.interfaceId, cap: identityHook(nodeKey) }], epoch);
  const terminal = new Terminal({ peerId: nodeId, ownPublicKey: nodeKey.publicKey.raw, authorized, membrane, log: silentLogger });
  await serveVat(swarm, TERMINAL_PROTOCOL, () => terminal.hook());
  addr = swarm.getMultiaddrs()[0]!.toString();
});
afterAll(async () => { await swarm?.stop(); });

async function failure(p: Promise<NodeSession>): Promise<DialNodeError> {
  const e = await p.then(async (s) => { await s.close(); return null; }, (x) => x);
  expect(e, 'dialNode should have failed').toBeInstanceOf(DialNodeError);
  return e as DialNodeError;
}

const peerIdVia = async (s: NodeSession) => (await new Identity$Client(s.caps.find((c) => c.name === 'identity')!.cap as any).peerId().promise()).peerId;

describe('dialNode in process', () => {
  it('dials, logs in with the node\'s key, grafts, and regrafts across an epoch advance', async () => {
    const s = await dialNode(addr, { privateKey: nodeKey });
    try {
      expect(s.peerId).toBe(nodeId);
      expect(s.caps.map((c) => c.name)).toEqual(['identity']);
      expect(await peerIdVia(s)).toBe(nodeId);
      expect((await s.epoch()).head).toBe('head-0');
      epoch.advance('head-1', 'test');
      const stale = await new Identity$Client(s.caps[0]!.cap as any).peerId().promise().then(() => null, (x) => x);
      expect((stale as RpcError).code).toBe('stale-epoch');
      await s.regraft();
      expect(await peerIdVia(s)).toBe(nodeId);
      expect((await s.epoch()).head).toBe('head-1');
    } finally { await s.close(); }
  });

  it('regraft() dials again when the connection is gone', async () => {
    const s = await dialNode(addr, nodeKey);
    try {
      await Promise.all(swarm.getConnections().map((c) => c.close()));
      const gone = await new Identity$Client(s.caps[0]!.cap as any).peerId().promise().then(() => null, (x) => x);
      expect((gone as RpcError).code).toBe('disconnected');
      await s.regraft();
      expect(await peerIdVia(s)).toBe(nodeId);
    } finally { await s.close(); }
  });

  it('an authorized key logs in; a stranger is node/login-refused `unknown key`', async () => {
    const alice = await generateKeyPair('Ed25519');
    const e = await failure(dialNode(addr, alice));
    expect(e.code).toBe('node/login-refused');
    expect(e.step).toBe('login');
    expect(e.reason).toBe('unknown key');
    expect(e.message).toContain(addr);
    authorized.add(peerIdFromPrivateKey(alice).toString());
    const s = await dialNode(addr, alice);
    expect(await peerIdVia(s)).toBe(nodeId);
    await s.close();
  });

  it('a wrong peer id in the address is node/dial-failed `wrong peer`', async () => {
    const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
    const wrong = addr.replace(nodeId, other);
    const e = await failure(dialNode(wrong, nodeKey));
    expect(e.code).toBe('node/dial-failed');
    expect(e.step).toBe('dial');
    expect(e.reason).toBe('wrong peer');
    expect(e.message).toContain(wrong);
  });

  it('an address where nothing listens is node/dial-failed `unreachable`', async () => {
    // A port that was free a moment ago.
    const srv: Server = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const e = await failure(dialNode(`/ip4/127.0.0.1/tcp/${port}/p2p/${nodeId}`, nodeKey));
    expect(e.code).toBe('node/dial-failed');
    expect(e.reason).toBe('unreachable');
  });

  it('a listener that never answers the handshake is node/dial-failed `timeout` within the bound', async () => {
    const srv: Server = createServer(() => { /* accept and say nothing */ });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    try {
      const e = await failure(dialNode(`/ip4/127.0.0.1/tcp/${port}/p2p/${nodeId}`, nodeKey, { dialTimeoutMs: 1000 }));
      expect(e.code).toBe('node/dial-failed');
      expect(e.reason).toBe('timeout');
    } finally { srv.close(); }
  });

  it('a Terminal that never answers the login is node/login-failed `timeout` within the bound', async () => {
    const mute = await createSwarm({ listen: ['/ip4/127.0.0.1/tcp/0'] });
    try {
      await serveVat(mute, TERMINAL_PROTOCOL, () => toHook(new Terminal$Server({ login: () => new Promise<void>(() => {}) }))!);
      const e = await failure(dialNode(mute.getMultiaddrs()[0]!.toString(), nodeKey, { loginTimeoutMs: 1000 }));
      expect(e.code).toBe('node/login-failed');
      expect(e.step).toBe('login');
      expect(e.reason).toBe('timeout');
    } finally { await mute.stop(); }
  });

  it('an address without /p2p is node/bad-multiaddr', async () => {
    const e = await failure(dialNode('/ip4/127.0.0.1/tcp/1', nodeKey));
    expect(e.code).toBe('node/bad-multiaddr');
    expect(e.step).toBe('address');
    const e2 = await failure(dialNode('not an address', nodeKey));
    expect(e2.code).toBe('node/bad-multiaddr');
  });
});
