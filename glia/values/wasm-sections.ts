// The custom sections of a WebAssembly component (or core module), read
// without validating anything else: what `(describe cell)` needs to show
// the grants (`ww:grants`) and the project (`ww:cell`) a component
// declares. The runtime reads the same sections strictly when it spawns
// (runtime/cell/grants.ts); this reader only reports, so it answers null
// for bytes it cannot walk instead of throwing.

/** The contents of the top-level custom sections named `name`; null when the bytes are not a WebAssembly binary. */
export function customSections(bytes: Uint8Array, name: string): Uint8Array[] | null {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) return null;
  const out: Uint8Array[] = [];
  let pos = 8;
  const u32 = (): number | null => {
    let n = 0, shift = 0;
    for (;;) {
      if (pos >= bytes.length || shift > 28) return null;
      const b = bytes[pos++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return n;
      shift += 7;
    }
  };
  const dec = new TextDecoder();
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const size = u32();
    if (size === null || pos + size > bytes.length) return null;
    const end = pos + size;
    if (id === 0) {
      const len = u32();
      if (len === null || pos + len > end) return null;
      if (dec.decode(bytes.subarray(pos, pos + len)) === name) out.push(bytes.subarray(pos + len, end));
    }
    pos = end;
  }
  return out;
}

/** The JSON content of the one section `name`, or undefined (none, several, or not JSON). */
export function jsonSection(bytes: Uint8Array, name: string): unknown {
  const s = customSections(bytes, name);
  if (!s || s.length !== 1) return undefined;
  try { return JSON.parse(new TextDecoder().decode(s[0]!)); } catch { return undefined; }
}
