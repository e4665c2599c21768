// The node's content store on Kubo (`--ipfs-url`, `IPFS_API`), through
// kubo-rpc-client: the same IpfsStore as the embedded one, so the rest of
// the node does not ask which it has. Kubo runs its own swarm, so what the
// node adds here is fetched by others from Kubo; the node's own DHTs are
// not involved.
//
// A Kubo that refuses or does not answer is one line (node/kubo-
// unreachable naming the URL), at start and on any later call.
import { createReadStream } from 'node:fs';
import { create, type KuboRPCClient } from 'kubo-rpc-client';
import { CID } from 'multiformats/cid';
import { NodeError } from './errors.js';
import { localTree } from './local-tree.js';
import { carStream, type Block } from './car.js';
import {
  DEFAULT_IPFS_TIMEOUT_MS, parseIpfsPath, parseCid, withDeadline, notFound, catFile,
  type IpfsStore, type IpfsEntry, type IpfsStat, type CatOptions, type IpfsCallOptions, type AddProgress,
} from './ipfs.js';

export interface KuboStoreOptions {
  /** The RPC API, such as http://127.0.0.1:5001. */
  url: string;
  timeoutMs?: number;
}

const ADD = { cidVersion: 1, rawLeaves: true, pin: true } as const;

/** Connects to Kubo and checks that it answers. */
export async function createKuboStore(opts: KuboStoreOptions): Promise<IpfsStore> {
  let url: URL;
  try { url = new URL(opts.url); } catch {
    throw new NodeError('node/kubo-unreachable', `--ipfs-url ${JSON.stringify(opts.url)} is not a URL`, 'give Kubo\'s RPC address, such as http://127.0.0.1:5001');
  }
  const client = create({ url: url.href.replace(/\/$/, '') });
  const store = new KuboStore(client, url.href, opts.timeoutMs ?? DEFAULT_IPFS_TIMEOUT_MS);
  await store.ping();
  return store;
}

class KuboStore implements IpfsStore {
  readonly kind = 'kubo' as const;
  constructor(private readonly kubo: KuboRPCClient, private readonly url: string, private readonly timeoutMs: number) {}

  /** Kubo's failures as NodeErrors: unreachable, not found, or what Kubo said. */
  private fail(e: unknown, what: string): NodeError {
    if (e instanceof NodeError) return e;
    const err = e as Error & { cause?: { code?: string; message?: string }; response?: { status?: number } };
    const code = err?.cause?.code ?? (err as { code?: string })?.code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ECONNRESET' || /fetch failed/.test(err?.message ?? '')) {
      return new NodeError('node/kubo-unreachable', `Kubo at ${this.url} refused the connection (${code ?? err?.cause?.message ?? err.message})`,
        'start Kubo (ipfs daemon) or fix --ipfs-url / IPFS_API; without them the node uses its embedded IPFS');
    }
    const msg = err?.message ?? String(e);
    if (/no link|not found|does not exist|could not resolve/i.test(msg)) return new NodeError('node/not-found', `${what}: ${msg}`, 'check the path');
    return new NodeError('node/ipfs', `${what}: Kubo said: ${msg}`);
  }

  private call<T>(what: string, opts: IpfsCallOptions | undefined, f: (signal: AbortSignal) => Promise<T>, onTimeout?: () => NodeError): Promise<T> {
    const ms = opts?.timeoutMs ?? this.timeoutMs;
    return withDeadline(ms, opts?.signal, onTimeout ?? (() => notFound(what, ms)), async (signal) => {
      try { return await f(signal); } catch (e) { if (signal.aborted) throw e; throw this.fail(e, what); }
    });
  }

  async ping(): Promise<void> {
    await this.call('Kubo', { timeoutMs: Math.min(this.timeoutMs, 10_000) }, (signal) => this.kubo.id({ signal }),
      () => new NodeError('node/kubo-unreachable', `Kubo at ${this.url} did not answer`, 'check that Kubo runs and that --ipfs-url is its RPC API (port 5001), not its gateway'));
  }

  async addBytes(data: Uint8Array, opts?: IpfsCallOptions): Promise<string> {
    const r = await this.call('add', opts, (signal) => this.kubo.add(data, { ...ADD, signal }));
    return r.cid.toString();
  }

  async addDirectory(localDir: string, progress?: (p: AddProgress) => void, opts?: IpfsCallOptions): Promise<string> {
    const entries = await localTree(localDir);
    let files = 0, bytes = 0;
    async function* candidates() {
      for (const e of entries) {
        if (e.type === 'directory') { yield { path: e.path }; continue; }
        files++; bytes += e.size;
        progress?.({ files, bytes, path: e.path });
        yield { path: e.path, content: createReadStream(e.abs) as AsyncIterable<Uint8Array> };
      }
    }
    // A folder upload can take long; its deadline scales with its size (1 s per MiB on top).
    const ms = (opts?.timeoutMs ?? this.timeoutMs) + Math.ceil(entries.reduce((n, e) => n + e.size, 0) / 1048576) * 1000;
    return this.call(`add ${localDir}`, { ...opts, timeoutMs: ms }, async (signal) => {
      let root: string | undefined;
      // Wrapped in one folder, which Kubo reports last.
      for await (const r of this.kubo.addAll(candidates(), { ...ADD, wrapWithDirectory: true, signal })) root = r.cid.toString();
      if (!root) throw new NodeError('node/ipfs', `Kubo added nothing for ${localDir}`);
      return root;
    }, () => new NodeError('node/timeout', `adding ${localDir} to Kubo took over ${ms / 1000} s`, 'check Kubo, or add a smaller folder'));
  }

  async importDag(root: CID, blocks: AsyncIterable<Block>, opts?: IpfsCallOptions): Promise<void> {
    // A bad block ends the upload early; Kubo then sees a cut CAR, so the
    // error to report is the block's, not what the upload became.
    let bad: unknown = null;
    const checked = (async function* () { try { yield* blocks; } catch (e) { bad = e; throw e; } })();
    try {
      await this.call(`import ${root}`, opts, async (signal) => {
        let pinned: string | null = null;
        for await (const r of this.kubo.dag.import([carStream(root, checked)], { pinRoots: true, signal })) {
          if (r.root.cid.equals(root)) pinned = r.root.pinErrorMsg ? `not pinned: ${r.root.pinErrorMsg}` : '';
        }
        if (pinned === null || pinned) {
          throw new NodeError('node/bad-car', `Kubo did not pin ${root} from the pushed CAR${pinned ? ` (${pinned})` : ''}`, 'push the whole folder again (ww push sends every block)');
        }
      }, () => new NodeError('node/timeout', `Kubo took too long importing ${root}`, 'check Kubo, or push a smaller folder'));
    } catch (e) { throw bad ?? e; }
    void this.provide(root.toString()).catch(() => { /* Kubo reprovides pins on its own */ });
  }

  async putBlock(cid: CID, bytes: Uint8Array, opts?: IpfsCallOptions): Promise<void> {
    await this.call(`put block ${cid}`, opts, async (signal) => {
      const got = await this.kubo.block.put(bytes, { cidCodec: 'dag-cbor', mhtype: 'sha2-256', signal } as never);
      if (!got.equals(cid)) throw new NodeError('node/ipfs', `Kubo stored the block ${cid} as ${got}`, 'Kubo must take dag-cbor blocks with CIDv1 and sha2-256');
    }, () => new NodeError('node/timeout', `Kubo took too long storing the block ${cid}`, 'check Kubo'));
  }

  async pinBlock(cid: CID, opts?: IpfsCallOptions): Promise<void> {
    // A direct pin: this block only; each version has its own.
    await this.call(`pin block ${cid}`, opts, async (signal) => { await this.kubo.pin.add(cid, { recursive: false, signal }); },
      () => new NodeError('node/timeout', `Kubo took too long pinning the block ${cid}`, 'check Kubo'));
  }

  async getLocalBlock(cid: CID, opts?: IpfsCallOptions): Promise<Uint8Array | null> {
    try {
      // offline: Kubo answers from its own repo and never searches the network.
      return await this.call(`get block ${cid}`, opts, (signal) => this.kubo.block.get(cid, { offline: true, signal } as never),
        () => new NodeError('node/timeout', `Kubo took too long reading the block ${cid}`, 'check Kubo'));
    } catch (e) {
      if (e instanceof NodeError && e.code === 'node/not-found') return null;
      throw e;
    }
  }

  /** The path as Kubo takes it: /ipfs/... or /ipns/... */
  private kuboPath(path: string): string {
    const p = parseIpfsPath(path);
    return p.kind === 'ipfs' ? `/ipfs/${p.cid}${p.sub ? '/' + p.sub : ''}` : `/ipns/${p.name}${p.sub ? '/' + p.sub : ''}`;
  }

  async stat(path: string, opts?: IpfsCallOptions): Promise<IpfsStat> {
    const kp = this.kuboPath(path);
    const s = await this.call(path, opts, (signal) => this.kubo.files.stat(kp, { signal }));
    return { cid: s.cid.toString(), type: s.type === 'directory' ? 'directory' : 'file', size: s.type === 'directory' ? 0 : Number(s.size) };
  }

  async cat(path: string, opts?: CatOptions): Promise<Uint8Array> {
    const st = await this.stat(path, opts);
    return this.call(path, opts, (signal) => catFile(path, st, opts?.maxBytes, () => this.kubo.cat(CID.parse(st.cid), { signal })));
  }

  async ls(path: string, opts?: IpfsCallOptions): Promise<IpfsEntry[]> {
    const st = await this.stat(path, opts);
    if (st.type !== 'directory') throw new NodeError('node/bad-key', `${path} is a file, not a folder`, 'cat it instead');
    return this.call(path, opts, async (signal) => {
      const out: IpfsEntry[] = [];
      for await (const e of this.kubo.ls(`/ipfs/${st.cid}`, { signal })) {
        out.push({ name: e.name, cid: e.cid.toString(), type: e.type === 'dir' ? 'directory' : 'file', size: e.type === 'dir' ? 0 : Number(e.size) });
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    });
  }

  async isPinned(cid: string): Promise<boolean> {
    const c = parseCid(cid);
    try {
      for await (const p of this.kubo.pin.ls({ paths: [c] })) if (p.cid.equals(c)) return true;
      return false;
    } catch (e) {
      const f = this.fail(e, `pin ls ${cid}`);
      if (f.code === 'node/kubo-unreachable') throw f;
      return false; // Kubo answers "not pinned" with an error
    }
  }

  async provide(cid: string, opts?: IpfsCallOptions): Promise<void> {
    const c = parseCid(cid);
    await this.call(`provide ${cid}`, opts, async (signal) => { for await (const _ of this.kubo.routing.provide(c, { signal })) { /* query events */ } },
      () => new NodeError('node/timeout', `Kubo took too long announcing ${cid}`, 'Kubo may have no DHT peers yet'));
  }

  async resolveName(name: string, opts?: IpfsCallOptions): Promise<string> {
    const bare = name.replace(/^\/ipns\//, '');
    if (!bare || bare.includes(' ')) throw new NodeError('node/bad-key', `${JSON.stringify(name)} is not an IPNS name`, 'an IPNS name is a peer id (12D3KooW...) or a k51... key');
    return this.call(`the IPNS name ${name}`, opts, async (signal) => {
      let last: string | undefined;
      for await (const p of this.kubo.name.resolve(`/ipns/${bare}`, { signal })) last = p;
      if (!last) throw new NodeError('node/ipns', `the IPNS name ${name} points nowhere`);
      return last;
    });
  }

  async publishName(keyName: string, path: string, opts?: IpfsCallOptions): Promise<string> {
    const target = path.startsWith('/') ? path : `/ipfs/${path}`;
    parseIpfsPath(target);
    // Kubo names keys itself: `self` is its identity (Kubo's, not the node's).
    return this.call(`publish ${keyName}`, opts, async (signal) => {
      try {
        const r = await this.kubo.name.publish(target, { key: keyName, signal });
        return `/ipns/${r.name}`;
      } catch (e) {
        const f = this.fail(e, `publish ${keyName}`);
        throw f.code === 'node/kubo-unreachable' ? f : new NodeError('node/ipns', f.message, 'publish under self, or a key made with ipfs key gen');
      }
    }, () => new NodeError('node/timeout', `Kubo took too long publishing ${keyName}`, 'Kubo may have no DHT peers yet'));
  }

  async stop(): Promise<void> { /* Kubo runs on its own */ }
}
