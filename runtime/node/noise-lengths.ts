// Reading noise's 2-byte length prefixes without an exception per read.
// @chainsafe/libp2p-noise 17 splits what arrives into noise messages with
// @libp2p/utils' LengthPrefixedDecoder, which asks its length decoder for
// the next length until that throws RangeError("not enough bytes"). So
// every chunk read from the socket ended in a `new RangeError`, whose
// stack capture cost more than decrypting the message (doc/performance.md,
// "Capabilities across nodes"). The decoder here reads the same big-endian
// length and answers 0 while fewer than 2 bytes are buffered: to
// LengthPrefixedDecoder that is a 2-byte frame not yet whole, so it waits
// for more bytes, as it does after the RangeError, without any exception.
// (A real length of 0 is a frame of 2 bytes too, and an empty one is
// skipped, so nothing else changes.)
//
// The decoder sits in a field of noise's encrypted connection, which is not
// part of libp2p's interface; when it is not where noise 17 keeps it, the
// connection is left as it is (only slower), and
// runtime/test/node/swarm-writes.test.ts fails so an upgrade notices.
import type { ConnectionEncrypter, SecuredConnection } from '@libp2p/interface';

interface ByteList { byteLength: number; get(i: number): number }

/** A noise length prefix: 2 bytes, big-endian, from a Uint8Array or a Uint8ArrayList; 0 while fewer are buffered. */
export function noiseLength(data: Uint8Array | ByteList): number {
  if (data.byteLength < 2) return 0;
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
