// The message validator: real messages (capnp-es, capnp encode, a whole
// CodeGeneratorRequest from the reference compiler) pass; hostile ones
// (cycles, out-of-bounds pointers, amplification, bad far pointers) fail
// with WireError; random mutations never do anything else, and terminate.
// The cases on messages from the reference tools need `capnp`: without it
// they skip with the reason printed, unless WW_REQUIRE_CAPNP=1 (.ci/run)
// makes them mandatory (capnp-available.ts).
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import * as $ from 'capnp-es';
import { validateMessage, WireError, DEFAULT_READ_LIMITS } from '../rpc/validate.js';
import { PeerInfo } from '../../schema/generated/routing.js';
import { skipWithoutCapnp } from './capnp-available.js';

const schemaDir = join(dirname(fileURLToPath(import.meta.url)), '../../schema');

/** A framed message from raw segments of 64-bit words given as [lo, hi] pairs. */
function frame(segments: Array<Array<[number, number]>>): Uint8Array {
  const count = segments.length;
  const header = 4 + 4 * count + (count % 2 === 0 ? 4 : 0);
  const words = segments.reduce((n, s) => n + s.length, 0);
  const out = new Uint8Array(header + words * 8);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, count - 1, true);
  segments.forEach((s, i) => dv.setUint32(4 + 4 * i, s.length, true));
  let at = header;
  for (const s of segments) for (const [lo, hi] of s) { dv.setInt32(at, lo, true); dv.setUint32(at + 4, hi, true); at += 8; }
  return out;
}
const structPtr = (offset: number, data: number, ptrs: number): [number, number] => [(offset << 2) | 0, data | (ptrs << 16)];

/** Never throws anything but WireError on random mutations of `base`, and always ends. */
function fuzzMutations(base: Uint8Array): void {
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
    const m = base.slice();
    for (const [at, v] of edits) m[at % m.length] = v;
    try { validateMessage(m, { traversalLimitWords: 1 << 16, nestingLimit: 64 }); }
    catch (e) { expect(e).toBeInstanceOf(WireError); }
  }), { numRuns: 3000 });
}

const noCapnp = skipWithoutCapnp('compiler', 'rpc-validate.test.ts on messages from capnp encode and capnp compile');
/** A whole CodeGeneratorRequest from the reference compiler: a big, real message. */
const compiled = (): Uint8Array => new Uint8Array(execFileSync('capnp', ['compile', '-o-', 'system.capnp'], { cwd: schemaDir }));

describe('validateMessage', () => {
  const peer = (() => {
    const m = new $.Message();
    const p = m.initRoot(PeerInfo);
    p.peerId = 'peer';
    const addrs = p._initAddrs(3);
    for (let i = 0; i < 3; i++) addrs.set(i, `/ip4/127.0.0.1/tcp/${i}`);
    return new Uint8Array(m.toArrayBuffer());
  })();

  it('accepts a real capnp-es message', () => {
    expect(() => validateMessage(peer)).not.toThrow();
  });

  it.skipIf(noCapnp)('accepts real messages from the reference tools: capnp encode, and a whole CodeGeneratorRequest', () => {
    expect(() => validateMessage(new Uint8Array(execFileSync('capnp', ['encode', 'system.capnp', 'Limits'],
      { cwd: schemaDir, input: '(wallClockMs = 1, cpuMs = 2, memoryBytes = 3, outputBytes = 4)' })))).not.toThrow();
    const request = compiled();
    expect(request.length).toBeGreaterThan(10_000);
    expect(() => validateMessage(request)).not.toThrow();
  });

  it('follows far pointers into other segments, and refuses ones to missing segments', () => {
    // Root: single-far to segment 1 word 0; there a struct pointer to the next word (1 data word).
    const good = frame([[[2 | (0 << 3), 1]], [structPtr(0, 1, 0), [42, 0]]]);
    expect(() => validateMessage(good)).not.toThrow();
    const bad = frame([[[2 | (0 << 3), 5]], [structPtr(0, 1, 0), [42, 0]]]);
    expect(() => validateMessage(bad)).toThrow(/segment 5/);
  });

  it('refuses a struct that points at itself (a cycle) within the limits', () => {
    // Root struct with no data and one pointer; that pointer points back at the struct.
    const cycle = frame([[structPtr(0, 0, 1), structPtr(-2, 0, 1)]]);
    expect(() => validateMessage(cycle)).toThrow(WireError);
  });

  it('refuses pointers outside their segment', () => {
    expect(() => validateMessage(frame([[structPtr(100, 1, 0)]]))).toThrow(/outside segment 0/);
    expect(() => validateMessage(frame([[[1 | (0 << 2), 5 | (1000 << 3)]]]))).toThrow(/outside segment 0/);
  });

  it('charges zero-size elements, so a tiny message cannot claim a huge list', () => {
    // A list of 2^29 - 1 void elements in one word.
    const amplified = frame([[[1, 0 | (0x1fffffff << 3)]]]);
    expect(() => validateMessage(amplified, { ...DEFAULT_READ_LIMITS, traversalLimitWords: 1 << 20 })).toThrow(/traversal limit/);
  });

  it('enforces the nesting limit', () => {
    // A chain of 10 structs, each holding a pointer to the next.
    const words: Array<[number, number]> = [];
    for (let i = 0; i < 10; i++) words.push(structPtr(0, 0, 1));
    words.push([0, 0]);
    const chain = frame([words]);
    expect(() => validateMessage(chain, { ...DEFAULT_READ_LIMITS, nestingLimit: 20 })).not.toThrow();
    expect(() => validateMessage(chain, { ...DEFAULT_READ_LIMITS, nestingLimit: 5 })).toThrow(/nests deeper/);
  });

  it('never throws anything but WireError on a mutated capnp-es message, and always ends', () => {
    fuzzMutations(peer);
  });

  it.skipIf(noCapnp)('never throws anything but WireError on a mutated CodeGeneratorRequest, and always ends', () => {
    fuzzMutations(compiled());
  });
});
