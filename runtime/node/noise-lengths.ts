// Reading noise's 2-byte length prefixes without a stack trace per read.
// @chainsafe/libp2p-noise 17 splits what arrives into noise messages with
// @libp2p/utils' LengthPrefixedDecoder, which asks its length decoder for
// the next length until the decoder throws RangeError("not enough bytes").
// So every chunk read from the socket ends in `new RangeError`, whose stack
// capture cost more than decrypting the message (about a tenth of a vat
// call's CPU in doc/performance.md's profile). The decoder here reads the
// same big-endian length and signals "not enough bytes" with one RangeError
// made once: the same answer, without the stack.
//
// The decoder sits in a field of noise's encrypted connection, which is not
// part of libp2p's interface; when it is not where noise 17 keeps it, the
// connection is left as it is (only slower), and
// runtime/test/node/swarm-writes.test.ts fails so an upgrade notices.
import type { ConnectionEncrypter, SecuredConnection } from '@libp2p/interface';

/** Thrown for "fewer than 2 bytes buffered": LengthPrefixedDecoder catches any RangeError and waits for more. */
const SHORT = new RangeError('fewer than 2 bytes buffered');

interface ByteList { byteLength: number; get(i: number): number }

/** A noise length prefix: 2 bytes, big-endian, from a Uint8Array or a Uint8ArrayList. */
export function noiseLength(data: Uint8Array | ByteList): number {
  if (data.byteLength < 2) throw SHORT;
  return data instanceof Uint8Array ? (data[0]! << 8) | data[1]! : (data.get(0) << 8) | data.get(1);
}
noiseLength.bytes = 2;

type WithDecoder = { decoder?: { lengthDecoder?: unknown } };

/** True when `conn`'s noise decoder reads lengths with noiseLength. */
export function readsQuickLengths(conn: unknown): boolean {
  return (conn as WithDecoder)?.decoder?.lengthDecoder === noiseLength;
}

function quick<E>(sec: SecuredConnection<E>): SecuredConnection<E> {
  const d = (sec.connection as unknown as WithDecoder).decoder;
  if (d && typeof d.lengthDecoder === 'function') d.lengthDecoder = noiseLength;
  return sec;
}

/** An encrypter factory (noise's) whose connections read length prefixes with noiseLength. */
export function quickLengths<C, E>(make: (components: C) => ConnectionEncrypter<E>): (components: C) => ConnectionEncrypter<E> {
  return (components) => {
    const inner = make(components);
    const enc: ConnectionEncrypter<E> = Object.create(inner);
    enc.secureInbound = async (conn, options) => quick(await inner.secureInbound(conn, options));
    enc.secureOutbound = async (conn, options) => quick(await inner.secureOutbound(conn, options));
    return enc;
  };
}
