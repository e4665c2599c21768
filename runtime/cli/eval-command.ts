// `ww eval EXPR` and `ww eval -f FILE`: run Glia locally with the host
// effects :stdout, :load, :import and :exit. Prints the pr-str of the last
// value, or a readable error on stderr and exit status 1.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Session, type Tier } from '../../glia/eval/session.js';
import { prStr } from '../../glia/values/printer.js';
import { SessionExit } from '../../glia/eval/ops.js';
import { localEffects } from '../host/local-effects.js';
import { toReport, formatReport, spanOfError } from './report.js';
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';

export const EVAL_HELP = `Usage: ww eval [options] EXPR
       ww eval [options] -f FILE

Evaluates Glia and prints the pr-str of the last value. Output performed with
:stdout (println, prn, ...) goes to stdout as it happens. On an error, prints
error[code]: message  --> file:line:col with a code frame on stderr and exits 1.

Options:
  -f, --file FILE   evaluate FILE (:load and :import resolve relative to it)
      --json        print {"value": "<pr-str>", "error": null} or {"value": null, "error": {...}}
      --tier TIER   auto (default) or resumable (every function on the effect tier)
  -h, --help        show this help`;

/** pr-str, or null when the value is too deep to print (a cycle through an atom, say). */
function printable(v: unknown): string | null {
  try { return prStr(v); } catch (e) { if (e instanceof RangeError) return null; throw e; }
}

export async function evalCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('eval', args, {
    file: { type: 'string', short: 'f' },
    json: { type: 'boolean' },
    tier: { type: 'string' },
  });
  if (values.help) { io.out(EVAL_HELP + '\n'); return 0; }
  const tier = (values.tier ?? 'auto') as Tier;
  if (tier !== 'auto' && tier !== 'resumable') throw new UsageError(`--tier must be auto or resumable, not ${tier}`);
  let source: string;
  let file: string;
  let baseDir = process.cwd();
  if (values.file !== undefined) {
    if (positionals.length) throw new UsageError('give either EXPR or -f FILE, not both');
    file = values.file;
    try { source = await readFile(resolve(file), 'utf8'); }
    catch (e: any) {
      const report = { code: 'io', severity: 'error' as const, message: `cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}` };
      if (values.json) io.out(JSON.stringify({ value: null, error: report }) + '\n');
      else io.err(formatReport(report, new Map()) + '\n');
      return 1;
    }
  } else {
    if (positionals.length !== 1) throw new UsageError("ww eval needs one expression (quote it), or -f FILE\nrun 'ww eval --help' for usage");
    source = positionals[0]!;
    file = '<expr>';
  }
  const sources = new Map([[file, source]]);
  const effects = localEffects(baseDir, (s) => io.out(s));
  const session = new Session({ ...effects, tier });
  session.currentFile = file;
  try {
    const value = await session.evalString(source, file);
    for (const w of session.warnings) io.err(w + '\n');
    const printed = printable(value);
    if (printed === null) {
      const report = { code: 'limit', severity: 'error' as const, message: 'the value nests too deeply (or contains itself) and cannot be printed' };
      if (values.json) io.out(JSON.stringify({ value: null, error: report }) + '\n');
      else io.err(formatReport(report, sources) + '\n');
      return 1;
    }
    if (values.json) io.out(JSON.stringify({ value: printed, error: null }) + '\n');
    else io.out(printed + '\n');
    return 0;
  } catch (e) {
    for (const w of session.warnings) io.err(w + '\n');
    if (e instanceof SessionExit) return e.code;
    const report = toReport(e);
    if (values.json) io.out(JSON.stringify({ value: null, error: report }) + '\n');
    else io.err(formatReport(report, sources, spanOfError(e)) + '\n');
    return 1;
  }
}
