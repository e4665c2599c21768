// The Identity capability a node serves (schema/auth.capnp): the node's
// Ed25519 key, which is also its libp2p identity, without ever handing it
// out. Signers it issues sign only in the domains they were issued for,
// and every signature is domain-separated:
//
//     varint(len(domain)) || domain || varint(len(payload)) || payload
//
// (unsigned LEB128 lengths in bytes, the layout of libp2p's signed
// envelopes), so a signature made for one purpose never verifies for
// another.
import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { PrivateKey } from '@libp2p/interface';
import { Identity$Server, Signer$Server, Signer$Client } from '../../../schema/generated/auth.js';
import { toHook, type Hook } from '../../rpc/hooks.js';
import { RpcError } from '../../rpc/errors.js';
import { guarded } from './guard.js';
import { listOf } from '../../cell/servers.js';

const utf8 = new TextEncoder();

/** Unsigned LEB128. */
function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** The bytes a signature in `domain` over `payload` covers. */
export function signedBytes(domain: string, payload: Uint8Array): Uint8Array {
  const d = utf8.encode(domain);
  const dl = varint(d.length), pl = varint(payload.length);
  const out = new Uint8Array(dl.length + d.length + pl.length + payload.length);
  let at = 0;
  out.set(dl, at); at += dl.length;
  out.set(d, at); at += d.length;
  out.set(pl, at); at += pl.length;
  out.set(payload, at);
  return out;
}

export async function signIn(key: PrivateKey, domain: string, payload: Uint8Array): Promise<Uint8Array> {
  return key.sign(signedBytes(domain, payload));
}

/** Identity.verify: false, never an error, for a malformed key or signature. */
export async function verifyIn(publicKey: Uint8Array, domain: string, payload: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (domain === '' || publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return await publicKeyFromRaw(publicKey).verify(signedBytes(domain, payload), signature);
  } catch {
    return false;
  }
}

function checkDomain(d: string): void {
  if (d === '') throw new RpcError('failed', 'node/bad-key: a signing domain is empty (domains are non-empty names, such as ww/terminal/login)');
}

/** A Signer over the node's key, for `domains` only. */
export function signerHook(key: PrivateKey, domains: readonly string[]): Hook {
  const allowed = new Set(domains);
  return toHook(new Signer$Server({
    sign: guarded(async (p, r) => {
      const domain = p.domain;
      if (!allowed.has(domain)) {
        throw new RpcError('permission-denied', `this signer signs in ${[...allowed].map((d) => JSON.stringify(d)).join(', ')} only, not ${JSON.stringify(domain)}`);
      }
      const sig = await signIn(key, domain, new Uint8Array(p.payload.toUint8Array()));
      r._initSignature(sig.length).copyBuffer(sig);
    }),
    publicKey: guarded(async (_p, r) => {
      const raw = key.publicKey.raw;
      r._initPublicKey(raw.length).copyBuffer(raw);
    }),
  }))!;
}

export function identityHook(key: PrivateKey): Hook {
  if (key.type !== 'Ed25519') throw new Error(`the node identity must be Ed25519, not ${key.type}`);
  const peerId = peerIdFromPrivateKey(key).toString();
  return toHook(new Identity$Server({
    peerId: guarded(async (_p, r) => { r.peerId = peerId; }),
    publicKey: guarded(async (_p, r) => {
      const raw = key.publicKey.raw;
      r._initPublicKey(raw.length).copyBuffer(raw);
    }),
    signer: guarded(async (p, r) => {
      const domains = listOf(p.domains);
      if (domains.length === 0) throw new RpcError('failed', 'node/bad-key: Identity.signer needs at least one domain (such as ww/terminal/login)');
      domains.forEach(checkDomain);
      r.signer = new Signer$Client(signerHook(key, domains) as any);
    }),
    verify: guarded(async (p, r) => {
      r.valid = await verifyIn(new Uint8Array(p.publicKey.toUint8Array()), p.domain, new Uint8Array(p.payload.toUint8Array()), new Uint8Array(p.signature.toUint8Array()));
    }),
  }))!;
}
