// The membrane server: `graft()` hands a session's named exports to
// whoever holds the Membrane, each wrapped in its export policy plus a
// guard for the current epoch. This is the one place authority is given
// out; everything a cell or a remote vat can do starts here.
import * as $ from 'capnp-es';
import { Membrane$Server, type Membrane_Graft$Results, type Membrane_Epoch$Results, type Export } from '../../schema/generated/membrane.js';
import { capOfPointer, type Hook } from '../rpc/hooks.js';
import { Epoch } from './epoch.js';
import { Policy, attenuate } from './policy.js';

export interface ExportSpec {
  /** The name the capability is bound to, kebab-case (`http-client`). */
  name: string;
  cap: Hook;
  /** The interface `cap` implements. */
  interfaceId: bigint;
  /** Narrowing applied to this export on every graft (none: all methods). */
  policy?: Policy;
}

export class Membrane {
  constructor(private readonly exports: () => readonly ExportSpec[], readonly epoch = new Epoch()) {}

  /**
   * The exports as issued now: wrapped in their policy and guarded by the
   * current epoch. Each wrapper holds a reference of its own to the export
   * and floats, made for the graft's results: the connection that sends
   * them keeps it, and the grafter's release (or the connection's end)
   * releases it.
   */
  graft(): ExportSpec[] {
    return this.exports().map((e) => {
      const policy = (e.policy ?? new Policy(null)).and(new Policy(null, [this.epoch.guard()]));
      return { name: e.name, interfaceId: e.interfaceId, cap: attenuate(e.cap, policy, { floating: true }) };
    });
  }

  /** The capnp-es server for the schema's Membrane interface. */
  server(): Membrane$Server {
    return new Membrane$Server({
      graft: async (_p, r: Membrane_Graft$Results) => {
        const caps = this.graft();
        writeExports(r._initCaps(caps.length), caps);
      },
      epoch: async (_p, r: Membrane_Epoch$Results) => {
        const now = this.epoch.current;
        const e = r._initEpoch();
        e.seq = now.seq;
        e.head = now.head;
        const p = e._initProvenance();
        p.previousHead = now.previousHead;
        p.source = now.source;
        p.reason = now.reason;
        p.adoptedAtMs = BigInt(now.adoptedAtMs);
      },
    });
  }
}

/** Writes exports into a List(Export) (graft results, spawn grants): name, interface id, capability. */
export function writeExports(list: $.List<Export>, exports: ReadonlyArray<{ name: string; interfaceId: bigint; cap: Hook }>): void {
  exports.forEach((x, i) => {
    const e = list.get(i);
    e.name = x.name;
    e.interfaceId = x.interfaceId;
    $.utils.setInterfacePointer(e.segment.message.addCap(x.cap as any), e.cap);
  });
}

/** The exports in a graft's results, as hooks (the caller's side of `graft()`). */
export function readGraft(results: Membrane_Graft$Results): Array<{ name: string; interfaceId: bigint; cap: Hook }> {
  const out: Array<{ name: string; interfaceId: bigint; cap: Hook }> = [];
  const caps = results.caps;
  for (let i = 0; i < caps.length; i++) {
    const e = caps.get(i);
    out.push({ name: e.name, interfaceId: e.interfaceId, cap: capOfPointer(e.cap) });
  }
  return out;
}
