// Smoke test of the shell benchmark (bench/shell.ts), so it cannot rot
// silently: the quick mode starts `ww shell --local` and nbb's REPL in a
// real pty, boots a real `ww run` node on loopback and starts `ww shell`
// against it (found by its host-state file, its prompt the node's short
// peer id), then types a 4-line form and checks its value. Every row must
// print its line; speed is not asserted (`npm run bench -- shell`).
import { it, expect } from 'vitest';
import { assertBuilt } from '../../runtime/test/ww-process.js';
import { main } from '../../bench/shell.js';
import { benchLines } from './bench-lines.js';

it('`--quick` prints the start-to-prompt rows (local and against a node, each with nbb and a ratio) and the keystroke row', async () => {
  assertBuilt();
  const { code, lines } = await benchLines(main, ['--quick']);
  expect(code).toBe(0);
  const rows = lines.filter((l) => l.startsWith('bench shell row='));
  expect(rows.map((l) => /^bench shell row=(\S+)/.exec(l)![1])).toEqual(['start-to-prompt', 'start-to-prompt-node', 'keystroke-to-repaint']);
  for (const l of rows.slice(0, 2)) {
    expect(l).toMatch(/ ww_ms=\d+\.\d\d ww_spread=[\d.]+-[\d.]+ nbb_ms=\d+\.\d\d nbb_spread=[\d.]+-[\d.]+ ww_cpu_ms=\d+ nbb_cpu_ms=\d+ runs=1 /);
    // Both started Node and loaded code: CPU read from /proc, not left at zero.
    expect(Number(/ ww_cpu_ms=(\d+)/.exec(l)![1])).toBeGreaterThan(0);
    expect(l).toMatch(/ ratio=\d+\.\d\d$/);
  }
  // The node row's shell logged in to the node: its prompt named the node.
  expect(rows[1]).toMatch(/ peer=12D3Ko…\w{6} /);
  expect(rows[2]).toMatch(/ keys=\d+ form_lines=4 p50_ms=[\d.]+ p99_ms=[\d.]+ /);
}, 240_000);
