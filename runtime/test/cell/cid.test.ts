// The CID of a cell: CIDv1, raw codec, sha2-256, base32.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { cidBytes, cidOf, isRawSha256Cid } from '../../cell/cid.js';

describe('cell CID', () => {
  it('matches the CID IPFS gives the empty file (ipfs add --raw-leaves --cid-version 1)', () => {
    expect(cidOf(new Uint8Array(0))).toBe('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku');
  });

  it('is version 1, raw codec, a sha2-256 multihash of the bytes', () => {
    const bytes = new TextEncoder().encode('hello cells');
    const b = cidBytes(bytes);
    expect([...b.subarray(0, 4)]).toEqual([0x01, 0x55, 0x12, 0x20]);
    expect(Buffer.from(b.subarray(4)).toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('differs for different bytes and is recognised by its shape', () => {
    const a = cidOf(Uint8Array.of(1)), b = cidOf(Uint8Array.of(2));
    expect(a).not.toBe(b);
    expect(isRawSha256Cid(a)).toBe(true);
    expect(a).toHaveLength(59);
    expect(isRawSha256Cid('../etc/passwd')).toBe(false);
    expect(isRawSha256Cid(a.toUpperCase())).toBe(false);
  });
});
