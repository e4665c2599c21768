// `ww perform uninstall` at a real terminal (a tmux pane, a
// pseudo-terminal): it asks before deleting ~/.ww, keeps it (and the
// identity) on "n", and deletes it on "y". As in perform.test.ts, the
// real claude and systemctl cannot run here, so fakes that only record
// their arguments stand first on PATH.
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, BIN, ROOT } from '../ww-process.js';

// A tmux server of our own (its own socket), so nothing else's is touched.
const SOCKET = `ww-uninstall-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const root = mkdtempSync(join(tmpdir(), 'ww-uninstall-tty-'));
const home = join(root, 'home');
const fakes = join(root, 'fakes');
const ww = join(home, '.ww');

beforeAll(() => {
  assertBuilt();
  mkdirSync(fakes, { recursive: true });
  for (const name of ['claude', 'systemctl']) {
    writeFileSync(join(fakes, name), `#!/bin/sh\necho "${name} $*" >> "${join(root, 'calls.log')}"\nexit 0\n`);
    chmodSync(join(fakes, name), 0o755);
  }
});
afterAll(() => {
  try { tmux('kill-server'); } catch { /* no server left */ }
  rmSync(root, { recursive: true, force: true });
});

function install(): void {
  const env = { ...process.env, HOME: home, PATH: `${fakes}:${process.env.PATH}`, NO_COLOR: '1' };
  delete env.NODE_OPTIONS; delete env.XDG_CONFIG_HOME;
  const r = spawnSync(process.execPath, ['--stack-size=3800', BIN, 'perform', 'install'], { env, cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stdout + r.stderr).toBe(0);
}

/** Waits until the pane shows `text`; the deadline is a hang guard, not a timing check. */
async function paneShows(name: string, text: string): Promise<string> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const shown = tmux('capture-pane', '-p', '-J', '-S', '-', '-t', name);
    if (shown.includes(text)) return shown;
    if (Date.now() > deadline) throw new Error(`the pane did not show ${JSON.stringify(text)}:\n${shown}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs `ww perform uninstall` in a pane, answers the question with `answer`, and gives what the pane showed. */
async function uninstallAnswering(name: string, answer: string): Promise<string> {
  const script = join(root, `${name}.sh`);
  writeFileSync(script, `HOME=${q(home)} PATH=${q(`${fakes}:${process.env.PATH}`)} ${q(process.execPath)} --stack-size=3800 ${q(BIN)} perform uninstall\necho "WW-PANE-DONE $?"\nsleep 600\n`);
  tmux('new-session', '-d', '-s', name, '-x', '200', '-y', '50', `env -u NODE_OPTIONS -u XDG_CONFIG_HOME NO_COLOR=1 sh ${q(script)}`);
  try {
    await paneShows(name, '[y/N]');
    tmux('send-keys', '-t', name, answer, 'Enter');
    return await paneShows(name, 'WW-PANE-DONE');
  } finally {
    tmux('kill-session', '-t', name);
  }
}

describe('ww perform uninstall at a terminal', () => {
  it('asks before deleting ~/.ww: "n" keeps it and the identity, "y" deletes it', async () => {
    install();
    const id = readFileSync(join(ww, 'identity'), 'utf8');
    const no = await uninstallAnswering('answer-no', 'n');
    expect(no).toContain('Delete ~/.ww, with the node identity (~/.ww/identity)');
    expect(no).toMatch(/skipped\s+folder\s+kept ~\/\.ww and the identity \(answered no\)/);
    expect(no).toContain('WW-PANE-DONE 0');
    expect(readFileSync(join(ww, 'identity'), 'utf8')).toBe(id);

    const yes = await uninstallAnswering('answer-yes', 'y');
    expect(yes).toMatch(/done\s+folder\s+deleted ~\/\.ww/);
    expect(yes).toContain('WW-PANE-DONE 0');
    expect(existsSync(ww)).toBe(false);
  }, 150_000);
});
