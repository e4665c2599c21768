// A grant as a Glia cell sees it: a capability value under the name the
// project declared (`host`), limited to the declared methods. A call
// outside them is `permission-denied` here, before anything leaves the
// cell (the host's membrane attenuates the grant to the same list, so this
// is the early, readable refusal, not the enforcement).
//
// The calls themselves go over the cell's membrane connection: the
// `ww:cell/membrane` channel in raw and http modes (doc/cells.md). Glia
// cells do not speak it yet, so every call fails `cap-call-failed`, just
// as it would for a cell whose spawn handed it no grants; code written
// for the grant (std/status catches the failure and reports null) runs
// unchanged once the channel is wired in.
import { capabilityInterfaceForBinding } from '../../../glia/compile/capabilities.js';
import { CapabilityBase } from '../../../glia/values/capability.js';
import { fail } from '../../../glia/values/errors.js';
import { kw, type Keyword } from '../../../glia/values/keyword.js';
import { prStr } from '../../../glia/values/printer.js';

export class GrantCap extends CapabilityBase {
  readonly interfaceName: string;
  private readonly allowed: Keyword[];

  constructor(readonly grantName: string, methods: string[]) {
    super();
    this.interfaceName = capabilityInterfaceForBinding(grantName)?.name ?? grantName;
    this.allowed = methods.map((m) => kw(m));
  }

  methods(): Keyword[] { return this.allowed; }

  invoke(method: Keyword, _args: any[]): any {
    if (!this.allowed.includes(method)) {
      fail('permission-denied', `${this.grantName} ${prStr(method)} is not among the methods this cell declared for ${this.grantName}`,
        { method, interface: this.interfaceName }, `declared: ${this.allowed.map(prStr).join(' ')}; add it to :grants in the project file`);
    }
    fail('cap-call-failed', `${this.grantName} ${prStr(method)}: this cell has no membrane connection (Glia cells do not use the ww:cell/membrane channel yet)`,
      { method, interface: this.interfaceName });
  }
}
