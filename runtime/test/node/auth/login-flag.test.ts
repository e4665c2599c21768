// `ww run --authorized-keys PATH`: the Terminal reads that file instead of
// authorized_keys beside the identity (a real node on loopback, dialed
// with dialNode).
import { describe, it, expect } from 'vitest';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { Host$Client } from '../../../../schema/generated/system.js';
import { dialNode, DialNodeError, type NodeSession } from '../../../node/dial-node.js';
import { startNode, cleanup } from '../ww-node.js';

const hostId = async (s: NodeSession) => (await new Host$Client(s.caps.find((c) => c.name === 'host')!.cap as any).id().promise()).peerId;

async function failure(p: Promise<NodeSession>): Promise<DialNodeError> {
  const e = await p.then(async (s) => { await s.close(); return null; }, (x) => x);
  expect(e, 'dialNode should have failed').toBeInstanceOf(DialNodeError);
  return e as DialNodeError;
}

describe('--authorized-keys', () => {
  it('names another file: its keys log in, and the default file beside the identity is not read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ww-keys-'));
    const carol = await generateKeyPair('Ed25519'), dave = await generateKeyPair('Ed25519');
    writeFileSync(join(dir, 'keys'), `${peerIdFromPrivateKey(carol)}\n`);
    const other = startNode({ args: ['--authorized-keys', join(dir, 'keys')] });
    try {
      writeFileSync(join(other.home, 'authorized_keys'), `${peerIdFromPrivateKey(dave)}\n`);
      const id = await other.peerId();
      let a = (await other.addrs()).find((x) => x.startsWith('/ip4/127.0.0.1/'))!;
      if (!a.includes('/p2p/')) a += `/p2p/${id}`;
      const s = await dialNode(a, carol);
      expect(await hostId(s)).toBe(id);
      await s.close();
      expect((await failure(dialNode(a, dave))).reason).toBe('unknown key');
    } finally {
      await cleanup(other);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
