// The swarm's write batching (runtime/node/swarm-writes.ts) and its noise
// length reader (runtime/node/noise-lengths.ts): the batching rules on a
// recording connection, then two real swarms on 127.0.0.1 whose vat calls
// go out in one socket write per side and arrive intact.
import net from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { MessageStream } from '@libp2p/interface';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { createSwarm, type Swarm } from '../../node/swarm.js';
import { batchSends, sendsBatched, sendWhole, BATCH_BYTES, WHOLE_BYTES } from '../../node/swarm-writes.js';
import { noiseLength, readsQuickLengths } from '../../node/noise-lengths.js';
import { serveVat, dialVat } from '../../node/p2p/vat-protocol.js';
import { toHook } from '../../rpc/hooks.js';
import * as vats from '../fixtures/generated/vats.js';
import { waitFor } from './swarm-helpers.js';

/** A connection that records what reaches its send(), as libp2p's would take it. */
function recorder(): { conn: MessageStream; sent: Uint8Array[]; aborted: Error[] } {
  const sent: Uint8Array[] = [];
  const aborted: Error[] = [];
  const conn = {
    status: 'open',
    writableNeedsDrain: false,
    send(data: Uint8Array | { subarray(): Uint8Array }) {
      if (this.status !== 'open') throw new Error(`send on a ${this.status} connection`);
      sent.push(data instanceof Uint8Array ? data : data.subarray());
      return true;
    },
    abort(e: Error) { aborted.push(e); this.status = 'aborted'; },
  };
  return { conn: conn as unknown as MessageStream, sent, aborted };
}

/** A two-buffer list like the Uint8ArrayList yamux hands its connection (a header and a body). */
function list(...bufs: Uint8Array[]) {
  const byteLength = bufs.reduce((n, b) => n + b.byteLength, 0);
  return {
    byteLength,
    [Symbol.iterator]: () => bufs[Symbol.iterator](),
    subarray: () => { const out = new Uint8Array(byteLength); let at = 0; for (const b of bufs) { out.set(b, at); at += b.byteLength; } return out; },
  };
}

const turn = () => new Promise<void>((res) => setImmediate(res));
const bytes = (...xs: number[]) => new Uint8Array(xs);
/** Bytes as numbers: a joined batch is a Buffer, which toEqual tells from a Uint8Array. */
const plain = (us: unknown[]) => us.map((u) => Array.from(u as Uint8Array));

describe('batchSends', () => {
  it('sends what one turn queued as one message, in order, at the end of the turn', async () => {
    const { conn, sent } = recorder();
    batchSends(conn);
    expect(conn.send(bytes(1, 2))).toBe(true);
    conn.send(list(bytes(3), bytes(4, 5)) as never);
    conn.send(bytes(6));
    expect(sent).toEqual([]);
    await turn();
    expect(plain(sent)).toEqual([[1, 2, 3, 4, 5, 6]]);
    conn.send(bytes(7));
    await turn();
    expect(plain(sent)).toEqual([[1, 2, 3, 4, 5, 6], [7]]);
  });

  it('sends a big frame at once, after what was queued and without copying it', () => {
    const { conn, sent } = recorder();
    batchSends(conn);
    const big = new Uint8Array(BATCH_BYTES).fill(9);
    conn.send(bytes(1));
    conn.send(big);
    expect(sent.length).toBe(2);
    expect(sent[0]).toEqual(bytes(1));
    expect(sent[1]).toBe(big);
  });

  it('answers false while the connection below wants a drain, so the muxer pauses its streams', () => {
    const { conn } = recorder();
    batchSends(conn);
    (conn as { writableNeedsDrain: boolean }).writableNeedsDrain = true;
    expect(conn.send(bytes(1))).toBe(false);
  });

  it('the flush it returns sends the queue now (the muxer calls it as it closes)', () => {
    const { conn, sent } = recorder();
    const flushNow = batchSends(conn);
    conn.send(bytes(1)); conn.send(bytes(2));
    flushNow();
    expect(plain(sent)).toEqual([[1, 2]]);
    expect(sendsBatched(conn)).toBe(true);
    expect(sendsBatched({})).toBe(false);
  });

  it('a queued send the closed connection refuses aborts it instead of throwing into the event loop', async () => {
    const { conn, aborted } = recorder();
    batchSends(conn);
    conn.send(bytes(1));
    (conn as { status: string }).status = 'closed';
    await turn();
    expect(aborted.length).toBe(1);
    expect(aborted[0]!.message).toMatch(/closed connection/);
  });
});

describe('sendWhole', () => {
  it('joins a small list (a noise length and its ciphertext) into one buffer, and passes a big one on as it is', () => {
    const got: unknown[] = [];
    const conn = { send: (d: unknown) => { got.push(d); return true; } } as unknown as MessageStream;
    sendWhole(conn);
    conn.send(list(bytes(0, 3), bytes(7, 8, 9)) as never);
    expect(plain([got[0]])).toEqual([[0, 3, 7, 8, 9]]);
    const big = list(bytes(0xff, 0xff), new Uint8Array(WHOLE_BYTES));
    conn.send(big as never);
    expect(got[1]).toBe(big);
    const one = bytes(1);
    conn.send(one);
    expect(got[2]).toBe(one);
  });
});

describe('noiseLength', () => {
  it('reads a big-endian 2-byte length from an array or a list, and 0 while fewer than 2 bytes are buffered', () => {
    expect(noiseLength(bytes(0x12, 0x34, 0xff))).toBe(0x1234);
    expect(noiseLength({ byteLength: 3, get: (i: number) => [0xff, 0xfe, 0][i]! })).toBe(0xfffe);
    expect(noiseLength(bytes(1))).toBe(0);
    expect(noiseLength(bytes())).toBe(0);
  });
});

describe('two swarms on 127.0.0.1', () => {
  let a: Swarm, b: Swarm;
  beforeAll(async () => {
    a = await createSwarm({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false });
    b = await createSwarm({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false });
    await a.dial(b.getMultiaddrs()[0]!);
    await waitFor('the inbound connection', () => b.getConnections().length === 1);
  }, 60_000);
  afterAll(async () => { await Promise.all([a?.stop(), b?.stop()]); });

  it('batch their yamux frames and read noise lengths with noiseLength', () => {
    // libp2p's Connection keeps its muxer, and the muxer the encrypted
    // connection, in fields outside the interface: this test is where an
    // upgrade that moves them shows.
    for (const node of [a, b]) {
      const conns = node.getConnections();
      expect(conns.length).toBe(1);
      const encrypted = (conns[0] as unknown as { muxer?: { maConn?: unknown } }).muxer?.maConn;
      expect(sendsBatched(encrypted)).toBe(true);
      expect(readsQuickLengths(encrypted)).toBe(true);
    }
  });

  it("noise's own length-prefixed decoder, reading with noiseLength, splits messages fed a byte at a time and skips empty ones", () => {
    // A fresh decoder of the class the live connection uses, set up as noise 17 sets up its own.
    const live = (a.getConnections()[0] as unknown as { muxer: { maConn: { decoder: object } } }).muxer.maConn.decoder;
    const Decoder = live.constructor as new (init: object) => { decode(b: Uint8Array): Iterable<{ subarray(): Uint8Array }> };
    const decoder = new Decoder({ lengthDecoder: noiseLength, maxBufferSize: 16 * 1024 * 1024, encodingLength: () => 2 });
    const wire = bytes(0, 3, 97, 98, 99, 0, 0, 0, 2, 120, 121);
    const out: number[][] = [];
    for (const b of wire) for (const m of decoder.decode(bytes(b))) out.push(Array.from(m.subarray()));
    expect(out).toEqual([[97, 98, 99], [120, 121]]);
    for (const m of decoder.decode(wire)) out.push(Array.from(m.subarray()));
    expect(out.length).toBe(4);
  });

  it('a vat call costs about one socket write per side, and every answer is right', async () => {
    await serveVat(b, '/ww/0.1.0/vat/writes-test', () => toHook(new vats.Svc$Server({ ping: async (p: any, r: any) => { r.n = p.n + 1n; } } as any))!);
    const vat = await dialVat(a, b.peerId, '/ww/0.1.0/vat/writes-test');
    const svc = new vats.Svc$Client(vat.bootstrap as any);
    const call = async (i: number) => {
      const r = await svc.ping((p) => { p.n = BigInt(i); }).promise();
      expect(r.n).toBe(BigInt(i) + 1n);
    };
    for (let i = 0; i < 20; i++) await call(i);
    let writes = 0;
    const write = net.Socket.prototype.write;
    net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
      writes++;
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof write;
    const calls = 200;
    try {
      for (let i = 0; i < calls; i++) await call(i);
    } finally {
      net.Socket.prototype.write = write;
    }
    vat.close();
    // Both ends are in this process: a call and its answer are 2 writes
    // (without batching, 8: a frame and a window update each way, each a
    // length and a ciphertext). The margin is for the DHTs' and identify's
    // own traffic on the same connection.
    expect(writes).toBeGreaterThanOrEqual(2 * calls);
    expect(writes).toBeLessThan(3 * calls);
  }, 60_000);
});
