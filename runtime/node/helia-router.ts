// Helia's content router over the swarm's own libp2p node. @helia/libp2p
// has one, but installing it pulls in Helia's whole default libp2p
// (webrtc, react-native), so package.json replaces it with a stand-in and
// this file does its one job: Helia's Routing calls become the node's
// contentRouting and peerRouting, which libp2p spreads over both DHTs.
// Helia names peers by CID, libp2p by PeerId; the two convert here.
import { peerIdFromCID } from '@libp2p/peer-id';
import type { Routing, Provider, Peer, RoutingOptions } from '@helia/interface';
import type { Libp2p } from '@libp2p/interface';
import type { CID } from 'multiformats/cid';

/** The name Helia (and @helia/ipns) know the libp2p router by. */
export const LIBP2P_ROUTER = 'libp2p-router';

export interface NamedRouting extends Routing { readonly name: string }

export function swarmRouter(node: Libp2p): NamedRouting {
  const toPeer = (p: { id: { toCID(): CID }; multiaddrs: Peer['multiaddrs'] }): Peer =>
    ({ id: p.id.toCID(), multiaddrs: p.multiaddrs, router: LIBP2P_ROUTER });
  return {
    name: LIBP2P_ROUTER,
    async provide(cid: CID, options?: RoutingOptions) { await node.contentRouting.provide(cid, options); },
    async cancelReprovide(cid: CID, options?: RoutingOptions) { await node.contentRouting.cancelReprovide(cid, options); },
    async *findProviders(cid: CID, options?: RoutingOptions): AsyncIterable<Provider> {
      for await (const p of node.contentRouting.findProviders(cid, options)) yield { ...toPeer(p), fallback: false };
    },
    async put(key: Uint8Array, value: Uint8Array, options?: RoutingOptions) { await node.contentRouting.put(key, value, options); },
    async get(key: Uint8Array, options?: RoutingOptions) {
      // Helia's callers expect an ArrayBuffer-backed copy.
      return new Uint8Array(await node.contentRouting.get(key, options));
    },
    async findPeer(id: CID, options?: RoutingOptions) { return toPeer(await node.peerRouting.findPeer(peerIdFromCID(id), options)); },
    async *getClosestPeers(key: Uint8Array, options?: RoutingOptions): AsyncIterable<Peer> {
      for await (const p of node.peerRouting.getClosestPeers(key, options)) yield toPeer(p);
    },
    toString: () => 'SwarmRouter()',
  } as NamedRouting;
}
