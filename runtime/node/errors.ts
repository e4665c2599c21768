// The node's one catalog of error codes (`ww run`, `ww push`, `ww keygen`,
// `ww doctor` and the servers behind them). Each error is one line a user
// can act on: what went wrong, and, where we know it, how to fix it.
// Printed as `error[node/CODE]: message` with `hint: ...` below.

export const NODE_ERROR_CODES = {
  'node/identity': 'the identity file is missing, unreadable, or not an Ed25519 seed',
  'node/identity-exists': 'ww keygen would overwrite an existing identity',
  'node/port-in-use': 'a listen address is taken by another process',
  'node/listen': 'a listen address could not be bound',
  'node/bad-multiaddr': 'a multiaddr given on the command line does not parse',
  'node/bootstrap': 'a bootstrap peer could not be reached',
  'node/layer': 'an image layer is not a folder, a CID or an IPNS name',
  'node/not-found': 'a CID or IPNS name could not be found in time',
  'node/ipfs': 'the IPFS store (embedded or Kubo) failed',
  'node/kubo-unreachable': 'the Kubo RPC endpoint refused or did not answer',
  'node/init': 'an init.d script could not be read, checked or run',
  'node/http': 'an HTTP server of the node could not start',
  'node/http-off': 'a script asked for HTTP on a node started with --http-listen off',
  'node/host-state': 'the host-state file could not be written or read',
  'node/no-node': 'no running node was found',
  'node/route-taken': 'a WAGI route prefix is already registered',
  'node/bad-route': 'a WAGI route prefix is not a path',
  'node/dial': 'a peer could not be dialed',
  'node/dial-failed': 'dialNode could not reach the node at an address: unreachable, another peer answered, or it serves no Terminal',
  'node/login-refused': 'a node\'s Terminal refused the login (unknown key, bad signature, stale or replayed challenge, epoch advanced)',
  'node/login-failed': 'a login through a node\'s Terminal did not complete (no answer in time, or the connection failed)',
  'node/graft-failed': 'grafting a logged-in session\'s membrane failed or did not answer in time',
  'node/bad-name': 'a vat, stream or state ref name is empty, too long, or contains a slash, a space or a control character',
  'node/name-taken': 'a vat or stream name is already served by this node',
  'node/bad-peer-id': 'a peer id does not parse',
  'node/bad-key': 'a routing key, CID or IPFS path does not parse',
  'node/timeout': 'a network operation (DHT, IPFS, IPNS) did not finish in time',
  'node/too-large': 'content is larger than the limit for it',
  'node/ipns': 'an IPNS name could not be resolved or published',
  'node/http-denied': 'the http-client allowlist does not name the host',
  'node/http-timeout': 'an outbound HTTP request did not answer in time',
  'node/http-too-large': 'an outbound HTTP response body is over the cap',
  'node/http-request': 'an outbound HTTP request is malformed or failed',
  'node/push-dir': 'the folder given to ww push is missing, not a folder, or holds a file that cannot be read',
  'node/bad-block': 'a pushed block\'s bytes do not hash to its CID',
  'node/bad-car': 'a pushed CAR does not parse, names not exactly one root, or lacks a block under its root',
  'node/control': 'the running node\'s control socket could not be reached, or refused the request',
  'node/epoch': 'a new epoch could not be adopted (its image did not load), or an epoch source is misconfigured',
  'node/bad-stem': '--stem is not an Ethereum address (0x and 40 hex digits, EIP-55 checksummed if mixed case)',
  'node/bad-rpc-url': '--rpc-url is not an http(s) URL, or --ws-url not a ws(s) URL',
  'node/chain-flags': 'the on-chain epoch flags do not fit together (--stem needs --rpc-url; the others need --stem; --confirmation-depth is a whole number from 1)',
  'node/chain-rpc': 'the chain\'s JSON-RPC endpoint failed or did not answer',
  'node/chain-stem': 'no Atom contract answers head() at the --stem address on that chain',
  'node/chain-head': 'an Atom head is not the UTF-8 text of a CID or /ipfs/CID path',
  'node/state-value': 'a value cannot be stored in a state ref: it holds a capability, NaN or an infinity, or nests too deep',
  'node/state-missing': 'a CID a state ref was given or links to is not in the node\'s blocks',
  'node/state-corrupt': 'a state version block (or a ref\'s head record) is damaged: its bytes do not hash to its CID, do not decode, or do not fit the version format',
  'node/state-not-version': 'a CID given to a state ref names a block that is not a state version',
  'node/state-bad-commit': 'compareAndSet was given a version that does not follow the head (another ref\'s, a wrong predecessor or seq)',
} as const;

export type NodeErrorCode = keyof typeof NODE_ERROR_CODES;

export class NodeError extends Error {
  constructor(readonly code: NodeErrorCode, message: string, readonly hint?: string) {
    super(message);
    this.name = 'NodeError';
  }

  /** `error[node/CODE]: message`, and the hint on its own line. */
  format(): string {
    return `error[${this.code}]: ${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}
