// The messages between the node's thread and a cell's worker thread.
// Everything here survives structured cloning: compiled modules are
// shared with the worker rather than copied, the rings are shared memory.
import type { CellErrorData } from './errors.js';
import type { GuardedMemory } from './wasm/memory-guard.js';

export interface SpawnMessage {
  type: 'spawn';
  /** File path of jco's glue module for this cell. */
  gluePath: string;
  entry: string;
  importKeys: string[];
  cores: Array<{ file: string; module: WebAssembly.Module; memories: GuardedMemory[] }>;
  /** argv, with argv[0] first. */
  args: string[];
  env: Array<[string, string]>;
  memoryBytes: number;
  bells: SharedArrayBuffer;
  stdin: SharedArrayBuffer;
  stdout: SharedArrayBuffer;
  stderr: SharedArrayBuffer;
  /** The ww:cell/membrane channel (to the cell, to the node); absent when the spawn has no grants for it. */
  membrane?: [SharedArrayBuffer, SharedArrayBuffer];
}

/** Imports a cell's glue ahead of its first spawn, so that spawn only instantiates. */
export interface PrimeMessage {
  type: 'prime';
  gluePath: string;
}

export type ToWorker = SpawnMessage | PrimeMessage;

export type FromWorker =
  /** Booted and waiting for a spawn; `tid` is the kernel thread id (null off Linux). */
  | { type: 'ready'; tid: number | null }
  | { type: 'primed' }
  /** The cell is done (its streams are closed) and the worker can take another spawn. */
  | { type: 'exit'; code: number }
  /** The cell failed; the worker is not used again. */
  | { type: 'error'; error: CellErrorData };
