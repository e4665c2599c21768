// `ww:cell/membrane` (runtime/cell/wit/membrane.wit), inside the cell's
// worker: the byte channel that carries the cell's membrane connection in
// the raw and http modes, where stdio is taken. It is a pair of rings like
// stdio. Without grants (and in the vat and pid0 modes, whose connection
// is on stdio) there are no rings: the channel is at its end from the
// start, so a cell built to use grants still runs with none.
import type { Ring } from '../ring.js';
import { InputStream, OutputStream, type CellIo } from './io.js';

/** The most one read returns, as the WIT says. */
export const CHANNEL_READ_MAX = 65536;

export interface ChannelRings { toCell: Ring; toNode: Ring }

export function membraneChannel(io: CellIo, rings: ChannelRings | null): { read(max: number): Uint8Array; write(bytes: Uint8Array): void } {
  if (!rings) {
    return { read: () => new Uint8Array(0), write: () => {} };
  }
  const input = new InputStream(io, rings.toCell);
  const output = new OutputStream(io, rings.toNode);
  return {
    read(max: number): Uint8Array {
      const n = Math.min(Number(max) >>> 0, CHANNEL_READ_MAX);
      if (n === 0) return new Uint8Array(0);
      // A stream error here can only be "closed": the end of the channel.
      try { return input.blockingRead(BigInt(n)); } catch (e) { if (e instanceof Error) throw e; return new Uint8Array(0); }
    },
    write(bytes: Uint8Array): void {
      try { output.blockingWriteAndFlush(bytes); } catch (e) { if (e instanceof Error) throw e; /* closed: dropped, as the WIT says */ }
    },
  };
}
