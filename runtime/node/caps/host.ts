// The Host capability a node serves (schema/system.capnp): who this node
// is, where it listens, whom it is connected to, and its network
// endpoints: HTTP through WAGI, and raw streams and Cap'n Proto vats over
// libp2p (runtime/node/p2p). With --http-listen off, the HttpListener of
// network() fails node/http-off on every call, and the rest still works.
// stateRef(name) gives the node's named StateRef (runtime/node/caps/state-ref.ts).
import { Host$Server, HttpListener$Client, StreamListener$Client, StreamDialer$Client, VatListener$Client, VatClient$Client } from '../../../schema/generated/system.js';
import { BrokenHook, toHook, type Hook } from '../../rpc/hooks.js';
import { RpcError } from '../../rpc/errors.js';
import { StateRef$Client } from '../../../schema/generated/state.js';
import { guarded } from './guard.js';

/** The endpoints of Host.network() over libp2p. */
export interface NetworkHooks {
  streamListener: Hook;
  streamDialer: Hook;
  vatListener: Hook;
  vatClient: Hook;
}

/** What the Host server reads from the node, each time it is asked. */
export interface HostSource {
  peerId(): string;
  /** Multiaddrs this node listens on (with /p2p/ID). */
  addrs(): string[];
  /** Peers connected now, with the addresses of those connections. */
  peers(): Array<{ peerId: string; addrs: string[] }>;
  /** The HttpListener capability over the node's WAGI gateway; null with --http-listen off. */
  httpListener(): Hook | null;
  network(): NetworkHooks;
  /** The StateRef named `name` (the same hook for the same name); throws node/bad-name. Absent: a host with no state (tests). */
  stateRef?(name: string): Hook;
}

const HTTP_OFF = new BrokenHook(new RpcError('failed', 'node/http-off: this node serves no HTTP: it was started with --http-listen off'));

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
      const net = node.network();
      r.httpListener = new HttpListener$Client((node.httpListener() ?? HTTP_OFF) as any);
      r.streamListener = new StreamListener$Client(net.streamListener as any);
      r.streamDialer = new StreamDialer$Client(net.streamDialer as any);
      r.vatListener = new VatListener$Client(net.vatListener as any);
      r.vatClient = new VatClient$Client(net.vatClient as any);
    },
    stateRef: guarded(async (p, r) => {
      if (!node.stateRef) throw new RpcError('unimplemented', 'this host keeps no state refs');
      r.ref = new StateRef$Client(node.stateRef(p.name) as any);
    }),
  }))!;
}
