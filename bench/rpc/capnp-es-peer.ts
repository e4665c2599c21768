// The peer of the RPC benchmark: capnp-es 0.0.16's own RPC `Conn`, "patched
// enough to run" by the run-time patch of runtime/rpc/DESIGN.md §2 (nothing
// in node_modules is edited), and a capnp-es `Transport` over one of our
// queueing message transports (runtime/rpc/transport.ts), so both sides of
// the benchmark move the same bytes through the same pipe or socket code.
import * as $ from 'capnp-es';
import * as rpc from 'capnp-es/capnp/rpc';
import type { MessageTransport } from '../../runtime/rpc/transport.js';

let patched = false;

/**
 * Patches `Conn.prototype` (once per process):
 * - Bug A: the bootstrap answer never writes its interface pointer, so calls
 *   on the bootstrap capability fail once it has resolved. The replacement
 *   writes the pointer to cap 0 before fulfilling the answer.
 * - Bug B: a call pipelined on an answer that is not done yet is queued and
 *   never delivered. The wrapper makes such a call wait for the answer, then
 *   routes it normally; `.then` callbacks run in order, so pipelined calls
 *   keep their order.
 */
export function patchCapnpEs(): void {
  if (patched) return;
  patched = true;
  // The methods patched here are internal to capnp-es and not in its types.
  const proto = $.Conn.prototype as any;

  proto.handleBootstrapMessage = function (this: any, m: rpc.Message): void {
    const id = m.bootstrap.questionId;
    const a = this.insertAnswer(id);
    if (a === null) return this.sendReturnException(id, new Error(`capnp-es: question id ${id} reused`));
    if (this.main === undefined) return a.reject(new Error('capnp-es: no bootstrap interface'));
    const msg = new $.Message();
    const i = new $.Interface(msg.getSegment(0), 0);
    $.utils.setInterfacePointer(msg.addCap(this.main), i);
    a.fulfill(i);
  };

  const route = proto.routeCallMessage as (this: any, result: any, mt: rpc.MessageTarget, cl: unknown) => void;
  proto.routeCallMessage = function (this: any, result: any, mt: rpc.MessageTarget, cl: unknown): void {
    if (mt.which() === rpc.MessageTarget_Which.PROMISED_ANSWER) {
      const pa = this.answers[mt.promisedAnswer.questionId];
      if (pa && !pa.done) {
        const go = (): void => {
          try {
            route.call(this, result, mt, cl);
          } catch (e) {
            try { result.reject(e); } catch { /* already settled */ }
          }
        };
        (pa.deferred.promise as Promise<unknown>).then(go, go);
        return;
      }
    }
    route.call(this, result, mt, cl);
  };
}

/**
 * capnp-es's `Transport` (whole `rpc.Message` structs) over a message
 * transport of ours: each message is sent as its standard stream frame and
 * read back with `new Message(frame, false)`. When the transport closes,
 * `recvMessage` rejects with `undefined`, which ends `Conn.work()` quietly.
 */
export class CapnpEsTransport implements $.Transport {
  constructor(private readonly inner: MessageTransport) {}

  sendMessage(msg: rpc.Message): void {
    this.inner.send(new Uint8Array(msg.segment.message.toArrayBuffer()));
  }

  async recvMessage(): Promise<rpc.Message> {
    const frame = await this.inner.recv();
    if (!frame) throw undefined;
    return new $.Message(frame, false).getRoot(rpc.Message);
  }

  close(): void {
    this.inner.close();
  }
}
