// Hostile and malformed programs never crash `ww`: each one gives a
// diagnostic (error[code]: ...) on stderr and exit status 1, in bounded
// time, with no JavaScript stack trace. The inputs (up to 10 MB) are
// generated into a temporary directory at test time.
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { copyFileSync, existsSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { assertBuilt, describeRun, removeDir, tempDir, ww, BIN, type WwResult } from './ww-process.js';

const MB = 1024 * 1024;
let dir: string;

/** Deterministic pseudo-random bytes (mulberry32), so a failure reproduces. */
function randomBytes(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

const inputs: Record<string, string | Buffer> = {
  'digits-200k.glia': '9'.repeat(200_000),
  'digits-200k-junk.glia': '9'.repeat(200_000) + 'x',
  'string-5mb.glia': '"' + 'a'.repeat(5 * MB) + '"',
  'string-5mb-unterminated.glia': '"' + 'a'.repeat(5 * MB),
  'symbol-5mb.glia': 's'.repeat(5 * MB),
  'open-10mb.glia': '('.repeat(10 * MB),
  'balanced-deep.glia': '['.repeat(100_000) + ']'.repeat(100_000),
  'closes-1m.glia': ')'.repeat(1_000_000),
  'quotes-100k.glia': "'".repeat(100_000) + 'x',
  'discards-50k.glia': '#_'.repeat(50_000) + 'x 1',
  'random-1.glia': randomBytes(1, 64 * 1024),
};

beforeAll(() => {
  assertBuilt();
  dir = tempDir('bad-input');
  for (const [name, content] of Object.entries(inputs)) writeFileSync(join(dir, name), content);
  // A real executable as a "program". /bin/ls on Linux and macOS.
  const exe = ['/bin/ls', '/usr/bin/ls', '/bin/sh'].find((p) => existsSync(p));
  if (exe) copyFileSync(exe, join(dir, 'ls-binary.glia'));
});

afterAll(() => removeDir(dir));

/**
 * A diagnosed failure: finished in time, exit 1, nothing on stdout, an
 * error[code] report on stderr, and no sign of a crash (internal error,
 * JS exception or stack trace).
 */
function expectDiagnostic(expect: ExpectStatic, r: WwResult, code?: RegExp): void {
  const info = describeRun(r);
  expect(r.timedOut, `did not finish in time\n${info}`).toBe(false);
  expect(r.signal, info).toBeNull();
  expect(r.code, info).toBe(1);
  expect(r.stdout, info).toBe('');
  expect(r.stderr, info).toContain('error[');
  expect(r.stderr, info).not.toMatch(/error\[internal\]|RangeError|TypeError|Maximum call stack|node:internal|\n\s+at \S+ \((?:file|node):/);
  if (code) expect(r.stderr.match(/error\[([^\]]+)\]/)?.[1], info).toMatch(code);
}

// A hang guard, not a timing: these run several processes at once
// (describe.concurrent), and a loaded 2-core machine has taken over 30 s
// for the largest inputs. Past this a run is a hang.
const HANG_MS = 90_000;
const evalFile = (name: string, extra: string[] = []) => ww(['eval', ...extra, '-f', name], { cwd: dir, timeoutMs: HANG_MS });
const evalExpr = (expr: string, extra: string[] = [], timeoutMs = HANG_MS) => ww(['eval', ...extra, expr], { cwd: dir, timeoutMs });

describe.concurrent('bad input gives a diagnostic and exit 1', { timeout: HANG_MS + 15_000 }, () => {
  it('read error: unclosed list', async ({ expect }) => {
    expectDiagnostic(expect, await evalExpr('(+ 1 2'), /^read\//);
  });

  it('read error: unknown string escape', async ({ expect }) => {
    expectDiagnostic(expect, await evalExpr('"abc\\q"'), /^read\//);
  });

  it('unknown symbol', async ({ expect }) => {
    expectDiagnostic(expect, await evalExpr('(no-such-fn 1 2)'), /^unbound-symbol$/);
  });

  it('huge literal: a 200k-digit number', async ({ expect }) => {
    expectDiagnostic(expect, await evalFile('digits-200k.glia'));
  });

  it('huge literal: a 200k-digit number with junk after it', async ({ expect }) => {
    expectDiagnostic(expect, await evalFile('digits-200k-junk.glia'), /^read\//);
  });

  it('huge literal: a 5 MB string literal', async ({ expect }) => {
    expectDiagnostic(expect, await evalFile('string-5mb.glia'));
  });

  it('huge literal: an unterminated 5 MB string', async ({ expect }) => {
    const r = await evalFile('string-5mb-unterminated.glia');
    expectDiagnostic(expect, r, /^read\//);
    // The code frame shows a clipped line, not 5 MB.
    expect(r.stderr.length).toBeLessThan(64 * 1024);
  });

  it('huge literal: a 5 MB unknown symbol gives a bounded report', async ({ expect }) => {
    const r = await evalFile('symbol-5mb.glia');
    expectDiagnostic(expect, r);
    expect(r.stderr.length, 'the report echoes the whole 5 MB symbol').toBeLessThan(64 * 1024);
  });

  it('10 MB of nested open brackets ((((...', async ({ expect }) => {
    const r = await evalFile('open-10mb.glia');
    expectDiagnostic(expect, r, /^read\//);
    expect(r.stderr.length).toBeLessThan(64 * 1024);
  });

  it('100,000-deep balanced brackets [[[...]]]', async ({ expect }) => {
    expectDiagnostic(expect, await evalFile('balanced-deep.glia'), /^read\//);
  });

  it('1,000,000 unexpected closing brackets', async ({ expect }) => {
    expectDiagnostic(expect, await evalFile('closes-1m.glia'), /^read\//);
  });

  it("100,000 nested quotes ''''...x", async ({ expect }) => {
    expectDiagnostic(expect, await evalFile('quotes-100k.glia'));
  });

  it('50,000 chained discards #_#_...', async ({ expect }) => {
    expectDiagnostic(expect, await evalFile('discards-50k.glia'));
  });

  it('a binary file: random bytes (seed 1)', async ({ expect }) => {
    expectDiagnostic(expect, await evalFile('random-1.glia'));
  });

  it('a binary file: a copy of /bin/ls', async ({ expect }) => {
    expect(existsSync(join(dir, 'ls-binary.glia')), 'no executable to copy').toBe(true);
    expectDiagnostic(expect, await evalFile('ls-binary.glia'));
  });

  it('unbounded recursion: (defn f [n] (inc (f n))) (f 1)', async ({ expect }) => {
    expectDiagnostic(expect, await evalExpr('(defn f [n] (inc (f n))) (f 1)'), /^stack-overflow$/);
  });

  it('unbounded recursion on the resumable tier', async ({ expect }) => {
    expectDiagnostic(expect, await evalExpr('(defn f [n] (inc (f n))) (f 1)', ['--tier', 'resumable']), /^stack-overflow$/);
  });

  it('unbounded recursion through a function that performs an effect', async ({ expect }) => {
    // Without the (print "") this is diagnosed in about a second, and a
    // 10,000-deep version of it finishes in a few (see below).
    const r = await evalExpr('(defn f [n] (print "") (inc (f n))) (f 1)');
    expectDiagnostic(expect, r, /^stack-overflow$/);
  });

  it('unbounded macro expansion', async ({ expect }) => {
    expectDiagnostic(expect, await evalExpr('(defmacro m [] (list (quote m))) (m)'));
  });

  it('a last value nested too deeply to print', async ({ expect }) => {
    expectDiagnostic(expect, await evalExpr('(reduce (fn [acc _] [acc]) [] (range 100000))'));
  });

  it('(exit 1.5): a non-integer exit code', async ({ expect }) => {
    expectDiagnostic(expect, await evalExpr('(exit 1.5)'));
  });
});

describe.concurrent('deep recursion that fits succeeds', { timeout: HANG_MS + 15_000 }, () => {
  const deep = '(defn d [n] (if (= n 0) 0 (inc (d (dec n))))) (d 10000)';

  it('10,000-deep non-tail recursion prints 10000', async ({ expect }) => {
    const r = await evalExpr(deep);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('10000\n');
    expect(r.stderr).toBe('');
  });

  it('10,000-deep non-tail recursion on the resumable tier', async ({ expect }) => {
    const r = await evalExpr(deep, ['--tier', 'resumable']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('10000\n');
  });

  it('10,000-deep non-tail recursion through an effect', async ({ expect }) => {
    const r = await evalExpr('(defn d [n] (if (= n 0) 0 (do (print "") (inc (d (dec n)))))) (d 10000)');
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('10000\n');
  });
});

// Every input goes through one reader (runtime/cli/read-input.ts): a path
// must be a regular file, sizes are capped, and failures are in our words.
describe.concurrent('inputs that are not regular files, too large or not UTF-8', { timeout: HANG_MS + 15_000 }, () => {
  /** Node's own words for file errors, which must never reach the user. */
  const NODE_WORDS = /EISDIR|ELOOP|ENOENT|EACCES|Invalid string length|illegal operation/;

  it('ww eval -f /dev/zero is refused at once (it once read 630 MB first)', async ({ expect }) => {
    const r = await evalFile('/dev/zero');
    expectDiagnostic(expect, r, /^io$/);
    expect(r.stderr).toBe('error[io]: cannot read /dev/zero: it is a device, not a regular file\nhint: to read a pipe or a device, redirect it to stdin and give -, as in: ww eval -f - < /dev/zero\n');
  });

  it('ww fmt --check /dev/zero is refused at once (it once grew to 7 GB)', async ({ expect }) => {
    const r = await ww(['fmt', '--check', '/dev/zero'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toBe('error[io]: cannot read /dev/zero: it is a device, not a regular file\n');
  });

  it('ww eval -f on a FIFO with no writer fails instead of blocking for ever', async ({ expect }) => {
    execFileSync('mkfifo', [join(dir, 'nobody-writes.glia')]);
    const r = await evalFile('nobody-writes.glia');
    expectDiagnostic(expect, r, /^io$/);
    expect(r.stderr).toMatch(/^error\[io\]: cannot read nobody-writes\.glia: it is a named pipe \(FIFO\), not a regular file\n/);
  });

  it('-f - reads the program from stdin, so a pipe can still be given', async ({ expect }) => {
    const r = await wwStdin(['eval', '-f', '-'], '(+ 40 2)');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('42\n');
  });

  it('a source file over 16 MiB is read/too-large, checked before it is read', async ({ expect }) => {
    writeFileSync(join(dir, 'huge.glia'), '');
    truncateSync(join(dir, 'huge.glia'), 17 * MB); // sparse
    const r = await evalFile('huge.glia');
    expectDiagnostic(expect, r, /^read\/too-large$/);
    expect(r.stderr).toMatch(/^error\[read\/too-large\]: huge\.glia is 17 MiB; a source file is at most 16 MiB \(16,777,216 bytes\)\n/);
  });

  it('a directory, a symbolic-link loop and a missing file: each in words, with no Node error names', async ({ expect }) => {
    symlinkSync('loop-b.glia', join(dir, 'loop-a.glia'));
    symlinkSync('loop-a.glia', join(dir, 'loop-b.glia'));
    const [folder, loop, missing] = await Promise.all([evalFile('.'), evalFile('loop-a.glia'), evalFile('missing.glia')]);
    expect(folder.stderr).toMatch(/^error\[io\]: cannot read \.: it is a directory, not a regular file\nhint: give a file inside it\n$/);
    expect(loop.stderr).toMatch(/^error\[io\]: cannot read loop-a\.glia: too many levels of symbolic links/);
    expect(missing.stderr).toBe('error[io]: cannot read missing.glia: no such file or directory\n');
    for (const r of [folder, loop, missing]) {
      expectDiagnostic(expect, r, /^io$/);
      expect(r.stderr).not.toMatch(NODE_WORDS);
    }
  });

  it('invalid UTF-8 is one read/bad-utf8 error at the bad byte for eval, check, test and an import alike', async ({ expect }) => {
    // Line 2, column 8: the byte 0xff inside the string.
    writeFileSync(join(dir, 'latin.glia'), Buffer.concat([Buffer.from('(+ 1 2)\n(str "a'), Buffer.from([0xff]), Buffer.from('")\n')]));
    writeFileSync(join(dir, 'imports-latin.glia'), '(import "latin" :as l)\n');
    const [ev, check, test, imp] = await Promise.all([
      evalFile('latin.glia'), ww(['check', 'latin.glia'], { cwd: dir }), ww(['test', 'latin.glia'], { cwd: dir }), evalFile('imports-latin.glia'),
    ]);
    for (const r of [ev, check, test, imp]) {
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr, describeRun(r)).toMatch(/^error\[read\/bad-utf8\]: \S*latin\.glia is not valid UTF-8: byte 0xff at byte offset 15 [^\n]*  --> \S*latin\.glia:2:8\n  \|\n2 \| \(str "a\ufffd"\)\n  \|        \^\n/);
    }
    expect(ev.stdout, 'nothing of the file runs').toBe('');
  });

  it('(apply str (repeat 600000000 "x")) is a :glia.error/limit that try catches, not a V8 abort', async ({ expect }) => {
    const r = await evalExpr('(try (apply str (repeat 600000000 "x")) (catch :glia.error/limit e (ex-message e)))');
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('"realising the sequence would hold more than 16,777,216 elements, the most one collection may hold"\n');
    const uncaught = await evalExpr('(count (vec (range 1000000000)))');
    expectDiagnostic(expect, uncaught, /^limit$/);
  });

});

/** ww with `input` on its stdin. */
function wwStdin(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['--stack-size=3800', BIN, ...args], { cwd: dir, env });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    child.stdin.end(input);
  });
}
