// A cell's address: CIDv1, raw codec (0x55), sha2-256 multihash, printed
// in base32 (multibase prefix 'b'), as `ipfs add --raw-leaves --cid-version 1`
// prints a single-block file. Built with the multiformats library (the one
// the IPFS side uses, so both agree by construction); the digest comes
// from node:crypto, so computing a CID stays synchronous (multiformats'
// own sha256 hasher may return a promise).
// `runtime/test/cell/cid.test.ts` checks it against a published CID.
import { createHash } from 'node:crypto';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { create as createDigest } from 'multiformats/hashes/digest';
import { sha256 } from 'multiformats/hashes/sha2';

function cid(bytes: Uint8Array): CID {
  return CID.createV1(raw.code, createDigest(sha256.code, createHash('sha256').update(bytes).digest()));
}

/** The binary CID of `bytes`. */
export function cidBytes(bytes: Uint8Array): Uint8Array {
  return cid(bytes).bytes;
}

/** The CID of `bytes` as a string: 'b' + lower-case RFC 4648 base32 without padding. */
export function cidOf(bytes: Uint8Array): string {
  return cid(bytes).toString();
}

/** True for strings that look like the CIDs cidOf makes (used to validate cache directory names). */
export function isRawSha256Cid(s: string): boolean {
  return /^bafkrei[a-z2-7]{52}$/.test(s);
}
