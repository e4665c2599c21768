// Small facts about libp2p 3 streams that every user of one here needs.
import type { Stream } from '@libp2p/interface';

/** A 'message' event's data as one Uint8Array (a Uint8ArrayList is copied into one). */
export function bytesOf(data: Uint8Array | { subarray(): Uint8Array }): Uint8Array {
  return data instanceof Uint8Array ? data : data.subarray();
}

/** How long a stream closed for writing may wait for the other side before it is aborted. */
export const CLOSE_GRACE_MS = 5000;

/**
 * Ends a stream we are done with: close our writing side (so what we wrote
 * is delivered), then abort it if the other side has not closed theirs
 * within the grace period, so a silent peer cannot hold it open.
 */
export function endStream(stream: Stream, graceMs = CLOSE_GRACE_MS): void {
  if (stream.status === 'closed' || stream.status === 'aborted' || stream.status === 'reset') return;
  const timer = setTimeout(() => { if (stream.status !== 'closed') stream.abort(new Error('the other side did not close the stream')); }, graceMs);
  timer.unref();
  stream.addEventListener('close', () => clearTimeout(timer), { once: true });
  stream.close().catch((e: Error) => { clearTimeout(timer); if (stream.status !== 'closed') stream.abort(e); });
}
