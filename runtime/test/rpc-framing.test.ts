// Stream framing: messages written by the reference `capnp encode` and by
// capnp-es come back whole however the stream is cut, and hostile headers
// are refused before anything is buffered. The `capnp encode` case needs
// `capnp`: without it it skips with the reason printed, unless
// WW_REQUIRE_CAPNP=1 (.ci/run) makes it mandatory (capnp-available.ts).
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import * as $ from 'capnp-es';
import { FrameDecoder, FrameError } from '../rpc/framing.js';
import { Limits } from '../../schema/generated/system.js';
import { PeerInfo } from '../../schema/generated/routing.js';
import { skipWithoutCapnp } from './capnp-available.js';

const schemaDir = join(dirname(fileURLToPath(import.meta.url)), '../../schema');

/** Feeds `bytes` to a decoder in pieces cut at `cuts` (offsets). */
function feed(dec: FrameDecoder, bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    out.push(...dec.push(bytes.subarray(last, p)));
    last = p;
  }
  return out;
}

describe('FrameDecoder', () => {
  it.skipIf(skipWithoutCapnp('compiler', 'rpc-framing.test.ts on a message from capnp encode'))('reassembles a message from capnp encode cut at any points', () => {
    const reference = execFileSync('capnp', ['encode', 'system.capnp', 'Limits'], {
      cwd: schemaDir, input: '(wallClockMs = 5000, cpuMs = 2500, memoryBytes = 9007199254740993, outputBytes = 7)',
    });
    fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 10 }), (cuts) => {
      const frames = feed(new FrameDecoder(), new Uint8Array(reference), cuts);
      expect(frames).toHaveLength(1);
      expect(Buffer.from(frames[0]!).equals(reference)).toBe(true);
      expect(new $.Message(frames[0]!, false).getRoot(Limits).memoryBytes).toBe(9007199254740993n);
    }), { numRuns: 300 });
  });

  it('splits a stream of capnp-es messages and a multi-segment frame back into messages', () => {
    const msgs = [1, 3, 200].map((n) => {
      const m = new $.Message();
      const p = m.initRoot(PeerInfo);
      p.peerId = 'x'.repeat(n * 100);
      const addrs = p._initAddrs(n);
      for (let i = 0; i < n; i++) addrs.set(i, `/ip4/127.0.0.1/tcp/${i}`);
      return new Uint8Array(m.toArrayBuffer());
    });
    // capnp-es grows its first segment instead of adding segments, so a
    // three-segment frame (2, 1 and 3 words; header padded to 8 bytes) is
    // written by hand: the decoder only needs the segment table to be right.
    const multi = new Uint8Array(16 + 6 * 8).map((_, i) => (i * 7) & 0xff);
    const dv = new DataView(multi.buffer);
    dv.setUint32(0, 2, true); dv.setUint32(4, 2, true); dv.setUint32(8, 1, true); dv.setUint32(12, 3, true);
    msgs.splice(1, 0, multi);
    const stream = Buffer.concat(msgs);
    fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 30 }), (cuts) => {
      const frames = feed(new FrameDecoder(), new Uint8Array(stream), cuts);
      expect(frames.map((f) => Buffer.from(f).toString('hex'))).toEqual(msgs.map((b) => Buffer.from(b).toString('hex')));
    }), { numRuns: 200 });
    const back = new $.Message(feed(new FrameDecoder(), new Uint8Array(stream), [])[3]!, false).getRoot(PeerInfo);
    expect(back.addrs.length).toBe(200);
    expect(back.addrs.get(199)).toBe('/ip4/127.0.0.1/tcp/199');
  });

  it('gives the same frames through feed as through push, however the stream is cut', () => {
    const msgs = [0, 5, 120, 3].map((n) => {
      const m = new $.Message();
      m.initRoot(PeerInfo).peerId = 'y'.repeat(n);
      return new Uint8Array(m.toArrayBuffer());
    });
    const stream = new Uint8Array(Buffer.concat(msgs));
    fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      const dec = new FrameDecoder();
      const out: Uint8Array[] = [];
      let last = 0;
      for (const p of [...points, stream.length]) { dec.feed(stream.subarray(last, p), (f) => out.push(f)); last = p; }
      expect(out.map((f) => Buffer.from(f).toString('hex'))).toEqual(msgs.map((b) => Buffer.from(b).toString('hex')));
      expect(dec.pending).toBe(0);
    }), { numRuns: 300 });
  });

  it('feed refuses what push refuses, at the same frame, with FrameError', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 40 }), (chunks) => {
      const limits = { maxMessageBytes: 4096, maxSegments: 8 };
      const a = new FrameDecoder(limits), b = new FrameDecoder(limits);
      for (const c of chunks) {
        let pushed: Uint8Array[] | Error, fed: Uint8Array[] | Error = [];
        try { pushed = a.push(c); } catch (e) { pushed = e as Error; }
        const got: Uint8Array[] = [];
        try { b.feed(c, (f) => got.push(f)); fed = got; } catch (e) { fed = e as Error; }
        if (pushed instanceof Error) {
          expect(fed).toBeInstanceOf(FrameError);
          expect((fed as Error).message).toBe(pushed.message);
          return;
        }
        expect(fed).not.toBeInstanceOf(Error);
        expect((fed as Uint8Array[]).map((f) => Buffer.from(f).toString('hex'))).toEqual(pushed.map((f) => Buffer.from(f).toString('hex')));
      }
    }), { numRuns: 2000 });
  });

  it('refuses a header that announces more than the message-size limit, before the body arrives', () => {
    const dec = new FrameDecoder({ maxMessageBytes: 1024, maxSegments: 16 });
    const header = new Uint8Array(8);
    new DataView(header.buffer).setUint32(0, 0, true);
    new DataView(header.buffer).setUint32(4, 0xffffffff, true);
    expect(() => dec.push(header)).toThrow(FrameError);
    expect(() => dec.push(new Uint8Array(8))).toThrow(/exceeds the limit/);
  });

  it('refuses too many segments', () => {
    const dec = new FrameDecoder({ maxMessageBytes: 1 << 20, maxSegments: 4 });
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, 9, true);
    expect(() => dec.push(header)).toThrow(/10 segments/);
  });

  it('never throws anything but FrameError on random bytes, and buffers at most one frame', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 40 }), (chunks) => {
      const dec = new FrameDecoder({ maxMessageBytes: 4096, maxSegments: 8 });
      for (const c of chunks) {
        try { dec.push(c); } catch (e) { expect(e).toBeInstanceOf(FrameError); return; }
        expect(dec.pending).toBeLessThanOrEqual(4096 + 64);
      }
    }), { numRuns: 2000 });
  });
});
