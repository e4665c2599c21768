// The README command ledger that holds each example's test to its README.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readmeCommands, shellWords, ReadmeCommands } from './readme-commands.js';

const README = [
  '# demo', '', 'Run it:', '', '```sh', '# the node', 'ww run examples/demo', '$ ww shell --eval "(+ 1 2)"', '```', '',
  '```glia', '(not a command)', '```', '',
  '```sh', 'ww run examples/demo/client \\', '   --bootstrap $ADDR', '```', '',
].join('\n');

describe('README commands', () => {
  it('are the lines of sh blocks, comments and prompts dropped, continuations joined', () => {
    expect(readmeCommands(README)).toEqual([
      'ww run examples/demo', 'ww shell --eval "(+ 1 2)"', 'ww run examples/demo/client --bootstrap $ADDR',
    ]);
  });

  it('split into words as a shell would, with the variables the test gives', () => {
    expect(shellWords('ww shell --eval "(+ 1 2)"')).toEqual(['ww', 'shell', '--eval', '(+ 1 2)']);
    expect(shellWords("ww x 'a $B' \"c $B\" $B", { B: 'bee' })).toEqual(['ww', 'x', 'a $B', 'c bee', 'bee']);
    expect(() => shellWords('ww --bootstrap $ADDR')).toThrow(/ADDR/);
    expect(() => shellWords('ww "open')).toThrow(/unbalanced/);
  });

  it('a command not in the README fails take; one the test never took fails assertAllRun', () => {
    const dir = mkdtempSync(join(tmpdir(), 'readme-'));
    writeFileSync(join(dir, 'README.md'), README);
    const ledger = new ReadmeCommands(join(dir, 'README.md'));
    expect(() => ledger.take('ww run examples/other')).toThrow();
    expect(ledger.take('ww run examples/demo')).toEqual(['ww', 'run', 'examples/demo']);
    expect(ledger.take('ww run examples/demo/client --bootstrap $ADDR', { ADDR: '/ip4/127.0.0.1/tcp/1' }))
      .toEqual(['ww', 'run', 'examples/demo/client', '--bootstrap', '/ip4/127.0.0.1/tcp/1']);
    expect(() => ledger.assertAllRun()).toThrow(/shell --eval/);
    ledger.take('ww shell --eval "(+ 1 2)"');
    ledger.assertAllRun();
  });
});
