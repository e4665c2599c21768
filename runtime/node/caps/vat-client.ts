// VatClient (system.capnp): dial(peerId, name) connects to
// /ww/0.1.0/vat/NAME on a peer and gives its bootstrap capability, with
// the interface it implements: the served side's Typed.interfaceId, else
// GliaCap if it answers GliaCap.describe (a Glia cell's bootstrap), else
// zero. Releasing the last reference closes the connection, also through
// a graft: the policy wrapper around it passes its own last release on.
// A dial to this node's own peer id is answered in the node: a served
// capability itself, or a listened vat's fresh cell.
import * as $ from 'capnp-es';
import { VatClient$Server, Typed$Client } from '../../../schema/generated/system.js';
import { GliaCap$Client } from '../../../schema/generated/glia.js';
import { Hook, type Answer, type CallSpec, type ResultSlot } from '../../rpc/hooks.js';
import { RpcError } from '../../rpc/errors.js';
import { RefCount } from '../../rpc/refs.js';
import { dialVat } from '../p2p/vat-protocol.js';
import { parsePeerId } from '../p2p/dial.js';
import { protocolOf } from '../p2p/protocols.js';
import type { P2pContext } from '../p2p/context.js';
import { guarded } from './guard.js';

/** How long the dialer waits for the served side to say its interface. */
const TYPE_PROBE_MS = 10_000;

export function vatClientServer(ctx: P2pContext): VatClient$Server {
  return new VatClient$Server({
    dial: guarded(async (p, r) => {
      const protocol = protocolOf('vat', p.name);
      const peer = parsePeerId(p.peerId);
      let cap: Hook, interfaceId: bigint;
      if (peer.equals(ctx.node.peerId)) {
        const served = ctx.served.get(protocol);
        if (!served?.alive()) throw new RpcError('failed', `dialing ${peer} (this node) on ${protocol}: this node serves no vat named ${JSON.stringify(p.name)}`);
        ({ cap, interfaceId } = await served.open());
      } else {
        const vat = await dialVat(ctx.node, peer, protocol, ctx.dialTimeoutMs !== undefined ? { timeoutMs: ctx.dialTimeoutMs } : {});
        interfaceId = await probeInterface(vat.bootstrap);
        cap = new OwningCap(vat.bootstrap, () => vat.conn.close());
      }
      $.utils.setInterfacePointer(r.segment.message.addCap(cap as any), $.utils.getPointer(0, r));
      r.interfaceId = interfaceId;
    }),
  });
}

/** Typed.interfaceId, else GliaCap.describe, else zero. Bounded; only a dropped connection fails it. */
export async function probeInterface(cap: Hook): Promise<bigint> {
  const ask = async (method: any): Promise<$.Struct> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([cap.call({ method }).struct(),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new RpcError('failed', 'no answer')), TYPE_PROBE_MS); })]);
    } finally { clearTimeout(timer); }
  };
  const dropped = (e: unknown) => (e as RpcError).code === 'disconnected';
  try {
    const id = ($.utils.getAs(Typed$Client.methods[0]!.ResultsClass as any, await ask(Typed$Client.methods[0])) as unknown as { id: bigint }).id;
    if (id !== 0n) return id;
  } catch (e) { if (dropped(e)) throw e; }
  try { await ask(GliaCap$Client.methods[1]); return GliaCap$Client.interfaceId; }
  catch (e) { if (dropped(e)) throw e; }
  return 0n;
}

/**
 * A vat's bootstrap that owns what serves it (a dialed vat's connection, a
 * cell started for this node's own dial): the last release closes `inner`
 * and ends that. Made for a dial's results, it floats: the first holder
 * that keeps it (the connection that sends the results, a confining policy
 * wrapper) takes its first reference (runtime/rpc/refs.ts).
 */
export class OwningCap extends Hook {
  private readonly refs: RefCount;
  constructor(private readonly inner: Hook, onLastRelease: () => void = () => {}) {
    super();
    this.refs = new RefCount(() => { inner.close(); onLastRelease(); }, { floating: true });
  }
  get released(): boolean { return this.refs.released; }
  call(call: CallSpec, slot?: ResultSlot): Answer { return this.inner.call(call, slot); }
  override dup(): Hook { this.refs.dup(); return this; }
  override close(): void { this.refs.close(); }
}
