// Every limit kills its cell with a structured error while the node, and
// the other cells, keep running. A runaway cell never blocks the node's
// event loop: cells run on worker threads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CellError } from '../../cell/errors.js';
import type { Executor } from '../../cell/executor.js';
import type { CellProcess, CellStatus } from '../../cell/process.js';
import { collect, testRuntime } from './helpers.js';
import { watFixture } from './wat-fixtures.js';

const t = testRuntime();
const cells: Record<string, Executor> = {};
beforeAll(async () => {
  for (const n of ['loop', 'grow', 'big-memory', 'flood', 'echo']) cells[n] = await t.rt.load(await watFixture(n));
});
afterAll(() => t.done());

function errorOf(s: CellStatus): CellError {
  if (!('error' in s)) throw new Error(`the cell exited with ${s.code}`);
  return s.error;
}

/** An echo cell, run alongside: it must come through untouched. */
async function bystander(): Promise<string> {
  const p = cells.echo!.spawn();
  p.stdin.end('still here');
  const [out, code] = await Promise.all([collect(p.stdout), p.wait()]);
  expect(code).toBe(0);
  return out.toString();
}

describe('limits', () => {
  it('wall clock: an infinite loop is killed at its budget, the event loop keeps ticking, another cell runs meanwhile', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = Date.now();
    const p = cells.loop!.spawn({ limits: { timeoutMs: 600, cpuMs: null } });
    const [status, other] = await Promise.all([p.result(), bystander()]);
    clearInterval(timer);
    const e = errorOf(status);
    expect(e.code).toBe('cell/timeout');
    expect(e.details).toMatchObject({ limit: 'wall-clock', limitMs: 600 });
    expect(other).toBe('still here');
    expect(Date.now() - started).toBeLessThan(5000);
    // At 10 ms a tick, a blocked event loop would have managed none during the loop.
    expect(ticks).toBeGreaterThan(15);
  });

  it('CPU time: a loop that burns its CPU budget is killed before its wall-clock budget', async () => {
    const started = Date.now();
    const e = errorOf(await cells.loop!.spawn({ limits: { timeoutMs: 20_000, cpuMs: 300 } }).result());
    expect(e.code).toBe('cell/timeout');
    expect(e.details).toMatchObject({ limit: 'cpu', limitMs: 300 });
    expect(e.details.usedMs as number).toBeGreaterThan(300);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a cell waiting on stdin that never comes is killed at its wall-clock budget, not left blocked', async () => {
    const p = cells.echo!.spawn({ limits: { timeoutMs: 300 } });
    p.stdin.write('partial');
    const [out, status] = await Promise.all([collect(p.stdout), p.result()]);
    expect(errorOf(status).code).toBe('cell/timeout');
    expect(out.toString()).toBe('partial');
  });

  it('memory: growing past the ceiling kills the cell as :cell/memory while another runs', async () => {
    const p = cells.grow!.spawn({ limits: { memoryBytes: 8 * 1024 * 1024 } });
    const [status, out, other] = await Promise.all([p.result(), collect(p.stdout), bystander()]);
    const e = errorOf(status);
    expect(e.code).toBe('cell/memory');
    expect(e.details).toMatchObject({ limitBytes: 8 * 1024 * 1024 });
    expect(out.toString()).toBe('growing\n');
    expect(other).toBe('still here');
  });

  it('memory: a cell whose initial memory is over the ceiling does not start; under it, it runs', async () => {
    const e = errorOf(await cells['big-memory']!.spawn({ limits: { memoryBytes: 16 * 1024 * 1024 } }).result());
    expect(e.code).toBe('cell/memory');
    expect(e.details).toMatchObject({ initialBytes: 64 * 1024 * 1024 });
    expect(await cells['big-memory']!.spawn({ limits: { memoryBytes: 128 * 1024 * 1024 } }).wait()).toBe(0);
  });

  it('memory: a request the host would have to allocate past the ceiling (2^40 random bytes) is :cell/memory', async () => {
    const cell = await t.rt.load(await watFixture('random-huge'));
    const e = errorOf(await cell.spawn({ limits: { memoryBytes: 16 * 1024 * 1024 } }).result());
    expect(e.code).toBe('cell/memory');
    expect(e.message).toMatch(/random bytes of 1099511627776 bytes/);
  });

  it('output: a flood is cut at the cap, exactly, and the cell killed as :cell/output-limit', async () => {
    const cap = 1_000_000;
    const p = cells.flood!.spawn({ limits: { outputBytes: cap } });
    const [out, status, other] = await Promise.all([collect(p.stdout), p.result(), bystander()]);
    expect(errorOf(status).code).toBe('cell/output-limit');
    expect(errorOf(status).details).toMatchObject({ limitBytes: cap });
    expect(out.length).toBe(cap);
    expect(out.every((b) => b === 0x78)).toBe(true);
    expect(other).toBe('still here');
  });

  it('several runaway cells at once are all stopped, each with its own error', async () => {
    const runs: Array<[CellProcess, string]> = [
      [cells.loop!.spawn({ limits: { timeoutMs: 500 } }), 'cell/timeout'],
      [cells.grow!.spawn({ limits: { memoryBytes: 4 * 1024 * 1024 } }), 'cell/memory'],
      [cells.flood!.spawn({ limits: { outputBytes: 100_000 } }), 'cell/output-limit'],
    ];
    runs[2]![0].stdout.resume();
    const [statuses, other] = await Promise.all([Promise.all(runs.map(([p]) => p.result())), bystander()]);
    expect(statuses.map((s) => errorOf(s).code)).toEqual(runs.map(([, code]) => code));
    expect(other).toBe('still here');
  });

  it('kill() stops a cell blocked writing to a stdout nobody reads', async () => {
    const p = cells.flood!.spawn();
    await new Promise((r) => setTimeout(r, 200));
    p.kill('test is done');
    const e = errorOf(await p.result());
    expect(e.code).toBe('cell/killed');
    expect(e.message).toMatch(/test is done/);
  });

  it('refuses nonsense limits and environments before starting anything', () => {
    const bad = [
      { limits: { timeoutMs: -1 } }, { limits: { memoryBytes: 100 } }, { limits: { outputBytes: Number.NaN } },
      { limits: { wat: 1 } as any }, { env: { 'A=B': 'x' } }, { env: [['A', '1'], ['A', '2']] as Array<[string, string]> },
      { args: [1 as any] }, { mode: 'warp' as any },
    ];
    for (const opts of bad) {
      expect(() => cells.echo!.spawn(opts), JSON.stringify(opts)).toThrow(expect.objectContaining({ code: 'cell/bad-spawn' }));
    }
  });
});
