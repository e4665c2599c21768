// `ww check FILES...`: the checker (glia/compile/check.ts) over files,
// without running them. Prints each diagnostic with a code frame, or JSON,
// and exits 1 when any file has an error.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve, dirname, isAbsolute } from 'node:path';
import { checkSource, type LoadedModule } from '../../glia/compile/check.js';
import { makeContext, ContextError, CONTEXT_NAMES } from '../../glia/compile/contexts.js';
import { cellContextFor } from '../../glia/compile/cell-project.js';
import type { Diagnostic } from '../../glia/diagnostics.js';
import { diagnosticReport, formatReport, formatError } from './report.js';
import { readSource, readSourceSync, InputError, ioReason } from './read-input.js';
import { errStyle, outStyle, paintHelp } from './colour.js';
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';

export const CHECK_HELP = `Usage: ww check [options] FILES...

Checks Glia files without running them: read and compile errors, effects
the file's context does not allow, capability calls against the schemas
(unknown methods, argument counts and literal types), resume outside a
handler, unused bindings and hidden capability names. A directory means
every .glia file under it. Prints each problem with a code frame and exits
1 when there is an error (warnings alone exit 0).

The context of a file is, strongest first: --context, a header comment
before the first form such as ";; glia: context=pure", the cell.edn that
names it as its :entry (a cell: its grants and its mode's effects), a
folder named init.d, and otherwise eval (what ww eval gives: :load,
:stdout, :import and :exit).

Options:
      --context NAME   check every file as NAME: ${CONTEXT_NAMES.join(', ')}
      --allow LIST     also allow these effects, comma-separated:
                       :keyword, NAME (every method) or NAME/:method
      --json           print [{code, severity, message, file, range, hint}]
  -h, --help           show this help`;

interface JsonDiagnostic {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  file: string;
  /** 1-based lines and columns (end exclusive) and 0-based offsets, as the code frames show them. */
  range: { start: { line: number; col: number; offset: number }; end: { line: number; col: number; offset: number } };
  hint: string | null;
}

export async function checkCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('check', args, {
    context: { type: 'string' },
    allow: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) { io.out(paintHelp(CHECK_HELP, outStyle(io)) + '\n'); return 0; }
  if (positionals.length === 0) throw new UsageError("ww check needs at least one file or directory\nrun 'ww check --help' for usage");
  const allow = values.allow?.split(',').map((x) => x.trim()).filter(Boolean);
  try { makeContext({ name: values.context ?? 'eval', allow }); }
  catch (e) { if (e instanceof ContextError) throw new UsageError(`${e.message}; the contexts are ${CONTEXT_NAMES.join(', ')}`); throw e; }

  const files: string[] = [];
  const problems: Array<{ file: string; error: InputError }> = [];
  for (const p of positionals) {
    try { files.push(...await gliaFiles(p)); }
    catch (e) { if (!(e instanceof InputError)) throw e; problems.push({ file: p, error: e }); }
  }
  const err = errStyle(io);
  // A folder with no .glia files checks nothing; saying "0 files checked" and exiting 0 would pass a typo.
  if (files.length === 0 && problems.length === 0) {
    const where = positionals.join(', ');
    const e = new InputError('io', `no .glia files in ${where}`, { hint: 'ww check takes .glia files, or folders that hold them (searched recursively, skipping node_modules and dot-folders)' });
    problems.push({ file: positionals[0]!, error: e });
  }

  const all: JsonDiagnostic[] = [];
  let errors = problems.length;
  let warnings = 0;
  const sources = new Map<string, string>();
  const report = (d: Diagnostic) => {
    if (d.severity === 'error') errors++; else warnings++;
    if (values.json) all.push(toJson(d));
    else io.err(formatReport(diagnosticReport(d), sources, d.span, err) + '\n\n');
  };
  for (const file of files) {
    let source: string;
    try { source = (await readSource(file)).text; }
    catch (e) {
      if (!(e instanceof InputError)) throw e;
      // Bad UTF-8 is a diagnostic with a place, like the reader's.
      if (e.diagnostic) { if (e.text !== undefined) sources.set(file, e.text); report(e.diagnostic); }
      else { problems.push({ file, error: e }); errors++; }
      continue;
    }
    sources.set(file, source);
    const { diagnostics } = checkSource(source, { file, context: values.context, allow, loadModule: readModule, project: cellProject(file) });
    for (const d of diagnostics) report(d);
  }

  if (values.json) {
    for (const p of problems) all.push({ code: p.error.code, severity: 'error', message: p.error.message, file: p.file, range: { start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } }, hint: p.error.hint ?? null });
    io.out(JSON.stringify(all, null, 2) + '\n');
  } else {
    for (const p of problems) io.err(formatError(p.error, new Map(), err) + '\n\n');
    const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
    io.err(`${n(files.length, 'file')} checked: ${n(errors, 'error')}, ${n(warnings, 'warning')}\n`);
  }
  return errors > 0 ? 1 : 0;
}

function toJson(d: Diagnostic): JsonDiagnostic {
  const s = d.span;
  return {
    code: d.code, severity: d.severity, message: d.message, file: s.file,
    range: { start: { line: s.line, col: s.col, offset: s.offset }, end: { line: s.endLine, col: s.endCol, offset: s.endOffset } },
    hint: d.hint ?? null,
  };
}

/** The file itself, or every .glia file under a directory (sorted, so output is stable). */
async function gliaFiles(path: string): Promise<string[]> {
  let st;
  try { st = await stat(path); }
  catch (e) { throw new InputError('io', `cannot read ${path}: ${ioReason(e)}`); }
  if (!st.isDirectory()) return [path];
  let entries;
  try { entries = await readdir(path, { withFileTypes: true }); }
  catch (e) { throw new InputError('io', `cannot read the folder ${path}: ${ioReason(e)}`); }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(path, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules' && !e.name.startsWith('.')) out.push(...await gliaFiles(p)); }
    else if (e.name.endsWith('.glia')) out.push(p);
  }
  return out;
}

/** A module named by (import "path"), read as `ww eval` would: relative to the importing file. */
function readModule(path: string, fromFile: string): LoadedModule | undefined {
  const rel = path.endsWith('.glia') ? path : `${path}.glia`;
  const file = isAbsolute(rel) ? rel : resolve(fromFile.startsWith('<') ? process.cwd() : dirname(resolve(fromFile)), rel);
  try { return { source: readSourceSync(file).text, file }; } catch { return undefined; }
}

/** The context of the Glia cell whose entry `file` is, from its cell.edn (grants and mode), or null. */
function cellProject(file: string): ReturnType<typeof cellContextFor> {
  return cellContextFor(resolve(file), (path) => {
    // Through the one input reader: a cell.edn that is a FIFO or a device must not block or fill the heap.
    try { return readSourceSync(path).text; } catch { return undefined; }
  });
}
