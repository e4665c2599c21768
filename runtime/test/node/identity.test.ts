// An identity's key comes from its seed through Node's own Ed25519
// (keyFromSeed, runtime/node/identity.ts): it must be exactly the key that
// @libp2p/crypto's generateKeyPairFromSeed makes of the same seed (the
// peer id a node has had so far), and sign as that key.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { base58btc } from 'multiformats/bases/base58';
import { keyFromSeed, parseIdentity } from '../../node/identity.js';

describe('the key of an identity seed', () => {
  it('is the key, public key and peer id @libp2p/crypto derives from the same seed', async () => {
    const seeds = [new Uint8Array(32), new Uint8Array(32).fill(0xff), ...Array.from({ length: 30 }, () => new Uint8Array(randomBytes(32)))];
    for (const seed of seeds) {
      const ours = keyFromSeed(seed);
      const theirs = await generateKeyPairFromSeed('Ed25519', seed);
      expect(ours.raw).toEqual(theirs.raw);
      expect(ours.publicKey.raw).toEqual(theirs.publicKey.raw);
      expect(peerIdFromPrivateKey(ours).toString()).toBe(peerIdFromPrivateKey(theirs).toString());
    }
  });

  it('signs as that key: its signature verifies with the public key @libp2p/crypto derives', async () => {
    const seed = new Uint8Array(randomBytes(32));
    const msg = new TextEncoder().encode('log me in');
    const sig = await keyFromSeed(seed).sign(msg);
    expect(await (await generateKeyPairFromSeed('Ed25519', seed)).publicKey.verify(msg, sig)).toBe(true);
    expect(await (await generateKeyPairFromSeed('Ed25519', new Uint8Array(32))).publicKey.verify(msg, sig)).toBe(false);
  });

  it('an identity file\'s text gives the peer id of its seed', async () => {
    const seed = new Uint8Array(randomBytes(32));
    const id = await parseIdentity(`${base58btc.baseEncode(seed)}\n`, '/tmp/identity');
    expect(id.peerId.toString()).toBe(peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed)).toString());
  });
});
