// The node's identity: an Ed25519 key kept as base58btc of its 32-byte
// seed in one file (mode 0600), `~/.ww/identity` unless told otherwise.
// `ww keygen` writes one; `ww run` creates one on first start.
import { generateKeyPair, privateKeyFromRaw } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface';
import { base58btc } from 'multiformats/bases/base58';
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { statSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { NodeError } from './errors.js';

export interface Identity {
  privateKey: Ed25519PrivateKey;
  peerId: PeerId;
  /** The file it was read from or written to; null when it lives only in memory. */
  path: string | null;
}

/** PKCS #8 DER of an Ed25519 private key, up to its 32-byte seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The Ed25519 key of a 32-byte seed, the same key as @libp2p/crypto's
 * generateKeyPairFromSeed gives: the raw private key is the seed followed
 * by its public key. Node's own Ed25519 derives the public key here; the
 * pure-JS curve that function uses builds a table on its first use, about
 * 0.1 s of CPU on the critical path of `ww shell` against a node and of
 * every `ww run` start.
 */
export function keyFromSeed(seed: Uint8Array): Ed25519PrivateKey {
  const priv = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  // SPKI DER ends with the 32 bytes of the public key.
  const pub = createPublicKey(priv).export({ format: 'der', type: 'spki' }).subarray(-32);
  const raw = new Uint8Array(64);
  raw.set(seed);
  raw.set(pub, 32);
  return privateKeyFromRaw(raw) as Ed25519PrivateKey;
}

export function defaultIdentityPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.WW_IDENTITY || join(homedir(), '.ww', 'identity');
}

/** A fresh identity and its file text (base58btc of the seed, one line). */
export async function newIdentity(): Promise<{ identity: Identity; text: string }> {
  const seed = new Uint8Array(randomBytes(32));
  const privateKey = keyFromSeed(seed);
  return { identity: { privateKey, peerId: peerIdFromPrivateKey(privateKey), path: null }, text: base58btc.baseEncode(seed) + '\n' };
}

/** Parses an identity file's text; throws node/identity naming the file. */
export async function parseIdentity(text: string, path: string): Promise<Identity> {
  const body = text.trim();
  let seed: Uint8Array;
  try { seed = base58btc.baseDecode(body); }
  catch { throw corrupt(path, 'it is not base58btc text'); }
  if (seed.length !== 32) throw corrupt(path, `it holds ${seed.length} bytes, an Ed25519 seed has 32`);
  const privateKey = keyFromSeed(seed);
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey), path };
}

/** Reads the identity at `path`. Throws node/identity with what is wrong and how to fix it. */
export async function readIdentity(path: string): Promise<Identity> {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw corrupt(path, 'it is not a regular file');
    if (st.size > 4096) throw corrupt(path, `it is ${st.size} bytes, an identity is one short line`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof NodeError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new NodeError('node/identity', `cannot read the identity ${path}: ${code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'no such file' : code ?? (e as Error).message}`,
      'check the path given by --identity or WW_IDENTITY, or create one with `ww keygen --output PATH`');
  }
  return parseIdentity(text, path);
}

/** Reads the identity at `path`, creating it (0600) when there is none. `created` says which. */
export async function loadOrCreateIdentity(path: string): Promise<{ identity: Identity; created: boolean }> {
  let exists = true;
  try { statSync(path); } catch { exists = false; }
  if (exists) return { identity: await readIdentity(path), created: false };
  const { identity, text } = await newIdentity();
  writeIdentityFile(path, text, false);
  return { identity: { ...identity, path }, created: true };
}

/**
 * Writes identity text to `path` with mode 0600, atomically (a temporary
 * file in the same folder, then rename), so a crash never leaves half a key.
 * Refuses to replace an existing file unless `force`.
 */
export function writeIdentityFile(path: string, text: string, force: boolean): void {
  let exists = true;
  try { statSync(path); } catch { exists = false; }
  if (exists && !force) {
    throw new NodeError('node/identity-exists', `${path} already exists; it holds a node's identity`, 'pass --force to replace it (the old peer id is lost), or choose another --output');
  }
  try {
    writeFileAtomic(path, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new NodeError('node/identity', `cannot write the identity ${path}: ${code === 'EACCES' ? 'permission denied' : code ?? (e as Error).message}`, 'choose a writable path with --output');
  }
}

/** An identity that lives only in memory (tests, --identity none). */
export async function ephemeralIdentity(): Promise<Identity> {
  const privateKey = await generateKeyPair('Ed25519');
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey), path: null };
}

function corrupt(path: string, why: string): NodeError {
  return new NodeError('node/identity', `the identity ${path} is not usable: ${why}`,
    'an identity is base58btc of a 32-byte Ed25519 seed, as `ww keygen` writes it; replace the file with `ww keygen --output PATH --force`');
}
