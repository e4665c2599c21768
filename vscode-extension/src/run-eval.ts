// Runs `ww eval --json SOURCE` in a directory and reads its answer. The
// directory is the file's, so :load and :import resolve as they do when
// the file runs.
import { spawn } from 'node:child_process';
import type { WwCommand } from './ww-command.js';
import { parseEvalOutput, type EvalOutcome } from './eval-result.js';
import type { EvalSource } from './eval-source.js';

export function runEval(ww: (args: string[]) => WwCommand, src: EvalSource, cwd: string, timeoutMs: number): Promise<EvalOutcome> {
  const { command, args, env } = ww(['eval', '--json', src.source]);
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (e) {
      resolve({ ok: false, message: `cannot start ${command}: ${(e as Error).message}`, detail: '', output: '', log: '' });
      return;
    }
    const timer = setTimeout(() => { timedOut = true; child.kill(); }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, message: `cannot start ${command}: ${e.message}`, detail: '', output: '', log: '' });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        resolve({ ok: false, message: `timed out after ${timeoutMs} ms (glia.eval.timeout)`, detail: '', output: stdout, log: stderr });
        return;
      }
      resolve(parseEvalOutput(stdout, stderr, code, signal, (p) => src.filePosition(p)));
    });
  });
}
