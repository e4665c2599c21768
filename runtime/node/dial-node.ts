// dialNode(addr, identity): a client's way into a Wetware node. It starts a
// small libp2p node of its own (TCP, noise, yamux, identify; listening on
// nothing, with a fresh key: the login key is separate, so a client may log
// in with the node's own key from the same machine), dials the address,
// opens the node's Terminal on /ww/0.1.0, logs in with a careful signer
// over `identity`'s key (runtime/node/auth/client-signer.ts) and grafts the
// session Membrane. Each step is bounded (dial 10 s, login 10 s, graft
// 10 s by default); a failure is a DialNodeError naming the step, the
// address and the reason, and leaves nothing running.
//
// The session lasts one epoch. regraft() grafts again (the caps of a new
// epoch); when the session Membrane itself is stale it logs in again first,
// and when the connection is gone it dials again.
import { createLibp2p, type Libp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { PrivateKey } from '@libp2p/interface';
import { Terminal$Client, Signer$Client } from '../../schema/generated/auth.js';
import { Membrane$Client } from '../../schema/generated/membrane.js';
import { readGraft } from '../membrane/membrane.js';
import type { Hook } from '../rpc/hooks.js';
import { RpcError, toRpcError } from '../rpc/errors.js';
import { NodeError, type NodeErrorCode } from './errors.js';
import { AGENT_VERSION } from './swarm.js';
import { TERMINAL_PROTOCOL } from './p2p/protocols.js';
import { dialVat, type DialedVat } from './p2p/vat-protocol.js';
import { loginSignerHook } from './auth/client-signer.js';

export const DIAL_NODE_TIMEOUT_MS = 10_000;
export const LOGIN_TIMEOUT_MS = 10_000;
export const GRAFT_TIMEOUT_MS = 10_000;

export type DialStep = 'address' | 'dial' | 'login' | 'graft';

/** A failed dialNode step: which one, to which address, and why (a short reason such as `unknown key`). */
export class DialNodeError extends NodeError {
  constructor(code: NodeErrorCode, readonly step: DialStep, readonly addr: string, readonly reason: string, detail: string, hint?: string) {
    super(code, `${step === 'address' ? 'address' : step} ${addr}: ${reason}${detail ? ` (${detail})` : ''}`, hint);
    this.name = 'DialNodeError';
  }
}

export interface DialNodeOptions {
  /** Connecting and opening the Terminal (10 s). */
  dialTimeoutMs?: number;
  /** The login, from the first call to the session (10 s). */
  loginTimeoutMs?: number;
  /** Each graft (10 s). */
  graftTimeoutMs?: number;
}

export interface GraftedCap { name: string; interfaceId: bigint; cap: Hook }

export interface NodeEpoch { seq: bigint; head: string }

export interface NodeSession {
  /** The node's peer id (the one the address names). */
  readonly peerId: string;
  /** The capabilities of the last graft. */
  readonly caps: GraftedCap[];
  /** The session Membrane the login gave. */
  readonly membrane: Membrane$Client;
  /** The node's current epoch (fails `stale-epoch` once the session's epoch has ended). */
  epoch(): Promise<NodeEpoch>;
  /** Grafts again: logs in again when the session is stale, dials again when the connection is gone. The new caps, also in `caps`. */
  regraft(): Promise<GraftedCap[]>;
  /** Closes the connection and stops the client's libp2p node. Idempotent. */
  close(): Promise<void>;
}

/** Anything holding the login key: an Identity (runtime/node/identity.ts) or the key itself. */
export type LoginKey = { privateKey: PrivateKey } | PrivateKey;

export async function dialNode(addr: string, identity: LoginKey, opts: DialNodeOptions = {}): Promise<NodeSession> {
  const key = 'privateKey' in identity ? identity.privateKey : identity;
  const { ma, peerId } = parseNodeAddr(addr);
  const t = {
    dial: opts.dialTimeoutMs ?? DIAL_NODE_TIMEOUT_MS,
    login: opts.loginTimeoutMs ?? LOGIN_TIMEOUT_MS,
    graft: opts.graftTimeoutMs ?? GRAFT_TIMEOUT_MS,
  };
  const node = await createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    nodeInfo: { name: 'wetware', version: '0.1.0', userAgent: `${AGENT_VERSION} (client)` },
    addresses: { listen: [] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  });
  let vat: DialedVat | null = null;
  let membrane: Membrane$Client;
  let caps: GraftedCap[];
  let closed = false;
  const stopAll = async () => {
    closed = true;
    vat?.close();
    await Promise.resolve(node.stop()).catch(() => {});
  };
  const connect = async () => {
    vat?.close();
    vat = await dial(node, ma, peerId, addr, t.dial);
    membrane = await login(vat, key, peerId, addr, t.login);
  };
  try {
    await connect();
    caps = await graft(membrane!, addr, t.graft);
  } catch (e) {
    await stopAll();
    throw e;
  }
  const session: NodeSession = {
    peerId,
    get caps() { return caps; },
    get membrane() { return membrane; },
    async epoch() {
      const e = (await membrane.epoch().promise()).epoch;
      return { seq: e.seq, head: e.head };
    },
    async regraft() {
      if (closed) throw new DialNodeError('node/graft-failed', 'graft', addr, 'closed', 'this session was closed', 'dial the node again');
      if (vat!.conn.isClosed) await connect();
      try {
        caps = await graft(membrane, addr, t.graft);
      } catch (e) {
        if (!(e instanceof DialNodeError) || (e.reason !== 'stale-epoch' && e.reason !== 'disconnected')) throw e;
        // The connection went away: dial again. The session Membrane
        // belonged to an epoch that ended: log in again.
        if (e.reason === 'disconnected' || vat!.conn.isClosed) await connect();
        else membrane = await login(vat!, key, peerId, addr, t.login);
        caps = await graft(membrane, addr, t.graft);
      }
      return caps;
    },
    close: async () => { if (!closed) await stopAll(); },
  };
  return session;
}

/** The multiaddr and the peer id it names; node/bad-multiaddr otherwise. */
export function parseNodeAddr(addr: string): { ma: Multiaddr; peerId: string } {
  let ma: Multiaddr;
  try { ma = multiaddr(addr); }
  catch (e) {
    throw new DialNodeError('node/bad-multiaddr', 'address', JSON.stringify(addr), 'not a multiaddr', (e as Error).message, 'write it like /ip4/192.0.2.7/tcp/2025/p2p/12D3KooW... (ww run logs its addresses)');
  }
  const p2p = ma.getComponents().filter((c) => c.name === 'p2p');
  if (p2p.length !== 1 || !p2p[0]!.value) {
    throw new DialNodeError('node/bad-multiaddr', 'address', addr, 'names no peer', '', 'append /p2p/<peer id> of the node, as `ww run` logs it');
  }
  try { peerIdFromString(p2p[0]!.value); }
  catch { throw new DialNodeError('node/bad-multiaddr', 'address', addr, 'bad peer id', `${p2p[0]!.value} is not a peer id`, 'copy the address as `ww run` logs it'); }
  return { ma, peerId: p2p[0]!.value };
}

/** `p`, or `onTimeout()` thrown after `ms`. */
async function within<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(onTimeout()), ms); });
  try { return await Promise.race([p, late]); }
  finally { clearTimeout(timer); }
}

async function dial(node: Libp2p, ma: Multiaddr, peerId: string, addr: string, ms: number): Promise<DialedVat> {
  const timedOut = () => new DialNodeError('node/dial-failed', 'dial', addr, 'timeout', `no connection within ${ms / 1000} s`, 'check that the node runs and that the address is reachable from here');
  const signal = AbortSignal.timeout(ms);
  try {
    await within(node.dial(ma, { signal }), ms, timedOut);
  } catch (e) {
    if (e instanceof DialNodeError) throw e;
    throw dialError(e, addr, peerId, ms, signal.aborted);
  }
  try {
    return await within(dialVat(node, peerId, TERMINAL_PROTOCOL, { timeoutMs: ms }), ms, timedOut);
  } catch (e) {
    if (e instanceof DialNodeError) throw e;
    const msg = String((e as Error)?.message ?? e);
    if (/does not serve|protocol selection failed|UnsupportedProtocol/i.test(msg)) {
      throw new DialNodeError('node/dial-failed', 'dial', addr, 'no terminal', `the peer does not serve ${TERMINAL_PROTOCOL}`, 'is it a Wetware node (ww run)?');
    }
    throw new DialNodeError('node/dial-failed', 'dial', addr, 'no terminal', msg);
  }
}

/** A libp2p dial failure, classified: unreachable, wrong peer, timeout. */
function dialError(e: unknown, addr: string, peerId: string, ms: number, timedOut: boolean): DialNodeError {
  const err = e as Error & { errors?: Error[] };
  const text = [err?.name, err?.message, ...(err?.errors ?? []).flatMap((x) => [x?.name, x?.message])].filter(Boolean).join(' ');
  if (timedOut || /\b(AbortError|TimeoutError)\b|aborted/i.test(text) && timedOut) {
    return new DialNodeError('node/dial-failed', 'dial', addr, 'timeout', `no connection within ${ms / 1000} s`, 'check that the node runs and that the address is reachable from here');
  }
  if (/UnexpectedPeer|does not match expected|peer id.*did not match|InvalidPeerId|unexpected peer/i.test(text)) {
    return new DialNodeError('node/dial-failed', 'dial', addr, 'wrong peer', `the node at this address is not ${peerId}`, 'copy the address again from the node\'s log (ww run prints it): its peer id changes with its identity');
  }
  if (/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EADDRNOTAVAIL|NoValidAddresses|connect/i.test(text)) {
    return new DialNodeError('node/dial-failed', 'dial', addr, 'unreachable', err?.message ?? String(e), 'check that the node runs and listens on that address');
  }
  return new DialNodeError('node/dial-failed', 'dial', addr, 'failed', err?.message ?? String(e));
}

async function login(vat: DialedVat, key: PrivateKey, peerId: string, addr: string, ms: number): Promise<Membrane$Client> {
  const term = new Terminal$Client(vat.bootstrap as any);
  const signer = new Signer$Client(loginSignerHook(key, peerId) as any);
  try {
    const r = await within(term.login((p) => { p.signer = signer; }).promise(), ms,
      () => new DialNodeError('node/login-failed', 'login', addr, 'timeout', `no answer within ${ms / 1000} s`, 'the node may be overloaded; try again'));
    return r.session;
  } catch (e) {
    if (e instanceof DialNodeError) throw e;
    throw loginError(toRpcError(e), addr);
  }
}

/** A refusal keeps the Terminal's reason (`unknown key`, `bad signature`, ...); anything else is a failed login. */
function loginError(e: RpcError, addr: string): DialNodeError {
  if (e.code === 'permission-denied') {
    const wrongTerminal = /wrong terminal:/.test(e.message);
    const reason = wrongTerminal ? 'wrong terminal' : e.message.split(':')[0]!;
    const hint = reason === 'unknown key'
      ? 'add this key\'s peer id to the node\'s authorized_keys (one per line; ~/.ww/authorized_keys beside its identity)'
      : wrongTerminal ? 'the Terminal at this address asked to sign another node\'s challenge; check the address' : undefined;
    return new DialNodeError('node/login-refused', 'login', addr, reason, e.message, hint);
  }
  if (e.code === 'stale-epoch') {
    return new DialNodeError('node/login-refused', 'login', addr, 'epoch advanced', e.message, 'the node moved to a new epoch during the login; log in again');
  }
  return new DialNodeError('node/login-failed', 'login', addr, e.code, e.message);
}

async function graft(membrane: Membrane$Client, addr: string, ms: number): Promise<GraftedCap[]> {
  try {
    return readGraft(await within(membrane.graft().promise(), ms,
      () => new DialNodeError('node/graft-failed', 'graft', addr, 'timeout', `no answer within ${ms / 1000} s`)));
  } catch (e) {
    if (e instanceof DialNodeError) throw e;
    const r = toRpcError(e);
    throw new DialNodeError('node/graft-failed', 'graft', addr, r.code, r.message, r.code === 'stale-epoch' ? 'the session ended with its epoch: log in again (regraft() does)' : undefined);
  }
}
