// In-process nodes for the vat and stream tests: a real libp2p swarm on
// 127.0.0.1 (port 0, mDNS off, the DHTs on), its network capabilities
// (runtime/node/caps), a Host over them, and a Glia session that grafted
// that Host through a Membrane over Cap'n Proto, as an init.d script does.
// Not a test file itself.
import { generateKeyPair } from '@libp2p/crypto/keys';
import { createSwarm, type Swarm } from '../../../node/swarm.js';
import { Epoch } from '../../../membrane/epoch.js';
import { toHook, type Hook } from '../../../rpc/hooks.js';
import { Host$Client } from '../../../../schema/generated/system.js';
import { hostHook, type NetworkHooks } from '../../../node/caps/host.js';
import { vatListenerServer } from '../../../node/caps/vat-listener.js';
import { vatClientServer } from '../../../node/caps/vat-client.js';
import { streamListenerServer } from '../../../node/caps/stream-listener.js';
import { streamDialerServer } from '../../../node/caps/stream-dialer.js';
import { P2pRegistry } from '../../../node/p2p/registry.js';
import type { P2pContext } from '../../../node/p2p/context.js';
import type { CellRuntime } from '../../../cell/runtime.js';
import { graftedSession, type GraftedSession } from '../cap-session.js';
import '../../../membrane/host-cap.js';

export interface P2pNode {
  swarm: Swarm;
  epoch: Epoch;
  ctx: P2pContext;
  host: Hook;
  network: NetworkHooks;
  /** A Glia session holding `host` (grafted under the node's epoch). */
  glia: GraftedSession;
  id: string;
  log: string[];
  /** A fresh graft, as a script does after stale-epoch. */
  regraft(): Promise<void>;
  stop(): Promise<void>;
}

export async function p2pNode(runtime: CellRuntime, opts: { bootstrap?: string[]; dialTimeoutMs?: number } = {}): Promise<P2pNode> {
  const swarm = await createSwarm({
    privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false,
    ...(opts.bootstrap ? { bootstrap: opts.bootstrap } : {}),
  });
  const epoch = new Epoch();
  const log: string[] = [];
  const ctx: P2pContext = {
    node: swarm, registry: new P2pRegistry(swarm, epoch), epoch, runtime, served: new Map(),
    log: { info: (m) => log.push(m), warn: (m) => log.push(m) },
    ...(opts.dialTimeoutMs !== undefined ? { dialTimeoutMs: opts.dialTimeoutMs } : {}),
  };
  const network: NetworkHooks = {
    vatListener: toHook(vatListenerServer(ctx))!, vatClient: toHook(vatClientServer(ctx))!,
    streamListener: toHook(streamListenerServer(ctx))!, streamDialer: toHook(streamDialerServer(ctx))!,
  };
  const host = hostHook({
    peerId: () => swarm.peerId.toString(), addrs: () => swarm.getMultiaddrs().map(String), peers: () => [],
    httpListener: () => null, network: () => network,
  });
  const exports = [{ name: 'host', interfaceId: Host$Client.interfaceId, cap: host }];
  const node: P2pNode = {
    swarm, epoch, ctx, host, network, log, id: swarm.peerId.toString(),
    glia: await graftedSession(exports, epoch),
    regraft: async () => { node.glia.close(); node.glia = await graftedSession(exports, epoch); },
    stop: async () => { node.glia.close(); await ctx.registry.close(); await swarm.stop(); },
  };
  return node;
}

/** Connects `a` to `b` directly (so no DHT lookup is needed). */
export async function connect(a: P2pNode, b: P2pNode): Promise<void> {
  await a.swarm.dial(b.swarm.getMultiaddrs()[0]!);
}
