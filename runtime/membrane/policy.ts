// Attenuation: a capability wrapped in a policy. The PolicyHook sits in the
// call path of every call on the capability — typed clients, calls
// pipelined on promised answers, and calls arriving over the wire all end
// in Hook.call — and checks (interface id, method ordinal) before anything
// reaches the capability inside. The RPC layer never looks through it, so
// when an attenuated capability is sent to another vat, that vat holds
// only an export id of the PolicyHook, and the policy here checks every
// call however many times the capability is passed on.
//
// Ownership: a PolicyHook owns one reference to the capability inside,
// and releases it when its own last reference is released (RefCount), so
// a dialed vat's connection closes when its holder lets go, even through a
// graft. attenuate() never takes the caller's reference: the wrapper dups
// its own (for a wrapper, of the capability inside it). A capability that
// comes back through a confined answer is handed over to the wrapper that
// replaces it in the results.
import { GliaCap$Client, GliaCap_Call$Params } from '../../schema/generated/glia.js';
import { Hook, Answer, BrokenAnswer, toHook, materialize, type CallSpec, type ResultSlot, type Transform } from '../rpc/hooks.js';
import { RpcError } from '../rpc/errors.js';
import type * as $ from 'capnp-es';
import { utils } from 'capnp-es';
const { getAs } = utils;
import { methodLabel, methodName, kebabCase } from './names.js';
import { RefCount } from '../rpc/refs.js';

/** A check besides the allowlist: a revocable switch, a rate limit, an epoch. */
export interface Guard {
  readonly kind: string;
  /** An error to fail the call with, or null to let it through. */
  check(interfaceId: bigint, methodId: number): RpcError | null;
}

/** Methods allowed, by interface id; null allows every method. */
export type Allowlist = ReadonlyMap<bigint, ReadonlySet<number>> | null;

export class Policy {
  /**
   * `gliaMethods` narrows a GliaCap (a `defcap` served over RPC, whose
   * methods are called by name through GliaCap.call): null allows them all.
   */
  /**
   * `inherited`: for a capability that came back through a call on an
   * attenuated one (ConfinedAnswer), the parent's allowlist it carries, so
   * a refusal by it can say the method list is the parent's: the usual
   * surprise with (attenuate host [:state-ref]).
   */
  constructor(readonly allow: Allowlist, readonly guards: readonly Guard[] = [], readonly gliaMethods: ReadonlySet<string> | null = null,
    readonly inherited: Allowlist = null) {}

  /** Both policies at once: allowlists intersect, every guard applies. */
  and(other: Policy): Policy {
    const glia = this.gliaMethods === null ? other.gliaMethods
      : other.gliaMethods === null ? this.gliaMethods
        : new Set([...this.gliaMethods].filter((m) => other.gliaMethods!.has(m)));
    return new Policy(intersect(this.allow, other.allow), [...this.guards, ...other.guards], glia, intersect(this.inherited, other.inherited));
  }

  /** This policy as a capability returned through a call under it holds it. */
  inheritedCopy(): Policy {
    return this.allow === null || this.inherited === this.allow ? this : new Policy(this.allow, this.guards, this.gliaMethods, this.allow);
  }

  /** Why a call is refused, or null when it may go through. */
  refusal(call: CallSpec): RpcError | null {
    const { interfaceId, methodId } = call.method;
    if (this.allow !== null && !this.allow.get(interfaceId)?.has(methodId)) {
      const fromParent = this.inherited !== null && !this.inherited.get(interfaceId)?.has(methodId);
      const why = fromParent ? `: it came back through an attenuated capability and keeps its method list (${allowedLabels(this.inherited!)}); `
        + `attenuate the capability itself instead: (attenuate cap [${':' + kebabCase(methodName(interfaceId, methodId))} ...])` : '';
      return new RpcError('permission-denied', `${methodLabel(interfaceId, methodId)} is not allowed by this capability's policy${why}`);
    }
    if (this.gliaMethods !== null && interfaceId === GliaCap$Client.interfaceId && methodId === 0) {
      const name = gliaMethodOf(call);
      if (!this.gliaMethods.has(name)) {
        return new RpcError('permission-denied', `method :${name} is not allowed by this capability's policy (allowed: ${[...this.gliaMethods].map((m) => ':' + m).join(' ') || 'nothing'})`);
      }
    }
    for (const g of this.guards) {
      const e = g.check(interfaceId, methodId);
      if (e) return e;
    }
    return null;
  }
}

/** The method name a GliaCap.call asks for (its params are built by then). */
function gliaMethodOf(call: CallSpec): string {
  return call.params ? getAs(GliaCap_Call$Params, call.params).method : '';
}

/** `Host.stateRef (@4), Host.id (@0)`, or `nothing`. */
function allowedLabels(allow: ReadonlyMap<bigint, ReadonlySet<number>>): string {
  const labels = [...allow].flatMap(([iid, ms]) => [...ms].map((m) => methodLabel(iid, m)));
  return labels.length ? labels.join(', ') : 'nothing';
}

function intersect(a: Allowlist, b: Allowlist): Allowlist {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Map<bigint, Set<number>>();
  for (const [iid, ms] of a) {
    const other = b.get(iid);
    if (!other) continue;
    const both = new Set([...ms].filter((m) => other.has(m)));
    if (both.size) out.set(iid, both);
  }
  return out;
}

/**
 * Wraps a capability in a policy; wrapping a wrapped one combines the
 * policies around the capability inside. The caller keeps its reference
 * to `cap`: the wrapper holds one of its own (a dup), released with the
 * wrapper's last reference. `floating`: the wrapper is made to be put in a
 * message (a graft's or a call's results), and its first keeper's dup()
 * takes its first reference (runtime/rpc/refs.ts).
 */
export function attenuate(cap: Hook, policy: Policy, opts: { floating?: boolean } = {}): PolicyHook {
  if (cap instanceof PolicyHook) return new PolicyHook(cap.inner.dup(), cap.policy.and(policy), opts);
  return new PolicyHook(cap.dup(), policy, opts);
}

export class PolicyHook extends Hook {
  private readonly refs: RefCount;
  /** Takes over the reference `inner` given (attenuate() dups one for it). */
  constructor(readonly inner: Hook, readonly policy: Policy, opts: { floating?: boolean } = {}) {
    super();
    this.refs = new RefCount(() => inner.close(), opts);
  }

  /** Whether its last reference was released (and with it the capability inside). */
  get released(): boolean { return this.refs.released; }
  override dup(): Hook { this.refs.dup(); return this; }
  override close(): void { this.refs.close(); }

  call(call: CallSpec, slot?: ResultSlot): Answer {
    // A policy that reads GliaCap method names needs the params built first
    // (once: the built call is what goes on).
    if (this.policy.gliaMethods !== null && !call.params && call.method.interfaceId === GliaCap$Client.interfaceId) {
      call = materialize({ ...call, method: { ...call.method, ParamsClass: call.method.ParamsClass ?? (GliaCap_Call$Params as any) } });
    }
    const refused = this.policy.refusal(call);
    if (refused) return new BrokenAnswer(refused);
    return new ConfinedAnswer(this.inner.call(call, slot), this.policy);
  }
  // Never looked through: the RPC layer exports the PolicyHook itself.
  override settled(): Hook { return this; }
}

/**
 * The answer of a call through a policy: every capability in the results,
 * and every capability pipelined on them, comes back wrapped in the same
 * policy, so a holder cannot escape it by asking for a sub-capability.
 */
class ConfinedAnswer extends Answer {
  private confined: Promise<$.Struct> | null = null;
  constructor(private readonly inner: Answer, private readonly policy: Policy) { super(); }
  struct(): Promise<$.Struct> {
    return (this.confined ??= this.inner.struct().then((s) => {
      const table = (s.segment.message as any)._capnp.capTable as unknown[] | undefined;
      if (table) {
        for (let i = 0; i < table.length; i++) {
          const h = toHook(table[i]);
          if (h) table[i] = this.confine(h);
        }
      }
      return s;
    }));
  }
  /**
   * The wrapper that replaces `h` in the results, handed what the results
   * held: a capability made for them (floating, such as a dialed vat's) is
   * taken over, so the wrapper's last release is its last; one lent by a
   * holder that keeps it gets a reference of the wrapper's own. The
   * wrapper floats in turn, for whoever takes the results.
   */
  private confine(h: Hook): Hook {
    // attenuate's dup takes a floating capability over, or adds to a lent one.
    const w = attenuate(h, this.policy.inheritedCopy(), { floating: true });
    // A wrapper is not wrapped again: the new one holds what is inside it,
    // and the results' reference to the old one is taken and dropped here.
    if (h instanceof PolicyHook) { h.dup(); h.close(); }
    return w;
  }
  /** A pipelined capability: the answer's own (cached, never released), so the wrapper keeps a reference. */
  protected makePipeline(t: Transform): Hook { return attenuate(this.inner.pipelineHook(t), this.policy.inheritedCopy()); }
}

/** A switch the issuer keeps: once revoked, every call fails `permission-denied`. */
export class Revoker {
  private revokedWith: string | null = null;
  revoke(reason = 'revoked by its issuer'): void { this.revokedWith = reason; }
  get revoked(): boolean { return this.revokedWith !== null; }
  guard(): Guard {
    return {
      kind: 'revocable',
      check: (iid, mid) => (this.revokedWith === null ? null
        : new RpcError('permission-denied', `${methodLabel(iid, mid)}: this capability was revoked (${this.revokedWith})`)),
    };
  }
}

/**
 * A token bucket: `perSecond` calls on average, bursts of up to `burst`.
 * Calls over the rate fail `overloaded` (retry later), not queue.
 */
export function rateLimit(perSecond: number, burst = Math.max(1, Math.ceil(perSecond)), now: () => number = () => performance.now()): Guard {
  let tokens = burst;
  let last = now();
  return {
    kind: 'rate-limit',
    check: (iid, mid) => {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSecond);
      last = t;
      if (tokens >= 1) { tokens -= 1; return null; }
      return new RpcError('overloaded', `${methodLabel(iid, mid)}: rate limit of ${perSecond} calls per second exceeded`);
    },
  };
}

/** An allowlist from method ordinals of one interface. */
export function allowOnly(interfaceId: bigint, methodIds: Iterable<number>): Allowlist {
  return new Map([[interfaceId, new Set(methodIds)]]);
}
