// Holds an example's README to its commands. An example's end-to-end test
// takes each command it runs from the README through `take`, word for
// word, and at the end `assertAllRun` fails if the README shows a command
// the test did not run: a README command that no test runs is a defect
// (issue: examples are run exactly as their READMEs say).
//
// The README's commands are the lines of its ```sh blocks (a trailing `\`
// joins the next line, `# ...` lines are comments, a leading `$ ` is
// dropped). Where a command needs something only known at run time, the
// README writes a shell variable (`$ADDR`) and says where it comes from;
// `take` substitutes it. Not a test file itself.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** The commands of a README's ```sh blocks, in order. */
export function readmeCommands(markdown: string): string[] {
  const out: string[] = [];
  const fence = /^```(\S*)[^\n]*\n([\s\S]*?)^```\s*$/gm;
  for (const m of markdown.matchAll(fence)) {
    if (m[1] !== 'sh') continue;
    let pending = '';
    for (const raw of m[2]!.split('\n')) {
      const line = raw.trim();
      if (!pending && (line === '' || line.startsWith('#'))) continue;
      const text = pending + (pending ? ' ' : '') + line.replace(/^\$ /, '');
      if (text.endsWith('\\')) { pending = text.slice(0, -1).trim(); continue; }
      pending = '';
      out.push(text.replace(/\s+/g, ' '));
    }
    if (pending) out.push(pending);
  }
  return out;
}

/** The words of a command, as a shell would split it (quotes, no expansion beyond `vars`). */
export function shellWords(command: string, vars: Record<string, string> = {}): string[] {
  const words: string[] = [];
  let word = '', inWord = false, quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '$' && quote === '"') { const [v, n] = variable(command, i, vars); word += v; i = n; }
      else word += c;
    } else if (c === '"' || c === "'") { quote = c; inWord = true; }
    else if (/\s/.test(c)) { if (inWord) words.push(word); word = ''; inWord = false; }
    else if (c === '$') { const [v, n] = variable(command, i, vars); word += v; i = n; inWord = true; }
    else { word += c; inWord = true; }
  }
  if (quote) throw new Error(`unbalanced ${quote} in README command: ${command}`);
  if (inWord) words.push(word);
  return words;
}

function variable(s: string, at: number, vars: Record<string, string>): [string, number] {
  const m = /^\$(?:\{(\w+)\}|(\w+))/.exec(s.slice(at));
  if (!m) return ['$', at];
  const name = (m[1] ?? m[2])!;
  if (!(name in vars)) throw new Error(`README command uses $${name}, which the test did not give: ${s}`);
  return [vars[name]!, at + m[0].length - 1];
}

/** One README's commands, taken one by one by the test that runs them. */
export class ReadmeCommands {
  readonly commands: string[];
  private readonly taken = new Set<string>();
  constructor(readonly path: string) {
    this.commands = readmeCommands(readFileSync(path, 'utf8'));
  }

  /**
   * The words of `command`, which must be one of the README's commands
   * exactly (as written, before `vars` are substituted).
   */
  take(command: string, vars: Record<string, string> = {}): string[] {
    expect(this.commands, `${this.path} shows the command the test runs`).toContain(command);
    this.taken.add(command);
    return shellWords(command, vars);
  }

  /** Fails naming every README command that the test never took. */
  assertAllRun(): void {
    const missed = this.commands.filter((c) => !this.taken.has(c));
    expect(missed, `${this.path}: commands the test does not run`).toEqual([]);
  }
}
