// Running the few outside programs install and uninstall use (claude,
// systemctl, launchctl): found on PATH first, so a missing one is a
// "skipped" line rather than a spawn error, and bounded in time, so a
// program that hangs cannot hang the install.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The program's path on PATH, or null. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try { if (statSync(p).isFile()) { accessSync(p, constants.X_OK); return p; } } catch { /* not here */ }
  }
  return null;
}

export interface Ran { ok: boolean; status: number | null; output: string }

/** Runs argv (argv[0] found on PATH) with a time limit; never throws. */
export function runProgram(argv: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Ran {
  const r = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.error) return { ok: false, status: null, output: (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `timed out after ${timeoutMs / 1000} s` : r.error.message };
  return { ok: r.status === 0, status: r.status, output };
}

/** A command line for showing: words with spaces or quotes in single quotes. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
