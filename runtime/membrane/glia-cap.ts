// The Glia binding of Cap'n Proto capabilities. A capability a vat holds
// is a Glia capability value (RpcCap); `(perform cap :method args...)`
// calls the schema method through the capability's hook, so the membrane
// below sees every call. `(attenuate cap [:m ...])` on one builds a real
// PolicyHook. Glia capabilities (`defcap`) go the other way: served to
// other vats as GliaCap (schema/glia.capnp), each with its own export.
//
// Everything here enters Glia through its host-effect interface: the
// driver calls `invoke` when no Glia handler interposes, so a
// `with-effect-handler` on a capability still interposes locally.
import { CapabilityBase, LocalCap, Attenuated } from '../../glia/values/capability.js';
import { Keyword, kw } from '../../glia/values/keyword.js';
import { fail, gliaError, GliaError, errorType, messageOf } from '../../glia/values/errors.js';
import { prStr } from '../../glia/values/printer.js';
import { closest } from '../../glia/compile/suggest.js';
import { gliaMethod, gliaMethods } from '../../glia/compile/conveniences.js';
import { capabilityInterfaceById, capabilityMethod, capabilityMethods, capabilityStruct, type CapabilityInterface, type CapabilityMethod, type CapnpType } from '../../glia/compile/capabilities.js';
import type { Session } from '../../glia/eval/session.js';
import * as $ from 'capnp-es';
import { GliaCap$Client, GliaCap$Server, type GliaCap_Call$Params, type GliaCap_Call$Results } from '../../schema/generated/glia.js';
import { toHook, type Hook } from '../rpc/hooks.js';
import { RpcError, toRpcError } from '../rpc/errors.js';
import { Policy, attenuate as attenuateHook, PolicyHook } from './policy.js';
import { writeField, readResults, writeValue, readValue, splitArgs, type CapBridge } from './glia-values.js';

const GLIA_CAP_ID = GliaCap$Client.interfaceId;

const structLists = new WeakMap<CapabilityMethod, boolean>();
/** Whether a method's params hold a list of structs, at any depth (then they are written in place). */
function holdsStructList(m: CapabilityMethod): boolean {
  let known = structLists.get(m);
  if (known === undefined) { known = m.params.some((f) => typeHoldsStructList(f.type, new Set())); structLists.set(m, known); }
  return known;
}
function typeHoldsStructList(t: CapnpType, seen: Set<string>): boolean {
  if (t.kind === 'List') return t.element?.kind === 'Struct' || (t.element ? typeHoldsStructList(t.element, seen) : false);
  if (t.kind !== 'Struct' || !t.name || seen.has(t.name)) return false;
  seen.add(t.name);
  return (capabilityStruct(t.name)?.fields ?? []).some((f) => typeHoldsStructList(f.type, seen));
}
const GLIA_CALL = 0, GLIA_DESCRIBE = 1;

/** A Cap'n Proto capability as a Glia value. */
export class RpcCap extends CapabilityBase {
  constructor(readonly hook: Hook, readonly iface: CapabilityInterface | undefined, protected readonly bridge: GliaBridge) { super(); }

  get interfaceName(): string { return this.iface?.name ?? 'capability'; }
  get interfaceId(): bigint { return this.iface ? BigInt(this.iface.id) : 0n; }

  methods(): Keyword[] | null {
    if (!this.iface || this.interfaceId === GLIA_CAP_ID) return null;
    return capabilityMethods(this.iface).map((m) => kw(m.name));
  }

  invoke(method: Keyword, args: any[]): Promise<unknown> {
    if (!this.iface) {
      fail('cap-call-failed', `this capability's interface is not known here, so ${prStr(method)} cannot be called on it`, null,
        'capabilities received as a bare Capability field carry no interface; ask its sender for a typed one');
    }
    if (this.interfaceId === GLIA_CAP_ID) return this.invokeGlia(method, args);
    const m = this.method(method);
    const gen = generatedMethod(m);
    const { positional, options } = splitArgs(m, args);
    const where = (i: number) => `${this.interfaceName} ${prStr(method)} argument ${m.params[i]!.name}`;
    // Params are built here, before anything is sent, so a bad argument
    // fails as a Glia error in the caller.
    const write = (params: any) => {
      positional.forEach((v, i) => writeField(params, m.params[i]!, v, where(i), this.bridge));
      for (const [i, v] of options) writeField(params, m.params[i]!, v, where(i), this.bridge);
    };
    const params = new $.Message().initRoot(gen.ParamsClass) as any;
    write(params);
    // capnp-es's copy of a list of structs with both data and pointers
    // (Executor.spawn's caps, a CellSpec's) copies the pointer words with
    // the data, then follows those stale words and fails ("Invalid typed
    // array length"); such params are written again in the call's message.
    const answer = holdsStructList(m)
      ? this.hook.call({ method: gen, paramsFunc: write })
      : this.hook.call({ method: gen, params });
    return answer.struct().then(
      (s) => readResults($.utils.getAs(gen.ResultsClass, s), m.results, this.bridge),
      (e) => { throw toGlia(e, `${this.interfaceName} ${prStr(method)}`); },
    );
  }

  private method(method: Keyword): CapabilityMethod {
    const m = capabilityMethod(this.iface!, method.name);
    if (m) return m;
    // The did-you-mean and the list include the conveniences (runtime :run).
    const names = gliaMethods(this.iface!).map((x) => x.name);
    const guess = closest(method.name, names);
    return fail('unknown-method', `${this.interfaceName} has no method ${prStr(method)}${guess ? `; did you mean :${guess}?` : ''}`,
      { method, interface: this.interfaceName }, `its methods are ${names.map((n) => ':' + n).join(' ')}`);
  }

  private invokeGlia(method: Keyword, args: any[]): Promise<unknown> {
    const desc = GliaCap$Client.methods[GLIA_CALL]!;
    const p = new $.Message().initRoot(desc.ParamsClass);
    p.method = method.fqn;
    const list = p._initArgs(args.length);
    args.forEach((a, i) => writeValue(list.get(i), a, this.bridge));
    const answer = this.hook.call({ method: desc, params: p });
    return answer.struct().then(
      (s) => readValue($.utils.getAs(GliaCap$Client.methods[GLIA_CALL]!.ResultsClass, s).result, this.bridge),
      (e) => { throw toGlia(e, `${prStr(method)}`); },
    );
  }

  /** `(attenuate cap [:m ...])`: a membrane policy on the hook, not a check in the evaluator. */
  override attenuateMethods(methods: Keyword[]): CapabilityBase {
    if (!this.iface) fail('cap-call-failed', 'cannot attenuate a capability whose interface is not known here');
    if (this.interfaceId === GLIA_CAP_ID) {
      return new RpcCap(attenuateHook(this.hook, gliaMethodPolicy(methods.map((k) => k.fqn))), this.iface, this.bridge);
    }
    const allow = new Map<bigint, Set<number>>();
    const add = (m: CapabilityMethod) => {
      const iid = BigInt(m.interfaceId);
      if (!allow.has(iid)) allow.set(iid, new Set());
      allow.get(iid)!.add(m.ordinal);
    };
    for (const k of methods) {
      // A convenience (runtime :run) is allowed by allowing the schema calls
      // it makes (Runtime.load, Executor.spawn, Process.wait): the policy
      // sees only those, and confines what they return to the same list.
      const c = capabilityMethod(this.iface, k.name) ? undefined : gliaMethod(this.iface, k.name);
      if (c?.convenience) for (const p of c.performs) add(performedMethod(this.iface, p));
      else add(this.method(k));
    }
    // The same class, so an attenuated capability keeps its Glia conveniences (runtime :run).
    return new (this.constructor as typeof RpcCap)(attenuateHook(this.hook, new Policy(allow)), this.iface, this.bridge);
  }
}

/**
 * Value classes for interfaces with Glia conveniences (doc/language.md §8, "Conveniences"),
 * by interface id; runtime/membrane/runtime-cap.ts registers Runtime's.
 */
/** A schema call a convenience performs: `load` on its own interface, or `Executor/:spawn`. */
function performedMethod(own: CapabilityInterface, p: string): CapabilityMethod {
  const slash = p.indexOf('/');
  const m = slash < 0 ? capabilityMethod(own, p) : capabilityMethod(p.slice(0, slash), p.slice(slash + 1));
  if (!m) fail('internal', `the convenience table names ${p}, which is not a schema method`);
  return m;
}

export const capValueClasses = new Map<bigint, new (hook: Hook, iface: CapabilityInterface | undefined, bridge: GliaBridge) => RpcCap>();

/** The generated method descriptor (params and results classes) for a table method. */
function generatedMethod(m: CapabilityMethod): any {
  const client = $.Registry.lookup(BigInt(m.interfaceId)) as { methods: any[] } | undefined;
  const gen = client?.methods[m.ordinal];
  if (!gen) fail('cap-call-failed', `${m.interfaceName}.${m.schemaName} has no generated client in this runtime`);
  return gen;
}

/** The Glia error type (in `glia.error`) for each RPC error code. */
const GLIA_ERROR_TYPE: Record<RpcError['code'], string> = {
  'permission-denied': 'permission-denied',
  'stale-epoch': 'stale-epoch',
  overloaded: 'limit',
  disconnected: 'disconnected',
  unimplemented: 'unknown-method',
  failed: 'cap-call-failed',
  malformed: 'cap-call-failed',
};

/** An RPC failure as the Glia error a `try` can catch: `:glia.error/permission-denied` and so on. */
export function toGlia(e: unknown, what: string): GliaError {
  if (e instanceof GliaError) return e;
  const r = toRpcError(e);
  // A Glia error thrown by a remote defcap keeps its type.
  const typed = /^([\w.\-]+\/[\w.\-?!*]+): ([\s\S]*)$/.exec(r.message);
  if (r.code === 'failed' && typed) return new GliaError(errorValueOf(typed[1]!, typed[2]!));
  const hint = r.code === 'stale-epoch' ? 'graft again for fresh capabilities'
    : r.code === 'disconnected' ? 'the vat that serves this capability is gone; reconnect and graft again'
      : r.code === 'overloaded' ? 'too many calls at once or too fast; retry later (ww/policy retry)' : undefined;
  return gliaError(GLIA_ERROR_TYPE[r.code], `${what}: ${r.message}`, { 'rpc-code': r.code }, hint);
}

function errorValueOf(typeFqn: string, message: string): any {
  const v = gliaError('x', message).value;
  return v.set(kw('glia.error/type'), kw(typeFqn));
}

/** A policy for GliaCap: `call` only for the named methods, and `describe`. */
function gliaMethodPolicy(names: string[]): Policy {
  return new Policy(new Map([[GLIA_CAP_ID, new Set([GLIA_CALL, GLIA_DESCRIBE])]]), [], new Set(names));
}

/** Reads the method name of a GliaCap.call, for policies that allow GliaCap methods by name. */
export function gliaCallMethod(params: $.Pointer): string {
  return $.utils.getAs(GliaCap$Client.methods[GLIA_CALL]!.ParamsClass, params).method;
}

/**
 * Connects one Glia session to the capability runtime: turns received
 * hooks into Glia values and Glia capabilities into hooks to send.
 */
export class GliaBridge implements CapBridge {
  private readonly served = new WeakMap<object, Hook>();
  /** The session whose defcaps this bridge serves (set once the session exists). */
  constructor(public session: Session | null = null) {}

  /** A received capability as a Glia value. */
  capOf(hook: Hook, iface: CapabilityInterface | undefined): RpcCap {
    const C = iface ? capValueClasses.get(BigInt(iface.id)) : undefined;
    return new (C ?? RpcCap)(hook, iface, this);
  }

  /** The same, knowing only the interface id (0n: unknown). */
  capOfId(hook: Hook, interfaceId: bigint): RpcCap {
    return this.capOf(hook, interfaceId ? capabilityInterfaceById(interfaceId) : undefined);
  }

  interfaceIdOf(cap: unknown): bigint {
    return cap instanceof RpcCap ? cap.interfaceId : GLIA_CAP_ID;
  }

  /** The hook that serves a Glia capability value to other vats. */
  hookOf(cap: unknown): Hook {
    if (cap instanceof RpcCap) return cap.hook;
    if (cap instanceof Attenuated) {
      // A defcap attenuated in Glia: the same restriction, as a membrane
      // policy, made for the message it is written into (so it floats:
      // whoever keeps it owns it).
      return attenuateHook(this.hookOf(cap.inner), gliaMethodPolicy([...cap.allow].map((k) => k.fqn)), { floating: true });
    }
    if (cap instanceof CapabilityBase) {
      let h = this.served.get(cap);
      if (!h) { h = toHook(this.server(cap))!; this.served.set(cap, h); }
      return h;
    }
    return fail('type-mismatch', `expected a capability, got ${prStr(cap)}`);
  }

  private server(cap: CapabilityBase): GliaCap$Server {
    return new GliaCap$Server({
      call: async (p: GliaCap_Call$Params, r: GliaCap_Call$Results) => {
        const args: unknown[] = [];
        const list = p.args;
        for (let i = 0; i < list.length; i++) args.push(readValue(list.get(i), this));
        let v: unknown;
        if (!this.session) throw new RpcError('failed', 'this capability\'s Glia session is gone');
        try { v = await this.session.invokeCapability(cap, kw(p.method), args); }
        catch (e) {
          if (e instanceof GliaError) {
            const t = errorType(e.value);
            throw new RpcError(t?.fqn === 'glia.error/permission-denied' ? 'permission-denied' : 'failed',
              t ? `${t.fqn}: ${messageOf(e.value)}` : messageOf(e.value));
          }
          throw e;
        }
        writeValue(r._initResult(), v, this);
      },
      describe: async (_p, r) => {
        r.name = cap.interfaceName;
        const ms = (cap.methods() ?? []).map((k) => k.fqn).sort();
        const list = r._initMethods(ms.length);
        ms.forEach((m, i) => list.set(i, m));
      },
    });
  }
}

/** A graft's exports as Glia values, by name (what a session binds). */
export function bindGraft(bridge: GliaBridge, exports: Array<{ name: string; interfaceId: bigint; cap: Hook }>): Record<string, RpcCap> {
  const out: Record<string, RpcCap> = {};
  for (const e of exports) out[e.name] = bridge.capOfId(e.cap, e.interfaceId);
  return out;
}

/** The interface id a defcap is served under. */
export const GLIA_CAP_INTERFACE_ID = GLIA_CAP_ID;

export { LocalCap, PolicyHook };
