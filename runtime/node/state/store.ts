// The node's named state refs (schema/state.capnp StateRef): version
// blocks in the node's IPFS (runtime/node/state/version.ts), heads in its
// datastore (heads.ts). The node is each ref's single point of
// consistency: every change of a head goes through one queue per name
// (serial.ts), so a compareAndSet reads and moves the head with no other
// change in between, and exactly one of several racing from the same head
// wins. Heads are cached in memory after their first read; only this
// store writes them. `put` stores a version unpinned; compareAndSet pins
// it as it commits it, so the versions of lost races are left for GC and
// every version in a chain is pinned before it is reachable from a head.
import { CID } from 'multiformats/cid';
import { NodeError } from '../errors.js';
import { parseCid, type IpfsStore } from '../ipfs.js';
import { checkName } from '../p2p/protocols.js';
import { HeadStore, EMPTY_HEAD, type Head } from './heads.js';
import { Serial } from './serial.js';
import { makeVersion, readVersion, type Version } from './version.js';
import type { Ipld } from './codec.js';

/** The most entries one history call returns. */
export const MAX_HISTORY = 10_000;

export interface HistoryEntry { cid: string; seq: bigint; prevCid: string }

export type CasResult = { ok: boolean } & Head;

/** A version's place in its chain, without its value. */
type Link = Pick<Version, 'cid' | 'ref' | 'seq' | 'prev'>;

/** How many versions' links the store keeps in memory. */
const LINK_CACHE = 1024;

export class StateStore {
  private readonly heads: HeadStore;
  private readonly cache = new Map<string, Head>();
  private readonly serial = new Serial();
  /** Recent versions' links, oldest first (see link()). */
  private readonly links = new Map<string, Link>();

  constructor(private readonly ipfs: Pick<IpfsStore, 'putBlock' | 'pinBlock' | 'getLocalBlock'>, datastore: ConstructorParameters<typeof HeadStore>[0]) {
    this.heads = new HeadStore(datastore);
  }

  /** `name` if it is a good ref name; node/bad-name otherwise (the rules of vat names). */
  static checkName(name: unknown): string {
    return checkName('state ref', name, '"counter"');
  }

  /** The datastore key of `name`'s head record (for messages and tests). */
  headKey(name: string): string {
    return this.heads.key(name).toString();
  }

  /** The head of `name` now. */
  head(name: string): Promise<Head> {
    const cached = this.cache.get(name);
    if (cached) return Promise.resolve(cached);
    return this.serial.run(name, () => this.load(name));
  }

  /** Inside the queue for `name`: the head, read from the datastore once. */
  private async load(name: string): Promise<Head> {
    let h = this.cache.get(name);
    if (!h) { h = await this.heads.get(name); this.cache.set(name, h); }
    return h;
  }

  /** Stores `value` as a version of `name` after `prevCid` ("" for the first); its CID. The head does not move. */
  async put(name: string, value: Ipld, prevCid: string): Promise<string> {
    let prev: CID | null = null, seq = 1n;
    if (prevCid !== '') {
      const p = await this.link(prevCid, 'the predecessor');
      if (p.ref !== name) throw wrongRef(p, name, 'the predecessor');
      prev = p.cid;
      seq = p.seq + 1n;
    }
    const { cid, bytes } = await makeVersion(name, seq, prev, value);
    await this.ipfs.putBlock(cid, bytes);
    this.remember({ cid, ref: name, seq, prev });
    return cid.toString();
  }

  /**
   * What a version says of its place in the chain (ref, seq, prev): from
   * the versions this store wrote or read lately, else read and checked.
   * For put and compareAndSet, which need no value; get and history read
   * the block every time, so damage on disk always shows there.
   */
  private async link(cid: string, what: string): Promise<Link> {
    const known = this.links.get(cid);
    if (known) return known;
    const v = await this.version(cid, what);
    this.remember(v);
    return v;
  }

  private remember(v: Link): void {
    const key = v.cid.toString();
    this.links.delete(key);
    this.links.set(key, { cid: v.cid, ref: v.ref, seq: v.seq, prev: v.prev });
    if (this.links.size > LINK_CACHE) this.links.delete(this.links.keys().next().value!);
  }

  /**
   * Moves the head of `name` from `expectedCid` to `newCid`: ok false with
   * the head as it is when the head is not `expectedCid`; a coded error
   * when `newCid` is not the next version after it.
   */
  async compareAndSet(name: string, expectedCid: string, newCid: string): Promise<CasResult> {
    // Read and checked before the queue: a block never changes, so only the
    // head's comparison and write are serialized.
    const v = await this.link(newCid, 'the new version');
    return this.serial.run(name, async () => {
      const head = await this.load(name);
      if (head.cid !== expectedCid) return { ok: false, ...head };
      const bad = (why: string) => new NodeError('node/state-bad-commit', `state ref ${JSON.stringify(name)} cannot commit ${newCid}: ${why}`,
        'commit a version made by (perform ref :put value head-cid) from the head you read');
      if (v.ref !== name) throw bad(`it is a version of the ref ${JSON.stringify(v.ref)}`);
      const prev = v.prev?.toString() ?? '';
      if (prev !== expectedCid) throw bad(`its predecessor is ${prev || 'none (a first version)'}, not the head ${expectedCid || '(none: the ref is empty)'}`);
      if (v.seq !== head.seq + 1n) throw bad(`its seq is ${v.seq}, not ${head.seq + 1n}`);
      // Pinned as it is committed: the versions of lost races stay unpinned, for GC.
      await this.ipfs.pinBlock(v.cid);
      const next: Head = { cid: v.cid.toString(), seq: v.seq };
      await this.heads.set(name, next);
      this.cache.set(name, next);
      return { ok: true, ...next };
    });
  }

  /** Up to `limit` (at most MAX_HISTORY) versions of `name`, newest first, each found from the one before by its predecessor's CID. */
  async history(name: string, limit: number): Promise<HistoryEntry[]> {
    const head = await this.head(name);
    const out: HistoryEntry[] = [];
    let at = head.cid;
    let expect = head.seq;
    while (at !== '' && out.length < Math.min(limit, MAX_HISTORY)) {
      const v = await this.version(at, out.length === 0 ? `the head of state ref ${JSON.stringify(name)}` : `version ${expect} of state ref ${JSON.stringify(name)}`);
      if (v.seq !== expect) {
        throw new NodeError('node/state-corrupt', `the block ${at} is corrupt: it has seq ${v.seq} where version ${expect} of state ref ${JSON.stringify(name)} belongs`);
      }
      const prevCid = v.prev?.toString() ?? '';
      out.push({ cid: at, seq: v.seq, prevCid });
      at = prevCid;
      expect--;
    }
    return out;
  }

  /** The version `cid`, read from this node's blocks and checked. */
  async version(cid: string, what = 'the version'): Promise<Version> {
    const c = parseCid(cid, cid);
    const bytes = await this.ipfs.getLocalBlock(c);
    if (!bytes) {
      throw new NodeError('node/state-missing', `the block ${cid} (${what}) is not in this node's blocks`,
        'give a CID from (perform ref :head), (perform ref :history n) or (perform ref :put ...) on this node; if it was one, the repo lost the block');
    }
    return readVersion(c, bytes);
  }
}

function wrongRef(v: Link, name: string, what: string): NodeError {
  return new NodeError('node/state-bad-commit', `${what} ${v.cid} is a version of the state ref ${JSON.stringify(v.ref)}, not of ${JSON.stringify(name)}`,
    'each ref has its own chain of versions; read this ref\'s head with (perform ref :head)');
}

export { EMPTY_HEAD };
