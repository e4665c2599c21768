// The Signer a client serves to log in through a node's Terminal, with a
// key it holds itself (schema/auth.capnp's careful signer). It signs only
// in `ww/terminal/login`, and only a payload that decodes as a canonical
// LoginChallenge naming the node it meant to log in to, with a 32-byte
// nonce: a Terminal of another node relaying its own challenge (to log in
// there as us) is refused `wrong terminal`. Every refusal is
// `permission-denied` whose message starts with the reason.
import type { PrivateKey } from '@libp2p/interface';
import { Signer$Server } from '../../../schema/generated/auth.js';
import { toHook, type Hook } from '../../rpc/hooks.js';
import { RpcError } from '../../rpc/errors.js';
import { signIn } from '../caps/identity.js';
import { decodeChallenge, ChallengeError, LOGIN_DOMAIN, NONCE_BYTES, type Challenge } from './challenge.js';

/** Why a careful signer refused; each refusal's message starts with one of these. */
export type SignerRefusal = 'wrong domain' | 'not a challenge' | 'wrong terminal';

function refuse(reason: SignerRefusal, detail: string): RpcError {
  return new RpcError('permission-denied', `${reason}: ${detail}`);
}

/**
 * The challenge a signer for `terminal` may sign, or a `permission-denied`
 * RpcError saying why not. Never throws anything else, whatever the input.
 */
export function checkLoginRequest(domain: string, payload: Uint8Array, terminal: string): Challenge {
  if (domain !== LOGIN_DOMAIN) throw refuse('wrong domain', `this signer signs in ${JSON.stringify(LOGIN_DOMAIN)} only, not ${JSON.stringify(domain.length > 100 ? domain.slice(0, 97) + '...' : domain)}`);
  let c: Challenge;
  try { c = decodeChallenge(payload); }
  catch (e) {
    if (e instanceof ChallengeError) throw refuse('not a challenge', e.message);
    throw refuse('not a challenge', 'the payload could not be decoded');
  }
  if (c.terminal !== terminal) {
    const named = c.terminal.length > 100 ? c.terminal.slice(0, 97) + '...' : c.terminal;
    throw refuse('wrong terminal', `the challenge was issued by ${JSON.stringify(named)}; this signer logs in to ${terminal} only`);
  }
  if (c.nonce.length !== NONCE_BYTES) throw refuse('not a challenge', `its nonce is ${c.nonce.length} bytes; a login nonce is ${NONCE_BYTES}`);
  return c;
}

/** A Signer over `key` that signs login challenges from `terminal` (a peer id) only. */
export function loginSignerHook(key: PrivateKey, terminal: string): Hook {
  return toHook(new Signer$Server({
    sign: async (p, r) => {
      const payload = new Uint8Array(p.payload.toUint8Array());
      checkLoginRequest(p.domain, payload, terminal);
      const sig = await signIn(key, LOGIN_DOMAIN, payload);
      r._initSignature(sig.length).copyBuffer(sig);
    },
    publicKey: async (_p, r) => {
      const raw = key.publicKey.raw;
      r._initPublicKey(raw.length).copyBuffer(raw);
    },
  }))!;
}
