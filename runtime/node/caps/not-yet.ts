// Listeners and dialers of Host.network() that a later issue builds
// (StreamListener, StreamDialer, VatListener, VatClient: "Vat and Stream
// over libp2p"). Until then network() hands out these: every call fails
// `failed: node/not-yet: ...`, which Glia sees as :node/not-yet, naming
// what is missing, instead of a null capability that fails obscurely.
import { BrokenHook, type Hook } from '../../rpc/hooks.js';
import { RpcError } from '../../rpc/errors.js';

/** What each not-yet-built interface is, for the message. */
export const NOT_YET: Readonly<Record<string, string>> = {
  StreamListener: 'serving raw byte-stream protocols over libp2p (/ww/0.1.0/stream/<protocol>)',
  StreamDialer: 'dialing raw byte-stream protocols over libp2p',
  VatListener: 'serving Cap\'n Proto vats over libp2p (/ww/0.1.0/vat/<name>)',
  VatClient: 'dialing Cap\'n Proto vats over libp2p',
};

/** The message of a not-yet error for `iface` (one of NOT_YET's keys). */
export function notYetMessage(iface: string): string {
  return `${iface} (${NOT_YET[iface] ?? iface}) is not served by this node yet: Host.network() serves HttpListener only; `
    + 'the Vat and Stream listeners and dialers over libp2p are built by the next issue';
}

/** A capability whose every call fails node/not-yet for `iface`. */
export function notYetHook(iface: string): Hook {
  return new BrokenHook(new RpcError('failed', `node/not-yet: ${notYetMessage(iface)}`));
}
