// CAR streams, the form in which `ww push` hands a DAG it built to a node
// (runtime/node/control.ts) or to Kubo (dag/import). Writing is plain
// @ipld/car. Reading is where trust ends: the bytes come from another
// process, so every block is hashed and compared with its CID before
// anyone stores it (a client that lies about a block must not poison the
// store, where the block would later be served to peers under a CID it
// does not match), and the whole stream is bounded in bytes and in block
// size before the decoder buffers anything.
import { CarBlockIterator, CarWriter } from '@ipld/car';
import type { CID } from 'multiformats/cid';
import { sha256, sha512 } from 'multiformats/hashes/sha2';
import { identity } from 'multiformats/hashes/identity';
import { NodeError } from './errors.js';

export interface Block { cid: CID; bytes: Uint8Array }

/** The largest block a push may carry: bitswap's limit, so every pushed block can also be fetched by peers. */
export const MAX_BLOCK_BYTES = 2 * 1024 * 1024;

/**
 * A CARv1 stream of `blocks` under the single root `root`. A failure of
 * `blocks` (a bad block) ends the stream with that error.
 */
export async function* carStream(root: CID, blocks: Iterable<Block> | AsyncIterable<Block>): AsyncIterable<Uint8Array> {
  const { writer, out } = CarWriter.create([root]);
  let failure: { e: unknown } | null = null;
  const feeding = (async () => {
    try {
      for await (const b of blocks) await writer.put(b);
    } catch (e) { failure = { e }; } finally { await writer.close(); }
  })();
  for await (const chunk of out) yield chunk;
  await feeding;
  if (failure) throw (failure as { e: unknown }).e;
}

export interface ReadCarOptions {
  /** The most bytes the whole stream may hold (node/too-large past it). */
  maxBytes: number;
}

export interface VerifiedCar {
  root: CID;
  /** The blocks, each checked against its CID as it comes; iterate once. */
  blocks: AsyncIterable<Block>;
  /** Bytes and blocks read so far (final once `blocks` is done). */
  stats: { bytes: number; blocks: number };
}

const HASHERS = new Map<number, { digest(b: Uint8Array): Promise<{ bytes: Uint8Array }> | { bytes: Uint8Array } }>([
  [sha256.code, sha256], [sha512.code, sha512], [identity.code, identity],
]);

/**
 * Reads a CAR stream with exactly one root, checking each block's hash
 * against its CID. node/bad-car for a stream that does not parse or names
 * not one root; node/bad-block for a block whose bytes do not match its CID
 * (or whose hash function we do not know, so cannot check);
 * node/too-large past `maxBytes` in all or MAX_BLOCK_BYTES in one block.
 */
export async function readVerifiedCar(source: AsyncIterable<Uint8Array>, opts: ReadCarOptions): Promise<VerifiedCar> {
  const stats = { bytes: 0, blocks: 0 };
  async function* bounded() {
    for await (const chunk of source) {
      stats.bytes += chunk.length;
      if (stats.bytes > opts.maxBytes) {
        throw new NodeError('node/too-large', `the pushed image is over the ${opts.maxBytes}-byte limit`, 'push a smaller folder, or start the node with a larger --max-push-bytes');
      }
      yield chunk;
    }
  }
  let it: CarBlockIterator;
  try {
    it = await CarBlockIterator.fromIterable(bounded());
  } catch (e) {
    throw badCar(e, 'its header does not parse');
  }
  const roots = await it.getRoots();
  if (roots.length !== 1) throw new NodeError('node/bad-car', `the pushed CAR names ${roots.length} roots, not one`, 'ww push sends one root, the folder');
  async function* verified(): AsyncIterable<Block> {
    try {
      for await (const b of it) {
        if (b.bytes.length > MAX_BLOCK_BYTES) throw new NodeError('node/too-large', `block ${b.cid} is ${b.bytes.length} bytes, over the ${MAX_BLOCK_BYTES}-byte block limit`, 'chunk files into smaller blocks (ww push does)');
        const hasher = HASHERS.get(b.cid.multihash.code);
        if (!hasher) throw new NodeError('node/bad-block', `block ${b.cid} uses hash function 0x${b.cid.multihash.code.toString(16)}, which this node does not check`, 'use sha2-256 (as ww push does)');
        const digest = (await hasher.digest(b.bytes)).bytes;
        if (!equal(digest, b.cid.multihash.bytes)) {
          throw new NodeError('node/bad-block', `block ${b.cid} does not hash to its CID: the pushed bytes are not that block`, 'the client sent corrupt or forged data; nothing of it was kept under that CID');
        }
        stats.blocks++;
        yield { cid: b.cid, bytes: b.bytes };
      }
    } catch (e) {
      if (e instanceof NodeError) throw e;
      throw badCar(e, 'a block section does not parse');
    }
  }
  return { root: roots[0]!, blocks: verified(), stats };
}

function badCar(e: unknown, what: string): NodeError {
  if (e instanceof NodeError) return e;
  return new NodeError('node/bad-car', `the pushed CAR is malformed: ${what} (${(e as Error)?.message ?? String(e)})`, 'send a CARv1 stream, as ww push does');
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
