// What an Atom contract's head means: its `cid` bytes are the UTF-8 text of
// a CID (`bafy...`, `Qm...`) or of an IPFS path (`/ipfs/CID[/sub/path]`).
// The contract stores whatever its owner wrote, so a node checks the bytes
// here and refuses, with a coded error, a head it cannot boot from.
import { CID } from 'multiformats/cid';
import { NodeError } from '../errors.js';

/** Longer than any CID text plus a reasonable sub-path: a head this long is a mistake. */
export const MAX_HEAD_BYTES = 1024;

const HINT = "the Atom's owner must call setHead with the UTF-8 bytes of a CID or of an /ipfs/CID path";

/**
 * The IPFS path (`/ipfs/CID[/sub]`) a head's bytes name, the CID written in
 * its canonical form (CIDv0 stays base58btc; CIDv1 is base32). Throws
 * `node/chain-head` for bytes that are not such text.
 */
export function headToPath(bytes: Uint8Array, where: string): string {
  if (bytes.length === 0) throw new NodeError('node/chain-head', `${where}: the head is empty (setHead was never called)`, HINT);
  if (bytes.length > MAX_HEAD_BYTES) throw new NodeError('node/chain-head', `${where}: the head is ${bytes.length} bytes, over the ${MAX_HEAD_BYTES}-byte limit for a CID or /ipfs/ path`, HINT);
  let text: string;
  try { text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); }
  catch { throw new NodeError('node/chain-head', `${where}: the head is not UTF-8 text`, HINT); }
  const shown = JSON.stringify(text.length > 80 ? text.slice(0, 80) + '...' : text);
  const path = text.startsWith('/ipfs/') ? text.slice('/ipfs/'.length) : text;
  const [cidText = '', ...rest] = path.split('/');
  let cid: CID;
  try { cid = CID.parse(cidText); }
  catch (e) { throw new NodeError('node/chain-head', `${where}: the head ${shown} is not a CID or /ipfs/CID path (${(e as Error).message})`, HINT); }
  // A bare CID has no sub-path; a path's segments are non-empty and plain.
  if (rest.length && (!text.startsWith('/ipfs/') || rest.some((s) => s === '' || s === '.' || s === '..' || /[\u0000-\u001f]/.test(s)))) {
    throw new NodeError('node/chain-head', `${where}: the head ${shown} has a malformed sub-path`, HINT);
  }
  return ['/ipfs', cid.toString(), ...rest].join('/');
}
