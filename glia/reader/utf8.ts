// Source files arrive as bytes; Glia source is UTF-8. A decoder that
// replaced bad bytes with U+FFFD would run a program other than the one on
// disk (and `ww fmt` would write it back changed), so every embedding
// decodes through here and gets either the text or one read/bad-utf8
// diagnostic at the first bad byte.
import { diagnostic, type Diagnostic } from '../diagnostics.js';

export type DecodedSource =
  | { ok: true; text: string; /** The bytes began with a UTF-8 byte-order mark, which `text` leaves out. */ bom: boolean }
  | { ok: false; diagnostic: Diagnostic; /** The text with each bad sequence replaced by U+FFFD, for a code frame. */ text: string };

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export function decodeSource(bytes: Uint8Array, file: string): DecodedSource {
  const text = decoder.decode(bytes);
  // Bad bytes always decode to U+FFFD, so text without one is valid; with one,
  // it may still be a U+FFFD written in the source, which the scan tells apart.
  const bad = text.includes('\ufffd') ? firstInvalid(bytes) : -1;
  if (bad < 0) {
    const bom = text.charCodeAt(0) === 0xfeff;
    return { ok: true, text: bom ? text.slice(1) : text, bom };
  }
  // Lines and columns count UTF-16 units of the text before the bad byte, as every span does.
  const before = decoder.decode(bytes.subarray(0, bad));
  let line = 1, lineStart = 0;
  for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  const col = before.length - lineStart + 1;
  const b = bytes[bad]!.toString(16).padStart(2, '0');
  const d = diagnostic('read/bad-utf8', { file, line, col, endLine: line, endCol: col + 1, offset: before.length, endOffset: before.length + 1 },
    `${file} is not valid UTF-8: byte 0x${b} at byte offset ${bad} does not belong to a UTF-8 character`,
    'save the file as UTF-8 (an editor can convert it); bytes that are not text belong in a file read with (load path)');
  return { ok: false, diagnostic: d, text };
}

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalid(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) { i++; continue; }
    let need: number, lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) { need = 2; if (c === 0xe0) lo = 0xa0; else if (c === 0xed) hi = 0x9f; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; if (c === 0xf0) lo = 0x90; else if (c === 0xf4) hi = 0x8f; }
    else return i;
    for (let k = 1; k <= need; k++) {
      const x = i + k < n ? b[i + k]! : -1;
      if (x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}
