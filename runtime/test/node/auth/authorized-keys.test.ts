// authorized_keys (runtime/node/auth/authorized-keys.ts): one peer id per
// line, # comments, blank lines; malformed lines logged with their number
// and skipped; the file re-read when it changes (in place or replaced),
// and a missing file or a folder in its place meaning no extra keys.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, renameSync, mkdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { AuthorizedKeys, parseAuthorizedKeys, defaultAuthorizedKeysPath } from '../../../node/auth/authorized-keys.js';
import type { Logger } from '../../../node/log.js';

const newId = async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
let home: string;
let warnings: string[];
const log: Logger = { info() {}, warn: (m) => { warnings.push(m); }, error: (m) => { warnings.push(m); } };
beforeEach(() => { home = mkdtempSync(join(tmpdir(), 'ww-authkeys-')); warnings = []; });
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('parsing', () => {
  it('takes one peer id per line, skips comments and blank lines, and names each bad line by number', async () => {
    const a = await newId(), b = await newId();
    const secp = peerIdFromPrivateKey(await generateKeyPair('secp256k1')).toString();
    const text = `# keys\n\n  ${a}  \n${b} # bob\r\nQmNotAPeerId!\n${a} ${b}\n${secp}\n`;
    const p = parseAuthorizedKeys(text);
    expect([...p.peerIds].sort()).toEqual([a, b].sort());
    expect(p.malformed.map((m) => m.line)).toEqual([5, 6, 7]);
    expect(p.malformed[2]!.why).toMatch(/secp256k1 key/);
  });

  it('an empty file or only comments gives no keys and no complaints', () => {
    expect(parseAuthorizedKeys('')).toEqual({ peerIds: new Set(), malformed: [] });
    expect(parseAuthorizedKeys('# nobody\n\n   \n').peerIds.size).toBe(0);
  });

  it('lives beside the identity file by default', () => {
    expect(defaultAuthorizedKeysPath('/home/u/.ww/identity')).toBe('/home/u/.ww/authorized_keys');
  });
});

describe('the file, as it changes', () => {
  it('a missing file means no keys; creating, editing, replacing and deleting it are each seen at the next check', async () => {
    const a = await newId(), b = await newId();
    const path = join(home, 'authorized_keys');
    const keys = new AuthorizedKeys(path, log);
    expect(keys.has(a)).toBe(false);
    writeFileSync(path, `${a}\n`);
    expect(keys.has(a)).toBe(true);
    writeFileSync(path, `${b}\n`); // same length: the times and inode tell
    expect(keys.list()).toEqual([b]);
    writeFileSync(join(home, 'next'), `${a}\n${b}\n`);
    renameSync(join(home, 'next'), path); // an atomic replacement
    expect(keys.list().sort()).toEqual([a, b].sort());
    unlinkSync(path);
    expect(keys.has(a)).toBe(false);
  });

  it('malformed lines are logged once per version of the file, with their line number', async () => {
    const path = join(home, 'authorized_keys');
    writeFileSync(path, `${await newId()}\nnonsense\n`);
    const keys = new AuthorizedKeys(path, log);
    keys.has('x'); keys.has('y');
    expect(warnings.filter((w) => /line 2 ignored: "nonsense"/.test(w))).toHaveLength(1);
  });

  it('a folder in its place counts as no keys, with a warning', () => {
    const path = join(home, 'authorized_keys');
    mkdirSync(path);
    const keys = new AuthorizedKeys(path, log);
    expect(keys.list()).toEqual([]);
    expect(warnings.some((w) => /not a regular file/.test(w))).toBe(true);
  });
});
