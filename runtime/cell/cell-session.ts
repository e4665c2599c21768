// A spawned cell with its capabilities wired: the layer between the stdio
// host (executor.ts, process.ts) and the capability servers (servers.ts).
//
// Each spawn gets a Membrane of its own whose graft returns exactly its
// grants, each in the policy it was granted with and guarded by the
// epoch. The cell reaches that Membrane over one Cap'n Proto connection:
// - pid0 (WW_CELL_MODE unset) and vat: on stdio. In vat mode the cell's own
//   bootstrap capability is what `bootstrap()` returns (asked for lazily,
//   on the same connection). In pid0 mode the host never asks.
// - raw and http: on the ww:cell/membrane channel, opened only when there
//   are grants (stdio is the stream or the CGI exchange).
// The connection lives as long as the cell: when the cell ends, it closes
// and everything obtained from the cell fails `disconnected`.
import { Connection } from '../rpc/conn.js';
import { streamTransport } from '../rpc/transport.js';
import { BrokenHook, type Hook } from '../rpc/hooks.js';
import { RpcError } from '../rpc/errors.js';
import { Membrane, type ExportSpec } from '../membrane/membrane.js';
import { Epoch } from '../membrane/epoch.js';
import { CellError } from './errors.js';
import { modeOfEnv, type CellMode, type Executor, type SpawnOptions } from './executor.js';
import type { CellProcess } from './process.js';

export interface CellSpawnOptions extends Omit<SpawnOptions, 'channel'> {
  /** The cell's grants: its membrane grafts exactly these. */
  grants?: readonly ExportSpec[];
  /** The epoch the grants are guarded by (the node's); a fresh one when absent. */
  epoch?: Epoch;
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export class CellSession {
  readonly mode: CellMode;
  readonly membrane: Membrane;
  /** The membrane connection, when there is one (vat, pid0, or raw/http with grants). */
  readonly conn: Connection | null;
  private cellCap: Hook | null = null;

  constructor(readonly process: CellProcess, mode: CellMode, membrane: Membrane, conn: Connection | null) {
    this.mode = mode;
    this.membrane = membrane;
    this.conn = conn;
  }

  /**
   * The capability the cell serves (vat mode). Calls made before the cell
   * answers are pipelined on the bootstrap question. In other modes it is
   * a broken capability naming why.
   */
  bootstrap(): Hook {
    if (this.mode !== 'vat' || !this.conn) {
      return new BrokenHook(new RpcError('failed', `a cell in ${this.mode} mode serves no capability; only vat-mode cells do (WW_CELL_MODE=vat)`));
    }
    return (this.cellCap ??= this.conn.bootstrapHook());
  }
}

/** Spawns `executor` with its membrane connected by mode. */
export function spawnCell(executor: Executor, opts: CellSpawnOptions = {}): CellSession {
  const grants = checkGrants(opts.grants ?? []);
  const mode = opts.mode ?? modeOfEnv(envPairs(opts.env));
  const epoch = opts.epoch ?? new Epoch();
  const sorted = [...grants].sort((a, b) => (a.name < b.name ? -1 : 1));
  const membrane = new Membrane(() => sorted, epoch);
  const overStdio = mode === 'vat' || mode === 'pid0';
  const channel = !overStdio && grants.length > 0;
  const { grants: _g, epoch: _e, ...spawn } = opts;
  const process = executor.spawn({ ...spawn, mode, channel });
  let conn: Connection | null = null;
  const stream = overStdio ? process.duplex() : process.channel;
  if (stream) {
    conn = new Connection(streamTransport(stream), { bootstrap: membrane.server() });
    void process.result().then(() => conn!.close(new RpcError('disconnected', 'the cell has ended')));
  }
  return new CellSession(process, mode, membrane, conn);
}

function envPairs(env: SpawnOptions['env']): Array<readonly [string, string]> {
  if (!env) return [];
  return Array.isArray(env) ? env as Array<readonly [string, string]> : Object.entries(env);
}

function checkGrants(grants: readonly ExportSpec[]): readonly ExportSpec[] {
  const seen = new Set<string>();
  for (const g of grants) {
    if (typeof g.name !== 'string' || !NAME.test(g.name)) throw new CellError('cell/bad-grants', `grant name ${JSON.stringify(g.name)} is not kebab-case`);
    if (seen.has(g.name)) throw new CellError('cell/bad-grants', `grant ${g.name} is given twice`);
    seen.add(g.name);
  }
  return grants;
}
