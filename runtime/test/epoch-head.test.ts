// The epoch head (runtime/membrane/epoch-head.ts): its canonical encoding
// is byte for byte what the reference implementation's canonicalizer
// (`capnp convert text:canonical`) makes of the same Epoch, and the head is
// the raw sha2-256 CIDv1 of those bytes.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { CID } from 'multiformats/cid';
import { canonicalEpoch, epochHead, type EpochFields } from '../membrane/epoch-head.js';
import { skipWithoutCapnp } from './capnp-available.js';

const cases: EpochFields[] = [
  { seq: 1n, previousHead: '', source: 'admin', reason: '', adoptedAtMs: 1765100000123 },
  { seq: 3n, previousHead: 'bafkreiabc', source: 'admin', reason: 'rotate keys ü', adoptedAtMs: 1765100000123 },
  { seq: 2n ** 40n, previousHead: 'bafkrei' + 'a'.repeat(52), source: 'ipns', reason: 'x'.repeat(17), adoptedAtMs: 1 },
  { seq: 7n, previousHead: 'p', source: '', reason: 'only a reason', adoptedAtMs: 2 ** 52 },
  { seq: 0n, previousHead: '', source: 'boot', reason: 'initial epoch', adoptedAtMs: 5 },
];

const text = (e: EpochFields) => `(seq = ${e.seq}, provenance = (${[
  e.previousHead ? `previousHead = ${JSON.stringify(e.previousHead)}` : '',
  e.source ? `source = ${JSON.stringify(e.source)}` : '',
  e.reason ? `reason = ${JSON.stringify(e.reason)}` : '',
  `adoptedAtMs = ${e.adoptedAtMs}`,
].filter(Boolean).join(', ')}))`;

describe.skipIf(skipWithoutCapnp('compiler', 'the canonical epoch encoding'))('epoch head', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i encodes as capnp canonicalizes it', (_i, e) => {
    const ref = spawnSync('capnp', ['convert', 'text:canonical', 'schema/membrane.capnp', 'Epoch'], { input: text(e) });
    expect(ref.status, ref.stderr?.toString()).toBe(0);
    expect(Buffer.from(canonicalEpoch(e)).toString('hex')).toBe(ref.stdout.toString('hex'));
  });
});

describe('epoch head CID', () => {
  it('is the raw sha2-256 CIDv1 of the canonical bytes, and changes with every field', () => {
    const e = cases[1]!;
    const cid = CID.parse(epochHead(e));
    expect(cid.version).toBe(1);
    expect(cid.code).toBe(0x55);
    expect(Buffer.from(cid.multihash.digest).toString('hex')).toBe(createHash('sha256').update(canonicalEpoch(e)).digest('hex'));
    const heads = new Set([e, { ...e, seq: 4n }, { ...e, previousHead: 'x' }, { ...e, source: 'ipns' }, { ...e, reason: '' }, { ...e, adoptedAtMs: 9 }].map(epochHead));
    expect(heads.size).toBe(6);
  });
});
