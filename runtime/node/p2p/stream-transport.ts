// Cap'n Proto two-party framing directly on a libp2p stream: the RPC
// connection's MessageTransport over libp2p 3's event-based Stream. Frames
// sent in one tick leave in one write (as streamTransport corks a socket),
// and while the muxer asks us to wait (writableNeedsDrain) frames queue
// here instead of growing libp2p's buffer until it resets the stream.
import type { Stream } from '@libp2p/interface';
import { chunkTransport, type MessageTransport } from '../../rpc/transport.js';
import { DEFAULT_FRAME_LIMITS, type FrameLimits } from '../../rpc/framing.js';
import { bytesOf, endStream } from './stream-bytes.js';

export function libp2pTransport(stream: Stream, limits: FrameLimits = DEFAULT_FRAME_LIMITS): MessageTransport {
  let batch: Uint8Array[] = [];
  let flushing = false;
  const flush = (): void => {
    if (stream.writeStatus !== 'writable') { batch = []; return; }
    while (batch.length && !stream.writableNeedsDrain) {
      const frames = batch;
      batch = [];
      try { stream.send(frames.length === 1 ? frames[0]! : concat(frames)); }
      catch (e) { ended(e as Error); return; }
    }
    if (batch.length && !flushing) {
      flushing = true;
      stream.onDrain().then(() => { flushing = false; flush(); }, (e: Error) => { flushing = false; ended(e); });
    }
  };
  const { transport, received, ended } = chunkTransport({
    write(frame) {
      batch.push(frame);
      if (batch.length === 1 && !flushing) queueMicrotask(flush);
    },
    close() { flush(); endStream(stream); },
  }, limits);
  stream.addEventListener('message', (e) => received(bytesOf(e.data)));
  stream.addEventListener('remoteCloseWrite', () => ended());
  stream.addEventListener('close', (e) => ended(e.error));
  if (stream.status !== 'open') ended();
  return transport;
}

/** One buffer of `parts`; every byte is written, so it may come unzeroed from Node's pool. */
function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = Buffer.allocUnsafe(n);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
