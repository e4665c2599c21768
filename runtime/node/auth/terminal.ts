// The node's Terminal (schema/auth.capnp): the door to its session
// Membrane for a caller who proves which key they hold. login(signer)
//   1. asks the signer for its public key: the node's own key, or one in
//      authorized_keys, else `unknown key`;
//   2. asks it to sign a fresh LoginChallenge (this node's peer id, 32
//      random bytes, the current epoch, the time) in `ww/terminal/login`;
//   3. checks the signature (domain-separated, caps/identity.ts), that the
//      nonce was not accepted before, that the challenge is younger than
//      the window (30 s), and that the epoch has not moved;
//   4. hands out the session Membrane, guarded by that epoch, so the
//      session ends with it and the caller logs in again.
// A refusal is `permission-denied` whose message starts with the reason
// (`unknown key: ...`); an epoch that moved during the login is
// `stale-epoch` (`epoch advanced: ...`). Every attempt is one log line
// naming the key's peer id and the outcome.
import { randomBytes } from 'node:crypto';
import { publicKeyFromRaw } from '@libp2p/crypto/keys';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import { Terminal$Server, type Signer$Client, type Terminal_Login$Params, type Terminal_Login$Results } from '../../../schema/generated/auth.js';
import { Membrane$Client } from '../../../schema/generated/membrane.js';
import { toHook, type Hook } from '../../rpc/hooks.js';
import { RpcError, toRpcError } from '../../rpc/errors.js';
import type { Membrane } from '../../membrane/membrane.js';
import { Policy, attenuate } from '../../membrane/policy.js';
import { verifyIn } from '../caps/identity.js';
import type { Logger } from '../log.js';
import { encodeChallenge, LOGIN_DOMAIN, NONCE_BYTES, type Challenge } from './challenge.js';

/** Why a login was refused; each refusal's message starts with one of these. */
export const LOGIN_REFUSALS = [
  'unknown key', 'bad signature', 'stale challenge', 'replayed challenge', 'epoch advanced', 'signer refused',
] as const;
export type LoginRefusal = typeof LOGIN_REFUSALS[number];

/** How long a challenge may take to come back signed (schema/auth.capnp). */
export const LOGIN_WINDOW_MS = 30_000;

export interface TerminalOptions {
  /** This node's peer id: the `terminal` of every challenge. */
  peerId: string;
  /** This node's own public key (raw 32 bytes), which may always log in. */
  ownPublicKey: Uint8Array;
  /** The other keys that may log in, by peer id (AuthorizedKeys reads the file). */
  authorized: { has(peerId: string): boolean };
  /** The node's session membrane: what a login hands out, and whose epoch challenges name. */
  membrane: Membrane;
  log: Logger;
  /** How long a challenge is good for (30 s; tests shorten it). */
  windowMs?: number;
  /** The clock challenges are stamped and aged with (Date.now). */
  now?: () => number;
  /** Where nonces come from (32 bytes of crypto randomness each). */
  nonce?: () => Uint8Array;
}

/** One login refused: the reason, then what happened, for the caller. */
function refusal(reason: LoginRefusal, detail: string): RpcError {
  return new RpcError('permission-denied', `${reason}: ${detail}`);
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

export class Terminal {
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly nonce: () => Uint8Array;
  /** Nonces accepted, with when they were issued; kept one window, after which age alone refuses them. */
  private readonly accepted = new Map<string, number>();
  private readonly session: Hook;
  private readonly ownPeerId: string;

  constructor(private readonly opts: TerminalOptions) {
    this.windowMs = opts.windowMs ?? LOGIN_WINDOW_MS;
    this.now = opts.now ?? Date.now;
    this.nonce = opts.nonce ?? (() => new Uint8Array(randomBytes(NONCE_BYTES)));
    this.session = toHook(opts.membrane.server())!;
    this.ownPeerId = peerIdOf(opts.ownPublicKey) ?? '';
  }

  /** A Terminal capability; `remote` (an address, a peer id) goes into its log lines. */
  hook(remote?: string): Hook {
    return toHook(new Terminal$Server({
      login: async (p: Terminal_Login$Params, r: Terminal_Login$Results) => {
        const session = await this.login(p.signer, remote);
        r.session = new Membrane$Client(session as any);
      },
    }))!;
  }

  /** One login: the session Membrane, or a coded RpcError; logged either way. */
  async login(signer: Signer$Client, remote?: string): Promise<Hook> {
    const ctx: { key: string; remote?: string } = { key: '(unknown)', ...(remote ? { remote } : {}) };
    try {
      const session = await this.attempt(signer, ctx);
      this.opts.log.info(`login accepted for ${ctx.key}`, { key: ctx.key, outcome: 'ok', ...(remote ? { remote } : {}), epoch: String(this.opts.membrane.epoch.seq) });
      return session;
    } catch (e) {
      const err = toRpcError(e);
      const reason = err.message.split(':')[0];
      this.opts.log.warn(`login refused for ${ctx.key}: ${err.message}`, { key: ctx.key, outcome: 'refused', reason, ...(remote ? { remote } : {}) });
      throw err;
    }
  }

  private async attempt(signer: Signer$Client, ctx: { key: string }): Promise<Hook> {
    const started = this.now();
    const deadline = this.windowMs;

    // 1. Whose key.
    let raw: Uint8Array;
    try {
      raw = new Uint8Array((await this.bounded(signer.publicKey().promise(), deadline, 'unknown key', 'the signer did not give its public key')).publicKey.toUint8Array());
    } catch (e) {
      if (e instanceof RpcError && e.message.startsWith('unknown key:')) throw e;
      const why = toRpcError(e);
      throw refusal('unknown key', `the signer did not give its public key (${why.code}: ${why.message})`);
    }
    const peer = peerIdOf(raw);
    if (peer === null) throw refusal('unknown key', `the signer's public key is not an Ed25519 key (${raw.length} bytes, expected 32)`);
    ctx.key = peer;
    if (peer !== this.ownPeerId && !this.opts.authorized.has(peer)) {
      throw refusal('unknown key', `${peer} may not log in to this node (it is not the node's key and not in its authorized_keys)`);
    }

    // 2. The challenge, signed.
    const epoch = this.opts.membrane.epoch;
    const { seq, head } = epoch.current;
    const challenge: Challenge = { terminal: this.opts.peerId, nonce: this.nonce(), epochSeq: seq, epochHead: head, issuedAtMs: BigInt(this.now()) };
    const payload = encodeChallenge(challenge);
    const left = Math.max(0, deadline - (this.now() - started));
    let signed;
    try {
      signed = await this.bounded(signer.sign((s) => {
        s.domain = LOGIN_DOMAIN;
        s._initPayload(payload.length).copyBuffer(payload);
      }).promise(), left, 'stale challenge', 'the signer did not sign the challenge');
    } catch (e) {
      if (e instanceof RpcError && e.message.startsWith('stale challenge:')) throw e;
      const why = toRpcError(e);
      throw refusal('signer refused', `the signer would not sign the challenge (${why.code}: ${why.message})`);
    }
    const signature = new Uint8Array(signed.signature.toUint8Array());

    // 3. The checks, in the schema's order.
    if (!(await verifyIn(raw, LOGIN_DOMAIN, payload, signature))) {
      throw refusal('bad signature', `the signature is not ${peer}'s over this challenge in ${LOGIN_DOMAIN}`);
    }
    const now = this.now();
    this.prune(now);
    const nonceKey = hex(challenge.nonce);
    if (this.accepted.has(nonceKey)) throw refusal('replayed challenge', 'this challenge was already used to log in');
    this.accepted.set(nonceKey, Number(challenge.issuedAtMs));
    const age = now - Number(challenge.issuedAtMs);
    if (age >= this.windowMs || age < 0) {
      throw refusal('stale challenge', `the signature came back ${age} ms after the challenge; it must come back within ${this.windowMs} ms`);
    }
    if (epoch.seq !== seq) {
      throw new RpcError('stale-epoch', `epoch advanced: the challenge named epoch ${seq}, the node is now in epoch ${epoch.seq}; log in again`);
    }

    // 4. The session, for this epoch only (the guard is made now, while `seq` is current).
    // Made for the login's results: the wrapper floats until the connection keeps it.
    return attenuate(this.session, new Policy(null, [epoch.guard()]), { floating: true });
  }

  /** `p`, or a refusal for `reason` once `ms` have passed. */
  private bounded<T>(p: Promise<T>, ms: number, reason: LoginRefusal, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(refusal(reason, `${what} within ${this.windowMs} ms`)), ms);
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  private prune(now: number): void {
    for (const [k, at] of this.accepted) if (now - at > this.windowMs) this.accepted.delete(k);
  }
}

/** The peer id of a raw Ed25519 public key, or null when it is not one. */
export function peerIdOf(raw: Uint8Array): string | null {
  if (raw.length !== 32) return null;
  try { return peerIdFromPublicKey(publicKeyFromRaw(raw)).toString(); }
  catch { return null; }
}
