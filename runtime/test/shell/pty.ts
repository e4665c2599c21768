// Drives the shell's terminal app in a real pseudo-terminal: a tmux pane
// of its own (its own tmux server, one socket per test file), keys sent
// with send-keys, the screen read with capture-pane. Every wait polls the
// screen for the text it expects until a deadline; the deadline is a hang
// guard, never a timing check. Not a test file itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../ww-process.js';

export const WAIT_MS = 30_000;
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class Tmux {
  constructor(readonly socket: string) {}
  run(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
  killServer(): void {
    try { this.run('kill-server'); } catch { /* no server left */ }
  }
}

/** The `ww shell` command line, as a person would type it (the bin with the stack flag it asks for). */
export function shellCommand(args: string[]): string {
  return [process.execPath, '--stack-size=3800', BIN, 'shell', ...args].map(q).join(' ');
}

export class Pane {
  private constructor(readonly tmux: Tmux, readonly name: string) {}

  /**
   * Starts `command` in a fresh 120x40 pane with HOME set to `home`;
   * when it ends the pane shows `[exited N]` and stays.
   */
  static start(tmux: Tmux, name: string, command: string, opts: { home: string; env?: Record<string, string>; width?: number; height?: number }): Pane {
    const env = { HOME: opts.home, TERM: 'xterm-256color', ...opts.env };
    const sets = Object.entries(env).map(([k, v]) => `${k}=${q(v)}`).join(' ');
    // CI and NO_COLOR from the test's environment are not the terminal's.
    const script = `env -u CI -u NO_COLOR -u FORCE_COLOR -u NODE_OPTIONS ${sets} ${command}; echo "[exited $?]"; sleep 600`;
    tmux.run('new-session', '-d', '-s', name, '-x', String(opts.width ?? 120), '-y', String(opts.height ?? 40), script);
    return new Pane(tmux, name);
  }

  /** What the pane shows (with escapes when `escapes`), scrollback included. */
  screen(escapes = false): string {
    return this.tmux.run('capture-pane', '-p', '-J', '-S', '-', ...(escapes ? ['-e'] : []), '-t', this.name);
  }

  /** Types text as it is (no key names). */
  type(text: string): void { this.tmux.run('send-keys', '-t', this.name, '-l', text); }
  /** Presses keys by tmux name: Enter, Tab, Up, C-c, C-d, C-r, Escape. */
  press(...keys: string[]): void { this.tmux.run('send-keys', '-t', this.name, ...keys); }

  /** Waits until the screen satisfies `test` (a substring or a predicate); gives the screen. */
  async waitFor(test: string | RegExp | ((screen: string) => boolean), what = String(test), ms = WAIT_MS): Promise<string> {
    const ok = typeof test === 'string' ? (s: string) => s.includes(test) : test instanceof RegExp ? (s: string) => test.test(s) : test;
    const deadline = Date.now() + ms;
    for (;;) {
      const s = this.screen();
      if (ok(s)) return s;
      if (Date.now() > deadline) throw new Error(`the pane never showed ${what}; it shows:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for the prompt's line (the last non-blank line) to be exactly `prompt` + `text`. */
  async waitForPromptLine(prompt: string, text = ''): Promise<string> {
    return this.waitFor((s) => lastLine(s) === (prompt + text).trimEnd(), `the prompt line ${JSON.stringify(prompt + text)}`);
  }

  kill(): void {
    try { this.tmux.run('kill-session', '-t', this.name); } catch { /* already gone */ }
  }
}

export function lastLine(screen: string): string {
  const lines = screen.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
  return lines[lines.length - 1] ?? '';
}

/** Lines the screen shows, trimmed at the end. */
export function lines(screen: string): string[] {
  return screen.split('\n').map((l) => l.trimEnd());
}

export function tempHome(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ww-shell-home-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
