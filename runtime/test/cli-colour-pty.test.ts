// Colour in a real terminal: ww runs inside a tmux pane (a pseudo-terminal),
// and `tmux capture-pane -e` shows the escape codes it wrote. The same
// commands with NO_COLOR, or with stdout and stderr piped, write none.
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, BIN, FIXTURES, ww, TEST_TIMEOUT_MS } from './ww-process.js';

// A tmux server of our own (its own socket), so nothing else's is touched.
const SOCKET = `ww-colour-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
let dir: string;

beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'ww-pty-'));
});
afterAll(() => {
  try { tmux('kill-server'); } catch { /* no server left */ }
  rmSync(dir, { recursive: true, force: true });
});

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs shell `script` in a fresh tmux pane (200x200, TERM as tmux sets it)
 * and gives what the pane shows, escape codes included, once the script
 * has printed its end marker. The wait is a hang guard, not a timing check.
 */
async function inPane(name: string, script: string, env: string): Promise<string> {
  const file = join(dir, `${name}.sh`);
  writeFileSync(file, `${script}\necho WW-PANE-DONE\nsleep 600\n`);
  tmux('new-session', '-d', '-s', name, '-x', '200', '-y', '200', `env -u NO_COLOR -u FORCE_COLOR -u NODE_OPTIONS ${env} sh ${q(file)}`);
  const deadline = Date.now() + 40_000;
  for (;;) {
    const text = tmux('capture-pane', '-p', '-e', '-J', '-S', '-', '-t', name);
    if (text.includes('WW-PANE-DONE')) { tmux('kill-session', '-t', name); return text; }
    if (Date.now() > deadline) { tmux('kill-session', '-t', name); throw new Error(`the pane did not finish:\n${text}`); }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ww$ = `${q(process.execPath)} --stack-size=3800 ${q(BIN)}`;
const failing = join(FIXTURES, 'suites', 'failing', 'fail_test.glia');
const SCRIPT = [`${ww$} eval '(/ 1 0)'`, `${ww$} test ${q(failing)}`, `${ww$} --help`].join('\n');
/** An SGR escape with a colour or bold: ESC [ ... m. */
const SGR = /\x1b\[[0-9;]*m/;

describe('colour in a pseudo-terminal', { timeout: TEST_TIMEOUT_MS * 2 }, () => {
  it('a terminal gets coloured reports, test results and help headings', async () => {
    const text = await inPane('colour', SCRIPT, '');
    const lines = text.split('\n');
    const line = (start: string) => lines.find((l) => l.replace(/\x1b\[[0-9;]*m/g, '').startsWith(start)) ?? '';
    // Red bold error label (31 = red, 1 = bold), hint and carets in colour.
    expect(line('error[arithmetic]')).toMatch(/\x1b\[[0-9;]*31[0-9;]*m|\x1b\[1m.*\x1b\[31m/);
    expect(line('hint:')).toMatch(SGR);
    expect(line('  | ^')).toMatch(SGR);
    expect(line('FAIL in broken-math')).toMatch(SGR);
    expect(line('ERROR in throws')).toMatch(SGR);
    expect(line('2 tests,')).toMatch(SGR);
    expect(line('Usage: ww')).toMatch(SGR);
    expect(line('Commands:')).toMatch(SGR);
  });

  it('NO_COLOR=1 in the same terminal gives plain text', async () => {
    const text = await inPane('nocolour', SCRIPT, 'NO_COLOR=1');
    expect(text).toContain('error[arithmetic]: divide by zero');
    expect(text).toContain('FAIL in broken-math');
    expect(text).not.toMatch(SGR);
  });

  it('piped output is plain, and FORCE_COLOR=1 colours it anyway', async () => {
    // ww() pipes stdout and stderr and sets NO_COLOR; here without NO_COLOR.
    const piped = await inPane('piped', `${ww$} eval '(/ 1 0)' 2>&1 | cat`, '');
    expect(piped).toContain('error[arithmetic]: divide by zero');
    expect(piped).not.toMatch(SGR);
    const forced = await inPane('forced', `${ww$} eval '(/ 1 0)' 2>&1 | cat`, 'FORCE_COLOR=1');
    expect(forced).toMatch(SGR);
    const r = await ww(['eval', '(/ 1 0)']);
    expect(r.stderr).not.toMatch(SGR);
  });
});
