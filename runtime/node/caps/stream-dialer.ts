// StreamDialer (system.capnp): dial(peerId, protocol) opens
// /ww/0.1.0/stream/NAME on a peer and gives the stream as a ByteStream
// (p2p/byte-stream.ts). A node cannot open a stream to itself (libp2p
// does not dial itself); that dial fails saying so.
import * as $ from 'capnp-es';
import { StreamDialer$Server } from '../../../schema/generated/system.js';
import { RpcError } from '../../rpc/errors.js';
import { openStream, parsePeerId } from '../p2p/dial.js';
import { protocolOf } from '../p2p/protocols.js';
import { byteStreamOfLibp2p } from '../p2p/byte-stream.js';
import type { P2pContext } from '../p2p/context.js';
import { guarded } from './guard.js';

export function streamDialerServer(ctx: P2pContext): StreamDialer$Server {
  return new StreamDialer$Server({
    dial: guarded(async (p, r) => {
      const protocol = protocolOf('stream', p.protocol);
      const peer = parsePeerId(p.peerId);
      if (peer.equals(ctx.node.peerId)) throw new RpcError('failed', `dialing ${peer} on ${protocol}: that is this node, and a node does not open streams to itself`);
      const stream = await openStream(ctx.node, peer, protocol, ctx.dialTimeoutMs !== undefined ? { timeoutMs: ctx.dialTimeoutMs } : {});
      $.utils.setInterfacePointer(r.segment.message.addCap(byteStreamOfLibp2p(stream) as any), $.utils.getPointer(0, r));
    }),
  });
}
