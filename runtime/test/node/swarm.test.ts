// The swarm (runtime/node/swarm.ts) with real libp2p nodes on 127.0.0.1:
// bootstrap joins, both DHTs carry provider records, identify announces
// the agent, and bad input gives one coded line.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { createSwarm, isLabNet, wanDhtAddressRule, AGENT_VERSION, type Swarm } from '../../node/swarm.js';
import { passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht';
import { NodeError } from '../../node/errors.js';
import { swarmNet, waitFor, collectLog } from './swarm-helpers.js';

async function keyOf(text: string): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(text)));
}

async function providers(dht: Swarm['services']['dht'], cid: CID): Promise<string[]> {
  const found = new Set<string>();
  for await (const ev of dht.findProviders(cid, { signal: AbortSignal.timeout(10_000) })) {
    if (ev.name === 'PROVIDER') for (const p of ev.providers) found.add(p.id.toString());
  }
  return [...found];
}

describe('three swarms on 127.0.0.1', () => {
  let net: Swarm[];
  beforeAll(async () => { net = await swarmNet(3); }, 60_000);
  afterAll(async () => { await Promise.all((net ?? []).map((n) => n.stop())); });

  it('joins through the bootstrap peer and identifies as wetware', async () => {
    const [a, b] = net;
    expect(b!.getPeers().map(String)).toContain(a!.peerId.toString());
    await waitFor('identify', async () => (await a!.peerStore.get(b!.peerId)).metadata.has('AgentVersion'));
    const agent = new TextDecoder().decode((await a!.peerStore.get(b!.peerId)).metadata.get('AgentVersion'));
    expect(agent).toBe(AGENT_VERSION);
  });

  it('both DHTs serve on a loopback net', () => {
    for (const n of net) {
      expect(n.services.dht.getMode()).toBe('server');
      expect(n.services.lanDht.getMode()).toBe('server');
      expect((n.services.dht as any).peerInfoMapper).toBe(passthroughMapper);
    }
  });

  it('a key provided on the WAN DHT by one node is found there by another', async () => {
    const [a, , c] = net;
    const cid = await keyOf('wan-only ' + Math.random());
    for await (const _ of a!.services.dht.provide(cid)) { /* the query's events */ }
    expect(await providers(c!.services.dht, cid)).toContain(a!.peerId.toString());
    // Not announced on the LAN DHT, so not found there: the two are separate.
    expect(await providers(c!.services.lanDht, cid)).not.toContain(a!.peerId.toString());
  });

  it('a key provided on the LAN DHT is found there', async () => {
    const [, b, c] = net;
    const cid = await keyOf('lan-only ' + Math.random());
    for await (const _ of b!.services.lanDht.provide(cid)) { /* events */ }
    expect(await providers(c!.services.lanDht, cid)).toContain(b!.peerId.toString());
  });

  it('contentRouting spans both DHTs', async () => {
    const [a, b] = net;
    const cid = await keyOf('both ' + Math.random());
    await a!.contentRouting.provide(cid, { signal: AbortSignal.timeout(10_000) });
    expect(await providers(b!.services.dht, cid)).toContain(a!.peerId.toString());
    expect(await providers(b!.services.lanDht, cid)).toContain(a!.peerId.toString());
  });
});

describe('loopback clients', () => {
  it('sixteen connections from 127.0.0.1 at once are all accepted (libp2p refuses a sixth per second per host elsewhere)', async () => {
    const node = await createSwarm({ listen: ['/ip4/127.0.0.1/tcp/0'] });
    const clients = await Promise.all(Array.from({ length: 16 }, () => createSwarm({ listen: [] })));
    try {
      const addr = node.getMultiaddrs()[0]!;
      const dialed = await Promise.allSettled(clients.map((c) => c.dial(addr, { signal: AbortSignal.timeout(20_000) })));
      const refused = dialed.filter((d) => d.status === 'rejected').map((d) => String((d as PromiseRejectedResult).reason?.message));
      expect(refused).toEqual([]);
      // The listener registers a connection a moment after the dialer has it.
      await waitFor('sixteen inbound connections', () => new Set(node.getConnections().map((c) => c.remotePeer.toString())).size === 16);
    } finally {
      await Promise.all([node, ...clients].map((n) => n.stop()));
    }
  });
});

describe('address filters', () => {
  it('a net of specific loopback or private addresses is a lab net; wildcards and public addresses are not', () => {
    expect(isLabNet(['/ip4/127.0.0.1/tcp/0'])).toBe(true);
    expect(isLabNet(['/ip4/10.1.2.3/tcp/2025', '/ip6/::1/tcp/2025'])).toBe(true);
    expect(isLabNet(['/ip4/0.0.0.0/tcp/2025'])).toBe(false);
    expect(isLabNet(['/ip6/::/tcp/2025'])).toBe(false);
    expect(isLabNet(['/ip4/127.0.0.1/tcp/0', '/ip4/1.1.1.1/tcp/2025'])).toBe(false); // parsed, never dialed
    expect(isLabNet([])).toBe(false);
  });

  it('the WAN DHT filters private addresses and serves automatically, like Kubo, except on a lab net', () => {
    expect(wanDhtAddressRule(['/ip4/0.0.0.0/tcp/2025', '/ip6/::/tcp/2025'])).toEqual({ peerInfoMapper: removePrivateAddressesMapper });
    expect(wanDhtAddressRule(['/ip4/127.0.0.1/tcp/0'])).toEqual({ peerInfoMapper: passthroughMapper, clientMode: false });
  });
});

describe('bad input', () => {
  it('a busy port is node/port-in-use naming the address', async () => {
    const a = await createSwarm();
    const addr = a.getMultiaddrs()[0]!.toString().replace(/\/p2p\/.*/, '');
    try {
      const e = await createSwarm({ listen: [addr] }).then(() => null, (x) => x);
      expect(e).toBeInstanceOf(NodeError);
      expect(e.code).toBe('node/port-in-use');
      expect(e.message).toBe(`${addr} is in use (another ww run?)`);
      expect(e.hint).toBe('pass --listen /ip4/0.0.0.0/tcp/0 or stop the other node');
    } finally { await a.stop(); }
  });

  it('a listen or bootstrap address that does not parse is node/bad-multiaddr', async () => {
    await expect(createSwarm({ listen: ['tcp:2025'] })).rejects.toMatchObject({ code: 'node/bad-multiaddr' });
    await expect(createSwarm({ bootstrap: ['/ip4/127.0.0.1/tcp/1'] })).rejects.toMatchObject({ code: 'node/bad-multiaddr', message: expect.stringContaining('names no peer') });
  });

  it('an unreachable bootstrap peer is a warning naming it; the node runs on', async () => {
    // A peer id that nobody on 127.0.0.1:1 answers for.
    const ghost = await createSwarm();
    const id = ghost.peerId.toString();
    await ghost.stop();
    const log = collectLog();
    const boot = `/ip4/127.0.0.1/tcp/1/p2p/${id}`;
    const n = await createSwarm({ bootstrap: [boot], log });
    try {
      await waitFor('the bootstrap warning', () => log.lines.some((l) => l.startsWith('warn node/bootstrap')));
      expect(log.lines.find((l) => l.startsWith('warn'))).toContain(boot);
      expect(n.status).toBe('started');
    } finally { await n.stop(); }
  });
});
