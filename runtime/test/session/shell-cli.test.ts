// `ww shell` in its plain line mode, as a real process (bin/ww.js, the
// compiled dist/) with stdin piped: values on stdout one per line, :stdout
// as it happens, errors rendered on stderr, the exit status; --eval;
// --local; and the message when no node is found.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_TIMEOUT_MS } from '../ww-process.js';
import { shell } from './ww-shell.js';

describe('ww shell, piped', () => {
  it('evaluates forms as they balance, one value per line, definitions kept; exit 0', async () => {
    const r = await shell(['--local'], '(def x 40)\n(+ x\n   2) "two" ; a comment (\n(println "out")\n[1 "]" ";"\n 2]\n');
    expect(r.timedOut).toBe(false);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('#\'user/x\n42\n"two"\nout\nnil\n[1 "]" ";" 2]\n');
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT_MS);

  it('prints errors with their code frame on stderr, goes on, and exits 1', async () => {
    const r = await shell(['--local'], '(+ 1 2)\n(/ 1 0)\n(nope)\n"after"\n');
    expect(r.stdout).toBe('3\n"after"\n');
    expect(r.stderr).toContain('error[arithmetic]: divide by zero  --> <shell 2>:1:1');
    expect(r.stderr).toContain('1 | (/ 1 0)');
    expect(r.stderr).toContain('error[unbound-symbol]');
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT_MS);

  it('reports a form still open at the end of the input', async () => {
    const r = await shell(['--local'], '1\n(+ 1\n');
    expect(r.stdout).toBe('1\n');
    expect(r.stderr).toContain('error[read/unclosed]');
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT_MS);

  it('(exit n) ends the run with status n; later forms do not run', async () => {
    const r = await shell(['--local'], '(println "a")\n(exit 3)\n(println "b")\n');
    expect(r.stdout).toBe('a\nnil\n');
    expect(r.code).toBe(3);
  }, TEST_TIMEOUT_MS);

  it('--eval EXPR evaluates every form of EXPR and exits', async () => {
    const ok = await shell(['--local', '--eval', '(def y 5) (* y y)']);
    expect(ok).toMatchObject({ code: 0, stdout: "#'user/y\n25\n", stderr: '' });
    const bad = await shell(['--local', '-e', '(first 1 2)']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error[arity-mismatch]');
  }, TEST_TIMEOUT_MS);

  it('without --local and with no node running, says so, names the host-state file, suggests ww run and --local, exits 1', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ww-shell-nonode-'));
    try {
      const hostState = join(home, 'run', 'host.json');
      const r = await shell(['-e', '(+ 1 2)'], '', { HOME: home, WW_HOST_STATE_PATH: hostState });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('error[node/no-node]');
      expect(r.stderr).toContain(hostState);
      expect(r.stderr).toContain('ww run');
      expect(r.stderr).toContain('--local');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally { rmSync(home, { recursive: true, force: true }); }
  }, TEST_TIMEOUT_MS);

  it('usage errors exit 2', async () => {
    const r = await shell(['--local', '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWExample']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give either ADDR or --local');
  }, TEST_TIMEOUT_MS);
});
