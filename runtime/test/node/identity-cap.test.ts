// The Identity capability (runtime/node/caps/identity.ts) over a real
// Membrane graft: the node's key signs only through Signers limited to
// their domains, signatures are domain-separated as schema/auth.capnp
// lays out, and verify needs no authority.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { PrivateKey } from '@libp2p/interface';
import { Identity$Client } from '../../../schema/generated/auth.js';
import { identityHook, signedBytes, verifyIn } from '../../node/caps/identity.js';
import { graftedSession, type GraftedSession } from './cap-session.js';

let key: PrivateKey;
let s: GraftedSession;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

beforeAll(async () => {
  key = await generateKeyPair('Ed25519');
  s = await graftedSession([{ name: 'identity', interfaceId: Identity$Client.interfaceId, cap: identityHook(key) }]);
});
afterAll(() => s?.close());

describe('the signed bytes', () => {
  it('are varint(len(domain)) || domain || varint(len(payload)) || payload', () => {
    expect(hex(signedBytes('ab', new Uint8Array([1, 2, 3])))).toBe('02616203010203');
    // Lengths of 128 and more take two varint bytes (LEB128).
    const long = signedBytes('d', new Uint8Array(200));
    expect(hex(long.subarray(0, 4))).toBe('0164c801');
    expect(long.length).toBe(1 + 1 + 2 + 200);
  });
});

describe('Identity over RPC', () => {
  it('gives the peer id and the raw 32-byte public key', async () => {
    expect(await s.eval('(perform identity :peer-id)')).toBe(`"${peerIdFromPrivateKey(key)}"`);
    expect(await s.eval('(bytes->hex (perform identity :public-key))')).toBe(`"${hex(key.publicKey.raw)}"`);
  });

  it('a signer signs in its domains, and the signature verifies only in that domain', async () => {
    await s.eval('(def signer (perform identity :signer ["app/one" "app/two"]))');
    await s.eval('(def sig (perform signer :sign "app/one" (bytes "payload")))');
    expect(await s.eval('(count sig)')).toBe('64');
    expect(await s.eval('(bytes->hex (perform signer :public-key))')).toBe(`"${hex(key.publicKey.raw)}"`);
    expect(await s.eval('(perform identity :verify (perform identity :public-key) "app/one" (bytes "payload") sig)')).toBe('true');
    expect(await s.eval('(perform identity :verify (perform identity :public-key) "app/two" (bytes "payload") sig)')).toBe('false');
    expect(await s.eval('(perform identity :verify (perform identity :public-key) "app/one" (bytes "payloaD") sig)')).toBe('false');
    // The same bytes as signing the domain-separated layout directly.
    const sig = Buffer.from(JSON.parse(await s.eval('(bytes->hex sig)')), 'hex');
    expect(await key.publicKey.verify(signedBytes('app/one', new TextEncoder().encode('payload')), sig)).toBe(true);
    expect(await verifyIn(key.publicKey.raw, 'app/one', new TextEncoder().encode('payload'), sig)).toBe(true);
  });

  it('a signer refuses a domain outside its list with permission-denied', async () => {
    await s.eval('(def login-only (perform identity :signer ["ww/terminal/login"]))');
    const msg = JSON.parse(await s.eval('(try (perform login-only :sign "app/one" (bytes "x")) (catch :glia.error/permission-denied e (:glia.error/message e)))'));
    expect(msg).toBe('Signer :sign: this signer signs in "ww/terminal/login" only, not "app/one"');
  });

  it('an empty domain list or an empty domain is refused', async () => {
    expect(await s.eval('(try (perform identity :signer []) (catch :node/bad-key e :refused))')).toBe(':refused');
    expect(await s.eval('(try (perform identity :signer [""]) (catch :node/bad-key e :refused))')).toBe(':refused');
  });

  it('verify gives false, not an error, for a malformed key or signature', async () => {
    expect(await s.eval('(perform identity :verify (bytes [1 2 3]) "d" (bytes "p") (bytes [0]))')).toBe('false');
    expect(await s.eval(`(perform identity :verify (perform identity :public-key) "d" (bytes "p") (bytes (repeat 64 0)))`)).toBe('false');
    expect(await s.eval(`(perform identity :verify (perform identity :public-key) "" (bytes "p") (bytes (repeat 64 0)))`)).toBe('false');
  });

  it('an attenuated identity with only :verify cannot issue signers', async () => {
    expect(await s.eval('(try (perform (attenuate identity [:verify]) :signer ["a"]) (catch :glia.error/permission-denied e :denied))')).toBe(':denied');
  });
});
