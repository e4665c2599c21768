// A message transport: whole Cap'n Proto messages over a byte stream. It
// queues what arrives (no message is dropped while nobody waits), frames
// with FrameDecoder, and closes the connection on a malformed frame
// instead of throwing into the caller. Two kinds: an in-memory pipe (tests,
// in-process vats) and any Node duplex stream (TCP sockets, libp2p streams,
// a cell's stdio).
import type { Duplex } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';
import { FrameDecoder, FrameError, DEFAULT_FRAME_LIMITS, type FrameLimits } from './framing.js';

export interface MessageTransport {
  /**
   * Sends one framed message (as capnp-es `toArrayBuffer()` writes it). The
   * transport may hold on to `frame` until it is delivered: the caller must
   * not change it afterwards (the connection always sends fresh buffers).
   */
  send(frame: Uint8Array): void;
  /** Resolves with the next whole message, or null once the transport is closed. */
  recv(): Promise<Uint8Array | null>;
  /**
   * Optional: hands each whole message to `f` as it arrives (those already
   * queued first, at once), then null once the transport is closed, instead
   * of through recv(); recv() must not be used afterwards. This saves a
   * promise and a microtask per message. `f` must not throw.
   */
  listen?(f: (m: Uint8Array | null) => void): void;
  /**
   * Optional: each batch this transport sends costs a system call (a
   * socket write), so a sender should hand it the messages of a whole turn
   * at once rather than as they are made (conn.ts does).
   */
  readonly coalesce?: boolean;
  /**
   * Optional: sends these frames, after any sent before, and writes them
   * now rather than at the end of the microtask round (the sender batched
   * them already).
   */
  sendAll?(frames: Uint8Array[]): void;
  /** Closes both directions; pending and later recv() calls give null. */
  close(reason?: Error): void;
  /** Why the transport closed (a FrameError for a malformed frame), once it has. */
  readonly closedWith: Error | null;
  readonly closed: boolean;
}

/** The receiving half shared by every transport: a queue with waiting readers. */
class Inbox {
  // A queue with a moving head: Array.shift() is O(n) on long arrays, and
  // thousands of calls in flight make long queues.
  private queue: Uint8Array[] = [];
  private head = 0;
  private waiters: Array<(m: Uint8Array | null) => void> = [];
  private listener: ((m: Uint8Array | null) => void) | null = null;
  closed = false;
  deliver(m: Uint8Array): void {
    if (this.closed) return;
    if (this.listener) { this.listener(m); return; }
    const w = this.waiters.shift();
    if (w) w(m); else this.queue.push(m);
  }
  next(): Promise<Uint8Array | null> {
    if (this.head < this.queue.length) {
      const m = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Uint8Array;
      if (this.head === this.queue.length) { this.queue = []; this.head = 0; }
      else if (this.head > 1024 && this.head * 2 > this.queue.length) { this.queue = this.queue.slice(this.head); this.head = 0; }
      return Promise.resolve(m);
    }
    if (this.closed) return Promise.resolve(null);
    return new Promise((res) => this.waiters.push(res));
  }
  /** Hands what is queued, then each message as it arrives, then null at close, to `f`. */
  listen(f: (m: Uint8Array | null) => void): void {
    // As with next(), what was queued before a close still comes first. A
    // message delivered while the queue drains joins it, so order holds.
    while (this.head < this.queue.length) {
      const m = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Uint8Array;
      f(m);
    }
    this.queue = [];
    this.head = 0;
    if (this.closed) { f(null); return; }
    this.listener = f;
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(null);
    const l = this.listener;
    this.listener = null;
    l?.(null);
  }
}

/**
 * Runs `f` in a microtask. queueMicrotask would do, but Node wraps each
 * callback in an AsyncResource (an object, an async id and two hook calls
 * per message batch); a reaction on a settled promise costs one promise.
 */
const settled = Promise.resolve();
function soon(f: () => void): void { void settled.then(f); }

/**
 * Runs `f` once the microtasks of this turn have all run, and before the
 * event loop goes on: Node runs next-tick callbacks only after the
 * microtask queue is empty, so a tick queued from a microtask waits for
 * every later microtask too. (setImmediate would wait for a turn of the
 * loop, a poll of its own where nothing else is pending.)
 */
export function afterMicrotasks(f: () => void): void { void settled.then(() => process.nextTick(f)); }

/** Two connected in-memory transports. Delivery is asynchronous, as on a socket. */
export function pipePair(limits: FrameLimits = DEFAULT_FRAME_LIMITS): [MessageTransport, MessageTransport] {
  const make = () => {
    const inbox = new Inbox();
    const decoder = new FrameDecoder(limits);
    // Frames sent before the delivery task runs go over together, in one
    // task, as the frames of one tick leave a socket in one write.
    let outbox: Uint8Array[] | null = null;
    const deliver = () => {
      const frames = outbox!;
      outbox = null;
      const p = end.peer;
      for (const frame of frames) {
        if (p.inbox.closed) return;
        try { p.decoder.feed(frame, p.take); }
        catch (e) { p.close(e as Error); return; }
      }
    };
    const end = {
      peer: null as any,
      inbox, decoder,
      take: (m: Uint8Array) => inbox.deliver(m),
      closedWith: null as Error | null,
      get closed() { return inbox.closed; },
      send(frame: Uint8Array) {
        if (inbox.closed) return;
        if (outbox) { outbox.push(frame); return; }
        outbox = [frame];
        soon(deliver);
      },
      recv: () => inbox.next(),
      listen: (f: (m: Uint8Array | null) => void) => inbox.listen(f),
      close(reason?: Error) {
        if (inbox.closed) return;
        end.closedWith = reason ?? null;
        inbox.close();
        soon(() => end.peer.close());
      },
    };
    return end;
  };
  const a = make(), b = make();
  a.peer = b; b.peer = a;
  return [a, b];
}

/** A batch of frames this large is written without waiting for the end of the turn. */
const FLUSH_BYTES = 64 * 1024;

/** A transport over a Node duplex stream (a TCP socket, a child's stdio pair). */
export function streamTransport(stream: Duplex, limits: FrameLimits = DEFAULT_FRAME_LIMITS): MessageTransport {
  const inbox = new Inbox();
  const decoder = new FrameDecoder(limits);
  // Each message is written whole; Nagle's algorithm would hold small
  // messages back waiting for an ACK (tens of ms per call round trip).
  (stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  // Frames sent in the same tick (a Finish and the next Call, a burst of
  // concurrent calls) leave in one write: one system call, and one read on
  // the other side, instead of one per frame. The batch is ours rather than
  // the stream's cork, which would queue each frame as a write of its own
  // (a callback and a buffer entry per frame). A batch that reaches
  // FLUSH_BYTES is written at once, so a burst is not held back (nor copied
  // whole). Frames that lie one after the other in one buffer (the
  // connection carves them in turn from a slab, wire.ts) are sent as one
  // view over them, with no copy; others are concatenated.
  let run: Uint8Array | null = null; // the batch while it is one contiguous view
  let outbox: Uint8Array[] | null = null; // the batch once it is not
  let outBytes = 0;
  let scheduled = false;
  const flush = (): void => {
    const one = run, frames = outbox;
    run = null; outbox = null; outBytes = 0;
    if ((!one && !frames) || inbox.closed || stream.destroyed) return;
    stream.write(one ?? Buffer.concat(frames!));
  };
  const flushSoon = (): void => { scheduled = false; flush(); };
  /** Adds a frame to the batch; a batch that has grown to FLUSH_BYTES is written at once. */
  const add = (frame: Uint8Array): void => {
    if (outbox) outbox.push(frame);
    else if (!run) run = frame;
    else if (frame.buffer === run.buffer && frame.byteOffset === run.byteOffset + run.byteLength) {
      run = new Uint8Array(run.buffer, run.byteOffset, run.byteLength + frame.byteLength);
    } else { outbox = [run, frame]; run = null; }
    outBytes += frame.byteLength;
    if (outBytes >= FLUSH_BYTES) flush();
  };
  const t: MessageTransport = {
    closedWith: null,
    coalesce: true,
    get closed() { return inbox.closed; },
    send(frame) {
      if (inbox.closed || stream.destroyed) return;
      add(frame);
      if (!scheduled && outBytes > 0) { scheduled = true; soon(flushSoon); }
    },
    sendAll(frames) {
      if (inbox.closed || stream.destroyed) return;
      for (const f of frames) add(f);
      flush();
    },
    recv: () => inbox.next(),
    listen: (f) => inbox.listen(f),
    close(reason) {
      if (inbox.closed) return;
      // What was sent before closing (an Abort, say) still goes out.
      flush();
      (t as { closedWith: Error | null }).closedWith = reason ?? null;
      inbox.close();
      stream.destroy();
    },
  };
  const take = (m: Uint8Array): void => inbox.deliver(m);
  stream.on('data', (chunk: Buffer) => {
    try { decoder.feed(chunk, take); }
    catch (e) { t.close(e instanceof FrameError ? e : new FrameError(String(e))); }
  });
  stream.on('end', () => t.close());
  stream.on('close', () => t.close());
  stream.on('error', (e) => t.close(e));
  return t;
}

/**
 * A transport over anything that is fed chunks of bytes by events (a
 * libp2p stream): the owner writes frames with `out.write`, and calls
 * `received` for each chunk that arrives and `ended` when the other side
 * is gone. Closing the transport calls `out.close` once.
 */
export function chunkTransport(out: { write(frame: Uint8Array): void; close(): void }, limits: FrameLimits = DEFAULT_FRAME_LIMITS): {
  transport: MessageTransport; received(chunk: Uint8Array): void; ended(reason?: Error): void;
} {
  const inbox = new Inbox();
  const decoder = new FrameDecoder(limits);
  const t: MessageTransport = {
    closedWith: null,
    get closed() { return inbox.closed; },
    send(frame) { if (!inbox.closed) out.write(frame); },
    recv: () => inbox.next(),
    listen: (f) => inbox.listen(f),
    close(reason) {
      if (inbox.closed) return;
      (t as { closedWith: Error | null }).closedWith = reason ?? null;
      inbox.close();
      out.close();
    },
  };
  const take = (m: Uint8Array): void => inbox.deliver(m);
  return {
    transport: t,
    received(chunk) {
      try { decoder.feed(chunk, take); }
      catch (e) { t.close(e instanceof FrameError ? e : new FrameError(String(e))); }
    },
    ended: (reason) => t.close(reason),
  };
}

/**
 * A transport over a worker_threads MessagePort: each frame is one message.
 * Frames still pass the FrameDecoder, so the receiving vat applies the same
 * limits to a worker as to a socket. A closed port, or a peer that posts
 * anything other than bytes, closes the transport.
 */
export function portTransport(port: MessagePort, limits: FrameLimits = DEFAULT_FRAME_LIMITS): MessageTransport {
  const inbox = new Inbox();
  const decoder = new FrameDecoder(limits);
  const t: MessageTransport = {
    closedWith: null,
    get closed() { return inbox.closed; },
    send(frame) {
      if (inbox.closed) return;
      // Transfer the buffer when the frame owns all of it (the connection
      // hands over fresh buffers); copy a view into a larger one.
      const own = frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength && frame.buffer instanceof ArrayBuffer;
      const out = own ? frame : frame.slice();
      port.postMessage(out, [out.buffer as ArrayBuffer]);
    },
    recv: () => inbox.next(),
    listen: (f) => inbox.listen(f),
    close(reason) {
      if (inbox.closed) return;
      (t as { closedWith: Error | null }).closedWith = reason ?? null;
      inbox.close();
      port.close();
    },
  };
  const take = (f: Uint8Array): void => inbox.deliver(f);
  port.on('message', (m: unknown) => {
    if (!(m instanceof Uint8Array)) { t.close(new FrameError('a port message that is not bytes')); return; }
    try { decoder.feed(m, take); }
    catch (e) { t.close(e instanceof FrameError ? e : new FrameError(String(e))); }
  });
  port.on('close', () => t.close());
  return t;
}
