// A cell's address: CIDv1, raw codec (0x55), sha2-256 multihash, printed
// in base32 (multibase prefix 'b'), as `ipfs add --raw-leaves --cid-version 1`
// prints a single-block file. The `multiformats` library is the right tool
// for this and the rest of the IPFS work; it is not installed yet, so this
// small function builds the same bytes by hand from the multiformats specs:
//   <version varint 0x01><codec varint 0x55><multihash: 0x12 0x20 <32-byte digest>>
// All four header values are below 0x80, so each varint is one byte.
// `runtime/test/cell/cid.test.ts` checks it against a published CID.
import { createHash } from 'node:crypto';

const CID_V1 = 0x01;
const RAW_CODEC = 0x55;
const SHA2_256 = 0x12;
const SHA2_256_LENGTH = 32;

/** The binary CID of `bytes`. */
export function cidBytes(bytes: Uint8Array): Uint8Array {
  const digest = createHash('sha256').update(bytes).digest();
  const out = new Uint8Array(4 + SHA2_256_LENGTH);
  out.set([CID_V1, RAW_CODEC, SHA2_256, SHA2_256_LENGTH]);
  out.set(digest, 4);
  return out;
}

/** The CID of `bytes` as a string: 'b' + lower-case RFC 4648 base32 without padding. */
export function cidOf(bytes: Uint8Array): string {
  return 'b' + base32(cidBytes(bytes));
}

/** True for strings that look like the CIDs cidOf makes (used to validate cache directory names). */
export function isRawSha256Cid(s: string): boolean {
  return /^bafkrei[a-z2-7]{52}$/.test(s);
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
