// Warm spawns: a worker that ran a cell cleanly runs its next spawn, with
// nothing of the previous one left; a worker whose cell failed or was
// killed is never used again.
import { afterAll, describe, expect, it } from 'vitest';
import type { Executor } from '../../cell/executor.js';
import { collect, testRuntime } from './helpers.js';
import { watFixture } from './wat-fixtures.js';

const t = testRuntime();
afterAll(() => t.done());

async function spawnDone(cell: Executor, opts: Parameters<Executor['spawn']>[0] = {}) {
  const p = cell.spawn(opts);
  p.stdin.end();
  const [out, status] = await Promise.all([collect(p.stdout), p.result(), collect(p.stderr)]);
  return { out, status, workerId: p.workerId! };
}

describe('cell workers', () => {
  it('reuse a worker for the next spawn of the same cell, which starts from scratch', async () => {
    const counter = await t.rt.load(await watFixture('counter'));
    const runs = [];
    for (let i = 0; i < 6; i++) runs.push(await spawnDone(counter));
    for (const r of runs) expect([...r.out]).toEqual([1, 1]);
    expect(new Set(runs.map((r) => r.workerId)).size).toBeLessThan(runs.length);
  });

  it('never reuse the worker of a cell that trapped, was killed or hit a limit', async () => {
    const trap = await t.rt.load(await watFixture('trap'));
    const a = await spawnDone(trap), b = await spawnDone(trap);
    expect('error' in a.status && 'error' in b.status).toBe(true);
    expect(b.workerId).not.toBe(a.workerId);
    const loop = await t.rt.load(await watFixture('loop'));
    const k = loop.spawn();
    k.stdout.resume();
    await new Promise((r) => setTimeout(r, 100));
    k.kill();
    await k.result();
    const l = await spawnDone(loop, { limits: { timeoutMs: 200 } });
    expect(l.workerId).not.toBe(k.workerId);
    expect('error' in l.status && l.status.error.code).toBe('cell/timeout');
  });

  it('keep one cell\'s workers to that cell', async () => {
    const echo = await t.rt.load(await watFixture('echo'));
    const counter = await t.rt.load(await watFixture('counter'));
    const seen = new Set<number>();
    for (let i = 0; i < 3; i++) seen.add((await spawnDone(counter)).workerId);
    for (let i = 0; i < 3; i++) expect(seen.has((await spawnDone(echo)).workerId)).toBe(false);
  });
});
