// doc/cli.md against the commands, both ways: every flag a command's real
// `--help` lists is named in its section of doc/cli.md, every flag the
// section names is in its --help, and --help lists exactly the flags the
// command declares to its argument parser. `-h`/`--help` are documented
// once for all commands, in the `ww --help` section.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN_HELP } from '../../runtime/cli/main.js';
import { ROOT } from './doc-files.js';
import { listedCommands, helpOf, helpFlags, declaredFlags, docSections, docFlags } from './cli-flags.js';

const sections = docSections(readFileSync(join(ROOT, 'doc', 'cli.md'), 'utf8'));
const declared = declaredFlags(join(ROOT, 'runtime', 'cli'));
const commands = listedCommands();
/** Flags main() handles before the command's parser sees them. */
const HANDLED_BY_MAIN: Record<string, string[]> = { shell: ['--mcp'] };
const GLOBAL = new Set(['-h', '--help']);
const minus = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();

it('doc/cli.md has a section for every command ww --help lists, and no other', () => {
  expect([...sections.keys()].filter((k) => k !== '').sort()).toEqual([...commands].sort());
});

it('the ww --help section documents -h and --help for every command, and -v/--version', () => {
  const main = sections.get('')!;
  expect(minus(helpFlags(MAIN_HELP), docFlags(main, ''))).toEqual([]);
  expect(main).toContain('`ww COMMAND --help`');
  expect(main).toContain('`ww COMMAND -h`');
});

it('the ww bin prints the overview the section documents (its own fast path: dist/runtime/cli/main-help.js)', () => {
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  const printed = execFileSync(process.execPath, ['--stack-size=3800', join(ROOT, 'bin', 'ww.js'), '--help'], { env, encoding: 'utf8', timeout: 60_000 });
  const commandsOf = (help: string) => [...help.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]);
  expect(commandsOf(printed)).toEqual(commandsOf(MAIN_HELP));
  expect([...helpFlags(printed)].sort()).toEqual([...helpFlags(MAIN_HELP)].sort());
  expect(minus(helpFlags(printed), docFlags(sections.get('')!, ''))).toEqual([]);
}, 90_000);

let counted = { documented: 0, inHelp: 0 };
describe.each(commands)('ww %s', (command) => {
  // `cell` has one subcommand, `cell run`, whose parser holds the flags.
  const argv = command === 'cell' ? ['cell', 'run'] : [command];

  it('--help lists exactly the flags the command declares', async () => {
    const help = helpFlags(await helpOf(argv));
    const decl = new Set([...(declared.get(argv.join(' ')) ?? []), ...(HANDLED_BY_MAIN[command] ?? [])]);
    expect(declared.has(argv.join(' ')), `no parse('${argv.join(' ')}', ...) found in runtime/cli`).toBe(true);
    expect({ 'declared, not in --help': minus(decl, help), 'in --help, not declared': minus(help, decl) })
      .toEqual({ 'declared, not in --help': [], 'in --help, not declared': [] });
  });

  it('doc/cli.md names every flag of --help, and no flag --help lacks', async () => {
    const help = helpFlags(await helpOf(argv));
    const doc = docFlags(sections.get(command) ?? '', command);
    const documented = new Set([...doc, ...GLOBAL]);
    counted = { documented: counted.documented + [...help].filter((f) => documented.has(f)).length, inHelp: counted.inHelp + help.size };
    expect({ 'in --help, not in doc/cli.md': minus(help, documented), 'in doc/cli.md, not in --help': minus(doc, help) })
      .toEqual({ 'in --help, not in doc/cli.md': [], 'in doc/cli.md, not in --help': [] });
  });
});

it('counts', () => {
  console.log(`cli flags: ${counted.documented} of ${counted.inHelp} --help flags documented in doc/cli.md, over ${commands.length} commands`);
  expect(counted.inHelp).toBeGreaterThan(0);
});
