// The HttpListener capability (schema/system.capnp), as the node serves
// it through Host.network(): listen(CellSpec, prefix) -> Registration puts
// a route on the node's WAGI gateway (runtime/node/wagi.ts).
//
// A CellSpec names its component one of two ways:
// - `executor`: an Executor capability. Every request spawns through it
//   (runtime/cell/cgi-remote.ts), so an executor in another vat or behind
//   a membrane policy works, and the policy sees, and may refuse, each
//   spawn (502 rpc/permission-denied). Its cid() is asked once, here, for
//   X-Wetware-Cell; an executor that will not say fails the listen.
// - `wasm`: the component's bytes, loaded with this node's CellRuntime
//   (translated and compiled once per CID), spawned in this process.
// `caps` are each cell's grants (held while the route lives), `args` and
// `env` go to every spawn, `limits` bound each cell (a local cell's are
// lowered to the node's ceilings; an executor applies its own). What a
// cell writes is held whole before it is sent, so its output is capped at
// the gateway's maxResponseBytes either way.
//
// The Registration ends the route on cancel(), or by itself once the
// epoch it was made in is over (when the node gives an epoch). Errors
// cross RPC with their code first (`failed: node/route-taken: ...`), so
// Glia sees :node/route-taken, :cell/invalid and so on.
import * as $ from 'capnp-es';
import { HttpListener$Server, Registration$Server, Registration$Client, type CellSpec } from '../../../schema/generated/system.js';
import { capOfPointer, toHook, type Hook } from '../../rpc/hooks.js';
import { RpcError } from '../../rpc/errors.js';
import type { Epoch } from '../../membrane/epoch.js';
import type { ExportSpec } from '../../membrane/membrane.js';
import type { CellRuntime } from '../../cell/runtime.js';
import type { CellLimits } from '../../cell/limits.js';
import { CellError } from '../../cell/errors.js';
import { cellRpcError, limitsOf, listOf, envPairs } from '../../cell/servers.js';
import { executorTarget, type CgiTarget } from '../../cell/http-listener.js';
import { remoteCid, runHttpCellRemote, cellErrorOf, type RemoteSpawn } from '../../cell/cgi-remote.js';
import { NodeError } from '../errors.js';
import type { WagiGateway } from '../wagi.js';

export interface HttpListenerCapOptions {
  /** The node's epoch: routes made in an epoch end with it, and local cells' grants are guarded by it. */
  epoch?: Epoch;
  /** The most each limit of a local cell may be set to (Limits in system.capnp). */
  ceilings?: Partial<CellLimits>;
}

/** The HttpListener capability over the node's gateway and runtime. */
export function httpListenerHook(gateway: WagiGateway, runtime: CellRuntime, opts: HttpListenerCapOptions = {}): Hook {
  return toHook(new HttpListener$Server({
    listen: async (p, r) => {
      try {
        const prefix = p.prefix;
        if (!p._hasCell()) throw new CellError('cell/bad-spawn', 'listen needs a CellSpec', {}, 'in Glia: (perform host :listen (cell wasm) "/prefix")');
        // Before anything is loaded: a taken prefix fails at once.
        gateway.assertFree(prefix);
        const { target, held } = await targetOf(p.cell, runtime, opts, gateway.maxResponseBytes);
        let reg;
        try {
          const epoch = opts.epoch;
          const issued = epoch?.seq;
          reg = gateway.register(prefix, target, epoch ? { alive: () => epoch.seq === issued } : {});
        } catch (e) { release(held); throw e; }
        const registration = reg;
        r.registration = new Registration$Client(toHook(new Registration$Server({
          cancel: async () => {
            if (registration.cancelled) return;
            registration.cancel();
            release(held);
          },
        })) as any);
      } catch (e) {
        throw rpcErrorOf(e);
      }
    },
  }))!;
}

async function targetOf(spec: CellSpec, runtime: CellRuntime, opts: HttpListenerCapOptions, maxResponseBytes: number): Promise<{ target: CgiTarget; held: Hook[] }> {
  const args = listOf(spec.args);
  const env = listOf(spec.env);
  const pairs = envPairs(env);
  // References of the route's own: the call's params go away when it returns.
  const caps: ExportSpec[] = [];
  const list = spec.caps;
  for (let i = 0; i < list.length; i++) {
    const e = list.get(i);
    caps.push({ name: e.name, interfaceId: e.interfaceId, cap: capOfPointer(e.cap).dup() });
  }
  const held = caps.map((c) => c.cap);
  try {
    const execPtr = $.utils.getPointer(0, spec);
    if (!$.utils.isNull(execPtr)) {
      const exec = capOfPointer(execPtr).dup();
      held.push(exec);
      let cid: string;
      try { cid = await remoteCid(exec); }
      catch (e) {
        const c = cellErrorOf(e);
        throw new CellError('cell/bad-spawn', `the CellSpec's executor did not give its CID (${c.code}: ${c.message})`, {},
          'a listener sends the CID in X-Wetware-Cell: grant the executor\'s :cid as well as :spawn');
      }
      const l = spec._hasLimits() ? spec.limits : null;
      const remote: RemoteSpawn = {
        args, env, caps,
        limits: l ? { wallClockMs: l.wallClockMs, cpuMs: l.cpuMs, memoryBytes: l.memoryBytes, outputBytes: l.outputBytes } : null,
      };
      return { target: { cid, run: (req, signal) => runHttpCellRemote(exec, req, remote, signal, maxResponseBytes) }, held };
    }
    if (!spec._hasWasm() || spec.wasm.length === 0) {
      throw new CellError('cell/bad-spawn', 'the CellSpec has neither an executor nor the component\'s bytes (wasm)', {}, 'set one of them');
    }
    const executor = await runtime.load(new Uint8Array(spec.wasm.toUint8Array()));
    const limits = spec._hasLimits() ? limitsOf(spec.limits, opts.ceilings) : {};
    // A response is held whole before it is sent: the gateway's cap bounds it.
    limits.outputBytes = Math.min(limits.outputBytes ?? maxResponseBytes, maxResponseBytes);
    const target = executorTarget(executor, {
      args, env: pairs, grants: caps, limits,
      ...(opts.epoch ? { epoch: opts.epoch } : {}),
    });
    return { target, held };
  } catch (e) {
    release(held);
    throw e;
  }
}

function release(held: Hook[]): void {
  for (const h of held.splice(0)) h.close();
}


/** Node and cell errors keep their code first in the reason, so Glia sees their type. */
function rpcErrorOf(e: unknown): RpcError {
  if (e instanceof NodeError) return new RpcError('failed', `${e.code}: ${e.message}`);
  return cellRpcError(e);
}
