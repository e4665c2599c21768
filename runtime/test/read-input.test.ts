// The one input reader of the ww commands (runtime/cli/read-input.ts):
// regular files or stdin only, capped sizes, strict UTF-8, and errors in
// our words. Real files, a real FIFO and real devices.
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readInput, readInputSync, readSource, readSourceSync, readStream, ioReason, InputError, SOURCE_LIMIT, COMPONENT_LIMIT, withStdinHint } from '../cli/read-input.js';

let dir: string;
const at = (name: string) => join(dir, name);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ww-read-input-'));
  writeFileSync(at('ok.glia'), '(+ 1 2)\n');
  writeFileSync(at('bom.glia'), Buffer.from([0xef, 0xbb, 0xbf, 0x31]));
  writeFileSync(at('latin1.glia'), Buffer.from([0x28, 0x63, 0x61, 0x66, 0xe9, 0x29]));
  writeFileSync(at('big.glia'), '');
  truncateSync(at('big.glia'), SOURCE_LIMIT.maxBytes + 1); // sparse
  writeFileSync(at('exact.glia'), Buffer.alloc(SOURCE_LIMIT.maxBytes, 0x20));
  execFileSync('mkfifo', [at('fifo')]);
  symlinkSync('loop-b', at('loop-a'));
  symlinkSync('loop-a', at('loop-b'));
  writeFileSync(at('secret.glia'), 'x');
  chmodSync(at('secret.glia'), 0o000);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The InputError a call throws (sync or async), as {code, message, hint}. */
async function refusal(f: () => unknown): Promise<{ code: string; message: string; hint?: string }> {
  try { await f(); } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const { code, message, hint } = e as InputError;
    return hint === undefined ? { code, message } : { code, message, hint };
  }
  throw new Error('expected a refusal');
}

describe('readInput', () => {
  it('reads a regular file, and a file of exactly the limit', async () => {
    expect(Buffer.from(await readInput(at('ok.glia'), SOURCE_LIMIT)).toString()).toBe('(+ 1 2)\n');
    expect((await readInput(at('exact.glia'), SOURCE_LIMIT)).length).toBe(SOURCE_LIMIT.maxBytes);
    expect(readInputSync(at('exact.glia'), SOURCE_LIMIT).length).toBe(SOURCE_LIMIT.maxBytes);
  });

  it('refuses a device, a FIFO with no writer (without blocking) and a directory, naming what it is', async () => {
    for (const read of [readInput, readInputSync]) {
      expect(await refusal(() => read('/dev/zero', SOURCE_LIMIT))).toEqual({ code: 'io', message: 'cannot read /dev/zero: it is a device, not a regular file' });
      expect(await refusal(() => read(at('fifo'), SOURCE_LIMIT))).toEqual({ code: 'io', message: `cannot read ${at('fifo')}: it is a named pipe (FIFO), not a regular file` });
      expect(await refusal(() => read(dir, SOURCE_LIMIT))).toEqual({ code: 'io', message: `cannot read ${dir}: it is a directory, not a regular file`, hint: 'give a file inside it' });
    }
  });

  it('refuses a file over the limit by its size, with the limit\'s code', async () => {
    expect(await refusal(() => readInput(at('big.glia'), SOURCE_LIMIT))).toMatchObject({
      code: 'read/too-large', message: `${at('big.glia')} is 16 MiB; a source file is at most 16 MiB (16,777,216 bytes)`,
    });
    expect((await refusal(() => readInput(at('big.glia'), { ...COMPONENT_LIMIT, maxBytes: 1000 }))).code).toBe('cell/invalid');
  });

  it('says missing files, link loops and permissions in words, never errno names', async () => {
    const missing = await refusal(() => readInput(at('nope.glia'), SOURCE_LIMIT));
    expect(missing).toEqual({ code: 'io', message: `cannot read ${at('nope.glia')}: no such file or directory` });
    const loop = await refusal(() => readInput(at('loop-a'), SOURCE_LIMIT));
    expect(loop.message).toBe(`cannot read ${at('loop-a')}: too many levels of symbolic links (a link that leads back to itself?)`);
    // root reads anything, so the permission case only shows when the tests do not run as root.
    if (process.getuid?.() !== 0) expect((await refusal(() => readInput(at('secret.glia'), SOURCE_LIMIT))).message).toMatch(/permission denied$/);
    for (const r of [missing, loop]) expect(r.message).not.toMatch(/E[A-Z]{3,}/);
  });

  it('reads stdin (-) to its end, and stops reading a stream past the limit', async () => {
    expect(Buffer.from(await readInput('-', SOURCE_LIMIT, Readable.from([Buffer.from('(+ 1'), Buffer.from(' 2)')]))).toString()).toBe('(+ 1 2)');
    let pulled = 0;
    const endless = new Readable({ read() { pulled++; this.push(Buffer.alloc(64 * 1024)); } });
    const e = await refusal(() => readStream(endless, { maxBytes: 1024 * 1024, what: 'a request body' }));
    expect(e).toEqual({ code: 'io', message: '<stdin> is over 1 MiB; a request body is at most 1 MiB (1,048,576 bytes)' });
    expect(pulled).toBeLessThan(40);
    expect(endless.destroyed).toBe(true);
  });
});

describe('readSource', () => {
  it('decodes UTF-8 and drops a byte-order mark, saying it was there', async () => {
    expect(await readSource(at('ok.glia'))).toEqual({ text: '(+ 1 2)\n', bom: false });
    expect(readSourceSync(at('bom.glia'))).toEqual({ text: '1', bom: true });
  });

  it('turns invalid UTF-8 into read/bad-utf8 with a location and a frame text', async () => {
    const e = await readSource(at('latin1.glia'), 'latin1.glia').catch((x) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(e.code).toBe('read/bad-utf8');
    expect(e.diagnostic.span).toMatchObject({ file: 'latin1.glia', line: 1, col: 5 });
    expect(e.text).toBe('(caf\ufffd)');
  });
});

describe('words', () => {
  it('ioReason rewords Node errors and strips the errno and syscall from ones it does not know', () => {
    const err = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(ioReason(err('EISDIR', "EISDIR: illegal operation on a directory, read"))).toBe('it is a directory');
    expect(ioReason(err('ENOTDIR', "ENOTDIR: not a directory, open 'a/b'"))).toBe('a part of the path is not a directory');
    expect(ioReason(err('EXDEV', "EXDEV: cross-device link not permitted, rename 'a' -> 'b'"))).toBe('cross-device link not permitted');
    expect(ioReason(err('ESTALE', "ESTALE: stale file handle, open '/x'"))).toBe('stale file handle');
  });

  it('withStdinHint points a pipe or a device at -, but not a directory', () => {
    const dev = new InputError('io', 'cannot read /dev/zero: it is a device, not a regular file', { notRegular: true });
    expect(withStdinHint(dev, 'ww eval -f - < /dev/zero').hint).toBe('to read a pipe or a device, redirect it to stdin and give -, as in: ww eval -f - < /dev/zero');
    const folder = new InputError('io', 'cannot read d: it is a directory, not a regular file', { notRegular: true, hint: 'give a file inside it' });
    expect(withStdinHint(folder, 'x').hint).toBe('give a file inside it');
  });
});
