// A libp2p stream as the ByteStream capability (system.capnp) that
// StreamDialer.dial returns: read(n) gives what has arrived, up to n bytes
// (waiting for at least one, or the end); write(data) returns once the
// stream has taken it, so a slow reader slows the writer; close() ends our
// writing side only. What arrives is buffered up to a bound, past which
// the stream is paused, so a fast sender cannot fill our memory. Releasing
// the capability aborts the stream.
import type { Stream } from '@libp2p/interface';
import { ByteStream$Server } from '../../../schema/generated/system.js';
import { toHook, Hook, type Answer, type CallSpec, type ResultSlot } from '../../rpc/hooks.js';
import { RpcError } from '../../rpc/errors.js';
import { MAX_READ } from '../../cell/servers.js';
import { guarded } from '../caps/guard.js';
import { bytesOf, endStream } from './stream-bytes.js';

/** Bytes held unread before the stream is paused. */
const HIGH_WATER = 1024 * 1024;

export function byteStreamOfLibp2p(stream: Stream): Hook {
  const chunks: Uint8Array[] = [];
  let buffered = 0;
  let eof = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const poke = () => { const w = wake; wake = null; w?.(); };
  stream.addEventListener('message', (e) => {
    const b = bytesOf(e.data);
    chunks.push(b); buffered += b.length;
    if (buffered >= HIGH_WATER) stream.pause();
    poke();
  });
  stream.addEventListener('remoteCloseWrite', () => { eof = true; poke(); });
  stream.addEventListener('close', (e) => { eof = true; if (e.error) failure = e.error; poke(); });
  let reading: Promise<unknown> = Promise.resolve();
  let closed = false;

  const readSome = async (max: number): Promise<{ data: Uint8Array; eof: boolean }> => {
    while (chunks.length === 0 && !eof) await new Promise<void>((res) => { wake = res; });
    if (chunks.length === 0) {
      if (failure) throw new RpcError('disconnected', `the stream ended with an error: ${failure.message}`);
      return { data: new Uint8Array(0), eof: true };
    }
    const first = chunks[0]!;
    let data: Uint8Array;
    if (first.length > max) { data = first.subarray(0, max); chunks[0] = first.subarray(max); }
    else { data = first; chunks.shift(); }
    buffered -= data.length;
    if (buffered < HIGH_WATER / 2 && stream.readStatus === 'paused') stream.resume();
    return { data, eof: chunks.length === 0 && eof };
  };

  const server = toHook(new ByteStream$Server({
    read: guarded(async (p, r) => {
      const max = Math.min(Math.max(p.maxBytes, 1), MAX_READ);
      const next = reading.then(() => readSome(max));
      reading = next.catch(() => {});
      const { data, eof: end } = await next;
      r._initData(data.length).copyBuffer(data);
      r.eof = end;
    }),
    write: guarded(async (p) => {
      if (closed) throw new RpcError('failed', 'write after close');
      if (stream.writeStatus !== 'writable') throw new RpcError('disconnected', 'the stream is closed for writing');
      const data = new Uint8Array(p.data.toUint8Array());
      if (!stream.send(data)) await stream.onDrain();
    }),
    close: guarded(async () => {
      if (closed) return;
      closed = true;
      await stream.close().catch(() => {});
    }),
  }))!;
  return new AbortOnRelease(server, stream);
}

/** Aborts the libp2p stream once the last reference to its capability is released. */
class AbortOnRelease extends Hook {
  private refs = 1;
  constructor(private readonly inner: Hook, private readonly stream: Stream) { super(); }
  call(call: CallSpec, slot?: ResultSlot): Answer { return this.inner.call(call, slot); }
  override dup(): Hook { this.refs++; return this; }
  override close(): void {
    if (--this.refs > 0) return;
    endStream(this.stream, 0);
  }
}
