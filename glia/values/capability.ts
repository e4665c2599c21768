// In-process capabilities. `defcap` makes a LocalCap from Glia functions;
// `attenuate` wraps any capability in an Attenuated one that allows only
// some methods. Attenuation is enforced here, in `invoke`, beneath every
// Glia handler lookup, and every capability returned through an
// attenuated one is wrapped in the same policy. (Cap'n Proto-backed
// capabilities implement the same `invoke`; their attenuation lives in the
// RPC membrane.)
import { CAP, type Capability } from '../eval/driver.js';
import { Keyword } from './keyword.js';
import { fail } from './errors.js';
import { GEN } from './fn.js';
import { prStr } from './printer.js';

export abstract class CapabilityBase implements Capability {
  readonly [CAP] = true;
  abstract readonly interfaceName: string;
  /** Methods that can be called, or null when unknown. */
  abstract methods(): Keyword[] | null;
  abstract invoke(method: Keyword, args: any[]): any;
  /**
   * Narrows this capability to `methods`. Capabilities the runtime backs
   * (Cap'n Proto ones) override it to return a real membrane policy, which
   * holds wherever the capability goes; the default wraps it here.
   */
  attenuateMethods(methods: Keyword[]): CapabilityBase {
    return new Attenuated(this, new Set(methods));
  }
}

export class LocalCap extends CapabilityBase {
  constructor(readonly interfaceName: string, private readonly table: Map<Keyword, any>) { super(); }
  methods(): Keyword[] { return [...this.table.keys()]; }
  invoke(method: Keyword, args: any[]): any {
    const f = this.table.get(method);
    if (f === undefined) {
      fail('unknown-method', `${this.interfaceName} has no method ${prStr(method)}`,
        { method, interface: this.interfaceName }, `its methods are ${this.methods().map(prStr).join(' ')}`);
    }
    if (typeof f !== 'function') return f;
    // A resumable method runs on the caller's driver (its effects reach the caller's handlers).
    return (f as any)[GEN] ? (f as any)[GEN](...args) : f(...args);
  }
}

export class Attenuated extends CapabilityBase {
  /**
   * `inherited`: for a capability that came back through an attenuated one,
   * the parent's method list it carries, so a refusal by it says so.
   */
  constructor(readonly inner: CapabilityBase, readonly allow: ReadonlySet<Keyword>, readonly inherited: ReadonlySet<Keyword> | null = null) { super(); }
  get interfaceName(): string { return this.inner.interfaceName; }
  methods(): Keyword[] | null {
    const m = this.inner.methods();
    return m ? m.filter((k) => this.allow.has(k)) : [...this.allow];
  }
  invoke(method: Keyword, args: any[]): any {
    if (!this.allow.has(method)) {
      const allowed = `allowed: ${[...this.allow].map(prStr).join(' ') || 'nothing'}`;
      const fromParent = this.inherited !== null && !this.inherited.has(method);
      fail('permission-denied', `${this.interfaceName} ${prStr(method)} is not allowed by this capability's attenuation${fromParent
        ? `: it came back through an attenuated capability and keeps its method list (${[...this.inherited!].map(prStr).join(' ') || 'nothing'})` : ''}`,
      { method, interface: this.interfaceName }, fromParent ? `${allowed}; attenuate the capability itself instead, (attenuate cap [${prStr(method)} ...])` : allowed);
    }
    const r = this.inner.invoke(method, args);
    return confine(r, this.allow);
  }
}

/** Wraps capabilities coming back through an attenuated one in the same policy. */
function confine(result: any, allow: ReadonlySet<Keyword>): any {
  if (result instanceof CapabilityBase) {
    const a = attenuate(result, [...allow]);
    return a instanceof Attenuated ? new Attenuated(a.inner, a.allow, a.inherited ?? allow) : a;
  }
  if (result instanceof Promise) return result.then((v) => confine(v, allow));
  if (result && typeof result === 'object' && typeof result.next === 'function' && typeof result.throw === 'function') {
    return (function* (): Generator<any, any, any> { return confine(yield result, allow); })();
  }
  return result;
}

export function attenuate(cap: CapabilityBase, methods: Keyword[]): CapabilityBase {
  if (!(cap instanceof Attenuated)) return cap.attenuateMethods(methods);
  // Attenuating again intersects the lists.
  return new Attenuated(cap.inner, new Set(methods.filter((m) => cap.allow.has(m))), cap.inherited);
}
