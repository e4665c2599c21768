// The Host capability a node serves (schema/system.capnp): who this node
// is, where it listens, whom it is connected to, and its network
// endpoints. HTTP (WAGI) is served now; raw streams and vats over libp2p
// come with the capabilities-across-nodes work, and until then their
// methods fail node/not-yet saying so (caps/not-yet.ts), rather than pretending.
import { Host$Server, HttpListener$Client, StreamListener$Client, StreamDialer$Client, VatListener$Client, VatClient$Client } from '../../../schema/generated/system.js';
import { toHook, type Hook } from '../../rpc/hooks.js';
import { RpcError } from '../../rpc/errors.js';
import { notYetHook } from './not-yet.js';

/** What the Host server reads from the node, each time it is asked. */
export interface HostSource {
  peerId(): string;
  /** Multiaddrs this node listens on (with /p2p/ID). */
  addrs(): string[];
  /** Peers connected now, with the addresses of those connections. */
  peers(): Array<{ peerId: string; addrs: string[] }>;
  /** The HttpListener capability over the node's WAGI gateway; null with --http-listen off. */
  httpListener(): Hook | null;
}

export function hostHook(node: HostSource): Hook {
  return toHook(new Host$Server({
    id: async (_p, r) => { r.peerId = node.peerId(); },
    addrs: async (_p, r) => {
      const addrs = node.addrs();
      const l = r._initAddrs(addrs.length);
      addrs.forEach((a, i) => l.set(i, a));
    },
    peers: async (_p, r) => {
      const peers = node.peers();
      const l = r._initPeers(peers.length);
      peers.forEach((p, i) => {
        const e = l.get(i);
        e.peerId = p.peerId;
        const a = e._initAddrs(p.addrs.length);
        p.addrs.forEach((x, j) => a.set(j, x));
      });
    },
    network: async (_p, r) => {
      const http = node.httpListener();
      if (!http) throw new RpcError('failed', 'node/http-off: this node serves no HTTP: it was started with --http-listen off');
      r.httpListener = new HttpListener$Client(http as any);
      r.streamListener = new StreamListener$Client(notYetHook('StreamListener') as any);
      r.streamDialer = new StreamDialer$Client(notYetHook('StreamDialer') as any);
      r.vatListener = new VatListener$Client(notYetHook('VatListener') as any);
      r.vatClient = new VatClient$Client(notYetHook('VatClient') as any);
    },
  }))!;
}
