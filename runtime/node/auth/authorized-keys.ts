// The keys a node's Terminal lets log in besides its own: a text file,
// `~/.ww/authorized_keys` by default (beside the identity file), one peer
// id per line, `#` starting a comment, blank lines ignored. A line that is
// not an Ed25519 peer id is logged with its line number and skipped, so
// one typo never locks every other key out.
//
// The file is re-read when it changes: each check stats it (inode, size,
// and change and modification times in nanoseconds) and reads it again
// only when any of them moved. That is one stat per login, and it catches
// edits in place and atomic replacements alike, which fs.watch does not
// do reliably. A missing file means no extra keys: only the node's own.
import { statSync, readFileSync, type BigIntStats } from 'node:fs';
import { dirname, join } from 'node:path';
import { peerIdFromString } from '@libp2p/peer-id';
import type { Logger } from '../log.js';

/** The most bytes read from the file; a longer one is read up to this and the rest is ignored, with a warning. */
export const MAX_AUTHORIZED_KEYS_BYTES = 1024 * 1024;

/** `authorized_keys` in the folder of the identity file (`~/.ww/` by default). */
export function defaultAuthorizedKeysPath(identityPath: string): string {
  return join(dirname(identityPath), 'authorized_keys');
}

export interface ParsedKeys {
  peerIds: Set<string>;
  /** Lines that are not peer ids: 1-based line number, the text, why. */
  malformed: Array<{ line: number; text: string; why: string }>;
}

/** Parses the file's text. Never throws. */
export function parseAuthorizedKeys(text: string): ParsedKeys {
  const peerIds = new Set<string>();
  const malformed: ParsedKeys['malformed'] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const hash = raw.indexOf('#');
    const body = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (body === '') return;
    const why = peerIdProblem(body);
    if (why) malformed.push({ line: i + 1, text: body.length > 80 ? body.slice(0, 77) + '...' : body, why });
    else peerIds.add(body);
  });
  return { peerIds, malformed };
}

function peerIdProblem(s: string): string | null {
  if (/\s/.test(s)) return 'a line holds one peer id and nothing else (a comment starts with #)';
  let type: string;
  try { type = peerIdFromString(s).type; }
  catch { return 'it is not a peer id (write it as `ww run` logs it, 12D3KooW...)'; }
  if (type !== 'Ed25519') return `it is the peer id of a ${type} key; only Ed25519 keys can log in`;
  return null;
}

export class AuthorizedKeys {
  private stamp: string | null = null;
  private keys: Set<string> = new Set();

  constructor(readonly path: string, private readonly log: Logger) {}

  /** True when `peerId` is listed in the file as it is now. */
  has(peerId: string): boolean {
    this.refresh();
    return this.keys.has(peerId);
  }

  /** The listed peer ids, as the file is now. */
  list(): string[] {
    this.refresh();
    return [...this.keys];
  }

  /** Re-reads the file if it changed since the last read. */
  private refresh(): void {
    let st: BigIntStats;
    try { st = statSync(this.path, { bigint: true }); }
    catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (this.stamp !== 'missing') {
        if (code !== 'ENOENT' && code !== 'ENOTDIR') this.log.warn(`authorized_keys ${this.path}: cannot read it (${code ?? (e as Error).message}); only the node's own key can log in`, { path: this.path });
        else if (this.stamp !== null) this.log.info(`authorized_keys ${this.path} is gone; only the node's own key can log in`, { path: this.path });
      }
      this.stamp = 'missing';
      this.keys = new Set();
      return;
    }
    const stamp = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    if (stamp === this.stamp) return;
    this.stamp = stamp;
    if (!st.isFile()) {
      this.log.warn(`authorized_keys ${this.path} is not a regular file; only the node's own key can log in`, { path: this.path });
      this.keys = new Set();
      return;
    }
    let text: string;
    try {
      const buf = readFileSync(this.path);
      if (buf.length > MAX_AUTHORIZED_KEYS_BYTES) this.log.warn(`authorized_keys ${this.path} is ${buf.length} bytes; only its first ${MAX_AUTHORIZED_KEYS_BYTES} are read`, { path: this.path });
      text = buf.subarray(0, MAX_AUTHORIZED_KEYS_BYTES).toString('utf8');
    } catch (e) {
      // Changed between the stat and the read, or unreadable: try again at the next login.
      this.stamp = null;
      this.log.warn(`authorized_keys ${this.path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); only the node's own key can log in`, { path: this.path });
      this.keys = new Set();
      return;
    }
    const parsed = parseAuthorizedKeys(text);
    for (const m of parsed.malformed) {
      this.log.warn(`authorized_keys ${this.path} line ${m.line} ignored: ${JSON.stringify(m.text)}: ${m.why}`, { path: this.path, line: m.line });
    }
    this.keys = parsed.peerIds;
    this.log.info(`authorized_keys ${this.path}: ${parsed.peerIds.size} key${parsed.peerIds.size === 1 ? '' : 's'}${parsed.malformed.length ? `, ${parsed.malformed.length} line${parsed.malformed.length === 1 ? '' : 's'} ignored` : ''}`, { path: this.path, keys: parsed.peerIds.size });
  }
}
