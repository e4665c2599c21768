// Cap'n Proto vats over libp2p: our RPC (runtime/rpc) with two-party
// framing directly on a libp2p stream, one RPC connection per stream.
// serveVat() answers every inbound stream of a protocol with a fresh
// connection whose bootstrap is the capability given; dialVat() opens a
// stream to a peer and returns the connection and the peer's bootstrap.
// The Terminal (/ww/0.1.0) and every /ww/0.1.0/vat/NAME use these.
import type { Libp2p, PeerId, Stream } from '@libp2p/interface';
import { Connection, type ConnectionOptions } from '../../rpc/conn.js';
import type { Hook } from '../../rpc/hooks.js';
import { libp2pTransport } from './stream-transport.js';
import { openStream, parsePeerId, type DialOptions } from './dial.js';

/** An RPC connection on an inbound stream, offering `bootstrap` (closed with the connection). */
export function acceptVat(stream: Stream, bootstrap: Hook, opts: Omit<ConnectionOptions, 'bootstrap'> = {}): Connection {
  const conn = new Connection(libp2pTransport(stream), { ...opts, bootstrap });
  void conn.closed.then(() => bootstrap.close());
  return conn;
}

export interface ServeVatOptions extends Omit<ConnectionOptions, 'bootstrap'> {
  /** Sees each connection as it is made (to count or log them). */
  onConnection?: (conn: Connection, remotePeer: PeerId) => void;
}

/**
 * Serves `protocol` on `node`: each inbound stream gets an RPC connection
 * whose bootstrap is `bootstrap()`, a reference of that connection's own.
 * Resolves to the function that stops serving (connections made go on).
 */
export async function serveVat(node: Libp2p, protocol: string, bootstrap: () => Hook, opts: ServeVatOptions = {}): Promise<() => Promise<void>> {
  const { onConnection, ...connOpts } = opts;
  await node.handle(protocol, (stream, connection) => {
    const conn = acceptVat(stream, bootstrap(), connOpts);
    onConnection?.(conn, connection.remotePeer);
  }, { force: true });
  return () => node.unhandle(protocol).catch(() => {});
}

export interface DialedVat {
  conn: Connection;
  /** The peer's bootstrap capability (calls may be pipelined on it at once). */
  bootstrap: Hook;
  remotePeer: PeerId;
  /** Closes the connection: every import from it fails `disconnected`. */
  close(): void;
}

/** Opens `protocol` on `peer` and starts an RPC connection over it (30 s bound by default, lookup included). */
export async function dialVat(node: Libp2p, peer: PeerId | string, protocol: string, opts: DialOptions & Omit<ConnectionOptions, 'bootstrap'> = {}): Promise<DialedVat> {
  const { timeoutMs, signal, ...connOpts } = opts;
  const id = typeof peer === 'string' ? parsePeerId(peer) : peer;
  const stream = await openStream(node, id, protocol, { ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(signal ? { signal } : {}) });
  const conn = new Connection(libp2pTransport(stream), connOpts);
  return { conn, bootstrap: conn.bootstrapHook(), remotePeer: id, close: () => conn.close() };
}
