// Message transports: in memory and over real TCP on 127.0.0.1. Nothing is
// dropped while nobody waits, order is kept, and a malformed frame closes
// only that connection.
import { describe, it, expect } from 'vitest';
import { createServer, connect, type Socket, type AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import * as $ from 'capnp-es';
import { pipePair, streamTransport, type MessageTransport } from '../rpc/transport.js';
import { FrameError } from '../rpc/framing.js';
import { PeerInfo } from '../../schema/generated/routing.js';

function message(i: number): Uint8Array {
  const m = new $.Message();
  m.initRoot(PeerInfo).peerId = `peer-${i}-${'x'.repeat(i % 97)}`;
  return new Uint8Array(m.toArrayBuffer());
}
const idOf = (frame: Uint8Array) => new $.Message(frame, false).getRoot(PeerInfo).peerId.split('-')[1];

async function exchange(a: MessageTransport, b: MessageTransport, n: number): Promise<void> {
  for (let i = 0; i < n; i++) { a.send(message(i)); b.send(message(n + i)); }
  for (let i = 0; i < n; i++) {
    expect(idOf((await b.recv())!)).toBe(String(i));
    expect(idOf((await a.recv())!)).toBe(String(n + i));
  }
}

describe('in-memory pipe', () => {
  it('queues messages until they are read, in order, both ways', async () => {
    const [a, b] = pipePair();
    await exchange(a, b, 500);
  });

  it('gives null to readers once either end closes', async () => {
    const [a, b] = pipePair();
    const pending = b.recv();
    a.close();
    expect(await pending).toBe(null);
    expect(await a.recv()).toBe(null);
  });
});

describe('in-memory pipe, frames of one tick', () => {
  it('delivers a batch in order, and stops at a malformed frame in it, closing the receiver', async () => {
    const [a, b] = pipePair({ maxMessageBytes: 1 << 16, maxSegments: 16 });
    const bad = new Uint8Array(8);
    new DataView(bad.buffer).setUint32(0, 100, true); // 101 segments
    a.send(message(1)); a.send(message(2)); a.send(bad); a.send(message(3));
    expect(idOf((await b.recv())!)).toBe('1');
    expect(idOf((await b.recv())!)).toBe('2');
    expect(await b.recv()).toBe(null);
    expect(b.closedWith).toBeInstanceOf(FrameError);
  });
});

/** A duplex stream that records what is written to it, and is fed what it reads by the test. */
function recorder(): { stream: Duplex; writes: Uint8Array[] } {
  const writes: Uint8Array[] = [];
  const stream = new Duplex({
    write(chunk: Buffer, _enc, done) { writes.push(new Uint8Array(chunk)); done(); },
    read() {},
  });
  return { stream, writes };
}
const concat = (parts: Uint8Array[]): Buffer => Buffer.concat(parts);
/** Byte equality (toEqual compares element by element, slowly, on 100 KiB). */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
const turn = () => new Promise((r) => setImmediate(r));

describe('stream transport, writes and reads', () => {
  it('writes the frames sent in one tick as one write, in order', async () => {
    const { stream, writes } = recorder();
    const t = streamTransport(stream);
    const frames = Array.from({ length: 50 }, (_, i) => message(i));
    for (const f of frames) t.send(f);
    expect(writes.length).toBe(0); // held until the tick's end
    await turn();
    expect(writes.length).toBe(1);
    expect(same(writes[0]!, concat(frames))).toBe(true);
    t.send(frames[7]!);
    await turn();
    expect(writes.length).toBe(2);
    expect(same(writes[1]!, frames[7]!)).toBe(true);
    t.close();
  });

  it('writes frames that lie one after the other in one buffer as one view over them, without a copy', async () => {
    const chunks: Buffer[] = [];
    const stream = new Duplex({ write(chunk: Buffer, _enc, done) { chunks.push(chunk); done(); }, read() {} });
    const t = streamTransport(stream);
    const frames = [message(1), message(2), message(3), message(4)];
    const slab = concat(frames);
    let at = 0;
    const views = frames.map((f) => { const v = new Uint8Array(slab.buffer, slab.byteOffset + at, f.length); at += f.length; return v; });
    for (const v of views.slice(0, 3)) t.send(v);
    await turn();
    expect(chunks.length).toBe(1);
    expect(chunks[0]!.buffer).toBe(slab.buffer); // the sender's own bytes: no concatenation
    expect(same(chunks[0]!, concat(frames.slice(0, 3)))).toBe(true);
    // A frame elsewhere in the same tick ends the run: the batch is concatenated, in order.
    t.send(views[3]!); t.send(message(5)); t.send(views[0]!);
    await turn();
    expect(chunks.length).toBe(2);
    expect(same(chunks[1]!, concat([frames[3]!, message(5), frames[0]!]))).toBe(true);
    t.close();
  });

  it('sendAll writes at once, after what was sent before, in order', () => {
    const { stream, writes } = recorder();
    const t = streamTransport(stream);
    t.send(message(1));
    t.sendAll!([message(2), message(3)]);
    expect(writes.length).toBe(1); // no waiting for the end of the turn
    expect(same(writes[0]!, concat([message(1), message(2), message(3)]))).toBe(true);
    t.close();
  });

  it('hands queued messages to a listener first, in order, then each new one, then null at close', async () => {
    const { stream } = recorder();
    const t = streamTransport(stream);
    stream.push(concat([message(1), message(2)]));
    await turn();
    const got: Array<string | null> = [];
    t.listen!((m) => got.push(m ? idOf(m)! : null));
    expect(got).toEqual(['1', '2']);
    stream.push(concat([message(3), message(4)]));
    await turn();
    expect(got).toEqual(['1', '2', '3', '4']);
    t.close();
    expect(got).toEqual(['1', '2', '3', '4', null]);
  });

  it('writes a batch that reaches 64 KiB at once, and the rest at the tick\'s end', async () => {
    const { stream, writes } = recorder();
    const t = streamTransport(stream);
    const frames = Array.from({ length: 1200 }, (_, i) => message(i)); // about 100 bytes each
    for (const f of frames) t.send(f);
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) expect(w.length).toBeLessThan(64 * 1024 + 200);
    await turn();
    expect(same(concat(writes), concat(frames))).toBe(true);
    t.close();
  });

  it('still writes what was sent before close', () => {
    const { stream, writes } = recorder();
    const t = streamTransport(stream);
    t.send(message(1)); t.send(message(2));
    t.close();
    expect(same(concat(writes), concat([message(1), message(2)]))).toBe(true);
    t.send(message(3)); // after close: dropped
    expect(same(concat(writes), concat([message(1), message(2)]))).toBe(true);
  });

  it('reads frames split across reads at every offset, and many frames in one read', async () => {
    const frames = [message(1), message(40), message(2)];
    const bytes = concat(frames);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { stream } = recorder();
      const t = streamTransport(stream);
      stream.push(bytes.subarray(0, cut));
      stream.push(bytes.subarray(cut));
      for (const want of ['1', '40', '2']) expect(idOf((await t.recv())!)).toBe(want);
      t.close();
    }
    const { stream } = recorder();
    const t = streamTransport(stream);
    const many = Array.from({ length: 300 }, (_, i) => message(i));
    stream.push(concat(many));
    for (let i = 0; i < 300; i++) expect(idOf((await t.recv())!)).toBe(String(i));
    t.close();
  });
});

describe('TCP on 127.0.0.1', () => {
  async function listen(onConn: (s: Socket) => void): Promise<{ port: number; close: () => void }> {
    const server = createServer(onConn);
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    return { port: (server.address() as AddressInfo).port, close: () => server.close() };
  }

  it('carries thousands of messages both ways, whatever TCP does to the chunks', async () => {
    let accept!: (t: MessageTransport) => void;
    const accepted = new Promise<MessageTransport>((res) => { accept = res; });
    const srv = await listen((s) => accept(streamTransport(s)));
    const client = streamTransport(connect(srv.port, '127.0.0.1'));
    const server = await accepted;
    await exchange(client, server, 2000);
    client.close();
    srv.close();
  });

  it('closes a connection that sends a malformed frame, and the server keeps serving', async () => {
    const transports: MessageTransport[] = [];
    const srv = await listen((s) => { transports.push(streamTransport(s, { maxMessageBytes: 1 << 16, maxSegments: 16 })); });
    const bad = connect(srv.port, '127.0.0.1');
    await new Promise((res) => bad.on('connect', res));
    const header = Buffer.alloc(8);
    header.writeUInt32LE(0, 0);
    header.writeUInt32LE(0x7fffffff, 4);
    bad.write(header);
    while (transports.length < 1) await new Promise((r) => setTimeout(r, 5));
    expect(await transports[0]!.recv()).toBe(null);
    expect(transports[0]!.closedWith).toBeInstanceOf(FrameError);
    // A well-behaved client still gets through.
    const good = streamTransport(connect(srv.port, '127.0.0.1'));
    good.send(message(7));
    while (transports.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(idOf((await transports[1]!.recv())!)).toBe('7');
    good.close();
    srv.close();
  });
});
