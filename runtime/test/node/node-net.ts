// Nodes for the capability tests: a swarm on 127.0.0.1 (port 0, mDNS off)
// with its embedded IPFS on a fresh on-disk repo; every node after the
// first bootstraps from it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { createSwarm, type Swarm } from '../../node/swarm.js';
import { openRepo, createHeliaStore, type Repo } from '../../node/ipfs-helia.js';
import type { IpfsStore } from '../../node/ipfs.js';
import { waitFor } from './swarm-helpers.js';

export interface TestNode { swarm: Swarm; repo: Repo; store: IpfsStore; key: PrivateKey }

export async function nodeNet(n: number): Promise<{ nodes: TestNode[]; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ww-net-'));
  const nodes: TestNode[] = [];
  for (let i = 0; i < n; i++) {
    const repo = await openRepo(join(dir, String(i)));
    const key = await generateKeyPair('Ed25519');
    const boot = nodes[0] ? [nodes[0].swarm.getMultiaddrs()[0]!.toString()] : undefined;
    const swarm = await createSwarm({ privateKey: key, datastore: repo.datastore, ...(boot ? { bootstrap: boot } : {}) });
    const store = await createHeliaStore({ swarm, blockstore: repo.blockstore, datastore: repo.datastore, privateKey: key, timeoutMs: 10_000 });
    nodes.push({ swarm, repo, store, key });
  }
  for (const x of nodes) {
    await waitFor('DHT tables', () => (x.swarm.services.dht as any).routingTable.size >= 1 && (x.swarm.services.lanDht as any).routingTable.size >= 1);
  }
  return {
    nodes,
    stop: async () => {
      for (const x of nodes) { await x.store.stop(); await x.swarm.stop(); await x.repo.close(); }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
