// A loaded cell, ready to spawn: `Executor.spawn(args, env, limits) ->
// CellProcess`, and its CID. Each spawn gets fresh memories, instances and
// host objects on a worker of this cell's own; the compiled modules are
// shared by all of them.
// This level wires stdio only; the cell's capabilities (its membrane, over
// stdio in vat and pid0 modes or over the ww:cell/membrane channel) are
// connected by cell-session.ts on top of it.
import { CellError, type CellErrorCode } from './errors.js';
import { resolveLimits, type CellLimits } from './limits.js';
import { CellProcess } from './process.js';
import type { CellWorkers } from './cell-workers.js';
import type { GuardedMemory } from './wasm/memory-guard.js';

export interface CompiledCell {
  cid: string;
  gluePath: string;
  entry: string;
  importKeys: string[];
  cores: Array<{ file: string; module: WebAssembly.Module; memories: GuardedMemory[] }>;
  /** Workers that have this cell's glue loaded (warm spawns). */
  workers: CellWorkers;
}

/**
 * The stdio protocols a cell speaks, by WW_CELL_MODE. `pid0` is the mode
 * with WW_CELL_MODE unset: the spawn removes it from the environment.
 */
export type CellMode = 'raw' | 'http' | 'vat' | 'pid0';
export const CELL_MODES: readonly CellMode[] = ['raw', 'http', 'vat', 'pid0'];

/** The mode an environment selects: its WW_CELL_MODE, or pid0 when unset. */
export function modeOfEnv(env: ReadonlyArray<readonly [string, string]>): CellMode {
  const v = env.find(([k]) => k === 'WW_CELL_MODE')?.[1];
  if (v === undefined) return 'pid0';
  if (v === 'pid0' || !(CELL_MODES as readonly string[]).includes(v)) {
    throw new CellError('cell/bad-spawn', `unknown cell mode WW_CELL_MODE=${JSON.stringify(v)}`, {}, 'vat, raw, http, or unset for pid0');
  }
  return v as CellMode;
}

export interface SpawnOptions {
  /** Arguments after argv[0]. */
  args?: readonly string[];
  /** The cell's entire environment (nothing of the node's is inherited). */
  env?: Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;
  /** Sets WW_CELL_MODE in the environment, over any value in `env`. */
  mode?: CellMode;
  limits?: Partial<CellLimits>;
  /** Open the ww:cell/membrane channel (CellProcess.channel); cell-session.ts does, for raw and http cells with grants. */
  channel?: boolean;
}

/** Sees every spawn of a runtime's cells and every cell stopped by an error (the node's metrics). */
export interface CellObserver {
  spawned(cid: string): void;
  /** The cell was stopped: a limit, a trap, kill(), a host failure. Not called for an exit, whatever its code. */
  failed(cid: string, code: CellErrorCode): void;
}

export class Executor {
  constructor(private readonly cell: CompiledCell, readonly name: string, private readonly observer?: CellObserver) {}

  get cid(): string { return this.cell.cid; }

  /** This cell's idle workers that hold a ready instance (cell-workers.ts); for diagnostics and tests. */
  get readyInstances(): number { return this.cell.workers.readyInstances; }

  spawn(opts: SpawnOptions = {}): CellProcess {
    const limits = resolveLimits(opts.limits);
    const args = [this.name, ...checkArgs(opts.args ?? [])];
    const env = checkEnv(opts.env ?? []);
    if (opts.mode !== undefined) {
      if (!CELL_MODES.includes(opts.mode)) throw new CellError('cell/bad-spawn', `unknown cell mode '${String(opts.mode)}'`);
      const i = env.findIndex(([k]) => k === 'WW_CELL_MODE');
      if (i >= 0) env.splice(i, 1);
      if (opts.mode !== 'pid0') env.push(['WW_CELL_MODE', opts.mode]);
    }
    const { gluePath, entry, importKeys, cores, workers } = this.cell;
    const p = new CellProcess(workers.take(limits.memoryBytes), {
      gluePath, entry, importKeys, cores, args, env, memoryBytes: limits.memoryBytes, channel: opts.channel === true,
      prepareNext: workers.preinstantiate,
    }, limits,
      (w) => workers.give(w), () => workers.lost());
    const o = this.observer;
    if (o) {
      o.spawned(this.cell.cid);
      void p.result().then((s) => { if ('error' in s) o.failed(this.cell.cid, s.error.code); });
    }
    return p;
  }
}

function checkArgs(args: readonly string[]): string[] {
  if (!Array.isArray(args)) throw new CellError('cell/bad-spawn', 'args must be a list of strings');
  return args.map((a, i) => {
    if (typeof a !== 'string') throw new CellError('cell/bad-spawn', `argument ${i} is not a string`);
    return a;
  });
}

function checkEnv(env: SpawnOptions['env']): Array<[string, string]> {
  const pairs: Array<readonly [string, string]> = Array.isArray(env) ? env as Array<readonly [string, string]> : Object.entries(env ?? {});
  const seen = new Set<string>();
  return pairs.map(([k, v]) => {
    if (typeof k !== 'string' || typeof v !== 'string') throw new CellError('cell/bad-spawn', 'environment names and values must be strings');
    if (k === '' || k.includes('=') || k.includes('\0') || v.includes('\0')) {
      throw new CellError('cell/bad-spawn', `invalid environment variable ${JSON.stringify(k)}`,
        {}, 'a name is non-empty and holds no "=" or NUL; a value holds no NUL');
    }
    if (seen.has(k)) throw new CellError('cell/bad-spawn', `environment variable ${k} is given twice`);
    seen.add(k);
    return [k, v];
  });
}
