// Runs an expensive, deterministic step (a componentize-js build) once
// across the test workers: test files running at the same time in other
// workers often need the same artifact (std/status, the shared engine, the
// RPC test cell), and a second build of the same input doubles the slowest
// step of the suite. The first worker holds a lock folder beside the
// artifact while it builds; the others wait for the artifact. A lock whose
// owner died, or that outlives `limitMs`, is taken over. Not a test file.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Runs `make` unless `done` exists; `entry` names the lock (`entry.lock`). */
export async function onceAcrossWorkers(entry: string, done: string, limitMs: number, make: () => Promise<void>): Promise<void> {
  const lock = `${entry}.lock`;
  mkdirSync(dirname(entry), { recursive: true });
  while (!existsSync(done)) {
    try {
      mkdirSync(lock);
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw e;
      if (isStale(lock, limitMs)) rmSync(lock, { recursive: true, force: true });
      else await sleep(250);
      continue;
    }
    try {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      if (!existsSync(done)) await make();
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

function isStale(lock: string, limitMs: number): boolean {
  let since: number;
  try { since = statSync(lock).mtimeMs; } catch { return false; }
  if (Date.now() - since > limitMs + 60_000) return true;
  let pid: number;
  // A lock just made has no pid yet.
  try { pid = Number(readFileSync(join(lock, 'pid'), 'utf8')); } catch { return Date.now() - since > 10_000; }
  try { process.kill(pid, 0); return false; } catch (e: any) { return e.code === 'ESRCH'; }
}
