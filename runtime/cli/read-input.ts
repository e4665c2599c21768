// Every file a `ww` command reads goes through here. A path must name a
// regular file (or be `-` for stdin): a directory, a FIFO with no writer or
// a device such as /dev/zero would otherwise block for ever or fill the
// heap. The size is capped before and during the read, and each failure is
// a coded error in our words (never Node's EISDIR or "Invalid string
// length"). Files are opened non-blocking, so opening a FIFO returns at
// once and its type is refused.
import { constants, openSync, fstatSync, readSync, closeSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { decodeSource } from '../../glia/reader/utf8.js';
import type { Diagnostic } from '../../glia/diagnostics.js';
import { MAX_COMPONENT_BYTES } from '../cell/limits.js';

const MiB = 1024 * 1024;

export interface InputLimit {
  maxBytes: number;
  /** What the input is, for the too-large message: "a source file", "a component". */
  what: string;
  /** The code of the too-large error (default io). */
  code?: string;
  hint?: string;
}

/** Glia source: 16 MiB, the reader's limit (doc/language.md, "Limits"). */
export const SOURCE_LIMIT: InputLimit = {
  maxBytes: 16 * MiB, what: 'a source file', code: 'read/too-large',
  hint: 'split the program into modules and (import "path") them; keep large data in a file read with (load path)',
};
/** A WebAssembly component for a cell: the cell size limit (runtime/cell/limits.ts). */
export const COMPONENT_LIMIT: InputLimit = { maxBytes: MAX_COMPONENT_BYTES, what: 'a component', code: 'cell/invalid' };
/** Bytes a program reads with :load (often a component to run as a cell). */
export const LOAD_LIMIT: InputLimit = { maxBytes: MAX_COMPONENT_BYTES, what: 'a file read with :load' };

/** Why an input could not be had: a code (io, read/too-large, read/bad-utf8, ...), a message and maybe a hint and a location. */
export class InputError extends Error {
  readonly hint?: string;
  /** For read/bad-utf8: the diagnostic with its location, and the text (bad bytes as U+FFFD) for a code frame. */
  readonly diagnostic?: Diagnostic;
  readonly text?: string;
  /** The path names a directory, FIFO, device or socket: a command that takes - can say so in its hint. */
  readonly notRegular: boolean;
  constructor(readonly code: string, message: string, more: { hint?: string; diagnostic?: Diagnostic; text?: string; notRegular?: boolean } = {}) {
    super(message);
    this.name = 'InputError';
    if (more.hint !== undefined) this.hint = more.hint;
    if (more.diagnostic) this.diagnostic = more.diagnostic;
    if (more.text !== undefined) this.text = more.text;
    this.notRegular = more.notRegular ?? false;
  }
}

/** The hint for a command that reads stdin with -: how to read a pipe or device instead of naming it. */
export function withStdinHint(e: InputError, example: string): InputError {
  if (!e.notRegular || e.message.includes('a directory')) return e;
  return new InputError(e.code, e.message, { hint: `to read a pipe or a device, redirect it to stdin and give -, as in: ${example}`, notRegular: true });
}

/** The bytes of `path` (stdin for `-`), at most `limit.maxBytes` of them. Throws InputError. */
export async function readInput(path: string, limit: InputLimit, stdin: Readable = process.stdin): Promise<Uint8Array> {
  if (path === '-') return readStream(stdin, limit, '<stdin>');
  let fh;
  try { fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK); }
  catch (e) { throw new InputError('io', `cannot read ${path}: ${ioReason(e)}`, { hint: ioHint(e) }); }
  try {
    const st = await fh.stat();
    checkType(path, st);
    if (st.size > limit.maxBytes) throw tooLarge(path, st.size, limit);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte past the limit tells a file that grew past it from one that ends there.
      const want = Math.min(Math.max(st.size - total, 64 * 1024), limit.maxBytes + 1 - total);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === want ? buf : buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit.maxBytes) throw tooLarge(path, total, limit, true);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('io', `cannot read ${path}: ${ioReason(e)}`, { hint: ioHint(e) });
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** readInput for callers that cannot wait (a module the checker follows, a code frame). No stdin. */
export function readInputSync(path: string, limit: InputLimit): Uint8Array {
  let fd: number;
  try { fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK); }
  catch (e) { throw new InputError('io', `cannot read ${path}: ${ioReason(e)}`, { hint: ioHint(e) }); }
  try {
    const st = fstatSync(fd);
    checkType(path, st);
    if (st.size > limit.maxBytes) throw tooLarge(path, st.size, limit);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(Math.max(st.size - total, 64 * 1024), limit.maxBytes + 1 - total);
      const buf = Buffer.allocUnsafe(want);
      const n = readSync(fd, buf, 0, want, null);
      if (n === 0) break;
      chunks.push(n === want ? buf : buf.subarray(0, n));
      total += n;
      if (total > limit.maxBytes) throw tooLarge(path, total, limit, true);
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('io', `cannot read ${path}: ${ioReason(e)}`, { hint: ioHint(e) });
  } finally {
    closeSync(fd);
  }
}

/** A stream read to its end, refused (and no longer read) past the limit. */
export async function readStream(s: Readable, limit: InputLimit, name = '<stdin>'): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const c of s) {
      const b = typeof c === 'string' ? Buffer.from(c) : Buffer.from(c as Uint8Array);
      total += b.length;
      if (total > limit.maxBytes) { s.destroy?.(); throw tooLarge(name, total, limit, true); }
      chunks.push(b);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('io', `cannot read ${name}: ${ioReason(e)}`, { hint: ioHint(e) });
  }
  return Buffer.concat(chunks, total);
}

/**
 * Glia source from `path` (stdin for `-`): bounded, then strict UTF-8 (a
 * leading byte-order mark is dropped and reported). Invalid UTF-8 is an
 * InputError with the read/bad-utf8 diagnostic and the text for a code frame.
 */
export async function readSource(path: string, file = path === '-' ? '<stdin>' : path, stdin?: Readable): Promise<{ text: string; bom: boolean }> {
  return decoded(await readInput(path, SOURCE_LIMIT, stdin), file);
}

export function readSourceSync(path: string, file = path): { text: string; bom: boolean } {
  return decoded(readInputSync(path, SOURCE_LIMIT), file);
}

function decoded(bytes: Uint8Array, file: string): { text: string; bom: boolean } {
  const r = decodeSource(bytes, file);
  if (r.ok) return { text: r.text, bom: r.bom };
  throw new InputError(r.diagnostic.code, r.diagnostic.message, { hint: r.diagnostic.hint, diagnostic: r.diagnostic, text: r.text });
}

function checkType(path: string, st: Stats): void {
  if (st.isFile()) return;
  const kind = st.isDirectory() ? 'a directory'
    : st.isFIFO() ? 'a named pipe (FIFO)'
    : st.isCharacterDevice() || st.isBlockDevice() ? 'a device'
    : st.isSocket() ? 'a socket' : 'not a regular file';
  throw new InputError('io', `cannot read ${path}: it is ${kind}, not a regular file`, { notRegular: true, hint: st.isDirectory() ? 'give a file inside it' : undefined });
}

function tooLarge(path: string, size: number, limit: InputLimit, atLeast = false): InputError {
  const cap = limit.maxBytes;
  const shown = (n: number) => n >= MiB ? `${+(n / MiB).toFixed(1)} MiB` : `${n} bytes`;
  return new InputError(limit.code ?? 'io',
    `${path} is ${atLeast ? 'over ' + shown(cap) : shown(size)}; ${limit.what} is at most ${shown(cap)} (${cap.toLocaleString('en')} bytes)`,
    { hint: limit.hint });
}

/** A Node file-system error in our words: what went wrong, without errno names or syscalls. */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a directory';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    case 'ELOOP': return 'too many levels of symbolic links (a link that leads back to itself?)';
    case 'ENAMETOOLONG': return 'the path is too long';
    case 'EMFILE': case 'ENFILE': return 'too many files are open';
    case 'ENOSPC': return 'no space left on the device';
    case 'EROFS': return 'the file system is read-only';
    case 'EEXIST': return 'it already exists';
    case 'EIO': return 'an input/output error from the device';
    case 'EAGAIN': return 'no data is available yet (a pipe or device that would block)';
  }
  const msg = (e as Error)?.message ?? String(e);
  // Node writes "ECODE: what happened, syscall 'path'": keep what happened.
  return msg.replace(/^[A-Z][A-Z0-9_]+: /, '').replace(/, \w+ '.*'$/, '') || 'it could not be read';
}

function ioHint(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ELOOP') return 'check where the symbolic link points (ls -l)';
  if (code === 'EACCES' || code === 'EPERM') return 'check the file\'s permissions';
  return undefined;
}
