// The embedded IPFS store (runtime/node/ipfs-helia.ts): Helia on real
// swarms on 127.0.0.1 with on-disk repos. What one node adds, another
// fetches over bitswap; IPNS names publish on one and resolve on another;
// missing content times out naming the CID.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { createSwarm, type Swarm } from '../../node/swarm.js';
import { openRepo, createHeliaStore, type Repo } from '../../node/ipfs-helia.js';
import type { IpfsStore } from '../../node/ipfs.js';
import { NodeError } from '../../node/errors.js';
import { waitFor } from './swarm-helpers.js';

interface Peer { swarm: Swarm; repo: Repo; store: IpfsStore }
let dir: string;
let a: Peer, b: Peer;

async function peer(name: string, bootstrap?: string): Promise<Peer> {
  const repo = await openRepo(join(dir, name));
  const privateKey = await generateKeyPair('Ed25519');
  const swarm = await createSwarm({ privateKey, datastore: repo.datastore, ...(bootstrap ? { bootstrap: [bootstrap] } : {}) });
  const store = await createHeliaStore({ swarm, blockstore: repo.blockstore, datastore: repo.datastore, privateKey, timeoutMs: 10_000 });
  return { swarm, repo, store };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ww-ipfs-'));
  a = await peer('a');
  b = await peer('b', a.swarm.getMultiaddrs()[0]!.toString());
  for (const p of [a, b]) await waitFor('DHT tables', () => (p.swarm.services.dht as any).routingTable.size >= 1 && (p.swarm.services.lanDht as any).routingTable.size >= 1);
}, 60_000);

afterAll(async () => {
  for (const p of [a, b]) if (p) { await p.store.stop(); await p.swarm.stop(); await p.repo.close(); }
  await rm(dir, { recursive: true, force: true });
});

describe('embedded IPFS between two nodes', () => {
  it('bytes added on A are read on B over bitswap', async () => {
    const data = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) & 255);
    const cid = await a.store.addBytes(data);
    expect(CID.parse(cid).version).toBe(1);
    const got = await b.store.cat(`/ipfs/${cid}`);
    expect(got.length).toBe(data.length);
    expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true);
    // A bare CID names the same file.
    expect((await b.store.cat(cid)).length).toBe(data.length);
  });

  it('a folder added on A is walked and read on B', async () => {
    const src = join(dir, 'image');
    await mkdir(join(src, 'etc', 'init.d'), { recursive: true });
    await mkdir(join(src, 'empty'), { recursive: true });
    await writeFile(join(src, 'etc', 'init.d', '05-status.glia'), '(println "hi")\n');
    await writeFile(join(src, 'README'), 'an image\n');
    const seen: string[] = [];
    const root = await a.store.addDirectory(src, (p) => seen.push(p.path));
    expect(seen.sort()).toEqual(['README', 'etc/init.d/05-status.glia']);
    expect(CID.parse(root).version).toBe(1);
    const top = await b.store.ls(`/ipfs/${root}`);
    expect(top.map((e) => [e.name, e.type])).toEqual([['README', 'file'], ['empty', 'directory'], ['etc', 'directory']]);
    expect(await b.store.stat(`/ipfs/${root}/etc/init.d`)).toMatchObject({ type: 'directory' });
    expect(await b.store.stat(`/ipfs/${root}/README`)).toMatchObject({ type: 'file', size: 9 });
    expect(new TextDecoder().decode(await b.store.cat(`/ipfs/${root}/etc/init.d/05-status.glia`))).toBe('(println "hi")\n');
    // The same folder gives the same CID.
    expect(await b.store.addDirectory(src)).toBe(root);
  });

  it('reading a folder, a missing entry or an oversized file fails with a code', async () => {
    const cid = await a.store.addBytes(new Uint8Array(1000));
    await expect(a.store.cat(cid, { maxBytes: 999 })).rejects.toMatchObject({ code: 'node/too-large' });
    const src = join(dir, 'small');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'x'), 'x');
    const root = await a.store.addDirectory(src);
    await expect(a.store.cat(`/ipfs/${root}`)).rejects.toMatchObject({ code: 'node/bad-key', message: expect.stringContaining('is a folder') });
    await expect(a.store.cat(`/ipfs/${root}/nope`)).rejects.toMatchObject({ code: 'node/not-found', message: expect.stringContaining('nope') });
  });

  it('a CID nobody has times out naming it, without hanging', async () => {
    const cid = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode('nobody has this ' + Math.random()))).toString();
    const e = await b.store.cat(`/ipfs/${cid}`, { timeoutMs: 1500 }).then(() => null, (x) => x);
    expect(e).toBeInstanceOf(NodeError);
    expect(e.code).toBe('node/not-found');
    expect(e.message).toContain(cid);
  });

  it('bad paths are node/bad-key', async () => {
    await expect(a.store.cat('/ipfx/abc')).rejects.toMatchObject({ code: 'node/bad-key' });
    await expect(a.store.cat('/ipfs/not-a-cid')).rejects.toMatchObject({ code: 'node/bad-key' });
    await expect(a.store.cat('')).rejects.toMatchObject({ code: 'node/bad-key' });
  });

  it('IPNS: A publishes under self, B resolves the name and reads through it', async () => {
    const cid = await a.store.addBytes(new TextEncoder().encode('named'));
    const name = await a.store.publishName('self', `/ipfs/${cid}`);
    expect(name.startsWith('/ipns/k51')).toBe(true);
    expect(await b.store.resolveName(`/ipns/${a.swarm.peerId}`)).toBe(`/ipfs/${cid}`);
    expect(await b.store.resolveName(name)).toBe(`/ipfs/${cid}`);
    expect(new TextDecoder().decode(await b.store.cat(`/ipns/${a.swarm.peerId}`))).toBe('named');
    // A republish moves the name.
    const cid2 = await a.store.addBytes(new TextEncoder().encode('renamed'));
    await a.store.publishName(a.swarm.peerId.toString(), cid2);
    expect(await a.store.resolveName(a.swarm.peerId.toString())).toBe(`/ipfs/${cid2}`);
    // The node key signs from memory; the repo's keychain never holds it.
    const { Key } = await import('interface-datastore');
    expect(await a.repo.datastore.has(new Key('/pkcs8/self'))).toBe(false);
  });

  it('IPNS: a key the node does not hold, or a name nobody published, is refused', async () => {
    await expect(a.store.publishName('other', '/ipfs/bafkqaaa')).rejects.toMatchObject({ code: 'node/ipns' });
    await expect(a.store.publishName(b.swarm.peerId.toString(), '/ipfs/bafkqaaa')).rejects.toMatchObject({ code: 'node/ipns' });
    const stranger = await generateKeyPair('Ed25519');
    const { peerIdFromPrivateKey } = await import('@libp2p/peer-id');
    const e = await b.store.resolveName(peerIdFromPrivateKey(stranger).toString(), { timeoutMs: 3000 }).then(() => null, (x) => x);
    expect(e).toBeInstanceOf(NodeError);
    expect(['node/ipns', 'node/not-found']).toContain(e.code);
  });
});
