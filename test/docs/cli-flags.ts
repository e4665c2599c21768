// The flags of each `ww` command, from three places: what the command
// declares to its argument parser (the options object of its `parse(...)`
// call in runtime/cli/*-command.ts, read with the TypeScript parser), what
// its real `--help` prints, and what its section of doc/cli.md names.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { main, MAIN_HELP } from '../../runtime/cli/main.js';

/** The commands `ww --help` lists, by first word (`cell run` is `cell`). */
export function listedCommands(): string[] {
  const lines = MAIN_HELP.split('\n');
  const from = lines.indexOf('Commands:');
  const out: string[] = [];
  for (const l of lines.slice(from + 1)) {
    const m = /^ {2}([a-z]+)\b/.exec(l);
    if (!m) { if (l.trim() === '') break; continue; }
    if (!out.includes(m[1]!)) out.push(m[1]!);
  }
  return out;
}

/** What `ww ARGS --help` prints, run in this process through the real dispatcher. */
export async function helpOf(args: string[]): Promise<string> {
  let text = '';
  const io = { out: (s: string) => { text += s; }, err: (s: string) => { text += s; } };
  const status = await main([...args, '--help'], io);
  if (status !== 0) throw new Error(`ww ${args.join(' ')} --help exited ${status}:\n${text}`);
  return text;
}

/** The flags a help text lists: lines of its option lists that start with `-x, --long` or `--long`. */
export function helpFlags(help: string): Set<string> {
  const out = new Set<string>();
  for (const l of help.split('\n')) {
    const m = /^ {2,}(?:(-[a-zA-Z]), )?(--[a-z][a-z0-9-]*)\b/.exec(l) ?? /^ {2,}(-[a-zA-Z])(?:,|\s{2,})/.exec(l);
    if (!m) continue;
    for (const f of m.slice(1)) if (f) out.add(f);
  }
  return out;
}

/** The flags each `parse('NAME', args, {...})` call declares, by NAME (`cell run`), with -h/--help that parse() adds. */
export function declaredFlags(cliDir: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of readdirSync(cliDir).filter((n) => n.endsWith('-command.ts'))) {
    const src = ts.createSourceFile(f, readFileSync(join(cliDir, f), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'parse'
        && n.arguments.length >= 3 && ts.isStringLiteral(n.arguments[0]!) && ts.isObjectLiteralExpression(n.arguments[2]!)) {
        const flags = new Set(['--help', '-h']);
        for (const p of (n.arguments[2] as ts.ObjectLiteralExpression).properties) {
          if (!ts.isPropertyAssignment(p)) throw new Error(`${f}: an option that is not a plain property: ${p.getText()}`);
          const name = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : p.name.getText();
          flags.add(`--${name}`);
          if (ts.isObjectLiteralExpression(p.initializer)) {
            for (const q of p.initializer.properties) {
              if (ts.isPropertyAssignment(q) && q.name.getText() === 'short' && ts.isStringLiteral(q.initializer)) flags.add(`-${q.initializer.text}`);
            }
          }
        }
        const name = (n.arguments[0] as ts.StringLiteral).text;
        out.set(name, new Set([...(out.get(name) ?? []), ...flags]));
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return out;
}

/** doc/cli.md's sections `## ww NAME ...`, by the command's first word (`## ww --help` is ''). */
export function docSections(md: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | null = null;
  let body: string[] = [];
  const flush = () => { if (name !== null) out.set(name, body.join('\n')); };
  let inFence = false;
  for (const l of md.split('\n')) {
    if (/^\s*```/.test(l)) inFence = !inFence;
    const h = inFence ? null : /^## (.*)$/.exec(l);
    if (h) {
      flush();
      const m = /^ww(?: ([a-z]+))?/.exec(h[1]!);
      name = m ? (m[1] ?? '') : null;
      body = [];
    } else body.push(l);
  }
  flush();
  return out;
}

/**
 * The flags a doc section names: every `--long` and `-x` in a code span or
 * fenced block, except in spans and lines
 * that run another program or another ww command (`ww run --identity` in
 * the shell section belongs to ww run).
 */
export function docFlags(section: string, command: string): Set<string> {
  const out = new Set<string>();
  const spans: string[] = [];
  let inFence = false;
  for (const l of section.split('\n')) {
    if (/^\s*```/.test(l)) { inFence = !inFence; continue; }
    if (inFence) { spans.push(l.replace(/^\$ /, '')); continue; }
    for (const m of l.matchAll(/`([^`]+)`/g)) spans.push(m[1]!);
  }
  for (const s of spans) {
    const t = s.trim();
    const other = /^(?:npx )?ww ([a-z]+)/.exec(t);
    if (other && other[1] !== command) continue;
    if (/^(?:npx )?(?!ww\b)[a-z][\w.-]* /.test(t) && !other) continue; // another program: node, curl, claude, ...
    for (const m of t.matchAll(/(?<![\w-])(--?[a-zA-Z][a-z0-9-]*)/g)) if (m[1]!.startsWith('--') || m[1]!.length === 2) out.add(m[1]!);
  }
  return out;
}
