// A CellSpec (schema/system.capnp) read into what a listener needs to
// start one cell per connection on this node: the component loaded with
// the node's CellRuntime (cached by CID), its args, environment, grants
// and limits. The grants are references of the listener's own (the call's
// params go away when it returns); `release()` drops them when the
// registration ends.
import type { CellSpec } from '../../../schema/generated/system.js';
import { capOfPointer, type Hook } from '../../rpc/hooks.js';
import type { ExportSpec } from '../../membrane/membrane.js';
import type { CellRuntime } from '../../cell/runtime.js';
import type { Executor } from '../../cell/executor.js';
import type { CellLimits } from '../../cell/limits.js';
import { CellError } from '../../cell/errors.js';
import { limitsOf, listOf, envPairs } from '../../cell/servers.js';
import * as $ from 'capnp-es';

export interface LocalCell {
  executor: Executor;
  args: string[];
  env: Array<[string, string]>;
  grants: ExportSpec[];
  limits: Partial<CellLimits>;
  release(): void;
}

export async function readLocalCell(spec: CellSpec, runtime: CellRuntime, what: string, ceilings?: Partial<CellLimits>): Promise<LocalCell> {
  if (!$.utils.isNull($.utils.getPointer(0, spec))) {
    throw new CellError('cell/bad-spawn', `${what} runs cells from their bytes: a CellSpec with an Executor is served by HttpListener only`, {},
      'pass the component itself: (cell wasm grants)');
  }
  if (!spec._hasWasm() || spec.wasm.length === 0) throw new CellError('cell/bad-spawn', 'the CellSpec has no component bytes (wasm)', {}, 'in Glia: (cell wasm grants)');
  const args = listOf(spec.args);
  const env = envPairs(listOf(spec.env)).filter(([k]) => k !== 'WW_CELL_MODE'); // the listener sets the mode
  const grants: ExportSpec[] = [];
  for (let i = 0; i < spec.caps.length; i++) {
    const e = spec.caps.get(i);
    grants.push({ name: e.name, interfaceId: e.interfaceId, cap: capOfPointer(e.cap).dup() });
  }
  const release = () => { for (const g of grants.splice(0)) g.cap.close(); };
  try {
    const executor = await runtime.load(new Uint8Array(spec.wasm.toUint8Array()));
    const limits = spec._hasLimits() ? limitsOf(spec.limits, ceilings) : {};
    return { executor, args, env, grants, limits, release };
  } catch (e) { release(); throw e; }
}

/** The grants as one cell's own references (each cell closes its own). */
export function grantsFor(cell: LocalCell): ExportSpec[] {
  return cell.grants.map((g) => ({ ...g, cap: g.cap.dup() as Hook }));
}
