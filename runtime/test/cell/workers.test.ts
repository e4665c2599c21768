// Warm spawns: a worker that ran a cell cleanly runs its next spawn, with
// nothing of the previous one left; a worker whose cell failed or was
// killed is never used again. Its next spawn runs on a ready instance,
// made while the worker was idle: one that has never run, at the spawn's
// own memory ceiling, under the spawn's own limits.
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Executor } from '../../cell/executor.js';
import { lateImports, LateImportError } from '../../cell/wasi/late-imports.js';
import { collect, testRuntime } from './helpers.js';
import { watFixture } from './wat-fixtures.js';

const t = testRuntime();
afterAll(() => t.done());

async function spawnDone(cell: Executor, opts: Parameters<Executor['spawn']>[0] = {}, input?: number[]) {
  const p = cell.spawn(opts);
  p.stdin.end(input ? Buffer.from(input) : undefined);
  const [out, status] = await Promise.all([collect(p.stdout), p.result(), collect(p.stderr)]);
  return { out, status, workerId: p.workerId!, ready: p.timing?.ready, recycled: p.timing?.recycledMemory, held: p.onReadyInstance };
}

const MiB = 1024 * 1024;

describe('cell workers', () => {
  it('reuse a worker for the next spawn of the same cell, which starts from scratch', async () => {
    const counter = await t.rt.load(await watFixture('counter'));
    const runs = [];
    for (let i = 0; i < 6; i++) runs.push(await spawnDone(counter));
    for (const r of runs) expect([...r.out]).toEqual([1, 1]);
    expect(new Set(runs.map((r) => r.workerId)).size).toBeLessThan(runs.length);
    // One after another, each spawn after the first takes the instance its worker made after the last exit.
    expect(runs.slice(1).map((r) => r.ready)).toEqual([true, true, true, true, true]);
  });

  it('run a ready instance from scratch: memory a previous spawn grew is not there', async () => {
    const grow = await t.rt.load(await watFixture('grow-by'));
    const limits = { memoryBytes: 8 * MiB };
    const a = await spawnDone(grow, { limits }, [4]);
    const b = await spawnDone(grow, { limits }, [4]);
    const c = await spawnDone(grow, { limits }, [4]);
    for (const r of [a, b, c]) expect([r.status, [...r.out]]).toEqual([{ code: 0 }, [4]]);
    // 4 MiB more of an instance that kept the last run's 4 MiB would be past the 8 MiB ceiling.
    expect([b.ready, c.ready]).toEqual([true, true]);
    expect(c.workerId).toBe(b.workerId);
  });

  it('recycle an exited instance\'s memory only zeroed: the data segments as the module has them, nothing a spawn wrote', async () => {
    const scribble = await t.rt.load(await watFixture('scribble'));
    const runs = [];
    for (let i = 0; i < 6; i++) runs.push(await spawnDone(scribble));
    for (const r of runs) expect([r.status, Buffer.from(r.out).toString('latin1')]).toEqual([{ code: 0 }, 'fresh\0']);
    // The memories were recycled (otherwise this test shows nothing): every spawn after a worker's first.
    const seen = new Set<number>();
    for (const r of runs) {
      expect(r.recycled).toBe(seen.has(r.workerId));
      seen.add(r.workerId);
    }
    expect(runs.filter((r) => r.recycled).length).toBeGreaterThan(0);
  });

  it('recycle no memory a spawn grew', async () => {
    const grow = await t.rt.load(await watFixture('grow-by'));
    const limits = { memoryBytes: 8 * MiB };
    const runs = [];
    for (const n of [0, 0, 4, 0, 4, 4, 0]) runs.push({ n, ...await spawnDone(grow, { limits }, [n]) });
    for (const r of runs) expect([r.status, [...r.out]]).toEqual([{ code: 0 }, [r.n]]);
    // Per worker: a spawn runs on a recycled memory exactly when that worker's previous spawn did not grow its memory.
    const last = new Map<number, number>();
    for (const r of runs) {
      const before = last.get(r.workerId);
      expect(r.recycled).toBe(before === 0);
      last.set(r.workerId, r.n);
    }
  });

  it('hold a ready instance to its spawn\'s memory ceiling, and make none for another ceiling', async () => {
    const grow = await t.rt.load(await watFixture('grow-by'));
    await spawnDone(grow, { limits: { memoryBytes: 8 * MiB } }, [1]);
    const over = await spawnDone(grow, { limits: { memoryBytes: 8 * MiB } }, [16]);
    expect(over.ready).toBe(true);
    expect('error' in over.status && over.status.error.code).toBe('cell/memory');
    // A ready instance made at 8 MiB is not used for a spawn at 2 MiB, whose own ceiling holds.
    await spawnDone(grow, { limits: { memoryBytes: 8 * MiB } }, [1]);
    const lower = await spawnDone(grow, { limits: { memoryBytes: 2 * MiB } }, [4]);
    expect(lower.ready).toBe(false);
    expect('error' in lower.status && lower.status.error.code).toBe('cell/memory');
  });

  it('hold a ready instance to its spawn\'s time limits', async () => {
    // A runtime of its own, so every ready instance of this cell is at the default ceiling.
    const own = testRuntime();
    try {
      const grow = await own.rt.load(await watFixture('grow-by'));
      const made = () => vi.waitFor(() => expect(grow.readyInstances).toBeGreaterThan(0), { timeout: 30_000, interval: 20 });
      expect((await spawnDone(grow, {}, [0])).status).toEqual({ code: 0 });
      await made();
      // It loops on an instance made ahead, and its wall clock ends it.
      const wall = await spawnDone(grow, { limits: { timeoutMs: 300, cpuMs: null } }, [255]);
      expect(wall.held).toBe(true);
      expect('error' in wall.status && wall.status.error.code).toBe('cell/timeout');
      expect((await spawnDone(grow, {}, [0])).status).toEqual({ code: 0 });
      await made();
      const cpu = await spawnDone(grow, { limits: { timeoutMs: 20_000, cpuMs: 300 } }, [255]);
      expect(cpu.held).toBe(true);
      expect('error' in cpu.status && cpu.status.error).toMatchObject({ code: 'cell/timeout', details: { limit: 'cpu' } });
    } finally { await own.done(); }
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

describe('late-bound imports (the host side of a ready instance)', () => {
  let n = 0;
  const shared = class Resource {};
  const build = () => { const mine = ++n; return { 'wasi:cli/environment': { getArguments: () => [`spawn ${mine}`], Resource: shared } }; };

  it('refuse every call until bound, then forward to the spawn\'s own objects', () => {
    const late = lateImports(build);
    const iface = late.imports['wasi:cli/environment']!;
    expect(iface.Resource).toBe(shared);
    expect(() => (iface.getArguments as () => unknown)()).toThrow(LateImportError);
    late.bind({ 'wasi:cli/environment': { getArguments: () => ['the spawn'], Resource: shared } });
    expect((iface.getArguments as () => unknown)()).toEqual(['the spawn']);
  });

  it('bind to one spawn only', () => {
    const late = lateImports(build);
    late.bind(build());
    expect(() => late.bind(build())).toThrow(/one spawn only/);
  });

  it('refuse a per-spawn value that cannot forward', () => {
    let k = 0;
    expect(() => lateImports(() => ({ 'wasi:cli/environment': { cwd: `/${++k}` } }))).toThrow(LateImportError);
  });
});
