// The LoginChallenge's canonical encoding (runtime/node/auth/challenge.ts)
// against the reference `capnp convert text:canonical`, and the careful
// signer's check of what it is asked to sign: any bytes at all give a
// coded `permission-denied` refusal or a challenge, never another error.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { encodeChallenge, decodeChallenge, ChallengeError, LOGIN_DOMAIN, type Challenge } from '../../../node/auth/challenge.js';
import { checkLoginRequest, loginSignerHook } from '../../../node/auth/client-signer.js';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { Connection } from '../../../rpc/conn.js';
import { pipePair } from '../../../rpc/transport.js';
import { Signer$Client } from '../../../../schema/generated/auth.js';
import { signedBytes } from '../../../node/caps/identity.js';
import { RpcError } from '../../../rpc/errors.js';
import { skipWithoutCapnp } from '../../capnp-available.js';

const TERMINAL = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
// Capnp's text format: quotes and backslashes escaped, control characters as \xHH, the rest as is.
const capnpText = (s: string) => '"' + s.replace(/[\\"\x00-\x1f\x7f]/g, (ch) => ch === '"' || ch === '\\' ? '\\' + ch : '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0')) + '"';

function reference(c: Challenge): string {
  const text = `(terminal = ${capnpText(c.terminal)}, nonce = ${c.nonce.length ? `0x"${hex(c.nonce)}"` : '""'}, epochSeq = ${c.epochSeq}, epochHead = ${capnpText(c.epochHead)}, issuedAtMs = ${c.issuedAtMs})`;
  const r = spawnSync('capnp', ['convert', 'text:canonical', 'schema/auth.capnp', 'LoginChallenge'], { input: text });
  if (r.status !== 0) throw new Error(`capnp convert failed: ${r.stderr}`);
  return hex(r.stdout);
}

const sample = (over: Partial<Challenge> = {}): Challenge => ({
  terminal: TERMINAL, nonce: new Uint8Array(32).map((_, i) => i + 1), epochSeq: 3n,
  epochHead: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', issuedAtMs: 1_796_000_000_123n, ...over,
});

describe.skipIf(skipWithoutCapnp('compiler', 'LoginChallenge canonical encoding'))('the canonical encoding', () => {
  it('is byte for byte what capnp convert text:canonical writes', () => {
    const cases: Challenge[] = [
      sample(),
      sample({ issuedAtMs: 0n }),
      sample({ issuedAtMs: 0n, epochSeq: 0n }),
      sample({ epochSeq: 0n }),
      sample({ epochHead: '', terminal: '' }),
      sample({ nonce: new Uint8Array(0) }),
      sample({ nonce: new Uint8Array(7).fill(0xff), terminal: 'é—ü', epochSeq: (1n << 64n) - 1n }),
    ];
    for (const c of cases) expect(hex(encodeChallenge(c))).toBe(reference(c));
  });

  it('agrees with the reference on generated challenges', () => {
    fc.assert(fc.property(
      fc.record({
        terminal: fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => !s.includes('\0')),
        nonce: fc.uint8Array({ maxLength: 40 }),
        epochSeq: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        epochHead: fc.string({ unit: 'grapheme', maxLength: 70 }).filter((s) => !s.includes('\0')),
        issuedAtMs: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
      }),
      (c) => { expect(hex(encodeChallenge(c))).toBe(reference(c)); },
    ), { numRuns: 25 });
  });
});

describe('decoding', () => {
  it('gives back what was encoded', () => {
    for (const c of [sample(), sample({ issuedAtMs: 0n, epochSeq: 0n, epochHead: '' })]) {
      const d = decodeChallenge(encodeChallenge(c));
      expect({ ...d, nonce: hex(d.nonce) }).toEqual({ ...c, nonce: hex(c.nonce) });
    }
  });

  it('refuses a valid but non-canonical encoding (full-size data section)', () => {
    const canonical = encodeChallenge(sample({ issuedAtMs: 0n }));
    // The same challenge with the data section padded to two words: capnp-es reads it fine.
    const words = canonical.length / 8;
    const padded = new Uint8Array((words + 1) * 8);
    padded.set(canonical.subarray(0, 16), 0); // root + epochSeq
    new DataView(padded.buffer).setUint16(4, 2, true); // two data words
    padded.set(canonical.subarray(16), 24); // pointers and bodies, one word later; their offsets are relative, unchanged
    expect(() => decodeChallenge(padded)).toThrow(ChallengeError);
    expect(() => decodeChallenge(padded)).toThrow(/not the canonical encoding/);
  });

  it('refuses empty, ragged and oversized payloads with a ChallengeError', () => {
    for (const b of [new Uint8Array(0), new Uint8Array(7), new Uint8Array(2048)]) expect(() => decodeChallenge(b)).toThrow(ChallengeError);
  });
});

describe('the careful signer\'s check', () => {
  const good = encodeChallenge(sample());

  it('accepts its terminal\'s challenge in ww/terminal/login', () => {
    expect(checkLoginRequest(LOGIN_DOMAIN, good, TERMINAL).epochSeq).toBe(3n);
  });

  it('refuses another domain, another terminal, a short nonce, and a non-challenge, each with its reason', () => {
    const reason = (f: () => unknown) => {
      try { f(); } catch (e) { expect(e).toBeInstanceOf(RpcError); expect((e as RpcError).code).toBe('permission-denied'); return (e as RpcError).message.split(':')[0]; }
      return 'accepted';
    };
    expect(reason(() => checkLoginRequest('app/other', good, TERMINAL))).toBe('wrong domain');
    expect(reason(() => checkLoginRequest(LOGIN_DOMAIN, good, '12D3KooWother'))).toBe('wrong terminal');
    expect(reason(() => checkLoginRequest(LOGIN_DOMAIN, encodeChallenge(sample({ nonce: new Uint8Array(31) })), TERMINAL))).toBe('not a challenge');
    expect(reason(() => checkLoginRequest(LOGIN_DOMAIN, new TextEncoder().encode('please sign this'), TERMINAL))).toBe('not a challenge');
  });

  const onlyRefusals = (bytes: Uint8Array) => {
    try { checkLoginRequest(LOGIN_DOMAIN, bytes, TERMINAL); }
    catch (e) {
      if (!(e instanceof RpcError) || e.code !== 'permission-denied') throw new Error(`not a coded refusal: ${String(e)}`);
    }
  };

  it('fuzzed with arbitrary bytes: a challenge or a coded refusal, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), onlyRefusals), { numRuns: 3000 });
    // Word-aligned bytes reach the decoder more often.
    fc.assert(fc.property(fc.integer({ min: 1, max: 20 }).chain((n) => fc.uint8Array({ minLength: n * 8, maxLength: n * 8 })), onlyRefusals), { numRuns: 3000 });
  });

  it('fuzzed with mutations of a real challenge: a challenge or a coded refusal, nothing else', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ at: fc.nat({ max: good.length - 1 }), v: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
      (edits) => {
        const b = good.slice();
        for (const { at, v } of edits) b[at] = v;
        onlyRefusals(b);
      },
    ), { numRuns: 5000 });
  });
});

describe('the careful signer over RPC', () => {
  it('signs its terminal\'s challenge, and answers arbitrary payloads with a coded refusal or a valid signature', async () => {
    const key = await generateKeyPair('Ed25519');
    const [a, b] = pipePair();
    const server = new Connection(a, { bootstrap: loginSignerHook(key, TERMINAL) });
    const client = new Connection(b);
    try {
      const signer = new Signer$Client(await client.bootstrapClient() as any);
      const sign = (domain: string, payload: Uint8Array) => signer.sign((p) => { p.domain = domain; p._initPayload(payload.length).copyBuffer(payload); }).promise();
      const good = encodeChallenge(sample());
      const sig = new Uint8Array((await sign(LOGIN_DOMAIN, good)).signature.toUint8Array());
      expect(await key.publicKey.verify(signedBytes(LOGIN_DOMAIN, good), sig)).toBe(true);
      await fc.assert(fc.asyncProperty(fc.oneof(fc.constant(LOGIN_DOMAIN), fc.string({ maxLength: 20 })), fc.uint8Array({ maxLength: 200 }), async (domain, payload) => {
        const r = await sign(domain, payload).then((x) => x, (e) => e);
        if (r instanceof Error) {
          expect(r).toBeInstanceOf(RpcError);
          expect((r as RpcError).code).toBe('permission-denied');
          expect((r as RpcError).message).toMatch(/^(wrong domain|not a challenge|wrong terminal): /);
        }
      }), { numRuns: 300 });
    } finally { client.close(); server.close(); }
  });
});
