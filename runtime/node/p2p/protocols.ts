// The libp2p protocols a Wetware node speaks beside IPFS's:
//
//   /ww/0.1.0              the node's Terminal (login, then its membrane)
//   /ww/0.1.0/vat/NAME     a capability served as a Cap'n Proto vat
//   /ww/0.1.0/stream/NAME  raw bytes, a cell per stream
//
// A NAME is one path segment: not empty, no `/`, printable, at most 128
// bytes, so that a protocol id never collides with another kind's.
import { NodeError } from '../errors.js';

export const TERMINAL_PROTOCOL = '/ww/0.1.0';
export const VAT_PREFIX = '/ww/0.1.0/vat/';
export const STREAM_PREFIX = '/ww/0.1.0/stream/';
export const MAX_NAME_BYTES = 128;

export type P2pKind = 'vat' | 'stream';

/** The protocol id for a served name; throws node/bad-name for a name that is not one segment. */
export function protocolOf(kind: P2pKind, name: unknown): string {
  return (kind === 'vat' ? VAT_PREFIX : STREAM_PREFIX) + checkName(kind, name, kind === 'vat' ? '"counter"' : '"echo"');
}

/**
 * `name` when it is one segment (the rule for vat and stream names, and
 * for state refs: runtime/node/state/store.ts); node/bad-name naming
 * `kind` otherwise.
 */
export function checkName(kind: string, name: unknown, example: string): string {
  if (typeof name !== 'string') throw new NodeError('node/bad-name', `a ${kind} name is a string, got ${name === null ? 'nil' : typeof name}`);
  if (name.length === 0) throw new NodeError('node/bad-name', `a ${kind} name must not be empty`, `name it, for example ${example}`);
  if (name.includes('/')) {
    throw new NodeError('node/bad-name', `the ${kind} name ${JSON.stringify(name)} contains a slash`,
      kind === 'vat' || kind === 'stream' ? `a name is one segment of /ww/0.1.0/${kind}/NAME, for example ${example}` : `a name is one path segment, for example ${example}`);
  }
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw new NodeError('node/bad-name', `the ${kind} name is ${Buffer.byteLength(name)} bytes long; the most is ${MAX_NAME_BYTES}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(name)) throw new NodeError('node/bad-name', `the ${kind} name ${JSON.stringify(name)} contains a space or a control character`);
  return name;
}
