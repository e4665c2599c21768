// Spawns the real `ww` bin (bin/ww.js, which runs the compiled dist/) as a
// child process and collects what it wrote. Shared by the end-to-end CLI
// tests; it is not a test file itself.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'ww.js');
export const FIXTURES = join(ROOT, 'runtime', 'test', 'fixtures', 'cli');
/**
 * The cell translation cache (runtime/cell/cache.ts) that the ww processes
 * the tests start, and the test runtimes that ask for it (testRuntime's
 * `shared`), have in common: a 25 MiB Glia cell costs about 5 s of CPU to
 * translate and 1.2 s from the cache, and the same cell (std/status, the
 * shared engine, the RPC test cell) is loaded by several files and by `ww
 * cell run`. Entries are keyed by CID and written whole, so files and
 * processes running at once may share it.
 */
export const SHARED_CELL_CACHE = process.env.WW_CACHE_DIR ?? join(tmpdir(), 'ww-test-cell-cache');

/** How long one `ww` run may take before it is killed and counted as hung. */
export const RUN_TIMEOUT_MS = 30_000;
/** Per-test timeout: above RUN_TIMEOUT_MS so a hang shows up as a failed assertion, not a vitest timeout. */
export const TEST_TIMEOUT_MS = RUN_TIMEOUT_MS + 15_000;
/**
 * How long a `ww cell run` of a componentize-js cell (25 MiB) may take: a
 * fresh process translates or reads it and compiles it, seconds on an idle
 * machine and past 30 s on a loaded one. A hang guard, not a timing.
 */
export const CELL_RUN_TIMEOUT_MS = 120_000;

export interface WwResult {
  /** Exit status, or null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall-clock milliseconds from spawn to exit. */
  ms: number;
  /** True when the run exceeded its time limit and was killed. */
  timedOut: boolean;
}

export interface WwOptions {
  cwd?: string;
  timeoutMs?: number;
  /** Run bin/ww.js directly (through its shebang) instead of `node --stack-size=3800 bin/ww.js`. */
  direct?: boolean;
}

/** Fails early with a clear message when `npm run build` has not been run. */
export function assertBuilt(): void {
  const main = join(ROOT, 'dist', 'runtime', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` before the CLI tests`);
}

export function ww(args: string[], opts: WwOptions = {}): Promise<WwResult> {
  const timeoutMs = opts.timeoutMs ?? RUN_TIMEOUT_MS;
  const env: NodeJS.ProcessEnv = { ...process.env, WW_CACHE_DIR: SHARED_CELL_CACHE, NO_COLOR: '1' };
  // vitest (or the caller) may put flags here that are not the bin's own.
  delete env.NODE_OPTIONS;
  const [cmd, argv] = opts.direct
    ? [BIN, args]
    : [process.execPath, ['--stack-size=3800', BIN, ...args]];
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(cmd, argv, { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Date.now() - started,
        timedOut,
      });
    });
  });
}

/** A fresh temporary directory, optionally seeded with a copy of the fixtures tree. */
export function tempDir(prefix: string, withFixtures = false): string {
  const dir = mkdtempSync(join(tmpdir(), `ww-${prefix}-`));
  if (withFixtures) cpSync(FIXTURES, dir, { recursive: true });
  return dir;
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** A short description of a run for assertion messages. */
export function describeRun(r: WwResult): string {
  const clip = (s: string) => (s.length > 600 ? s.slice(0, 600) + `… (${s.length} chars)` : s);
  return `exit=${r.code} signal=${r.signal} timedOut=${r.timedOut} ms=${r.ms}\n--- stdout\n${clip(r.stdout)}\n--- stderr\n${clip(r.stderr)}`;
}
