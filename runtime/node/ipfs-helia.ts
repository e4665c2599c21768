// The embedded IPFS store: Helia on the swarm's own libp2p node, with its
// blocks and records on disk under the repo folder. Never Helia's defaults
// (createHelia, @helia/libp2p): they bring their own libp2p with webrtc and
// react-native (see DEPENDENCIES.md). What Helia needs from libp2p is a
// content router (runtime/node/helia-router.ts) and, for bitswap, the node
// itself as `helia.libp2p`.
//
// Helia 7 does not announce what it stores, so every add is pinned and
// then provided in the background: an add returns as soon as the blocks
// are on disk, and a node with no DHT peers yet is not held up.
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHeliaLight, type Helia } from 'helia';
import { withBitswap } from '@helia/bitswap';
import { unixfs, type UnixFS } from '@helia/unixfs';
import { ipns as createIpns, type IPNS } from '@helia/ipns';
import { FsBlockstore } from 'blockstore-fs';
import { FsDatastore } from 'datastore-fs';
import { privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromString } from '@libp2p/peer-id';
import type { Libp2p, PrivateKey } from '@libp2p/interface';
import type { Datastore } from 'interface-datastore';
import type { Blockstore } from 'interface-blockstore';
import { CID } from 'multiformats/cid';
import { base36 } from 'multiformats/bases/base36';
import { createUnsafe } from 'multiformats/block';
import * as dagCbor from '@ipld/dag-cbor';
import { NodeError } from './errors.js';
import { swarmRouter, LIBP2P_ROUTER } from './helia-router.js';
import { localTree } from './local-tree.js';
import {
  DEFAULT_IPFS_TIMEOUT_MS, parseIpfsPath, parseCid, withDeadline, notFound, catFile,
  type IpfsStore, type IpfsEntry, type IpfsStat, type CatOptions, type IpfsCallOptions, type AddProgress,
} from './ipfs.js';
import { noDhtPeers, type SwarmLog } from './swarm.js';
import type { Block } from './car.js';

export interface Repo {
  blockstore: FsBlockstore;
  datastore: FsDatastore;
  close(): Promise<void>;
}

/** Opens (creating it if needed) the on-disk repo: blocks and a datastore shared by libp2p and Helia. */
export async function openRepo(dir: string): Promise<Repo> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const blockstore = new FsBlockstore(join(dir, 'blocks'));
    const datastore = new FsDatastore(join(dir, 'datastore'));
    await blockstore.open();
    await datastore.open();
    return { blockstore, datastore, close: async () => { await blockstore.close(); await datastore.close(); } };
  } catch (e) {
    throw new NodeError('node/ipfs', `cannot open the IPFS repo at ${dir}: ${(e as Error).message}`, 'check its permissions, or pass --ipfs-repo DIR');
  }
}

/** Opens (creating it if needed) a datastore folder alone: the state refs' heads when the blocks are in Kubo. */
export async function openDatastore(dir: string): Promise<FsDatastore> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const datastore = new FsDatastore(dir);
    await datastore.open();
    return datastore;
  } catch (e) {
    throw new NodeError('node/ipfs', `cannot open the datastore at ${dir}: ${(e as Error).message}`, 'check its permissions, or pass --ipfs-repo DIR');
  }
}

export interface HeliaStoreOptions {
  /** The started swarm (runtime/node/swarm.ts). */
  swarm: Libp2p;
  blockstore: Blockstore;
  /** The same datastore the swarm was created with. */
  datastore: Datastore;
  /** The node's key: IPNS publishes under it as `self`. */
  privateKey?: PrivateKey;
  timeoutMs?: number;
  log?: SwarmLog;
}

const ADD = { cidVersion: 1 as const, rawLeaves: true };

export async function createHeliaStore(opts: HeliaStoreOptions): Promise<IpfsStore> {
  const node = opts.swarm;
  // dag-cbor: state versions (runtime/node/state/) are dag-cbor blocks, and pinning reads their links.
  const helia = createHeliaLight({ blockstore: opts.blockstore, datastore: opts.datastore, codecs: [dagCbor] } as never) as unknown as Helia;
  // Bitswap finds the node here (what @helia/libp2p would have set).
  Object.defineProperty(helia, 'libp2p', { value: node });
  (helia as any).addMixin({
    name: 'libp2p',
    start: async (h: any) => { if (!h.hasRouter(LIBP2P_ROUTER)) h.addRouter(swarmRouter(node)); },
  });
  withBitswap(helia as any);
  try {
    await helia.start();
  } catch (e) {
    throw new NodeError('node/ipfs', `the embedded IPFS did not start: ${(e as Error).message}`, 'move the repo folder aside (--ipfs-repo) if it is damaged');
  }
  // IPNS registers its record validator on both DHTs (it finds them on the libp2p it is given).
  const keychain = await keychainWithSelf(helia, opts.privateKey);
  const names = createIpns({ ...(helia as any).components, routing: helia.routing, keychain, events: helia.events, libp2p: node } as any);
  return new HeliaStore(helia, unixfs(helia), names, node, opts.timeoutMs ?? DEFAULT_IPFS_TIMEOUT_MS, opts.log);
}

/**
 * Helia's keychain, with `self` answered by the node's own key from
 * memory, so IPNS `self` is the node's peer id. The key is never written
 * into the repo's keychain: the identity file (mode 0600) stays its only
 * copy on disk.
 */
async function keychainWithSelf(helia: Helia, key: PrivateKey | undefined): Promise<Helia['keychain']> {
  const base = helia.keychain;
  if (!key) return base;
  const crypto = await helia.getCrypto('Ed25519');
  const self = await crypto.privateKeyFromProtobuf(privateKeyToProtobuf(key));
  return new Proxy(base, {
    get(target, prop) {
      if (prop === 'exportKey') return async (name: string, o?: unknown) => (name === 'self' ? self : target.exportKey(name, o as any));
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

class HeliaStore implements IpfsStore {
  readonly kind = 'embedded' as const;
  constructor(private readonly helia: Helia, private readonly fs: UnixFS, private readonly names: IPNS,
    private readonly node: Libp2p, private readonly timeoutMs: number, private readonly log?: SwarmLog) {}

  private deadline<T>(what: string, opts: IpfsCallOptions | undefined, f: (s: AbortSignal) => Promise<T>): Promise<T> {
    const ms = opts?.timeoutMs ?? this.timeoutMs;
    return withDeadline(ms, opts?.signal, () => notFound(what, ms), f);
  }

  /** Pins `cid` (and so every block under it) and announces it without waiting. */
  private async keep(cid: CID, signal?: AbortSignal): Promise<void> {
    if (!(await this.helia.pins.isPinned(cid))) {
      for await (const _ of this.helia.pins.add(cid, { signal })) { /* walks the DAG */ }
    }
    void this.provide(cid.toString()).catch((e) => this.log?.info(`providing ${cid} is deferred: ${(e as Error).message}`));
  }

  async addBytes(data: Uint8Array, opts?: IpfsCallOptions): Promise<string> {
    try {
      const cid = await this.fs.addBytes(data, { ...ADD, signal: opts?.signal });
      await this.keep(cid, opts?.signal);
      return cid.toString();
    } catch (e) { throw wrap(e, 'add'); }
  }

  async addDirectory(localDir: string, progress?: (p: AddProgress) => void, opts?: IpfsCallOptions): Promise<string> {
    const entries = await localTree(localDir);
    let files = 0, bytes = 0;
    const fs = this.fs;
    async function* candidates() {
      for (const e of entries) {
        if (e.type === 'directory') { yield { path: e.path }; continue; }
        files++; bytes += e.size;
        progress?.({ files, bytes, path: e.path });
        yield { path: e.path, content: createReadStream(e.abs) as AsyncIterable<Uint8Array> };
      }
    }
    try {
      let root: CID | undefined;
      // Every entry is named under one root folder, which the importer gives last.
      for await (const r of fs.addAll(candidates(), { ...ADD, wrapWithDirectory: true, signal: opts?.signal })) root = r.cid;
      if (!root) root = await fs.addDirectory({}, ADD);
      await this.keep(root, opts?.signal);
      return root.toString();
    } catch (e) { throw wrap(e, `add ${localDir}`); }
  }

  async importDag(root: CID, blocks: AsyncIterable<Block>, opts?: IpfsCallOptions): Promise<void> {
    await storeDag(this.helia, root, blocks, opts?.signal);
    await this.keep(root, opts?.signal);
  }

  async putBlock(cid: CID, bytes: Uint8Array, opts?: IpfsCallOptions): Promise<void> {
    try { await this.helia.blockstore.put(cid, bytes, { signal: opts?.signal }); }
    catch (e) { throw wrap(e, `put block ${cid}`); }
  }

  async pinBlock(cid: CID, opts?: IpfsCallOptions): Promise<void> {
    try {
      if (await this.helia.pins.isPinned(cid)) return;
      for await (const _ of this.helia.pins.add(cid, { depth: 0, offline: true, signal: opts?.signal } as never)) { /* this block only */ }
    } catch (e) {
      // Pinned twice at once: the other pin won.
      if ((e as Error)?.name === 'AlreadyPinnedError') return;
      throw wrap(e, `pin block ${cid}`);
    }
  }

  async getLocalBlock(cid: CID, opts?: IpfsCallOptions): Promise<Uint8Array | null> {
    try {
      if (!(await this.helia.blockstore.has(cid, { signal: opts?.signal }))) return null;
      const chunks: Uint8Array[] = [];
      for await (const c of this.helia.blockstore.get(cid, { offline: true, signal: opts?.signal } as never)) chunks.push(c);
      return concat(chunks, chunks.reduce((n, c) => n + c.length, 0));
    } catch (e) {
      if ((e as Error)?.name === 'NotFoundError') return null;
      throw wrap(e, `get block ${cid}`);
    }
  }

  /** The CID and sub path a path names, following IPNS. */
  private async target(path: string, opts?: IpfsCallOptions): Promise<{ cid: CID; sub: string; shown: string }> {
    const p = parseIpfsPath(path);
    if (p.kind === 'ipfs') return { cid: p.cid, sub: p.sub, shown: path };
    const resolved = await this.resolveName(p.name, opts);
    const q = parseIpfsPath(resolved + (p.sub ? '/' + p.sub : ''));
    if (q.kind !== 'ipfs') throw new NodeError('node/ipns', `${path} resolves to ${resolved}, which is not an /ipfs/ path`);
    return { cid: q.cid, sub: q.sub, shown: path };
  }

  async stat(path: string, opts?: IpfsCallOptions): Promise<IpfsStat> {
    const t = await this.target(path, opts);
    return this.deadline(path, opts, async (signal) => {
      try {
        const s = await this.fs.stat(t.cid, { ...(t.sub ? { path: t.sub } : {}), signal });
        return { cid: s.cid.toString(), type: s.type === 'directory' ? 'directory' : 'file', size: Number(s.type === 'directory' ? 0n : s.size) };
      } catch (e) { throw wrap(e, path); }
    });
  }

  async cat(path: string, opts?: CatOptions): Promise<Uint8Array> {
    const st = await this.stat(path, opts);
    return this.deadline(path, opts, async (signal) => {
      try { return await catFile(path, st, opts?.maxBytes, () => this.fs.cat(CID.parse(st.cid), { signal })); }
      catch (e) { throw wrap(e, path); }
    });
  }

  async ls(path: string, opts?: IpfsCallOptions): Promise<IpfsEntry[]> {
    const st = await this.stat(path, opts);
    if (st.type !== 'directory') throw new NodeError('node/bad-key', `${path} is a file, not a folder`, 'cat it instead');
    return this.deadline(path, opts, async (signal) => {
      const out: IpfsEntry[] = [];
      try {
        for await (const e of this.fs.ls(CID.parse(st.cid), { signal })) {
          const s = await this.fs.stat(e.cid, { signal });
          out.push({ name: e.name, cid: e.cid.toString(), type: s.type === 'directory' ? 'directory' : 'file', size: s.type === 'directory' ? 0 : Number(s.size) });
        }
      } catch (e) { throw wrap(e, path); }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    });
  }

  async isPinned(cid: string): Promise<boolean> {
    return this.helia.pins.isPinned(parseCid(cid));
  }

  async provide(cid: string, opts?: IpfsCallOptions): Promise<void> {
    const c = parseCid(cid);
    const ms = opts?.timeoutMs ?? this.timeoutMs;
    await withDeadline(ms, opts?.signal,
      () => new NodeError('node/timeout', `announcing ${cid} on the DHT took over ${ms / 1000} s`, 'the node may have no DHT peers yet; join one with --bootstrap'),
      (signal) => this.helia.routing.provide(c, { signal }));
  }

  async resolveName(name: string, opts?: IpfsCallOptions): Promise<string> {
    const key = nameKey(name);
    const ms = opts?.timeoutMs ?? this.timeoutMs;
    return withDeadline(ms, opts?.signal, () => new NodeError('node/not-found', `the IPNS name ${name} was not found within ${ms / 1000} s`, 'check the name, and that its publisher has run (perform routing :publish ...)'),
      async (signal) => {
        let value: string | undefined;
        try {
          // The name as it is now: ask the DHTs past the cache (the local
          // record still competes, and the highest sequence wins); with no
          // DHT peer yet only the local record can answer.
          const fresh = noDhtPeers(this.node) ? { offline: true } : { nocache: true };
          for await (const r of this.names.resolve(key, { signal, ...fresh })) value = r.value;
        } catch (e) {
          if (signal.aborted) throw e;
          throw new NodeError('node/ipns', `the IPNS name ${name} cannot be resolved: ${(e as Error).message}`, 'check the name, and that its publisher has run (perform routing :publish ...)');
        }
        if (!value) throw new NodeError('node/ipns', `the IPNS name ${name} points nowhere`);
        return value;
      });
  }

  async publishName(keyName: string, path: string, opts?: IpfsCallOptions): Promise<string> {
    const key = this.ownKey(keyName);
    const target = path.startsWith('/') ? path : `/ipfs/${path}`;
    parseIpfsPath(target);
    const ms = opts?.timeoutMs ?? this.timeoutMs;
    return withDeadline(ms, opts?.signal, () => new NodeError('node/timeout', `publishing ${keyName} took over ${ms / 1000} s`, 'the node may have no DHT peers yet; join one with --bootstrap'),
      async (signal) => {
        try {
          // With no DHT peer yet, the record is kept locally (resolvable here at
          // once) and the republisher puts it on the DHT later, rather than the
          // publish waiting out its deadline on a DHT put that cannot succeed.
          const r = await this.names.publish(key, target, { signal, ...(noDhtPeers(this.node) ? { offline: true } : {}) });
          return `/ipns/${r.publicKey.toCID().toString(base36)}`;
        } catch (e) { throw wrap(e, `publish ${keyName}`, 'node/ipns'); }
      });
  }

  /** The keychain name for a name the node holds: `self`, or the node's own peer id / IPNS name. */
  private ownKey(name: string): string {
    const bare = name.replace(/^\/ipns\//, '');
    if (bare === 'self') return 'self';
    try {
      if (peerIdFromString(bare).equals(this.node.peerId)) return 'self';
    } catch {
      try { if (equalBytes(CID.parse(bare, base36).multihash.bytes, this.node.peerId.toMultihash().bytes)) return 'self'; } catch { /* not an id */ }
    }
    throw new NodeError('node/ipns', `this node holds no key for the IPNS name ${name}`, `publish under self (this node's name is /ipns/${this.node.peerId})`);
  }

  async stop(): Promise<void> {
    await this.helia.stop();
  }
}

/**
 * Puts checked blocks into a Helia's blockstore and pins `root` without
 * going to the network: a DAG that lacks a block is refused, not completed
 * from peers (shared with `ww push` into a repo while no node runs).
 */
export async function storeDag(helia: Helia, root: CID, blocks: AsyncIterable<Block>, signal?: AbortSignal): Promise<void> {
  try {
    for await (const b of blocks) await helia.blockstore.put(b.cid, b.bytes, { signal });
  } catch (e) { throw wrap(e, `import ${root}`); }
  if (await helia.pins.isPinned(root)) return;
  // Checked here first: Helia's pin walk loses a missing block's error
  // (an unhandled rejection) and pins the incomplete DAG anyway.
  const missing = await firstMissing(helia, root, signal);
  if (missing) throw new NodeError('node/bad-car', `the pushed DAG under ${root} lacks a block (${missing})`, 'push the whole folder again (ww push sends every block)');
  try {
    for await (const _ of helia.pins.add(root, { offline: true, signal } as Parameters<Helia['pins']['add']>[1])) { /* walks the DAG, here only */ }
  } catch (e) { throw wrap(e, `pin ${root}`); }
}

/** The first block under `root` this blockstore lacks, or null; reads only what is here. */
async function firstMissing(helia: Helia, root: CID, signal?: AbortSignal): Promise<CID | null> {
  const seen = new Set<string>();
  const stack = [root];
  while (stack.length) {
    const cid = stack.pop()!;
    const key = cid.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    if (!(await helia.blockstore.has(cid, { signal }))) return cid;
    if (cid.code === RAW_CODE) continue; // a leaf links nothing
    const chunks: Uint8Array[] = [];
    for await (const c of helia.blockstore.get(cid, { offline: true, signal } as never)) chunks.push(c);
    const block = createUnsafe({ cid, bytes: concat(chunks, chunks.reduce((n, c) => n + c.length, 0)), codec: await helia.getCodec(cid.code) });
    for (const [, link] of block.links()) stack.push(link);
  }
  return null;
}

const RAW_CODE = 0x55;

/** An IPNS name as @helia/ipns takes it: a peer id string or a libp2p-key CID. */
function nameKey(name: string): CID | string {
  const bare = name.replace(/^\/ipns\//, '').split('/')[0]!;
  try { return peerIdFromString(bare).toCID(); } catch { /* not a peer id */ }
  try { return CID.parse(bare, base36); } catch { /* not base36 */ }
  try { return CID.parse(bare); } catch {
    throw new NodeError('node/bad-key', `${JSON.stringify(name)} is not an IPNS name`, 'an IPNS name is a peer id (12D3KooW...) or a k51... key');
  }
}

function wrap(e: unknown, what: string, code: 'node/ipfs' | 'node/ipns' = 'node/ipfs'): NodeError {
  if (e instanceof NodeError) return e;
  const err = e as Error;
  if (err?.name === 'NoPropError' || /does not exist|not found|no link/i.test(err?.message ?? '')) {
    return new NodeError('node/not-found', `${what}: ${err.message}`, 'check the path inside the folder');
  }
  return new NodeError(code, `${what}: ${err?.message ?? String(e)}`);
}

function concat(chunks: Uint8Array[], n: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}
