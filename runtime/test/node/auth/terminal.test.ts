// The node's Terminal (runtime/node/auth/terminal.ts) over a real Cap'n
// Proto connection, with real Ed25519 keys: who may log in (the node's own
// key, keys in authorized_keys, re-read while it runs), and each refusal
// with its reason: a stranger, a replayed signature, an expired challenge,
// a signature in another domain, an epoch that moved during the login.
// Every attempt is logged with the key's peer id.
import { describe, it, expect, beforeAll, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { PrivateKey } from '@libp2p/interface';
import { Connection } from '../../../rpc/conn.js';
import { pipePair } from '../../../rpc/transport.js';
import { toHook, type Hook } from '../../../rpc/hooks.js';
import { RpcError } from '../../../rpc/errors.js';
import { Membrane, readGraft } from '../../../membrane/membrane.js';
import { Epoch } from '../../../membrane/epoch.js';
import { Identity$Client, Signer$Client, Signer$Server, Terminal$Client } from '../../../../schema/generated/auth.js';
import { Membrane$Client } from '../../../../schema/generated/membrane.js';
import { identityHook, signIn } from '../../../node/caps/identity.js';
import { Terminal, type TerminalOptions } from '../../../node/auth/terminal.js';
import { AuthorizedKeys } from '../../../node/auth/authorized-keys.js';
import { loginSignerHook } from '../../../node/auth/client-signer.js';
import { LOGIN_DOMAIN, decodeChallenge } from '../../../node/auth/challenge.js';
import type { Logger } from '../../../node/log.js';

interface Line { level: string; msg: string; fields: Record<string, unknown> }
const recorder = (lines: Line[]): Logger => ({
  info: (msg, fields = {}) => lines.push({ level: 'info', msg, fields }),
  warn: (msg, fields = {}) => lines.push({ level: 'warn', msg, fields }),
  error: (msg, fields = {}) => lines.push({ level: 'error', msg, fields }),
});

let nodeKey: PrivateKey, nodeId: string;
let home: string;
let lines: Line[];
let epoch: Epoch;
let keys: AuthorizedKeys;
const conns: Connection[] = [];

beforeAll(async () => {
  nodeKey = await generateKeyPair('Ed25519');
  nodeId = peerIdFromPrivateKey(nodeKey).toString();
});
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'ww-terminal-'));
  lines = [];
  epoch = new Epoch('bafy-head-1');
  keys = new AuthorizedKeys(join(home, 'authorized_keys'), recorder(lines));
});
afterEach(() => {
  for (const c of conns.splice(0)) c.close();
  rmSync(home, { recursive: true, force: true });
});

/** A Terminal served in one vat, and its client in another. */
async function terminal(over: Partial<TerminalOptions> = {}): Promise<{ term: Terminal$Client; t: Terminal }> {
  const membrane = new Membrane(() => [{ name: 'identity', interfaceId: Identity$Client.interfaceId, cap: identityHook(nodeKey) }], epoch);
  const t = new Terminal({ peerId: nodeId, ownPublicKey: nodeKey.publicKey.raw, authorized: keys, membrane, log: recorder(lines), ...over });
  const [a, b] = pipePair();
  conns.push(new Connection(a, { bootstrap: t.hook('pipe') }));
  const client = new Connection(b);
  conns.push(client);
  return { term: new Terminal$Client(await client.bootstrapClient() as any), t };
}

async function login(term: Terminal$Client, signer: Hook): Promise<Membrane$Client> {
  const r = await term.login((p) => { p.signer = new Signer$Client(signer as any); }).promise();
  return r.session;
}

/** The error a login fails with. */
async function refused(term: Terminal$Client, signer: Hook): Promise<RpcError> {
  const e = await login(term, signer).then(() => null, (x) => x);
  expect(e, 'the login should have been refused').toBeInstanceOf(RpcError);
  return e as RpcError;
}

/** The session works: it grafts, and the grafted identity answers. */
async function peerIdThrough(session: Membrane$Client): Promise<string> {
  const caps = readGraft(await session.graft().promise());
  expect(caps.map((c) => c.name)).toEqual(['identity']);
  return (await new Identity$Client(caps[0]!.cap as any).peerId().promise()).peerId;
}

/** A signer we write ourselves: `sign` gets the payload and returns the signature. */
function customSigner(key: PrivateKey, sign: (domain: string, payload: Uint8Array) => Promise<Uint8Array>): Hook {
  return toHook(new Signer$Server({
    sign: async (p, r) => { const s = await sign(p.domain, new Uint8Array(p.payload.toUint8Array())); r._initSignature(s.length).copyBuffer(s); },
    publicKey: async (_p, r) => { r._initPublicKey(32).copyBuffer(key.publicKey.raw); },
  }))!;
}

const outcome = (key: string) => lines.filter((l) => l.fields.key === key && l.fields.outcome).map((l) => l.fields.reason ?? l.fields.outcome);

describe('who may log in', () => {
  it('the node\'s own key logs in, and the session grafts the node\'s exports', async () => {
    const { term } = await terminal();
    const session = await login(term, loginSignerHook(nodeKey, nodeId));
    expect(await peerIdThrough(session)).toBe(nodeId);
    expect(outcome(nodeId)).toEqual(['ok']);
  });

  it('a key in authorized_keys logs in; a key added while the Terminal runs is accepted without a restart', async () => {
    const alice = await generateKeyPair('Ed25519'), bob = await generateKeyPair('Ed25519');
    const aliceId = peerIdFromPrivateKey(alice).toString(), bobId = peerIdFromPrivateKey(bob).toString();
    writeFileSync(join(home, 'authorized_keys'), `# people\n\n${aliceId}   # alice's laptop\nnot-a-peer-id\n`);
    const { term } = await terminal();
    expect(await peerIdThrough(await login(term, loginSignerHook(alice, nodeId)))).toBe(nodeId);
    const e = await refused(term, loginSignerHook(bob, nodeId));
    expect(e.code).toBe('permission-denied');
    expect(e.message).toMatch(/^unknown key: /);
    // The malformed line is logged with its number, and the rest still counts.
    expect(lines.some((l) => l.level === 'warn' && l.fields.line === 4 && /not-a-peer-id/.test(l.msg))).toBe(true);
    appendFileSync(join(home, 'authorized_keys'), `${bobId}\n`);
    expect(await peerIdThrough(await login(term, loginSignerHook(bob, nodeId)))).toBe(nodeId);
    expect(outcome(bobId)).toEqual(['unknown key', 'ok']);
  });

  it('a key removed from the file is refused at its next login', async () => {
    const alice = await generateKeyPair('Ed25519');
    const aliceId = peerIdFromPrivateKey(alice).toString();
    writeFileSync(join(home, 'authorized_keys'), `${aliceId}\n`);
    const { term } = await terminal();
    await login(term, loginSignerHook(alice, nodeId));
    writeFileSync(join(home, 'authorized_keys'), '# nobody\n');
    expect((await refused(term, loginSignerHook(alice, nodeId))).message).toMatch(/^unknown key: /);
  });

  it('a stranger is refused `unknown key`, and never asked to sign', async () => {
    const stranger = await generateKeyPair('Ed25519');
    const strangerId = peerIdFromPrivateKey(stranger).toString();
    let asked = 0;
    const { term } = await terminal();
    const e = await refused(term, customSigner(stranger, async (d, p) => { asked++; return signIn(stranger, d, p); }));
    expect(e.code).toBe('permission-denied');
    expect(e.message).toMatch(new RegExp(`^unknown key: ${strangerId} may not log in`));
    expect(asked).toBe(0);
    expect(outcome(strangerId)).toEqual(['unknown key']);
  });
});

describe('refusals', () => {
  it('a replayed signature (captured from an earlier login) is refused `bad signature`: every challenge is fresh', async () => {
    const { term } = await terminal();
    let captured: Uint8Array | null = null;
    const replayer = customSigner(nodeKey, async (d, p) => {
      if (!captured) { captured = await signIn(nodeKey, d, p); return captured; }
      return captured;
    });
    await login(term, replayer);
    const e = await refused(term, replayer);
    expect(e.code).toBe('permission-denied');
    expect(e.message).toMatch(/^bad signature: /);
    expect(outcome(nodeId)).toEqual(['ok', 'bad signature']);
  });

  it('a challenge repeated (a stuck random source, a frozen clock) is accepted once: the replay is `replayed challenge`', async () => {
    const nonce = new Uint8Array(32).fill(7);
    const { term } = await terminal({ nonce: () => nonce.slice(), now: () => 1_796_000_000_000 });
    let captured: Uint8Array | null = null;
    const replayer = customSigner(nodeKey, async (d, p) => (captured ??= await signIn(nodeKey, d, p)));
    await login(term, replayer);
    const e = await refused(term, replayer);
    expect(e.code).toBe('permission-denied');
    expect(e.message).toMatch(/^replayed challenge: /);
  });

  it('a signature that comes back after the window is `stale challenge` (a clock the signer moves)', async () => {
    let clock = 1_796_000_000_000;
    const { term } = await terminal({ now: () => clock });
    const slow = customSigner(nodeKey, async (d, p) => { clock += 30_001; return signIn(nodeKey, d, p); });
    const e = await refused(term, slow);
    expect(e.code).toBe('permission-denied');
    expect(e.message).toMatch(/^stale challenge: the signature came back 30001 ms after the challenge/);
    // Just inside the window is fine.
    const quick = customSigner(nodeKey, async (d, p) => { clock += 29_999; return signIn(nodeKey, d, p); });
    await login(term, quick);
  });

  it('a signer that does not answer within the window is `stale challenge` when the window ends', async () => {
    const { term } = await terminal({ windowMs: 300 });
    const never = customSigner(nodeKey, () => new Promise<Uint8Array>(() => {}));
    const e = await refused(term, never);
    expect(e.code).toBe('permission-denied');
    expect(e.message).toMatch(/^stale challenge: the signer did not sign the challenge within 300 ms/);
  });

  it('a signature in another domain is `bad signature`', async () => {
    const { term } = await terminal();
    const e = await refused(term, customSigner(nodeKey, async (_d, p) => signIn(nodeKey, 'ww/terminal/other', p)));
    expect(e.code).toBe('permission-denied');
    expect(e.message).toMatch(/^bad signature: /);
    // And over the bare payload, with no domain at all.
    const bare = await refused(term, customSigner(nodeKey, async (_d, p) => nodeKey.sign(p)));
    expect(bare.message).toMatch(/^bad signature: /);
  });

  it('an epoch advance between the challenge and the answer is `stale-epoch`', async () => {
    const { term } = await terminal();
    const e = await refused(term, customSigner(nodeKey, async (d, p) => {
      epoch.advance('bafy-head-2', 'test advance');
      return signIn(nodeKey, d, p);
    }));
    expect(e.code).toBe('stale-epoch');
    expect(e.message).toMatch(/^epoch advanced: the challenge named epoch 0, the node is now in epoch 1/);
    expect(outcome(nodeId)).toEqual(['epoch advanced']);
  });

  it('a signer that refuses to sign fails the login `signer refused`, with its reason', async () => {
    const { term } = await terminal();
    const e = await refused(term, loginSignerHook(nodeKey, '12D3KooWSomeOtherNode'));
    expect(e.code).toBe('permission-denied');
    expect(e.message).toMatch(/^signer refused: .*wrong terminal/);
  });
});

describe('the challenge and the session', () => {
  it('names this node, 32 fresh bytes and the current epoch, signed in ww/terminal/login', async () => {
    epoch.advance('bafy-head-2', 'x');
    const seen: Array<{ domain: string; payload: Uint8Array }> = [];
    const { term } = await terminal();
    const spy = customSigner(nodeKey, async (d, p) => { seen.push({ domain: d, payload: p }); return signIn(nodeKey, d, p); });
    await login(term, spy);
    await login(term, spy);
    const [a, b] = seen.map((s) => decodeChallenge(s.payload));
    expect(seen.map((s) => s.domain)).toEqual([LOGIN_DOMAIN, LOGIN_DOMAIN]);
    expect(a!.terminal).toBe(nodeId);
    expect(a!.epochSeq).toBe(1n);
    expect(a!.epochHead).toBe('bafy-head-2');
    expect(a!.nonce.length).toBe(32);
    expect(Buffer.from(a!.nonce).equals(Buffer.from(b!.nonce))).toBe(false);
  });

  it('the session belongs to its epoch: after an advance it fails `stale-epoch`, and a new login works', async () => {
    const { term } = await terminal();
    const session = await login(term, loginSignerHook(nodeKey, nodeId));
    const caps = readGraft(await session.graft().promise());
    epoch.advance('bafy-head-2', 'revoke');
    const e1 = await session.graft().promise().then(() => null, (x) => x);
    expect(e1).toBeInstanceOf(RpcError);
    expect((e1 as RpcError).code).toBe('stale-epoch');
    const e2 = await new Identity$Client(caps[0]!.cap as any).peerId().promise().then(() => null, (x) => x);
    expect((e2 as RpcError).code).toBe('stale-epoch');
    expect(await peerIdThrough(await login(term, loginSignerHook(nodeKey, nodeId)))).toBe(nodeId);
  });
});
