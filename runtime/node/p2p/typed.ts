// The bootstrap of a served vat answers Typed.interfaceId (system.capnp)
// beside its own methods: Cap'n Proto sends no type with a capability, and
// the dialer needs the interface to call it by method name. The wrapper
// sits outside any policy (an attenuated capability's allowlist would
// refuse the question) and is never looked through, like a PolicyHook.
import { Typed$Server, Typed$Client } from '../../../schema/generated/system.js';
import { Hook, toHook, type Answer, type CallSpec, type ResultSlot } from '../../rpc/hooks.js';

const TYPED_ID = Typed$Client.interfaceId;

export class TypedHook extends Hook {
  private readonly typed: Hook;
  constructor(private readonly inner: Hook, interfaceId: bigint) {
    super();
    this.typed = toHook(new Typed$Server({ interfaceId: async (_p, r) => { r.id = interfaceId; } }))!;
  }
  call(call: CallSpec, slot?: ResultSlot): Answer {
    return call.method.interfaceId === TYPED_ID ? this.typed.call(call, slot) : this.inner.call(call, slot);
  }
  override settled(): Hook { return this; }
  // Counted by what it wraps (a PolicyHook): each holder's dup and close go to it.
  override dup(): Hook { this.inner.dup(); return this; }
  override close(): void { this.inner.close(); }
}

export const TYPED_INTERFACE_ID = TYPED_ID;
