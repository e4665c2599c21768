// Fewer, whole writes under the swarm's streams. Left alone, libp2p turns
// one RPC call on a stream into four socket writes per side: yamux answers
// every data frame it receives with a window-update frame of its own, each
// frame is a noise message of its own, and @libp2p/tcp writes a noise
// message's 2-byte length and its ciphertext as two writes (two syscalls,
// two TCP segments with noDelay). On loopback a write costs the sender the
// receiver's TCP work as well, so these writes were most of a vat call's
// CPU time (doc/performance.md, "Capabilities across nodes").
//
// Two wrappers around libp2p's own factories fix that without touching the
// protocols or their security (noise and yamux as configured, same bytes on
// the wire, just fewer and bigger writes):
//
// - batchedMuxer: the frames a muxer sends during one turn of the event
//   loop (a window update, the answer that follows it, a burst of calls)
//   leave as one message on the encrypted connection, so one noise message
//   and one write. They leave at setImmediate, which runs right after the
//   I/O callbacks of the same turn (no added wait), or at once when they
//   reach a noise message's size, or before the muxer closes.
// - wholeMessages: the encrypted connection hands the socket each noise
//   message of up to WHOLE_BYTES as one buffer (length and ciphertext
//   together), one write.
import type { ConnectionEncrypter, MessageStream, StreamMuxer, StreamMuxerFactory } from '@libp2p/interface';

/** Frames queued past this many bytes go at once: a noise message carries at most 65,519 bytes of plaintext. */
export const BATCH_BYTES = 65519;

type Bytes = Uint8Array | Iterable<Uint8Array> & { byteLength: number; subarray(): Uint8Array };

const batched = new WeakSet<object>();

/** True when `conn`'s sends are batched by batchSends. */
export function sendsBatched(conn: unknown): boolean {
  return typeof conn === 'object' && conn !== null && batched.has(conn);
}

/**
 * Copies queued Uint8Arrays and Uint8ArrayLists into one Uint8Array. Every
 * byte is written, so the buffer comes unzeroed from Node's pool (a few
 * times cheaper than a fresh Uint8Array for the small batches of RPC).
 */
function join(parts: Bytes[], n: number): Uint8Array {
  const out = Buffer.allocUnsafe(n);
  let at = 0;
  for (const p of parts) {
    if (p instanceof Uint8Array) { out.set(p, at); at += p.byteLength; }
    else for (const b of p) { out.set(b, at); at += b.byteLength; }
  }
  return out;
}

/**
 * Makes `conn.send` queue what it is given until the end of the current
 * event-loop turn, then send it as one message. Returns the function that
 * sends the queue now (before a close). Backpressure is kept: send()
 * answers false once the connection below wants a drain.
 */
export function batchSends(conn: MessageStream): () => void {
  batched.add(conn);
  const send = conn.send.bind(conn);
  let queue: Bytes[] = [];
  let bytes = 0;
  let scheduled = false;
  const flush = (): boolean => {
    if (queue.length === 0) return !conn.writableNeedsDrain;
    const data = queue.length === 1 ? queue[0]! : join(queue, bytes);
    queue = []; bytes = 0;
    return send(data as Uint8Array);
  };
  // A deferred flush has nobody to throw to: a connection that fails its
  // write is aborted, which closes every stream on it with the error.
  const later = (): void => {
    scheduled = false;
    try { flush(); } catch (e) { conn.abort(e as Error); }
  };
  conn.send = (data) => {
    const d = data as Bytes;
    if (conn.status !== 'open') {
      // Closing or closed: what is queued goes first, and the connection's
      // own answer (or refusal) stands.
      if (queue.length) flush();
      return send(data);
    }
    if (bytes + d.byteLength >= BATCH_BYTES) {
      // A big frame goes as it is (no copy); what was queued goes before it.
      if (queue.length) flush();
      return send(data);
    }
    queue.push(d); bytes += d.byteLength;
    if (!scheduled) { scheduled = true; setImmediate(later); }
    return !conn.writableNeedsDrain;
  };
  return () => { try { flush(); } catch { /* the connection is gone; its close says so */ } };
}

/** A muxer factory whose muxers batch their frames per event-loop turn (see the file's comment). */
export function batchedMuxer<C>(make: (components: C) => StreamMuxerFactory): (components: C) => StreamMuxerFactory {
  return (components) => {
    const inner = make(components);
    const factory: StreamMuxerFactory = Object.create(inner);
    factory.createStreamMuxer = (conn: MessageStream): StreamMuxer => {
      const flushNow = batchSends(conn);
      const muxer = inner.createStreamMuxer(conn);
      // libp2p closes the muxer (its streams' last frames and a GoAway go
      // into the queue) and then the socket, before setImmediate: so the
      // queue goes out as the muxer finishes closing.
      const close = muxer.close.bind(muxer);
      const abort = muxer.abort.bind(muxer);
      muxer.close = async (options) => { try { await close(options); } finally { flushNow(); } };
      muxer.abort = (err) => { try { abort(err); } finally { flushNow(); } };
      return muxer;
    };
    return factory;
  };
}

/**
 * Lists of buffers up to this many bytes are joined before they reach the
 * socket. Past it the copy costs more than the extra write saves (a bulk
 * stream's 64 KB noise messages went at half the speed when copied).
 */
export const WHOLE_BYTES = 16 * 1024;

/** Makes `conn.send` pass a small list of buffers on as one buffer, so the socket writes it in one piece. */
export function sendWhole(conn: MessageStream): MessageStream {
  const send = conn.send.bind(conn);
  conn.send = (data) => send(data instanceof Uint8Array || data.byteLength > WHOLE_BYTES ? data : data.subarray());
  return conn;
}

/** An encrypter factory whose encrypted messages reach the socket whole (see the file's comment). */
export function wholeMessages<C, E>(make: (components: C) => ConnectionEncrypter<E>): (components: C) => ConnectionEncrypter<E> {
  return (components) => {
    const inner = make(components);
    const enc: ConnectionEncrypter<E> = Object.create(inner);
    enc.secureInbound = (conn, options) => inner.secureInbound(sendWhole(conn), options);
    enc.secureOutbound = (conn, options) => inner.secureOutbound(sendWhole(conn), options);
    return enc;
  };
}
