// The limits of one spawn, their defaults, and their validation. Every
// spawn has all four; a caller can loosen them but not remove the memory
// and output ceilings.
import { CellError } from './errors.js';

export interface CellLimits {
  /** Wall-clock budget from the start of the cell, in ms; null for none (a long-running vat). */
  timeoutMs: number | null;
  /** CPU-time budget of the cell's thread, in ms; null for none. Linux only (read from /proc). */
  cpuMs: number | null;
  /** Ceiling on the cell's linear memory, per memory, in bytes. */
  memoryBytes: number;
  /** Cap on stdout and stderr together, in bytes. */
  outputBytes: number;
}

export const DEFAULT_LIMITS: Readonly<CellLimits> = {
  timeoutMs: 30_000,
  cpuMs: 30_000,
  memoryBytes: 256 * 1024 * 1024,
  outputBytes: 64 * 1024 * 1024,
};

/**
 * The largest component a cell is loaded from: the largest RPC message
 * (runtime/rpc/framing.ts), so a component that loads here can also be
 * sent to a peer's Runtime.load. A Glia cell is about 22 MiB.
 */
export const MAX_COMPONENT_BYTES = 64 * 1024 * 1024;

/** The most a cell's memory may be set to: wasm32's whole address space. */
const MAX_MEMORY = 4 * 1024 * 1024 * 1024;

export function resolveLimits(given: Partial<CellLimits> = {}): CellLimits {
  const l: CellLimits = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(given) as Array<[keyof CellLimits, unknown]>) {
    if (v === undefined) continue;
    if (!(k in DEFAULT_LIMITS)) throw new CellError('cell/bad-spawn', `unknown limit '${k}'`);
    const nullable = k === 'timeoutMs' || k === 'cpuMs';
    if (v === null && nullable) { (l as any)[k] = null; continue; }
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new CellError('cell/bad-spawn', `limit ${k} must be a positive number${nullable ? ' or null' : ''}, got ${String(v)}`);
    }
    (l as any)[k] = v;
  }
  if (l.memoryBytes > MAX_MEMORY) throw new CellError('cell/bad-spawn', `limit memoryBytes is over 4 GiB (${l.memoryBytes})`);
  if (l.memoryBytes < 65536) throw new CellError('cell/bad-spawn', `limit memoryBytes is under one 64 KiB page (${l.memoryBytes})`);
  return l;
}
