// A Glia cell's grants over its membrane: the cell's end of the Cap'n
// Proto connection, on the ww:cell/membrane channel (raw and http modes)
// or on stdin/stdout (pid0 and vat modes; doc/cells.md, "Capabilities for
// cells"), whichever ByteChannel the cell gives it, through SyncVat, the in-cell
// endpoint whose calls block until their Return. On the first call it
// bootstraps the host's Membrane and grafts once; each grant call is then
// one Cap'n Proto call, its params written and its results read by the
// capability-signature table (runtime/membrane/glia-values.ts), as Glia
// calls on schema capabilities are everywhere else.
import * as $ from 'capnp-es';
import { read as channelRead, write as channelWrite } from 'ww:cell/membrane@0.1.0';
import { SyncVat, RemoteError, type ByteChannel, type CapRef, type SyncServer } from '../sync-vat.js';
import { writeField, readResults, readValue, writeValue, type CapBridge } from '../../membrane/glia-values.js';
import { CapabilityBase } from '../../../glia/values/capability.js';
import { kw } from '../../../glia/values/keyword.js';
import { GliaCap$Client, type GliaCap_Call$Params, type GliaCap_Call$Results, type GliaCap_Describe$Results } from '../../../schema/generated/glia.js';
import { capabilityInterfaceForBinding, capabilityMethod, type CapabilityMethod } from '../../../glia/compile/capabilities.js';
import { fail, gliaError, GliaError, errorType, messageOf } from '../../../glia/values/errors.js';
import type { Keyword } from '../../../glia/values/keyword.js';
import { prStr } from '../../../glia/values/printer.js';
import { Membrane$Client, Membrane_Graft$Params, Membrane_Graft$Results } from '../../../schema/generated/membrane.js';
// The generated clients register their interfaces in capnp-es's Registry,
// where a method's params and results classes are found by interface id.
import '../../../schema/generated/system.js';
import '../../../schema/generated/routing.js';
import '../../../schema/generated/auth.js';
import '../../../schema/generated/http.js';
import type { GrantCaller } from './grant-cap.js';

/** Capabilities inside params or results are not carried yet (std/status needs none). */
const NO_CAPS: CapBridge = {
  hookOf: () => fail('cap-call-failed', 'a Glia cell cannot send capabilities over its membrane yet'),
  interfaceIdOf: () => 0n,
  capOf: () => fail('cap-call-failed', 'a Glia cell cannot receive capabilities over its membrane yet'),
};

export class MembraneLink {
  private vat: SyncVat | null = null;
  private grants: Map<string, CapRef> | null = null;
  private graftError: string | null = null;

  /**
   * `channel`: the membrane channel (the default), or stdio in pid0 and vat
   * modes; `served`: the capability the cell serves as its bootstrap (vat).
   */
  constructor(private readonly channel: ByteChannel = { read: (max) => channelRead(max), write: (b) => channelWrite(b) },
    private readonly served: SyncServer | null = null) {}

  private endpoint(): SyncVat { return (this.vat ??= new SyncVat(this.channel, this.served)); }

  /** Serves the host's calls until it closes the connection (a vat cell's main loop); why it ended. */
  serve(): string | null {
    const vat = this.endpoint();
    vat.serve();
    return vat.closedWith;
  }

  readonly call: GrantCaller = (grant, method, args) => {
    const what = `${grant} ${prStr(method)}`;
    const m = schemaMethod(grant, method);
    if (args.length !== m.params.length) {
      fail('arity-mismatch', `${what} takes ${m.params.length} argument${m.params.length === 1 ? '' : 's'}, got ${args.length}`);
    }
    const cap = this.grafted().get(grant);
    if (!cap) {
      fail('cap-call-failed', `${what}: the host did not hand this cell its ${grant} grant${this.graftError ? ` (${this.graftError})` : ''}`,
        { method }, 'grants are handed by whoever spawns the cell; ww cell run hands none');
    }
    const gen = ($.Registry.lookup(BigInt(m.interfaceId)) as { methods: any[] } | undefined)?.methods[m.ordinal];
    if (!gen) fail('cap-call-failed', `${what}: no generated client for ${m.interfaceName} in this cell`);
    const vat = this.vat!;
    try {
      const q = vat.call(cap, BigInt(m.interfaceId), m.ordinal, gen.ParamsClass,
        (p) => args.forEach((v, i) => writeField(p, m.params[i]!, v, `${what} argument ${m.params[i]!.name}`, NO_CAPS)));
      const { results } = vat.wait(q, gen.ResultsClass);
      return readResults(results, m.results, NO_CAPS);
    } catch (e) {
      if (e instanceof RemoteError) throw remoteToGlia(e.reason, what);
      throw e;
    }
  };

  /** The grants by name: the graft's result, asked for once. */
  private grafted(): Map<string, CapRef> {
    if (this.grants) return this.grants;
    const vat = this.endpoint();
    this.grants = new Map();
    try {
      const membrane = vat.bootstrap();
      const { results, cap } = vat.request(membrane, Membrane$Client.interfaceId, 0, Membrane_Graft$Params, Membrane_Graft$Results);
      for (let i = 0; i < results.caps.length; i++) {
        const e = results.caps.get(i);
        this.grants.set(e.name, cap(e.cap));
      }
    } catch (e) {
      // Without grants the channel is at its end from the start.
      this.graftError = e instanceof RemoteError ? e.reason : String((e as Error)?.message ?? e);
    }
    return this.grants;
  }
}

/**
 * A defcap as the cell's bootstrap capability (vat mode): GliaCap
 * (schema/glia.capnp), `call` running the method through `invoke` (the
 * session's effect driver), synchronously; `describe` its name and methods.
 * A Glia error becomes the exception's reason `type: message`.
 */
export function gliaCapServer(cap: CapabilityBase, invoke: (cap: CapabilityBase, method: Keyword, args: any[]) => any): SyncServer {
  const [call, describe] = GliaCap$Client.methods;
  return {
    interfaceId: GliaCap$Client.interfaceId,
    methods: {
      0: {
        Params: call.ParamsClass, Results: call.ResultsClass,
        impl: (p: GliaCap_Call$Params, r: GliaCap_Call$Results) => {
          const args: unknown[] = [];
          for (let i = 0; i < p.args.length; i++) args.push(readValue(p.args.get(i), NO_CAPS));
          let v: unknown;
          try { v = invoke(cap, kw(p.method), args); }
          catch (e) {
            if (e instanceof GliaError) {
              const t = errorType(e.value);
              throw new Error(t ? `${t.fqn}: ${messageOf(e.value)}` : messageOf(e.value));
            }
            throw e;
          }
          writeValue(r._initResult(), v, NO_CAPS);
        },
      },
      1: {
        Params: describe.ParamsClass, Results: describe.ResultsClass,
        impl: (_p: unknown, r: GliaCap_Describe$Results) => {
          r.name = cap.interfaceName;
          const ms = (cap.methods() ?? []).map((k) => k.fqn).sort();
          const list = r._initMethods(ms.length);
          ms.forEach((m, i) => list.set(i, m));
        },
      },
    },
  };
}

function schemaMethod(grant: string, method: Keyword): CapabilityMethod {
  const iface = capabilityInterfaceForBinding(grant);
  if (!iface) return fail('cap-call-failed', `${grant}: this cell knows no schema interface for the name ${grant}`);
  const m = capabilityMethod(iface, method.name);
  if (!m) return fail('unknown-method', `${iface.name} has no method ${prStr(method)}`, { method, interface: iface.name });
  return m;
}

/** An RPC exception's reason (`permission-denied: ...`) as the Glia error a `try` catches. */
function remoteToGlia(reason: string, what: string): GliaError {
  const kind = /^([a-z-]+):/.exec(reason)?.[1];
  const type = kind === 'permission-denied' || kind === 'stale-epoch' ? kind : kind === 'disconnected' ? 'disconnected' : 'cap-call-failed';
  return gliaError(type, `${what}: ${reason}`);
}
