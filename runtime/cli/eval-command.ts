// `ww eval EXPR` and `ww eval -f FILE`: run Glia locally with the host
// effects :stdout, :load, :import and :exit. Prints the pr-str of the last
// value, or a readable error on stderr and exit status 1.
import { Session, type Tier } from '../../glia/eval/session.js';
import { prStr } from '../../glia/values/printer.js';
import { SessionExit } from '../../glia/eval/ops.js';
import { localEffects } from '../host/local-effects.js';
import { toReport, formatReport, formatError, spanOfError } from './report.js';
import { readSource, InputError, withStdinHint } from './read-input.js';
import { errStyle, outStyle, paintHelp, paintWarning } from './colour.js';
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';

export const EVAL_HELP = `Usage: ww eval [options] EXPR
       ww eval [options] -f FILE

Evaluates Glia and prints the pr-str of the last value. Output performed with
:stdout (println, prn, ...) goes to stdout as it happens. On an error, prints
error[code]: message  --> file:line:col with a code frame on stderr and exits 1.

Options:
  -f, --file FILE   evaluate FILE (:load and :import resolve relative to it; - for stdin)
      --json        print {"value": "<pr-str>", "error": null} or {"value": null, "error": {...}}
      --tier TIER   auto (default) or resumable (every function on the effect tier)
  -h, --help        show this help`;

/** pr-str, or why the value cannot be printed: it nests too deeply (a cycle through an atom, say) or its text is too long. */
function printable(v: unknown): string | { why: string } {
  try { return prStr(v); } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { why: /length/i.test(e.message) ? 'the printed value would be longer than the engine allows (about 2^29 characters)'
      : 'the value nests too deeply (or contains itself) and cannot be printed' };
  }
}

export async function evalCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('eval', args, {
    file: { type: 'string', short: 'f' },
    json: { type: 'boolean' },
    tier: { type: 'string' },
  });
  if (values.help) { io.out(paintHelp(EVAL_HELP, outStyle(io)) + '\n'); return 0; }
  const tier = (values.tier ?? 'auto') as Tier;
  if (tier !== 'auto' && tier !== 'resumable') throw new UsageError(`--tier must be auto or resumable, not ${JSON.stringify(tier)}`);
  let source: string;
  let file: string;
  let baseDir = process.cwd();
  if (values.file !== undefined) {
    if (positionals.length) throw new UsageError("give either EXPR or -f FILE, not both");
    file = values.file === '-' ? '<stdin>' : values.file;
    try { source = (await readSource(values.file, file)).text; }
    catch (err) {
      if (!(err instanceof InputError)) throw err;
      const e = withStdinHint(err, `ww eval -f - < ${values.file}`);
      if (values.json) io.out(JSON.stringify({ value: null, error: toReport(e) }) + '\n');
      else io.err(formatError(e, new Map(), errStyle(io)) + '\n');
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
    for (const w of session.warnings) io.err(paintWarning(w, errStyle(io)) + '\n');
    const printed = printable(value);
    if (typeof printed !== 'string') {
      const report = { code: 'limit', severity: 'error' as const, message: printed.why };
      if (values.json) io.out(JSON.stringify({ value: null, error: report }) + '\n');
      else io.err(formatReport(report, sources, undefined, errStyle(io)) + '\n');
      return 1;
    }
    if (values.json) io.out(JSON.stringify({ value: printed, error: null }) + '\n');
    else io.out(printed + '\n');
    return 0;
  } catch (e) {
    for (const w of session.warnings) io.err(paintWarning(w, errStyle(io)) + '\n');
    if (e instanceof SessionExit) return e.code;
    const report = toReport(e);
    if (values.json) io.out(JSON.stringify({ value: null, error: report }) + '\n');
    else io.err(formatReport(report, sources, spanOfError(e), errStyle(io)) + '\n');
    return 1;
  }
}
