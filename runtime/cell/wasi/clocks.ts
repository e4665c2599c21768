// wasi:clocks: the monotonic clock (process.hrtime, nanoseconds) whose
// pollables wake poll() at their deadline, and the wall clock. Both are
// allowed to cells: reading time grants no authority.
import { Pollable, type CellIo } from './io.js';

export function clockInterfaces(io: CellIo): Record<string, Record<string, unknown>> {
  const now = () => process.hrtime.bigint();
  return {
    'wasi:clocks/monotonic-clock': {
      now,
      resolution: () => 1n,
      subscribeInstant: (when: bigint) => new Pollable(io, () => false, when),
      subscribeDuration: (d: bigint) => new Pollable(io, () => false, now() + d),
    },
    'wasi:clocks/wall-clock': {
      now: () => {
        const ms = Date.now();
        return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1_000_000 };
      },
      resolution: () => ({ seconds: 0n, nanoseconds: 1_000_000 }),
    },
  };
}
