// One version of a StateRef (schema/state.capnp) as one dag-cbor block:
//
//   { "kind": "ww.state/version",   what the block is, so that reading any
//                                   other block says so plainly
//     "ref":  "counter",            the ref it was put on
//     "seq":  3,                    1 for the first version, then +1 each
//     "prev": CID link or null,     the version before it (a real IPLD
//                                   link: `ipfs dag get` and other IPLD
//                                   tools walk the chain)
//     "value": ... }                the value (runtime/node/state/codec.ts)
//
// CIDs are CIDv1, dag-cbor, sha2-256. A block is at most MAX_VERSION_BYTES
// (1 MiB, the size every IPFS implementation transfers), so a value that
// does not fit fails node/too-large naming the limit. Reading checks the
// bytes against the CID and the shape against the above: node/state-corrupt
// for a block that is damaged, node/state-not-version for a sound block of
// some other kind.
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { NodeError } from '../errors.js';
import { BadEncoding, type Ipld } from './codec.js';

export const VERSION_KIND = 'ww.state/version';
/** The most bytes one version block may have. */
export const MAX_VERSION_BYTES = 1024 * 1024;

export interface Version {
  cid: CID;
  ref: string;
  seq: bigint;
  prev: CID | null;
  /** The value as IPLD data (codec.ts decodeValue turns it into a Glia.Value). */
  value: unknown;
}

/** The block of a new version, and its CID. */
export async function makeVersion(ref: string, seq: bigint, prev: CID | null, value: Ipld): Promise<{ cid: CID; bytes: Uint8Array }> {
  const bytes = dagCbor.encode({ kind: VERSION_KIND, ref, seq: seq <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seq) : seq, prev, value });
  if (bytes.length > MAX_VERSION_BYTES) {
    throw new NodeError('node/too-large', `the new version of state ref ${JSON.stringify(ref)} is ${bytes.length} bytes encoded, over the ${MAX_VERSION_BYTES}-byte limit of one version`,
      'keep large data in IPFS (perform ipfs :add ...) and store its CID in the ref');
  }
  return { cid: CID.createV1(dagCbor.code, await sha256.digest(bytes)), bytes };
}

/** The version in block `cid` with `bytes`, checked; node/state-corrupt or node/state-not-version otherwise. */
export async function readVersion(cid: CID, bytes: Uint8Array): Promise<Version> {
  const corrupt = (why: string) => new NodeError('node/state-corrupt', `the block ${cid} is corrupt: ${why}`,
    'the node\'s IPFS repo is damaged; restore the block from another copy (it is content-addressed), or move the ref to a version before it');
  const notVersion = (why: string) => new NodeError('node/state-not-version', `the block ${cid} is not a state version: ${why}`,
    'give the CID of a version from (perform ref :head) or (perform ref :history n)');
  if (cid.code !== dagCbor.code) throw notVersion(`its codec is 0x${cid.code.toString(16)}, not dag-cbor (0x71)`);
  if (cid.multihash.code !== sha256.code) throw notVersion(`its hash is 0x${cid.multihash.code.toString(16)}, not sha2-256`);
  const digest = await sha256.digest(bytes);
  if (!equalBytes(digest.digest, cid.multihash.digest)) throw corrupt(`its ${bytes.length} bytes do not hash to its CID`);
  let x: unknown;
  try { x = dagCbor.decode(bytes); } catch (e) { throw corrupt(`it does not decode as dag-cbor (${(e as Error).message})`); }
  if (x === null || typeof x !== 'object' || Array.isArray(x) || x instanceof Uint8Array || CID.asCID(x)) throw notVersion('it is not a map');
  const m = x as Record<string, unknown>;
  if (m.kind !== VERSION_KIND) throw notVersion(m.kind === undefined ? 'it has no "kind"' : `its kind is ${JSON.stringify(m.kind)}, not ${JSON.stringify(VERSION_KIND)}`);
  if (typeof m.ref !== 'string') throw corrupt('its "ref" is not a string');
  const seq = typeof m.seq === 'number' && Number.isInteger(m.seq) ? BigInt(m.seq) : typeof m.seq === 'bigint' ? m.seq : null;
  if (seq === null || seq < 1n) throw corrupt('its "seq" is not a whole number from 1');
  const prev = m.prev === null ? null : CID.asCID(m.prev);
  if (prev === null && m.prev !== null) throw corrupt('its "prev" is neither a CID link nor null');
  if ((prev === null) !== (seq === 1n)) throw corrupt(`seq ${seq} ${prev === null ? 'has no' : 'has a'} predecessor`);
  if (!('value' in m)) throw corrupt('it has no "value"');
  return { cid, ref: m.ref, seq, prev, value: m.value };
}

/** A decode failure of a version's value as node/state-corrupt naming the block. */
export function corruptValue(cid: CID | string, e: unknown): NodeError | unknown {
  if (!(e instanceof BadEncoding)) return e;
  return new NodeError('node/state-corrupt', `the block ${cid} is corrupt: its value is not a stored Glia value: ${e.message}`,
    'the node\'s IPFS repo is damaged; restore the block from another copy, or move the ref to a version before it');
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
