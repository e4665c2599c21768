// The node's content store, as the rest of the node sees it: the
// embedded Helia (runtime/node/ipfs-helia.ts) or Kubo over its HTTP RPC
// (runtime/node/ipfs-kubo.ts, `--ipfs-url`). Both take the same paths and
// fail with the same NodeErrors, so the layer loader, `ww push` and the
// Ipfs and Routing capabilities never ask which one they have.
//
// Paths are `/ipfs/<cid>[/sub/path]`, `/ipns/<name>[/sub/path]` or a bare
// CID (optionally followed by `/sub/path`). Anything that waits on the
// network has a deadline: a CID nobody provides fails with
// node/not-found naming it, never hangs.
import { CID } from 'multiformats/cid';
import { NodeError } from './errors.js';
import type { Block } from './car.js';

export interface IpfsEntry {
  name: string;
  cid: string;
  type: 'file' | 'directory';
  /** Bytes of a file's content; 0 for a directory. */
  size: number;
}

export interface IpfsStat {
  cid: string;
  type: 'file' | 'directory';
  size: number;
}

export interface IpfsCallOptions {
  signal?: AbortSignal;
  /** Overrides the store's deadline for this call, in ms. */
  timeoutMs?: number;
}

export interface CatOptions extends IpfsCallOptions {
  /** Fail with node/too-large instead of returning more than this many bytes. */
  maxBytes?: number;
}

/** What `addDirectory` reports as it goes (for `ww push` on stderr). */
export interface AddProgress { files: number; bytes: number; path: string }

export interface IpfsStore {
  readonly kind: 'embedded' | 'kubo';
  /** Stores bytes as a UnixFS file (CIDv1), pinned and announced; returns the CID. */
  addBytes(data: Uint8Array, opts?: IpfsCallOptions): Promise<string>;
  /** Stores a local folder as a UnixFS folder (CIDv1), pinned and announced; returns the root CID. */
  addDirectory(localDir: string, progress?: (p: AddProgress) => void, opts?: IpfsCallOptions): Promise<string>;
  /**
   * Stores a DAG built elsewhere (`ww push`) from blocks already checked
   * against their CIDs (runtime/node/car.ts), pins `root` (node/bad-car
   * when a block under it is neither among them nor already here) and
   * announces it. A bad block the iterable throws fails the import.
   */
  importDag(root: CID, blocks: AsyncIterable<Block>, opts?: IpfsCallOptions): Promise<void>;
  /**
   * Stores one block whose CID the caller made from `bytes` (a state
   * version, runtime/node/state/), not pinned and not announced.
   */
  putBlock(cid: CID, bytes: Uint8Array, opts?: IpfsCallOptions): Promise<void>;
  /** Pins block `cid` directly: this block is kept from GC, the blocks it links to by their own pins. */
  pinBlock(cid: CID, opts?: IpfsCallOptions): Promise<void>;
  /** The bytes of block `cid` when this node's store has it; null when it does not (the network is never asked). */
  getLocalBlock(cid: CID, opts?: IpfsCallOptions): Promise<Uint8Array | null>;
  /** The bytes of the file at `path`. */
  cat(path: string, opts?: CatOptions): Promise<Uint8Array>;
  /** The entries of the folder at `path`, sorted by name. */
  ls(path: string, opts?: IpfsCallOptions): Promise<IpfsEntry[]>;
  stat(path: string, opts?: IpfsCallOptions): Promise<IpfsStat>;
  /** Whether `cid` is pinned here (adds pin what they add). */
  isPinned(cid: string): Promise<boolean>;
  /** Announces on the DHTs that this node has `cid`. */
  provide(cid: string, opts?: IpfsCallOptions): Promise<void>;
  /** `/ipns/<name>` or the bare name, to the path it points at (`/ipfs/<cid>...`). */
  resolveName(name: string, opts?: IpfsCallOptions): Promise<string>;
  /** Points the name of key `keyName` (`self`: the node's identity) at `path`; returns `/ipns/<name>`. */
  publishName(keyName: string, path: string, opts?: IpfsCallOptions): Promise<string>;
  stop(): Promise<void>;
}

/** How long a store waits on the network by default. */
export const DEFAULT_IPFS_TIMEOUT_MS = 30_000;

export type ParsedPath =
  | { kind: 'ipfs'; cid: CID; sub: string }
  | { kind: 'ipns'; name: string; sub: string };

/** A path the stores accept, parsed; node/bad-key otherwise. */
export function parseIpfsPath(path: string): ParsedPath {
  const bad = (why: string) => new NodeError('node/bad-key', `${JSON.stringify(path)} is not an IPFS path: ${why}`,
    'write /ipfs/<cid>/file, /ipns/<name>/file or a bare CID');
  if (typeof path !== 'string' || path.trim() === '') throw bad('it is empty');
  const p = path.trim();
  const parts = p.split('/').filter((s) => s !== '');
  let kind: 'ipfs' | 'ipns' = 'ipfs';
  if (p.startsWith('/')) {
    if (parts[0] !== 'ipfs' && parts[0] !== 'ipns') throw bad('it starts with neither /ipfs/ nor /ipns/');
    kind = parts.shift() as 'ipfs' | 'ipns';
  }
  const head = parts.shift();
  if (!head) throw bad(`it names no ${kind === 'ipfs' ? 'CID' : 'name'}`);
  const sub = parts.join('/');
  if (kind === 'ipns') return { kind, name: head, sub };
  return { kind, cid: parseCid(head, path), sub };
}

export function parseCid(s: string, context = s): CID {
  try {
    return CID.parse(s);
  } catch {
    throw new NodeError('node/bad-key', `${JSON.stringify(s)} in ${JSON.stringify(context)} is not a CID`, 'a CID looks like bafy... or Qm...');
  }
}

/** `/ipfs/<cid>/<sub>` for a CID and sub path. */
export function ipfsPath(cid: string, sub: string): string {
  return `/ipfs/${cid}${sub ? '/' + sub : ''}`;
}

/**
 * Runs `f` with a signal that aborts after `ms` or when `outer` does. A
 * deadline (not the caller's abort) becomes `onTimeout()`; any other
 * failure passes through.
 */
export async function withDeadline<T>(ms: number, outer: AbortSignal | undefined, onTimeout: () => NodeError,
  f: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = AbortSignal.timeout(ms);
  const signal = outer ? AbortSignal.any([outer, deadline]) : deadline;
  // Some library paths ignore the signal while they wait on the network;
  // the race makes the deadline hold anyway.
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, rej) => {
    onAbort = () => rej(deadline.aborted ? onTimeout() : (outer?.reason ?? new Error('aborted')));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  try {
    return await Promise.race([f(signal), aborted]);
  } catch (e) {
    if (deadline.aborted && !(e instanceof NodeError)) throw onTimeout();
    throw e;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The node/not-found error for content nobody provided in time. */
export function notFound(what: string, ms: number): NodeError {
  return new NodeError('node/not-found', `${what} was not found within ${Math.round(ms / 100) / 10} s`,
    'check that a node that has it is running and reachable (ww run --bootstrap <its address>), or that the CID is right');
}

/** The node/too-large error for a file over a read limit. */
/**
 * What both stores do for `cat` once they have stat'ed `path`: refuse a
 * folder or a file over `maxBytes`, then read its chunks (from `read`)
 * into one array, failing node/too-large if more arrive than were promised.
 */
export async function catFile(path: string, st: IpfsStat, maxBytes: number | undefined,
  read: () => AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  if (st.type === 'directory') throw new NodeError('node/bad-key', `${path} is a folder, not a file`, 'read a file inside it, or list it');
  const max = maxBytes ?? Infinity;
  if (st.size > max) throw tooLarge(path, st.size, max);
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const c of read()) {
    n += c.length;
    if (n > max) throw tooLarge(path, `over ${max}`, max);
    chunks.push(c);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

export function tooLarge(path: string, size: number | string, max: number): NodeError {
  return new NodeError('node/too-large', `${path} is ${size} bytes, over the ${max}-byte limit`, 'read a smaller file, or fetch it with ww push/ww run layers instead');
}
