// Opening a stream to another node on one of our protocols. The peer's
// addresses come from the peerstore (a connection, identify, mDNS, an
// earlier lookup), else from the DHT; the whole dial, lookup included,
// gives up after `timeoutMs` (30 s by default). A failure is an RpcError
// `failed` whose message names the peer and the protocol, so Glia sees
// :glia.error/cap-call-failed saying what could not be reached and why.
import type { Libp2p, PeerId, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { RpcError } from '../../rpc/errors.js';
import { NodeError } from '../errors.js';

export const DIAL_TIMEOUT_MS = 30_000;

export interface DialOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A peer id from its string form; node/bad-peer-id otherwise. */
export function parsePeerId(peer: unknown): PeerId {
  if (typeof peer !== 'string') throw new NodeError('node/bad-peer-id', `a peer id is a string such as "12D3KooW...", got ${peer === null ? 'nil' : typeof peer}`);
  try { return peerIdFromString(peer); }
  catch { throw new NodeError('node/bad-peer-id', `${JSON.stringify(peer.slice(0, 80))} is not a peer id`, 'a peer id looks like 12D3KooW... (see (perform host :id) on that node, or `ww run`\'s log)'); }
}

export async function openStream(node: Libp2p, peer: PeerId, protocol: string, opts: DialOptions = {}): Promise<Stream> {
  const timeoutMs = opts.timeoutMs ?? DIAL_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const what = `dialing ${peer} on ${protocol}`;
  try {
    if (node.getConnections(peer).length === 0 && !(await knownAddrs(node, peer))) {
      // Not in the peerstore: ask the DHT (libp2p keeps what it finds).
      try { await node.peerRouting.findPeer(peer, { signal }); }
      catch (e) {
        if (signal.aborted) throw e;
        throw new RpcError('failed', `${what}: no address is known for the peer, and the DHT did not find one (${(e as Error).message})`);
      }
    }
    return await node.dialProtocol(peer, protocol, { signal });
  } catch (e) {
    if (e instanceof RpcError) throw e;
    const err = e as Error;
    if (timeout.aborted) throw new RpcError('failed', `${what}: gave up after ${timeoutMs / 1000} s (${err.message})`);
    if (opts.signal?.aborted) throw new RpcError('failed', `${what}: cancelled`);
    if (err.name === 'UnsupportedProtocolError') {
      throw new RpcError('failed', `${what}: the peer does not serve ${protocol} (nothing is registered under that name there, or its epoch ended)`);
    }
    throw new RpcError('failed', `${what}: ${err.message}`);
  }
}

async function knownAddrs(node: Libp2p, peer: PeerId): Promise<boolean> {
  try { return (await node.peerStore.get(peer)).addresses.length > 0; }
  catch { return false; }
}
