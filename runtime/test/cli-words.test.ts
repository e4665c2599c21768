// The ww command's own words, in-process through main() with a capturing
// Io: every usage error is ours (never node:util's parser text) and ends
// with the command's help line; colour goes only where the Io says the
// stream takes it. (The real terminal is tested in cli-colour-pty.test.ts.)
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.js';
import { colourWanted, style, paintHelp } from '../cli/colour.js';
import { FIXTURES } from './ww-process.js';
import type { Io } from '../cli/io.js';

function capture(colour?: { out: boolean; err: boolean }): { io: Io; out: () => string; err: () => string } {
  const out: string[] = [], err: string[] = [];
  const io: Io = { out: (t) => { out.push(t); }, err: (t) => { err.push(t); } };
  if (colour) io.colour = colour;
  return { io, out: () => out.join(''), err: () => err.join('') };
}

async function run(argv: string[], colour?: { out: boolean; err: boolean }) {
  const c = capture(colour);
  const code = await main(argv, c.io);
  return { code, stdout: c.out(), stderr: c.err() };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ww-cli-words-'));
  mkdirSync(join(dir, 'empty'));
  mkdirSync(join(dir, 'notes'));
  writeFileSync(join(dir, 'notes', 'readme.txt'), 'no glia here');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ESC = '\x1b[';
/** Text node:util's parser writes, which must never reach a user. */
const NODE_PARSER = /positional argument|To specify a|'-- "|ERR_PARSE_ARGS|argument missing|does not take an argument/;

describe('usage errors', () => {
  const cases: Array<[string[], string, RegExp]> = [
    [['eval', '--tier', 'fast', '1'], 'eval', /^--tier must be auto or resumable, not "fast"$/],
    [['eval'], 'eval', /^ww eval needs one expression \(quote it\), or -f FILE$/],
    [['eval', '-f', 'a.glia', '(+ 1 2)'], 'eval', /^give either EXPR or -f FILE, not both$/],
    [['eval', '--bogus', '1'], 'eval', /^unknown option --bogus; an argument that starts with - goes after --, as in: -- --bogus$/],
    [['eval', '--x="a', '1'], 'eval', /^unknown option --x; /],
    [['eval', '-f'], 'eval', /^--file needs a value$/],
    [['eval', '--json=yes', '1'], 'eval', /^--json takes no value$/],
    [['cell', 'run', 'x.wasm', '--mode', 'warp'], 'cell', /^--mode must be raw, http or vat, not "warp"$/],
    [['cell', 'run', 'x.wasm', '--env', 'NOEQUALS'], 'cell', /^--env takes NAME=VALUE, not "NOEQUALS"$/],
    [['cell', 'run', 'x.wasm', '--timeout-ms', 'abc'], 'cell', /^--timeout-ms takes a whole number, not "abc"$/],
    [['cell', 'run', 'x.wasm', '--memory-mb', '0'], 'cell', /^--memory-mb must be at least 1$/],
    [['cell', 'run', 'x.wasm', '--request', 'GET /'], 'cell', /^--request is for --mode http$/],
    [['cell', 'run', 'x.wasm', '--mode', 'http', '--request', 'fetch it'], 'cell', /^--request takes "METHOD \/path", such as "GET \/status", not "fetch it"$/],
    [['cell', 'run'], 'cell', /^ww cell run needs one FILE\.wasm$/],
    [['cell', 'frob'], 'cell', /^unknown cell command 'frob'$/],
    [['fmt'], 'fmt', /^ww fmt needs FILES or DIRS to format, or - for stdin$/],
    [['fmt', '-', 'a.glia'], 'fmt', /^- \(stdin\) cannot be combined with files$/],
    [['check'], 'check', /^ww check needs at least one file or directory$/],
    [['check', '--context', 'nope', 'a.glia'], 'check', /^no context named 'nope'; the contexts are /],
    [['init'], 'init', /^ww init needs one NAME$/],
    [['build', 'a', 'b'], 'build', /^ww build takes at most one PATH$/],
    [['lsp', 'extra'], 'lsp', /^unexpected argument extra; this command takes options only$/],
    [['test', '--nope'], 'test', /^unknown option --nope; /],
  ];
  for (const [argv, command, message] of cases) {
    it(`ww ${argv.join(' ')}`, async () => {
      const r = await run(argv);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const m = /^error\[usage\]: ([\s\S]*)\nrun 'ww (\S+) --help' for usage\n$/.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      expect(m![2]).toBe(command);
      expect(m![1]).toMatch(message);
      expect(r.stderr).not.toMatch(NODE_PARSER);
    });
  }
});

describe('files and folders in words', () => {
  it('ww check on a folder with no .glia files says so and exits 1', async () => {
    const r = await run(['check', join(dir, 'notes')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error[io]: no .glia files in ${join(dir, 'notes')}\nhint: ww check takes .glia files, or folders that hold them (searched recursively, skipping node_modules and dot-folders)\n\n0 files checked: 1 error, 0 warnings\n`);
    const json = await run(['check', '--json', join(dir, 'empty')]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ code: 'io', message: `no .glia files in ${join(dir, 'empty')}` })]);
  });

  it('ww fmt on a folder with no .glia files says so and exits 1', async () => {
    const r = await run(['fmt', '--check', join(dir, 'notes')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error[io]: no .glia files in ${join(dir, 'notes')}\n`);
  });

  it('ww check and ww test name a missing path in words', async () => {
    const missing = join(dir, 'missing.glia');
    const check = await run(['check', missing]);
    expect(check.stderr).toContain(`error[io]: cannot read ${missing}: no such file or directory\n`);
    const test = await run(['test', missing]);
    expect(test.code).toBe(1);
    expect(test.stderr).toBe(`error[io]: cannot read ${missing}: no such file or directory\n`);
  });
});

describe('colour', () => {
  it('follows NO_COLOR, then FORCE_COLOR, then whether the stream is a terminal (and TERM is not dumb)', () => {
    const tty = { isTTY: true }, pipe = { isTTY: false };
    expect(colourWanted(tty, {})).toBe(true);
    expect(colourWanted(pipe, {})).toBe(false);
    expect(colourWanted(undefined, {})).toBe(false);
    expect(colourWanted(tty, { TERM: 'dumb' })).toBe(false);
    expect(colourWanted(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted(tty, { NO_COLOR: '' }), 'an empty NO_COLOR does not count').toBe(true);
    expect(colourWanted(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourWanted(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(colourWanted(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourWanted(tty, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colourWanted(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }), 'NO_COLOR wins').toBe(false);
  });

  it('an error report: label, location, gutter, carets and hint coloured on a colour stream only', async () => {
    const plain = await run(['eval', '(/ 1 0)']);
    expect(plain.stderr).not.toContain(ESC);
    const coloured = await run(['eval', '(/ 1 0)'], { out: false, err: true });
    expect(coloured.code).toBe(1);
    const s = style(true);
    expect(coloured.stderr).toContain(`${s.error('error[arithmetic]')}: divide by zero  ${s.location('--> <expr>:1:1')}`);
    expect(coloured.stderr).toContain(`${s.gutter('1 |')} (/ 1 0)\n${s.gutter('  |')} ${s.caret('^')}`);
    expect(coloured.stderr).toContain(`${s.hint('hint:')} check the divisor before dividing`);
    // Without the escapes it is the plain report, character for character.
    expect(coloured.stderr.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain.stderr);
  });

  it('a usage error is coloured on stderr only when stderr takes colour', async () => {
    const r = await run(['eval', '--tier', 'x', '1'], { out: true, err: false });
    expect(r.stderr).not.toContain(ESC);
    const c = await run(['eval', '--tier', 'x', '1'], { out: false, err: true });
    expect(c.stderr.startsWith(style(true).error('error[usage]'))).toBe(true);
  });

  it('--help headings in bold on a colour stdout', async () => {
    const r = await run(['--help'], { out: true, err: false });
    const s = style(true);
    expect(r.stdout).toContain(`${s.heading('Usage:')} ww <command> [options]`);
    expect(r.stdout).toContain(`${s.heading('Commands:')}\n`);
    expect(r.stdout).toContain(`${s.heading('Options:')}\n`);
    const plain = await run(['eval', '--help']);
    expect(plain.stdout).not.toContain(ESC);
    expect(paintHelp('Usage: x\n\nOptions:\n  -h', style(false))).toBe('Usage: x\n\nOptions:\n  -h');
  });

  it('the test report: FAIL and ERROR in red, the summary red on failure', async () => {
    const failing = join(FIXTURES, 'suites', 'failing', 'fail_test.glia');
    const r = await run(['test', failing], { out: true, err: true });
    expect(r.code).toBe(1);
    const s = style(true);
    expect(r.stdout).toContain(`${s.fail('FAIL')} in broken-math: (+ 2 2)`);
    expect(r.stdout).toContain(`${s.fail('ERROR')} in throws: (/ 1 0)`);
    expect(r.stdout).toMatch(new RegExp(`${s.fail('2 tests, \\d+ assertions passed, 2 failed, 1 errors').replace(/\[/g, '\\[')}\\n$`));
    const plain = await run(['test', failing]);
    expect(plain.stdout).not.toContain(ESC);
    expect(r.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain.stdout);
  });
});
