// A Glia cell's grants over its membrane: the cell's end of the Cap'n
// Proto connection, on the ww:cell/membrane channel (raw and http modes)
// or on stdin/stdout (pid0 and vat modes; doc/cells.md, "Capabilities for
// cells"), whichever ByteChannel the cell gives it, through SyncVat, the in-cell
// endpoint whose calls block until their Return. On the first call it
// bootstraps the host's Membrane and grafts once; each grant call is then
// one Cap'n Proto call, its params written and its results read by the
// capability-signature table (runtime/membrane/glia-values.ts), as Glia
// calls on schema capabilities are everywhere else: positional arguments
// or keyword options, and capabilities inside both ways. A capability in
// the results is a CellCap, called the same way; a grant, a CellCap or a
// capability the cell makes (a defcap, attenuated or not) can be passed
// in params, the last exported by the cell and served while it waits.
import * as $ from 'capnp-es';
import { read as channelRead, write as channelWrite } from 'ww:cell/membrane@0.1.0';
import { SyncVat, RemoteError, CellRef, CellExport, type ByteChannel, type CapRef, type SyncServer } from '../sync-vat.js';
import { writeField, readResults, readValue, writeValue, splitArgs, type CapBridge } from '../../membrane/glia-values.js';
import type { Hook } from '../../rpc/hooks.js';
import { CapabilityBase } from '../../../glia/values/capability.js';
import { kw } from '../../../glia/values/keyword.js';
import { GliaCap$Client, type GliaCap_Call$Params, type GliaCap_Call$Results, type GliaCap_Describe$Results } from '../../../schema/generated/glia.js';
import { capabilityInterfaceForBinding, capabilityMethod, capabilityMethods, type CapabilityInterface, type CapabilityMethod } from '../../../glia/compile/capabilities.js';
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
import { GrantCap, type GrantCaller } from './grant-cap.js';

const GLIA_CAP_ID = GliaCap$Client.interfaceId;

/** Runs a method of a capability the cell made, on the cell's session (its effects reach the session's handlers). */
export type CapInvoker = (cap: CapabilityBase, method: Keyword, args: any[]) => any;

/** A capability of the host's that reached the cell inside params or results; its calls block like a grant's. */
export class CellCap extends CapabilityBase {
  constructor(readonly ref: CapRef, readonly iface: CapabilityInterface | undefined, private readonly link: MembraneLink) { super(); }
  get interfaceName(): string { return this.iface?.name ?? 'capability'; }
  get interfaceId(): bigint { return this.iface ? BigInt(this.iface.id) : 0n; }
  methods(): Keyword[] | null {
    return this.iface && this.interfaceId !== GLIA_CAP_ID ? capabilityMethods(this.iface).map((m) => kw(m.name)) : null;
  }
  invoke(method: Keyword, args: any[]): any { return this.link.callOn(this.ref, this.iface, method, args, `${this.interfaceName} ${prStr(method)}`); }
}

export class MembraneLink {
  private vat: SyncVat | null = null;
  private grants: Map<string, CapRef> | null = null;
  private graftError: string | null = null;
  private readonly exported = new Map<CapabilityBase, CellExport>();
  private readonly byExport = new Map<number, CapabilityBase>();
  private readonly invoke: CapInvoker;
  private readonly served: CapabilityBase | null;

  /** How capabilities cross this connection: the cell's side of glia-values' CapBridge. */
  readonly bridge: CapBridge = {
    hookOf: (cap) => this.hookOf(cap),
    interfaceIdOf: (cap) => (cap instanceof CellCap ? cap.interfaceId
      : cap instanceof GrantCap ? BigInt(capabilityInterfaceForBinding(cap.grantName)?.id ?? 0) : GLIA_CAP_ID),
    capOf: (hook, iface) => this.capOf(hook, iface),
  };

  /**
   * `channel`: the membrane channel (the default), or stdio in pid0 and vat
   * modes; `opts.serve`: the capability the cell serves as its bootstrap
   * (vat); `opts.invoke`: how the cell's own capabilities run when the host
   * calls them.
   */
  constructor(private readonly channel: ByteChannel = { read: (max) => channelRead(max), write: (b) => channelWrite(b) },
    opts: { serve?: CapabilityBase; invoke?: CapInvoker } = {}) {
    this.invoke = opts.invoke ?? ((cap, method, args) => cap.invoke(method, args));
    this.served = opts.serve ?? null;
  }

  private endpoint(): SyncVat {
    if (!this.vat) {
      const server = this.served ? gliaCapServer(this.served, this.invoke, this.bridge) : null;
      this.vat = new SyncVat(this.channel, server);
      // The bootstrap capability is export 0.
      if (server) { this.exported.set(this.served!, new CellExport(0, server)); this.byExport.set(0, this.served!); }
    }
    return this.vat;
  }

  /** The hook a capability goes out as: the host's own back to it, the cell's exported. */
  private hookOf(cap: unknown): Hook {
    if (cap instanceof CellCap) return new CellRef(cap.ref);
    if (cap instanceof GrantCap) {
      const ref = this.grafted().get(cap.grantName);
      if (!ref) fail('cap-call-failed', `the host did not hand this cell its ${cap.grantName} grant, so it cannot be passed on`);
      return new CellRef(ref);
    }
    if (cap instanceof CapabilityBase) {
      let e = this.exported.get(cap);
      if (!e) {
        e = this.endpoint().exportServer(gliaCapServer(cap, this.invoke, this.bridge));
        this.exported.set(cap, e);
        this.byExport.set(e.id, cap);
      }
      return e;
    }
    return fail('type-mismatch', `expected a capability, got ${prStr(cap)}`);
  }

  private capOf(hook: Hook | null, iface: CapabilityInterface | undefined): unknown {
    if (hook instanceof CellRef) return new CellCap(hook.ref, iface, this);
    if (hook instanceof CellExport) return this.byExport.get(hook.id) ?? null;
    return null; // none, or a descriptor a cell cannot hold
  }

  /** Serves the host's calls until it closes the connection (a vat cell's main loop); why it ended. */
  serve(): string | null {
    const vat = this.endpoint();
    vat.serve();
    return vat.closedWith;
  }

  readonly call: GrantCaller = (grant, method, args) => {
    const what = `${grant} ${prStr(method)}`;
    const m = schemaMethod(grant, method);
    splitArgs(m, args); // a wrong count fails here, before the graft
    const cap = this.grafted().get(grant);
    if (!cap) {
      fail('cap-call-failed', `${what}: the host did not hand this cell its ${grant} grant${this.graftError ? ` (${this.graftError})` : ''}`,
        { method }, 'grants are handed by whoever spawns the cell; ww cell run hands none');
    }
    return this.callOn(cap, capabilityInterfaceForBinding(grant), method, args, what);
  };

  /** One call on a capability of the host's, blocking until it returns: a schema method, or a GliaCap's by name. */
  callOn(target: CapRef, iface: CapabilityInterface | undefined, method: Keyword, args: any[], what: string): unknown {
    if (!iface) {
      fail('cap-call-failed', `${what}: this capability's interface is not known here`, null,
        'capabilities received as a bare Capability field carry no interface; ask its sender for a typed one');
    }
    const vat = this.endpoint();
    try {
      if (BigInt(iface.id) === GLIA_CAP_ID) {
        const desc = GliaCap$Client.methods[0]!;
        const q = vat.call(target, GLIA_CAP_ID, 0, desc.ParamsClass, (p: GliaCap_Call$Params) => {
          p.method = method.fqn;
          const list = p._initArgs(args.length);
          args.forEach((a, i) => writeValue(list.get(i), a, this.bridge));
        });
        const { results } = vat.wait(q, desc.ResultsClass);
        return readValue((results as unknown as GliaCap_Call$Results).result, this.bridge);
      }
      const m = capabilityMethod(iface, method.name);
      if (!m) return fail('unknown-method', `${iface.name} has no method ${prStr(method)}`, { method, interface: iface.name });
      const { positional, options } = splitArgs(m, args);
      const gen = ($.Registry.lookup(BigInt(m.interfaceId)) as { methods: any[] } | undefined)?.methods[m.ordinal];
      if (!gen) fail('cap-call-failed', `${what}: no generated client for ${m.interfaceName} in this cell`);
      const where = (i: number) => `${what} argument ${m.params[i]!.name}`;
      const q = vat.call(target, BigInt(m.interfaceId), m.ordinal, gen.ParamsClass, (p) => {
        positional.forEach((v, i) => writeField(p, m.params[i]!, v, where(i), this.bridge));
        for (const [i, v] of options) writeField(p, m.params[i]!, v, where(i), this.bridge);
      });
      const { results } = vat.wait(q, gen.ResultsClass);
      return readResults(results, m.results, this.bridge);
    } catch (e) {
      if (e instanceof RemoteError) throw remoteToGlia(e.reason, what);
      throw e;
    }
  }

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
export function gliaCapServer(cap: CapabilityBase, invoke: CapInvoker, bridge: CapBridge): SyncServer {
  const [call, describe] = GliaCap$Client.methods;
  return {
    interfaceId: GliaCap$Client.interfaceId,
    methods: {
      0: {
        Params: call.ParamsClass, Results: call.ResultsClass,
        impl: (p: GliaCap_Call$Params, r: GliaCap_Call$Results) => {
          const args: unknown[] = [];
          for (let i = 0; i < p.args.length; i++) args.push(readValue(p.args.get(i), bridge));
          let v: unknown;
          try { v = invoke(cap, kw(p.method), args); }
          catch (e) {
            if (e instanceof GliaError) {
              const t = errorType(e.value);
              throw new Error(t ? `${t.fqn}: ${messageOf(e.value)}` : messageOf(e.value));
            }
            throw e;
          }
          writeValue(r._initResult(), v, bridge);
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
