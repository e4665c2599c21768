// How the node's capability servers fail. A NodeError crosses RPC as
// `failed: node/CODE: message (hint)`, which Glia turns back into an error
// of type :node/CODE (runtime/membrane/glia-cap.ts toGlia), so a script's
// `try` sees the same code the node's log does. Refusals by policy (the
// http-client allowlist, a signer's domains) are `permission-denied`, the
// RPC code every capability uses for them.
import { RpcError } from '../../rpc/errors.js';
import { DEFAULT_FRAME_LIMITS } from '../../rpc/framing.js';
import { NodeError } from '../errors.js';

/** The most bytes a result may carry: the RPC message limit, less room for the rest of the message. */
export const MAX_RESULT_BYTES = DEFAULT_FRAME_LIMITS.maxMessageBytes - 1024 * 1024;

export function nodeRpcError(e: unknown): RpcError {
  if (e instanceof RpcError) return e;
  if (e instanceof NodeError) {
    const text = `${e.code}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`;
    return new RpcError(e.code === 'node/http-denied' ? 'permission-denied' : 'failed', text);
  }
  return new RpcError('failed', String((e as Error)?.message ?? e));
}

/** A server method whose failures reach the caller as coded RpcErrors. */
export function guarded<P, R>(f: (p: P, r: R) => Promise<void>): (p: P, r: R) => Promise<void> {
  return async (p, r) => { try { await f(p, r); } catch (e) { throw nodeRpcError(e); } };
}
