// The messages between the node's thread and a cell's worker thread.
// Everything here survives structured cloning: compiled modules are
// shared with the worker rather than copied, the rings are shared memory.
import type { CellErrorData } from './errors.js';
import type { GuardedMemory } from './wasm/memory-guard.js';

/** What instantiating a cell needs: the same for every spawn of it but the memory ceiling. */
export interface CellCode {
  /** File path of jco's glue module for this cell. */
  gluePath: string;
  entry: string;
  importKeys: string[];
  cores: Array<{ file: string; module: WebAssembly.Module; memories: GuardedMemory[] }>;
  /** The ceiling the instance's memories are created with. */
  memoryBytes: number;
}

export interface SpawnMessage extends CellCode {
  type: 'spawn';
  /** argv, with argv[0] first. */
  args: string[];
  env: Array<[string, string]>;
  /** After a clean exit, instantiate the next instance while idle (worker.ts, "ready instances"). */
  prepareNext: boolean;
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
  /** Also instantiate the first instance ahead, for a spawn with this code and ceiling. */
  prepare?: CellCode;
}

export type ToWorker = SpawnMessage | PrimeMessage;

export type FromWorker =
  /** Booted and waiting for a spawn; `tid` is the kernel thread id (null off Linux). */
  | { type: 'ready'; tid: number | null }
  | { type: 'primed' }
  /** A ready instance is made and waits for the next spawn (after a clean exit or priming). */
  | { type: 'prepared'; memoryBytes: number }
  /** The cell is done (its streams are closed) and the worker can take another spawn. */
  | { type: 'exit'; code: number; timing: SpawnTiming }
  /** The cell failed; the worker is not used again. */
  | { type: 'error'; error: CellErrorData; timing?: SpawnTiming };

/** Where one spawn's time went on the worker, for the benchmark and the tests. */
export interface SpawnTiming {
  /** The spawn ran on an instance prepared ahead, while the worker was idle. */
  ready: boolean;
  /** The instance's memory was an exited instance's, zeroed (worker.ts, "recycled memory"). */
  recycledMemory: boolean;
  /** Milliseconds waiting for, or doing, the instantiation (glue and core modules). */
  instantiateMs: number;
  /** Milliseconds in the cell's run export. */
  runMs: number;
}
