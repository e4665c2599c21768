// Smoke test of the dosync benchmark (bench/dosync.ts), so it cannot rot
// silently: the quick mode runs on a real node, checks its counters (a
// lost update throws), and prints one line per client count with both
// figures and a ratio. Speed is not asserted; `npm run bench -- dosync`
// measures it.
import { it, expect } from 'vitest';
import { main } from '../../bench/dosync.js';
import { benchLines } from './bench-lines.js';

it('`--quick` commits every transaction and prints a line per client count with tx/s, retries, swap!/s and a ratio', async () => {
  const { code, lines } = await benchLines(main, ['--quick']);
  expect(code).toBe(0);
  const results = lines.filter((l) => l.startsWith('bench dosync '));
  expect(results.map((l) => /clients=(\d+) tx=(\d+) /.exec(l)?.slice(1))).toEqual([['1', '20'], ['8', '40']]);
  for (const l of results) {
    expect(l).toMatch(/ tx_per_s=\d+\.\d /);
    expect(l).toMatch(/ retries=\d+ /);
    expect(l).toMatch(/ swap_per_s=\d+ /);
    expect(l).toMatch(/ ratio=\d+\.\d\d$/);
  }
}, 120_000);
