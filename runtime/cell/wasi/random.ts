// wasi:random: cryptographic randomness from node:crypto for all three
// interfaces (a cell gains nothing from a weaker source). A request larger
// than the cell's memory ceiling could never be delivered, and would make
// the host allocate it first, so it kills the cell as :cell/memory.
import { getRandomValues, randomBytes } from 'node:crypto';
import type { CellIo } from './io.js';

function bytes(io: CellIo, len: bigint): Uint8Array {
  const out = new Uint8Array(io.length(len, 'random bytes'));
  // getRandomValues fills at most 65536 bytes per call.
  for (let at = 0; at < out.length; at += 65536) getRandomValues(out.subarray(at, at + 65536));
  return out;
}

function u64(): bigint {
  return randomBytes(8).readBigUInt64LE();
}

export function randomInterfaces(io: CellIo): Record<string, Record<string, unknown>> {
  return {
    'wasi:random/random': { getRandomBytes: (len: bigint) => bytes(io, len), getRandomU64: u64 },
    'wasi:random/insecure': { getInsecureRandomBytes: (len: bigint) => bytes(io, len), getInsecureRandomU64: u64 },
    'wasi:random/insecure-seed': { insecureSeed: () => [u64(), u64()] },
  };
}
