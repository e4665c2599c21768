// Errors of the RPC layer. Each has a code the membrane and Glia map to
// their own error types; on the wire it travels as a Cap'n Proto
// Exception whose reason starts with "<code>: ".
export type RpcErrorCode = 'disconnected' | 'overloaded' | 'unimplemented' | 'failed' | 'permission-denied' | 'stale-epoch' | 'malformed';

export class RpcError extends Error {
  constructor(readonly code: RpcErrorCode, message: string, readonly remote = false) {
    super(message);
    this.name = 'RpcError';
  }
}

/** Reads an Exception's reason back into a code, when a Wetware peer wrote it. */
export function fromReason(reason: string, type: number): RpcError {
  const m = /^(disconnected|overloaded|unimplemented|failed|permission-denied|stale-epoch|malformed): ([\s\S]*)$/.exec(reason);
  if (m) return new RpcError(m[1] as RpcErrorCode, m[2]!, true);
  // Exception.Type: 0 failed, 1 overloaded, 2 disconnected, 3 unimplemented.
  const byType: RpcErrorCode[] = ['failed', 'overloaded', 'disconnected', 'unimplemented'];
  return new RpcError(byType[type] ?? 'failed', reason, true);
}

/** Any failure as an RpcError: a thrown non-RpcError becomes `failed` with its message. */
export function toRpcError(e: unknown): RpcError {
  if (e instanceof RpcError) return e;
  return new RpcError('failed', String((e as Error)?.message ?? e));
}

/** Exception.Type on the wire for a code. */
export function exceptionType(code: RpcErrorCode): number {
  return code === 'overloaded' ? 1 : code === 'disconnected' ? 2 : code === 'unimplemented' ? 3 : 0;
}
