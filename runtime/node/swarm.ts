// The node's libp2p swarm: TCP, noise, yamux, identify, ping, two Kademlia
// DHTs (the public one on /ipfs/kad/1.0.0 and a LAN one on
// /ipfs/lan/kad/1.0.0), mDNS and bootstrap peers. Helia and the Routing
// capability are built on this node, so bitswap, providing and the
// capabilities share one swarm and one peer store.
//
// libp2p 3 no longer dials the peers its discovery modules find; without
// a dial, mDNS and bootstrap peers never reach a routing table. So the
// swarm dials on `peer:discovery` itself, a few at a time, and a failure
// is a log line, never a crash.
import { createLibp2p, type Libp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, removePublicAddressesMapper, type KadDHT } from '@libp2p/kad-dht';
import { mdns } from '@libp2p/mdns';
import { bootstrap } from '@libp2p/bootstrap';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { PrivateKey, PeerId, PeerInfo } from '@libp2p/interface';
import type { Datastore } from 'interface-datastore';
import { NodeError } from './errors.js';
import { batchedMuxer, wholeMessages } from './swarm-writes.js';
import { quickLengths } from './noise-lengths.js';

export const AGENT_VERSION = 'wetware/0.1.0';
export const WAN_DHT_PROTOCOL = '/ipfs/kad/1.0.0';
export const LAN_DHT_PROTOCOL = '/ipfs/lan/kad/1.0.0';
/** Loopback, as multiaddrs of networks: exempt from the inbound rate limit. */
export const LOOPBACK_NETS = ['/ip4/127.0.0.0/ipcidr/8', '/ip6/::1/ipcidr/128'];

/** Where the swarm reports what is worth a log line; the node's logger implements it. */
export interface SwarmLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface SwarmOptions {
  /** The node's Ed25519 key (runtime/node/identity.ts). A fresh one when absent (tests). */
  privateKey?: PrivateKey;
  /** Multiaddrs to listen on; `/ip4/127.0.0.1/tcp/0` when absent. */
  listen?: string[];
  /** Peers to join at start, each a multiaddr ending in `/p2p/<peer id>`. */
  bootstrap?: string[];
  /** Discover peers on the LAN by multicast DNS. Off unless asked for. */
  mdns?: boolean;
  /** mDNS query interval in ms (libp2p's default is 10 s). */
  mdnsIntervalMs?: number;
  /** Shared with Helia, so the DHTs' records and the peer store persist with the repo. */
  datastore?: Datastore;
  log?: SwarmLog;
  /** Most discovered peers dialed at once; more wait their turn (default 8). */
  maxDiscoveryDials?: number;
}

export interface SwarmServices {
  identify: unknown;
  ping: unknown;
  dht: KadDHT;
  lanDht: KadDHT;
  [name: string]: unknown;
}

export type Swarm = Libp2p<SwarmServices>;

const QUIET: SwarmLog = { info() {}, warn() {} };

/** True when neither DHT knows a peer yet: their queries would wait for one, so callers answer locally. */
export function noDhtPeers(node: { services: unknown }): boolean {
  const s = node.services as Record<string, { routingTable?: { size: number } } | undefined>;
  return ['dht', 'lanDht'].every((n) => (s[n]?.routingTable?.size ?? 0) === 0);
}

/** Parses a multiaddr option, or a node/bad-multiaddr error naming it and the flag. */
export function parseMultiaddr(s: string, flag: string): Multiaddr {
  try {
    return multiaddr(s);
  } catch (e) {
    throw new NodeError('node/bad-multiaddr', `${flag} ${JSON.stringify(s)} is not a multiaddr: ${(e as Error).message}`,
      `write it like ${flag === '--bootstrap' ? '/ip4/192.0.2.7/tcp/2025/p2p/12D3KooW...' : '/ip4/0.0.0.0/tcp/2025'}`);
  }
}

function bootstrapAddr(s: string): Multiaddr {
  const ma = parseMultiaddr(s, '--bootstrap');
  if (!ma.getComponents().some((c) => c.name === 'p2p')) {
    throw new NodeError('node/bad-multiaddr', `--bootstrap ${s} names no peer`, `append /p2p/<peer id>, as printed by the other node (ww run logs it)`);
  }
  return ma;
}

/**
 * True when every listen address is one specific loopback or private IP
 * (a test net or a lab). `0.0.0.0` and `::` listen on every interface,
 * public ones included, so they do not count, though 0.0.0.0/8 is a
 * "private" range for libp2p's address filters.
 */
export function isLabNet(listen: readonly string[]): boolean {
  if (listen.length === 0) return false;
  return listen.every((s) => {
    const ma = multiaddr(s);
    const ip = ma.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')?.value;
    if (!ip || ip === '0.0.0.0' || ip === '::') return false;
    // Reuse the DHT's own notion of private: the LAN mapper keeps exactly those.
    return removePublicAddressesMapper({ id: null as unknown as PeerId, multiaddrs: [ma] } as PeerInfo).multiaddrs.length === 1;
  });
}

/**
 * How the public DHT treats addresses. It does what Kubo does: it keeps
 * only public addresses of peers and serves once libp2p has found a public
 * address of its own (clientMode unset = automatic). On a lab or test net,
 * where every listen address is loopback or private, nobody has a public
 * address, so that DHT would stay an empty client forever; there it keeps
 * every address and serves from the start. (The LAN DHT always serves and
 * keeps only private and loopback addresses, as Kubo's does.)
 */
export function wanDhtAddressRule(listen: readonly string[]): { peerInfoMapper: (p: PeerInfo) => PeerInfo; clientMode?: false } {
  return isLabNet(listen)
    ? { peerInfoMapper: passthroughMapper, clientMode: false }
    : { peerInfoMapper: removePrivateAddressesMapper };
}

/** A busy port or any other listen failure as one actionable line. */
function listenError(e: unknown, listen: string[]): NodeError {
  const err = e as NodeJS.ErrnoException & { errors?: unknown[] };
  const text = [err?.message, ...(err?.errors ?? []).map((x) => (x as Error)?.message)].join(' ');
  const inner = (err as { cause?: NodeJS.ErrnoException }).cause;
  const code = err?.code ?? inner?.code ?? /\b(EADDRINUSE|EADDRNOTAVAIL|EACCES)\b/.exec(text)?.[1];
  // Node names the address that failed as host:port; find the listen address it was.
  const hp = /(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]*):(\d+)/i.exec(text);
  const which = (hp && listen.find((l) => l.includes(`/${hp[1]}/`) && l.endsWith(`/tcp/${hp[2]}`))) ?? listen.join(' ');
  if (code === 'EADDRINUSE') {
    return new NodeError('node/port-in-use', `${which} is in use (another ww run?)`, 'pass --listen /ip4/0.0.0.0/tcp/0 or stop the other node');
  }
  if (code === 'EADDRNOTAVAIL') {
    return new NodeError('node/listen', `${which}: this machine has no such address`, 'listen on /ip4/0.0.0.0/tcp/2025, or an address of this machine');
  }
  if (code === 'EACCES') {
    return new NodeError('node/listen', `${which}: permission denied (ports below 1024 need privileges)`, 'use a port above 1024, such as /tcp/2025');
  }
  return new NodeError('node/listen', `could not listen on ${which}: ${err?.message ?? String(e)}`, 'check the --listen addresses');
}

/** Creates and starts the swarm. Fails with a NodeError on bad options or a listen failure. */
export async function createSwarm(opts: SwarmOptions = {}): Promise<Swarm> {
  const log = opts.log ?? QUIET;
  const listen = opts.listen ?? ['/ip4/127.0.0.1/tcp/0'];
  for (const l of listen) parseMultiaddr(l, '--listen');
  const boot = (opts.bootstrap ?? []).map(bootstrapAddr);
  const bootPeers = new Map(boot.map((ma) => [ma.getComponents().find((c) => c.name === 'p2p')!.value!, ma.toString()]));

  const discovery = [];
  if (boot.length) discovery.push(bootstrap({ list: boot.map(String), timeout: 0 }));
  if (opts.mdns) discovery.push(mdns(opts.mdnsIntervalMs ? { interval: opts.mdnsIntervalMs } : {}));

  let node: Swarm;
  try {
    node = await createLibp2p({
      ...(opts.privateKey ? { privateKey: opts.privateKey } : {}),
      ...(opts.datastore ? { datastore: opts.datastore } : {}),
      // identify announces nodeInfo.userAgent as the agent version.
      nodeInfo: { name: 'wetware', version: '0.1.0', userAgent: AGENT_VERSION },
      addresses: { listen },
      // libp2p refuses a sixth inbound connection per second from one host.
      // From loopback those are this machine's own shells, MCP sessions and
      // scripts (sixteen dosync clients log in at once), so loopback is
      // exempt; every other address keeps the limit.
      connectionManager: { allow: LOOPBACK_NETS },
      transports: [tcp()],
      // The same noise and yamux, with fewer and whole socket writes (one
      // per event-loop turn rather than four per RPC call: swarm-writes.ts)
      // and reads that do not throw a fresh error each (noise-lengths.ts).
      connectionEncrypters: [wholeMessages(quickLengths(noise()))],
      streamMuxers: [batchedMuxer(yamux())],
      peerDiscovery: discovery,
      services: {
        identify: identify(),
        // Both DHTs ping a new peer before taking it into their tables, at
        // the same moment; ping's default of one stream per peer fails one.
        ping: ping({ maxOutboundStreams: 4, maxInboundStreams: 4 }),
        dht: kadDHT({
          protocol: WAN_DHT_PROTOCOL,
          ...wanDhtAddressRule(listen),
          logPrefix: 'libp2p:dht-amino', datastorePrefix: '/dht-amino', metricsPrefix: 'libp2p_dht_amino',
        }),
        lanDht: kadDHT({
          protocol: LAN_DHT_PROTOCOL,
          peerInfoMapper: removePublicAddressesMapper,
          clientMode: false,
          logPrefix: 'libp2p:dht-lan', datastorePrefix: '/dht-lan', metricsPrefix: 'libp2p_dht_lan',
        }),
      },
    }) as unknown as Swarm;
  } catch (e) {
    if (e instanceof NodeError) throw e;
    throw listenError(e, listen);
  }
  dialDiscovered(node, log, bootPeers, opts.maxDiscoveryDials ?? 8);
  // The bootstrap module announces its peers while libp2p starts, before
  // anyone can listen for it; so they are dialed here, by address.
  for (const ma of boot) {
    node.dial(ma).then(
      () => log.info(`joined bootstrap peer ${ma}`),
      (e: Error) => {
        if (node.status === 'started') log.warn(`node/bootstrap: cannot reach bootstrap peer ${ma}: ${e.message} (check the address and that the peer runs; the node goes on without it)`);
      },
    );
  }
  return node;
}

/**
 * Dials each discovered peer once at a time, at most `max` dials in
 * flight; peers already connected or being dialed are skipped. A bootstrap
 * peer that cannot be reached is a warning naming it.
 */
function dialDiscovered(node: Swarm, log: SwarmLog, bootPeers: Map<string, string>, max: number): void {
  const pending: PeerId[] = [];
  const busy = new Set<string>();
  let inFlight = 0;
  const pump = () => {
    while (inFlight < max && pending.length) {
      const id = pending.shift()!;
      const key = id.toString();
      if (node.status !== 'started' || node.getConnections(id).length) { busy.delete(key); continue; }
      inFlight++;
      node.dial(id).then(
        () => {},
        (e: Error) => {
          // Bootstrap peers are dialed (and reported) by createSwarm.
          if (node.status === 'started' && !bootPeers.has(key)) log.info(`dial to discovered peer ${key} failed: ${e.message}`);
        },
      ).finally(() => { inFlight--; busy.delete(key); pump(); });
    }
  };
  node.addEventListener('peer:discovery', (evt) => {
    const id = evt.detail.id;
    const key = id.toString();
    if (busy.has(key) || key === node.peerId.toString()) return;
    // A bound on the backlog too: discovery can name many peers at once.
    if (pending.length >= 256) return;
    busy.add(key);
    pending.push(id);
    pump();
  });
}
