// Message transports: in memory and over real TCP on 127.0.0.1. Nothing is
// dropped while nobody waits, order is kept, and a malformed frame closes
// only that connection.
import { describe, it, expect } from 'vitest';
import { createServer, connect, type Socket, type AddressInfo } from 'node:net';
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
