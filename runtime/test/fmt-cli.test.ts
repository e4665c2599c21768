// End-to-end tests of `ww fmt`: each spawns the real bin (bin/ww.js over
// the compiled dist/, so run `npm run build` first) in a temporary
// directory and checks exit status, output and the files on disk.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, BIN, describeRun, removeDir, tempDir, ww, RUN_TIMEOUT_MS, TEST_TIMEOUT_MS, type WwResult } from './ww-process.js';

const UGLY = '(defn f [x]\n(let [y (inc x)]\n      y\n  )\n)\n';
const PRETTY = '(defn f [x]\n  (let [y (inc x)]\n    y))\n';

let dir: string;
beforeAll(() => { assertBuilt(); dir = tempDir('fmt'); });
afterAll(() => removeDir(dir));

/** A fresh subdirectory of the test's temporary directory, holding the given files. */
function fixture(name: string, files: Record<string, string | Buffer>): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(d, f, '..'), { recursive: true });
    writeFileSync(join(d, f), text);
  }
  return d;
}

/** Runs `ww ARGS` with `input` on its stdin (ww-process.ts's ww() gives the child no stdin). */
function wwWithStdin(args: string[], input: string | Buffer, cwd: string): Promise<WwResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--stack-size=3800', BIN, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, RUN_TIMEOUT_MS);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - started, timedOut });
    });
    child.stdin.end(input);
  });
}

describe.concurrent('ww fmt', { timeout: TEST_TIMEOUT_MS }, () => {
  it('rewrites changed files in place, leaves formatted ones alone, follows symlinks and keeps permissions', async ({ expect }) => {
    const d = fixture('inplace', { 'a.glia': UGLY, 'b.glia': PRETTY, 'target.glia': UGLY });
    symlinkSync('target.glia', join(d, 'link.glia'));
    chmodSync(join(d, 'a.glia'), 0o640);
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(join(d, 'b.glia'), past, past);
    const r = await ww(['fmt', 'a.glia', 'b.glia', 'link.glia'], { cwd: d });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('formatted a.glia\nformatted link.glia\n');
    expect(r.stderr).toBe('');
    expect(readFileSync(join(d, 'a.glia'), 'utf8')).toBe(PRETTY);
    expect(statSync(join(d, 'a.glia')).mode & 0o777).toBe(0o640);
    expect(statSync(join(d, 'b.glia')).mtime.getTime()).toBe(past.getTime()); // not rewritten
    expect(lstatSync(join(d, 'link.glia')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'target.glia'), 'utf8')).toBe(PRETTY);
    expect(readdirSync(d).sort()).toEqual(['a.glia', 'b.glia', 'link.glia', 'target.glia']); // no temporary files left
  });

  it('--check lists the files that would change and exits 1, touching nothing', async ({ expect }) => {
    const d = fixture('check', { 'a.glia': UGLY, 'b.glia': PRETTY });
    const r = await ww(['fmt', '--check', 'a.glia', 'b.glia'], { cwd: d });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('a.glia\n');
    expect(r.stderr).toBe('');
    expect(readFileSync(join(d, 'a.glia'), 'utf8')).toBe(UGLY);
  });

  it('--check exits 0 when every file is already formatted', async ({ expect }) => {
    const d = fixture('check-clean', { 'b.glia': PRETTY, 'sub/c.glia': '(def c 1)\n' });
    const r = await ww(['fmt', '--check', 'b.glia', 'sub'], { cwd: d });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
  });

  it('formats every .glia file under a directory, skipping node_modules, dot-directories and other files', async ({ expect }) => {
    const d = fixture('tree', {
      'src/a.glia': UGLY, 'src/deep/b.glia': UGLY, 'src/notes.txt': UGLY,
      'src/node_modules/x.glia': UGLY, 'src/.hidden/y.glia': UGLY,
    });
    const r = await ww(['fmt', 'src'], { cwd: d });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe(`formatted ${join('src', 'a.glia')}\nformatted ${join('src', 'deep', 'b.glia')}\n`);
    expect(readFileSync(join(d, 'src/deep/b.glia'), 'utf8')).toBe(PRETTY);
    for (const f of ['src/notes.txt', 'src/node_modules/x.glia', 'src/.hidden/y.glia']) expect(readFileSync(join(d, f), 'utf8')).toBe(UGLY);
  });

  it('reports a file that does not read with its code and a code frame, leaves it untouched, and still formats the others', async ({ expect }) => {
    const broken = '(def ok 1)\n(defn f [x]\n  [x (inc x))\n';
    const d = fixture('bad', { 'a.glia': UGLY, 'broken.glia': broken });
    const r = await ww(['fmt', 'broken.glia', 'a.glia', 'missing.glia'], { cwd: d });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('formatted a.glia\n');
    expect(r.stderr).toContain("error[read/mismatched-close]: ')' closes '['");
    expect(r.stderr).toContain('--> broken.glia:3:13');
    expect(r.stderr).toContain('3 |   [x (inc x))\n  |             ^');
    expect(r.stderr).toContain('broken.glia was not formatted');
    expect(r.stderr).toContain('error[io]: cannot read missing.glia: no such file or directory');
    expect(readFileSync(join(d, 'broken.glia'), 'utf8')).toBe(broken);
    expect(readFileSync(join(d, 'a.glia'), 'utf8')).toBe(PRETTY);
  });

  it('refuses a file that is not UTF-8 rather than write it back mangled', async ({ expect }) => {
    const latin1 = Buffer.concat([Buffer.from('(def x\n1) ; caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const d = fixture('latin1', { 'l.glia': latin1 });
    const r = await ww(['fmt', 'l.glia'], { cwd: d });
    expect(r.code, describeRun(r)).toBe(1);
    // One coded error at the bad byte (line 2, column 9: after "1) ; caf"), with its code frame.
    expect(r.stderr).toMatch(/^error\[read\/bad-utf8\]: l\.glia is not valid UTF-8: byte 0xe9 at byte offset 15 .*  --> l\.glia:2:9\n/);
    expect(r.stderr).toContain('2 | 1) ; caf\ufffd\n');
    expect(r.stderr).toMatch(/l\.glia was not formatted\n$/);
    expect(readFileSync(join(d, 'l.glia')).equals(latin1)).toBe(true);
  });

  it('- formats stdin to stdout', async ({ expect }) => {
    const r = await wwWithStdin(['fmt', '-'], UGLY, dir);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe(PRETTY);
    expect(r.stderr).toBe('');
  });

  it('--check - exits 1 and names <stdin> when stdin would change', async ({ expect }) => {
    const r = await wwWithStdin(['fmt', '--check', '-'], UGLY, dir);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('<stdin>\n');
  });

  it('- with source that does not read prints the error and nothing on stdout', async ({ expect }) => {
    const r = await wwWithStdin(['fmt', '-'], '(def x "unterminated\n', dir);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[read/unterminated-string]: string is not closed  --> <stdin>:1:8');
    expect(r.stderr).toContain('1 | (def x "unterminated');
  });

  it('--help shows the usage; no files, an unknown option or - with files is a usage error', async ({ expect }) => {
    const [help, none, unknown, mixed] = await Promise.all([
      ww(['fmt', '--help'], { cwd: dir }), ww(['fmt'], { cwd: dir }),
      ww(['fmt', '--frobnicate', 'a.glia'], { cwd: dir }), ww(['fmt', '-', 'a.glia'], { cwd: dir }),
    ]);
    expect(help.code, describeRun(help)).toBe(0);
    expect(help.stdout).toMatch(/^Usage: ww fmt \[--check\]/);
    expect(help.stdout).toContain('--check');
    for (const r of [none, unknown, mixed]) {
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr).toMatch(/^error\[usage\]: /);
      expect(r.stderr).toContain("run 'ww fmt --help' for usage");
    }
  });
});
