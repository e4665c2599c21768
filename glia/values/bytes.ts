// Bytes are Uint8Arrays; they print as #bytes "hex" and compare by content.
// Glia makes them as `Bytes`, a Uint8Array that also carries equals and
// hashCode, so Immutable's maps and sets treat equal bytes as one key.

export class Bytes extends Uint8Array {
  equals(other: unknown): boolean { return other instanceof Uint8Array && bytesEqual(this, other); }
  hashCode(): number {
    let h = 7;
    for (let i = 0; i < this.length; i++) h = (31 * h + this[i]!) | 0;
    return h;
  }
}

/** Views any Uint8Array as Bytes (no copy). */
export function asBytes(u: Uint8Array): Bytes {
  return u instanceof Bytes ? u : new Bytes(u.buffer as ArrayBuffer, u.byteOffset, u.length);
}
export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

/** Returns null when the text is not an even-length hex string. */
export function hexToBytes(hex: string): Bytes | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Bytes(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
