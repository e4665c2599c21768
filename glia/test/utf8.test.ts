// decodeSource: strict UTF-8 for source files, with the first bad byte's
// place as a read/bad-utf8 diagnostic (glia/reader/utf8.ts).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodeSource, firstInvalid } from '../reader/utf8.js';

const bytes = (...parts: Array<string | number[]>) => new Uint8Array(Buffer.concat(parts.map((p) => typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('decodeSource', () => {
  it('gives the text of valid UTF-8, without a byte-order mark, and says whether there was one', () => {
    expect(decodeSource(bytes('(str "é ☃ 😀")'), 'a.glia')).toEqual({ ok: true, text: '(str "é ☃ 😀")', bom: false });
    expect(decodeSource(bytes([0xef, 0xbb, 0xbf], '(+ 1 2)'), 'a.glia')).toEqual({ ok: true, text: '(+ 1 2)', bom: true });
  });

  it('accepts a U+FFFD written in the source (it is valid UTF-8)', () => {
    expect(decodeSource(bytes('"\ufffd"'), 'a.glia')).toMatchObject({ ok: true, text: '"\ufffd"' });
  });

  it('reports the first bad byte with its line and column (UTF-16, as every span) and a frame text', () => {
    const r = decodeSource(bytes('(+ 1 2)\n(str "é', [0xff], '")\n', [0xfe]), 'x.glia');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostic.code).toBe('read/bad-utf8');
    expect(r.diagnostic.severity).toBe('error');
    expect(r.diagnostic.message).toBe('x.glia is not valid UTF-8: byte 0xff at byte offset 16 does not belong to a UTF-8 character');
    expect(r.diagnostic.span).toMatchObject({ file: 'x.glia', line: 2, col: 8, offset: 15 });
    expect(r.diagnostic.hint).toMatch(/save the file as UTF-8/);
    expect(r.text.split('\n')[1]).toBe('(str "é\ufffd")');
  });

  it('refuses overlong forms, surrogates, code points past U+10FFFF and truncated sequences', () => {
    for (const bad of [[0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xe2, 0x98], [0x80]]) {
      expect(decodeSource(bytes('ab', bad), 'b.glia'), JSON.stringify(bad)).toMatchObject({ ok: false, diagnostic: { span: { line: 1, col: 3 } } });
    }
  });

  it('agrees with a fatal TextDecoder on arbitrary bytes, and finds the first bad offset', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.string({ unit: 'binary', maxLength: 16 }), (raw, text) => {
      const b = bytes(text, [...raw]);
      let valid = true;
      try { fatal.decode(b); } catch { valid = false; }
      expect(firstInvalid(b) < 0).toBe(valid);
      expect(decodeSource(b, 'p.glia').ok).toBe(valid);
      const at = firstInvalid(b);
      // Everything before the reported byte is valid UTF-8.
      if (at >= 0) expect(() => fatal.decode(b.subarray(0, at))).not.toThrow();
    }), { numRuns: 2000 });
  });
});
