// The LoginChallenge a Terminal asks a Signer to sign (schema/auth.capnp),
// in its canonical Cap'n Proto encoding: one segment, no segment table,
// objects in pre-order, the data section truncated after its last
// non-zero word (as `capnp convert text:canonical` writes it). Signatures
// cover these bytes, so both sides must produce exactly the same ones; a
// signer decodes them and refuses anything that is not the canonical
// encoding of what it decoded, so two payloads never mean one challenge.
//
// The encoder is written by hand (the struct is small and fixed) because
// capnp-es always writes full-size structs. Every text field is written,
// even when empty (a one-byte list holding the NUL), so no pointer is ever
// null and the pointer section is never truncated.
import * as $ from 'capnp-es';
import { LoginChallenge } from '../../../schema/generated/auth.js';

/** The one domain Terminal login signs in (schema/auth.capnp). */
export const LOGIN_DOMAIN = 'ww/terminal/login';

/** How many random bytes a challenge's nonce holds. */
export const NONCE_BYTES = 32;

/** A challenge's payload is never longer than this; a signer refuses more before decoding. */
export const MAX_CHALLENGE_BYTES = 1024;

export interface Challenge {
  /** Peer id of the node whose Terminal issued it. */
  terminal: string;
  nonce: Uint8Array;
  epochSeq: bigint;
  epochHead: string;
  issuedAtMs: bigint;
}

const utf8 = new TextEncoder();
const U64_MAX = (1n << 64n) - 1n;

const words = (bytes: number) => Math.ceil(bytes / 8);

/** The canonical bytes of `c`. Throws a RangeError for a u64 out of range. */
export function encodeChallenge(c: Challenge): Uint8Array {
  for (const [name, v] of [['epochSeq', c.epochSeq], ['issuedAtMs', c.issuedAtMs]] as const) {
    if (v < 0n || v > U64_MAX) throw new RangeError(`LoginChallenge.${name} ${v} is not a UInt64`);
  }
  // Pointer order is field order here: terminal @0, nonce @1, epochHead @2.
  const bodies: Array<{ bytes: Uint8Array; count: number }> = [
    text(c.terminal),
    { bytes: c.nonce, count: c.nonce.length },
    text(c.epochHead),
  ];
  const dataWords = c.issuedAtMs !== 0n ? 2 : c.epochSeq !== 0n ? 1 : 0;
  const ptrWords = 3;
  const total = 1 + dataWords + ptrWords + bodies.reduce((n, b) => n + words(b.bytes.length), 0);
  const out = new Uint8Array(total * 8);
  const view = new DataView(out.buffer);
  // Root: a struct pointer with offset 0 (the struct follows it).
  view.setUint32(0, 0, true);
  view.setUint16(4, dataWords, true);
  view.setUint16(6, ptrWords, true);
  if (dataWords >= 1) view.setBigUint64(8, c.epochSeq, true);
  if (dataWords >= 2) view.setBigUint64(16, c.issuedAtMs, true);
  let next = 1 + dataWords + ptrWords; // the word where the next object goes
  bodies.forEach((b, i) => {
    const at = 1 + dataWords + i; // this pointer's word
    const offset = next - (at + 1);
    // List pointer: tag 1, offset in words, element size 2 (bytes), count.
    view.setUint32(at * 8, ((offset << 2) | 1) >>> 0, true);
    view.setUint32(at * 8 + 4, ((b.count << 3) | 2) >>> 0, true);
    out.set(b.bytes, next * 8);
    next += words(b.bytes.length);
  });
  return out;
}

function text(s: string): { bytes: Uint8Array; count: number } {
  const b = utf8.encode(s);
  const withNul = new Uint8Array(b.length + 1);
  withNul.set(b);
  return { bytes: withNul, count: withNul.length };
}

/** Why bytes are not a challenge a signer will sign. */
export class ChallengeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChallengeError';
  }
}

/**
 * Decodes a challenge, or throws a ChallengeError: too long, not a
 * LoginChallenge, or not the canonical encoding of what it decodes to.
 * Never throws anything else, whatever the bytes.
 */
export function decodeChallenge(bytes: Uint8Array): Challenge {
  if (bytes.length > MAX_CHALLENGE_BYTES) throw new ChallengeError(`the payload is ${bytes.length} bytes; a login challenge is at most ${MAX_CHALLENGE_BYTES}`);
  if (bytes.length === 0 || bytes.length % 8 !== 0) throw new ChallengeError(`the payload is ${bytes.length} bytes, not a whole number of 8-byte words`);
  let c: Challenge;
  try {
    const copy = bytes.slice();
    const msg = new $.Message(copy.buffer, false, true);
    const root = msg.getRoot(LoginChallenge);
    c = {
      terminal: root.terminal,
      nonce: new Uint8Array(root.nonce.toUint8Array()),
      epochSeq: root.epochSeq,
      epochHead: root.epochHead,
      issuedAtMs: root.issuedAtMs,
    };
  } catch (e) {
    throw new ChallengeError(`the payload is not a LoginChallenge: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
  }
  let again: Uint8Array;
  try { again = encodeChallenge(c); }
  catch (e) { throw new ChallengeError(`the payload is not a LoginChallenge: ${(e as Error).message}`); }
  if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) {
    throw new ChallengeError('the payload is not the canonical encoding of a LoginChallenge');
  }
  return c;
}
