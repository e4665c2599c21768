// A transport that reports the kind of every message it sends (CALL,
// RETURN, FINISH, ...), for the RPC tests that count or look for kinds.
// Not a test file itself.
import * as $ from 'capnp-es';
import * as rpc from 'capnp-es/capnp/rpc';
import type { MessageTransport } from '../rpc/transport.js';

/** The kind of an RPC frame, as rpc.Message_Which names it; MALFORMED when it does not read. */
export function kindOf(frame: Uint8Array): string {
  try {
    const w = new $.Message(frame, false).getRoot(rpc.Message).which();
    return Object.keys(rpc.Message_Which).find((k) => (rpc.Message_Which as any)[k] === w) ?? `kind ${w}`;
  } catch { return 'MALFORMED'; }
}

/** `t`, calling `seen(kind)` for every frame sent through it. */
export function tap(t: MessageTransport, seen: (kind: string) => void): MessageTransport {
  return {
    get closedWith() { return t.closedWith; },
    get closed() { return t.closed; },
    recv: () => t.recv(),
    close: (e) => t.close(e),
    send(frame) {
      seen(kindOf(frame));
      t.send(frame);
    },
  };
}
