// Runs the real `ww shell` (bin/ww.js, the compiled dist/) with its stdin
// piped. Shared by the shell's end-to-end tests; not a test file itself.
import { spawn } from 'node:child_process';
import { BIN, ROOT, assertBuilt, RUN_TIMEOUT_MS } from '../ww-process.js';

export interface ShellResult { code: number | null; stdout: string; stderr: string; timedOut: boolean }

/** Runs `ww shell ARGS` with `input` on its stdin (closed after it). */
export function shell(args: string[], input = '', env: NodeJS.ProcessEnv = {}): Promise<ShellResult> {
  assertBuilt();
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
  delete e.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--stack-size=3800', BIN, 'shell', ...args], { cwd: ROOT, env: e, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, timedOut }); });
    child.stdin.end(input);
  });
}
