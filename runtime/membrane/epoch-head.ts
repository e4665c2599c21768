// An epoch's head, as schema/membrane.capnp's Epoch.head defines it: the
// CIDv1 (raw, sha2-256) of the canonical Cap'n Proto encoding of the Epoch
// with `head` left empty. capnp-es has no canonicalizer, and the struct is
// small and fixed, so it is encoded here by hand by the canonical rules:
// one segment with no segment table, objects in preorder (by pointer
// order), each struct's data section cut after its last non-zero word and
// its pointer section after its last non-null pointer, and zero padding.
// An empty text is left unset (a null pointer), as `head` is: the reader
// cannot tell the two apart, and the hash must not depend on which a
// writer chose. runtime/test/epoch-head.test.ts checks the bytes against
// `capnp convert text:canonical`.
import { cidOf } from '../cell/cid.js';

export interface EpochFields {
  seq: bigint;
  previousHead: string;
  source: string;
  reason: string;
  adoptedAtMs: number;
}

/** The canonical encoding of Epoch{seq, provenance} (head unset). */
export function canonicalEpoch(e: EpochFields): Uint8Array {
  const words: bigint[] = [];
  const alloc = (n: number) => { const at = words.length; for (let i = 0; i < n; i++) words.push(0n); return at; };
  const u64 = (v: bigint) => BigInt.asUintN(64, v);
  const offsetBits = (ptrAt: number, target: number) => u64(BigInt(target - ptrAt - 1) << 2n) & 0xffff_fffcn;
  const structPtr = (ptrAt: number, target: number, data: number, ptrs: number) =>
    offsetBits(ptrAt, target) | (BigInt(data) << 32n) | (BigInt(ptrs) << 48n);

  const texts = [e.previousHead, e.source, e.reason].map((t) => new TextEncoder().encode(t));
  let provPtrs = 3;
  while (provPtrs > 0 && texts[provPtrs - 1]!.length === 0) provPtrs--;
  const provData = e.adoptedAtMs !== 0 ? 1 : 0;
  const provEmpty = provData === 0 && provPtrs === 0;
  const epochData = e.seq !== 0n ? 1 : 0;
  // Pointers: head (always null here), provenance (null when it is all defaults, which canonical form keeps as a zero-sized struct).
  const epochPtrs = 2;

  const root = alloc(1);
  const epoch = alloc(epochData + epochPtrs);
  words[root] = structPtr(root, epoch, epochData, epochPtrs);
  if (epochData) words[epoch] = u64(e.seq);
  const provPtrAt = epoch + epochData + 1;
  if (provEmpty) {
    // A zero-sized struct: offset -1, so the pointer is not null.
    words[provPtrAt] = 0xffff_fffcn;
  } else {
    const prov = alloc(provData + provPtrs);
    words[provPtrAt] = structPtr(provPtrAt, prov, provData, provPtrs);
    if (provData) words[prov] = u64(BigInt(e.adoptedAtMs));
    for (let i = 0; i < provPtrs; i++) {
      const bytes = texts[i]!;
      if (!bytes.length) continue;
      const ptrAt = prov + provData + i;
      const n = bytes.length + 1; // with the NUL
      const at = alloc(Math.ceil(n / 8));
      // List pointer: kind 1, element size 2 (one byte), element count.
      words[ptrAt] = offsetBits(ptrAt, at) | 1n | (2n << 32n) | (BigInt(n) << 35n);
      for (let j = 0; j < bytes.length; j++) {
        const w = at + (j >> 3);
        words[w] = words[w]! | (BigInt(bytes[j]!) << BigInt((j & 7) * 8));
      }
    }
  }
  const out = new Uint8Array(words.length * 8);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setBigUint64(i * 8, w, true));
  return out;
}

/** The head of the epoch with these fields: `bafkrei...`. */
export function epochHead(e: EpochFields): string {
  return cidOf(canonicalEpoch(e));
}
