// A grant as a Glia cell sees it: a capability value under the name the
// project declared (`host`), limited to the declared methods. A call
// outside them is `permission-denied` here, before anything leaves the
// cell (the host's membrane attenuates the grant to the same list, so this
// is the early, readable refusal, not the enforcement).
//
// The calls themselves go to the grant caller: in a running cell, its
// membrane connection (membrane-link.ts); while the cell compiles itself
// (at build time, in Node and under Wizer) there is no connection, so a
// top-level form that calls a grant fails `cap-call-failed`.
import { capabilityInterfaceForBinding } from '../../../glia/compile/capabilities.js';
import { CapabilityBase } from '../../../glia/values/capability.js';
import { fail } from '../../../glia/values/errors.js';
import { kw, type Keyword } from '../../../glia/values/keyword.js';
import { prStr } from '../../../glia/values/printer.js';

/** Makes one call on a grant: the method's result, or a thrown GliaError. */
export type GrantCaller = (grant: string, method: Keyword, args: any[]) => any;

const atBuildTime: GrantCaller = (grant, method) =>
  fail('cap-call-failed', `${grant} ${prStr(method)}: grants cannot be called while the cell is built (at its top level); call them from main or handle`);

let caller: GrantCaller = atBuildTime;

/** Where grant calls go from now on (the cell sets its membrane link before it runs its entry function). */
export function setGrantCaller(c: GrantCaller): void { caller = c; }

export class GrantCap extends CapabilityBase {
  readonly interfaceName: string;
  private readonly allowed: Keyword[];

  constructor(readonly grantName: string, methods: string[]) {
    super();
    this.interfaceName = capabilityInterfaceForBinding(grantName)?.name ?? grantName;
    this.allowed = methods.map((m) => kw(m));
  }

  methods(): Keyword[] { return this.allowed; }

  invoke(method: Keyword, args: any[]): any {
    if (!this.allowed.includes(method)) {
      fail('permission-denied', `${this.grantName} ${prStr(method)} is not among the methods this cell declared for ${this.grantName}`,
        { method, interface: this.interfaceName }, `declared: ${this.allowed.map(prStr).join(' ')}; add it to :grants in the project file`);
    }
    return caller(this.grantName, method, args);
  }
}
