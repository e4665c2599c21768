// The shell blocks of the docs marked runnable (```sh runnable), parsed into
// commands with what each must print and exit with, and run against a
// temporary HOME. Conventions in test/docs/README.md.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Fence } from './fences.js';

export interface ShCommand {
  /** 1-based line in the Markdown file. */
  line: number;
  command: string;
  /** Expected output lines (stdout and stderr together); `...` is any number of lines. Undefined: not checked. */
  output?: string[];
  status: number;
}

export const isSh = (f: Fence) => ['sh', 'shell', 'bash', 'console'].includes(f.info[0] ?? '');
export const isRunnable = (f: Fence) => isSh(f) && f.info.includes('runnable');

const EXIT = /#\s*exit\s+(\d+)\s*$/;

/** The commands of a runnable block: a transcript (`$ cmd` then its output) or one command a line. */
export function shCommands(f: Fence): ShCommand[] {
  const at = (i: number) => f.line + 1 + i;
  const out: ShCommand[] = [];
  if (f.lines.some((l) => l.startsWith('$ '))) {
    let cur: ShCommand | undefined;
    f.lines.forEach((l, i) => {
      if (l.startsWith('$ ')) {
        const command = l.slice(2);
        const m = EXIT.exec(command);
        cur = { line: at(i), command, output: [], status: m ? Number(m[1]) : 0 };
        out.push(cur);
      } else if (cur) cur.output!.push(l);
    });
    for (const c of out) while (c.output!.length && c.output![c.output!.length - 1]!.trim() === '') c.output!.pop();
    return out;
  }
  f.lines.forEach((l, i) => {
    const t = l.trim();
    if (!t || t.startsWith('#')) return;
    const shows = /\s#\s*=>\s?(.*)$/.exec(l);
    const m = EXIT.exec(l);
    out.push({ line: at(i), command: l, output: shows ? [shows[1]!.trimEnd()] : undefined, status: m ? Number(m[1]) : 0 });
  });
  return out;
}

/** Whether `actual` matches `expected` line for line, `...` standing for any number of lines. */
export function outputMatches(expected: string[], actual: string[]): boolean {
  const norm = (ls: string[]) => ls.map((l) => l.trimEnd());
  const e = norm(expected), a = norm(actual);
  const go = (i: number, j: number): boolean => {
    if (i === e.length) return j === a.length;
    if (e[i] === '...') { for (let k = j; k <= a.length; k++) if (go(i + 1, k)) return true; return false; }
    return j < a.length && e[i] === a[j] && go(i + 1, j + 1);
  };
  return go(0, 0);
}

/** The environment a block runs in: HOME and every ww path under `home`, no other WW_* variable. */
export function blockEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('WW_') && k !== 'NODE_OPTIONS') env[k] = v;
  mkdirSync(join(home, 'run'), { recursive: true, mode: 0o700 });
  return {
    ...env, HOME: home, XDG_RUNTIME_DIR: join(home, 'run'), NO_COLOR: '1',
    WW_HOST_STATE_PATH: join(home, 'run', 'host.json'), WW_CACHE_DIR: join(home, '.ww', 'cache'), WW_IDENTITY: join(home, '.ww', 'identity'),
  };
}

/** Writes the files named by `file=PATH` blocks of the same Markdown file into the block's folder. */
export function writeFiles(dir: string, fileBlocks: Fence[]): void {
  for (const f of fileBlocks) {
    const path = f.info.find((w) => w.startsWith('file='))!.slice('file='.length);
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), f.lines.join('\n') + '\n');
  }
}

export interface ShResult { status: number | null; output: string; timedOut: boolean }

/** Runs one command with `sh` in `cwd`, `ww` and `npx ww` being this checkout's bin. */
export function runSh(command: string, cwd: string, env: NodeJS.ProcessEnv, wwBin: string, timeoutMs: number): Promise<ShResult> {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const prelude = [
    'exec 2>&1',
    `ww() { ${q(process.execPath)} --stack-size=3800 ${q(wwBin)} "$@"; }`,
    'npx() { if [ "$1" = ww ]; then shift; ww "$@"; else echo "doc test: only npx ww runs here" >&2; return 127; fi; }',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `${prelude}\n${command}`], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => out.push(b));
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, output: Buffer.concat(out).toString('utf8'), timedOut }); });
  });
}
