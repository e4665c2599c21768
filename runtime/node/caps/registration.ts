// The Registration capability (system.capnp) of a vat or stream name:
// cancel() stops accepting new connections; those running go on.
import { Registration$Server, Registration$Client } from '../../../schema/generated/system.js';
import { toHook } from '../../rpc/hooks.js';
import type { P2pRegistration } from '../p2p/registry.js';

export function registrationClient(reg: P2pRegistration, onCancel: () => void = () => {}): Registration$Client {
  return new Registration$Client(toHook(new Registration$Server({
    cancel: async () => { if (reg.alive()) { await reg.cancel(); onCancel(); } },
  })) as any);
}
