// `ww fmt [--check] FILES...`: formats Glia source files in place with
// glia/fmt. A file is replaced only as a whole (written to a temporary file
// beside it, then renamed over it), only when its text changes, and never
// when it does not read cleanly, is not UTF-8, or changed while we worked.
import { readdir, stat, realpath, open, rename, rm, chmod } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { formatGlia } from '../../glia/fmt/format.js';
import { diagnosticReport, formatReport, formatError } from './report.js';
import { readInput, InputError, SOURCE_LIMIT, ioReason } from './read-input.js';
import { decodeSource } from '../../glia/reader/utf8.js';
import { errStyle, outStyle, paintHelp } from './colour.js';
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';

export const FMT_HELP = `Usage: ww fmt [--check] FILES or DIRS...
       ww fmt [--check] -

Formats Glia source in place the way the Clojure style guide (and cljfmt)
lays out Clojure: it re-indents lines and tidies the whitespace between
forms, keeping every comment, #_ form and line break between forms. A
directory is searched for .glia files. With -, reads stdin and writes the
formatted text to stdout.

A file that does not read cleanly (an unclosed bracket, say) is reported
with its error and left untouched.

Options:
      --check   change nothing: print the files that would change, and exit 1
                when any would
  -h, --help    show this help

Exit status: 0 when every file is formatted (with --check: already was);
1 when a file would change (--check) or could not be read or formatted;
2 for a usage error.`;

const BOM = '\ufeff';

export async function fmtCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals: paths } = parse('fmt', args, { check: { type: 'boolean' } });
  const positionals = paths as string[];
  if (values.help) { io.out(paintHelp(FMT_HELP, outStyle(io)) + '\n'); return 0; }
  if (positionals.length === 0) throw new UsageError("ww fmt needs FILES or DIRS to format, or - for stdin\nrun 'ww fmt --help' for usage");
  const check = values.check === true;
  if (positionals.includes('-')) {
    if (positionals.length > 1) throw new UsageError("- (stdin) cannot be combined with files\nrun 'ww fmt --help' for usage");
    return fmtStdin(check, io);
  }
  let status = 0;
  for (const p of positionals) {
    let files: string[];
    try { files = await collect(p); }
    catch (e) { io.err(`${errStyle(io).error('error[io]')}: cannot read ${p}: ${reason(e)}\n`); status = 1; continue; }
    // A folder with nothing to format is most likely the wrong folder: say so rather than succeed silently.
    if (files.length === 0) { io.err(`${errStyle(io).error('error[io]')}: no .glia files in ${p}\n`); status = 1; continue; }
    for (const f of files) {
      const s = await fmtFile(f, check, io);
      if (s !== 0) status = 1;
    }
  }
  return status;
}

async function fmtFile(file: string, check: boolean, io: Io): Promise<number> {
  let bytes: Uint8Array;
  try { bytes = await readInput(file, SOURCE_LIMIT); }
  catch (e) { if (!(e instanceof InputError)) throw e; io.err(formatError(e, new Map(), errStyle(io)) + '\n'); return 1; }
  const src = decode(bytes, file, io);
  if (src === null) return 1;
  const formatted = format(src.text, file, io);
  if (formatted === null) return 1;
  if (formatted === src.text) return 0;
  if (check) { io.out(file + '\n'); return 1; }
  try {
    await replaceFile(file, bytes, (src.bom ? BOM : '') + formatted);
  } catch (e) {
    io.err(`${errStyle(io).error('error[io]')}: cannot write ${file}: ${reason(e)}; it was left unchanged\n`);
    return 1;
  }
  io.out(`formatted ${file}\n`);
  return 0;
}

async function fmtStdin(check: boolean, io: Io): Promise<number> {
  let bytes: Uint8Array;
  try { bytes = await readInput('-', SOURCE_LIMIT); }
  catch (e) { if (!(e instanceof InputError)) throw e; io.err(formatError(e, new Map(), errStyle(io)) + '\n'); return 1; }
  const src = decode(bytes, '<stdin>', io);
  if (src === null) return 1;
  const formatted = format(src.text, '<stdin>', io);
  if (formatted === null) return 1;
  if (check) {
    if (formatted === src.text) return 0;
    io.out('<stdin>\n');
    return 1;
  }
  io.out((src.bom ? BOM : '') + formatted);
  return 0;
}

/** The formatted text, or null after reporting why the source was refused. */
function format(text: string, file: string, io: Io): string | null {
  const r = formatGlia(text, file);
  if (r.ok) return r.text;
  const sources = new Map([[file, text]]);
  for (const d of r.diagnostics) io.err(formatReport(diagnosticReport(d), sources, d.span, errStyle(io)) + '\n');
  io.err(`${file} was not formatted\n`);
  return null;
}

/**
 * Strict UTF-8: a file with invalid bytes is refused (read/bad-utf8 at the
 * first bad byte), since writing it back would replace them with U+FFFD.
 */
function decode(bytes: Uint8Array, file: string, io: Io): { text: string; bom: boolean } | null {
  const r = decodeSource(bytes, file);
  if (r.ok) return r;
  io.err(formatReport(diagnosticReport(r.diagnostic), new Map([[file, r.text]]), r.diagnostic.span, errStyle(io)) + '\n');
  io.err(`${file} was not formatted\n`);
  return null;
}

/** A file argument as given, or the .glia files under a directory (sorted, skipping node_modules and dot-entries). */
async function collect(path: string): Promise<string[]> {
  const st = await stat(path);
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  for (const e of (await readdir(path)).sort()) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    const child = join(path, e);
    const cs = await stat(child).catch(() => null);
    if (cs?.isDirectory()) out.push(...await collect(child));
    else if (cs?.isFile() && e.endsWith('.glia')) out.push(child);
  }
  return out;
}

/**
 * Replaces the file's contents atomically: the new text goes to a temporary
 * file in the same directory (same file system, same permissions), which is
 * renamed over the original. A symlink is followed, so the link stays a
 * link. If the file no longer holds the bytes we formatted, someone else
 * changed it meanwhile and it is left alone.
 */
async function replaceFile(file: string, original: Uint8Array, text: string): Promise<void> {
  const target = await realpath(file);
  const mode = (await stat(target)).mode & 0o7777;
  const tmp = join(dirname(target), `.${basename(target)}.ww-fmt-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await chmod(tmp, mode); // open's mode was narrowed by the umask
    if (!Buffer.from(original).equals(await readInput(target, SOURCE_LIMIT))) throw new Error('it changed while being formatted');
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

function reason(e: unknown): string {
  return e instanceof InputError ? e.message.replace(/^cannot read /, '') : ioReason(e);
}
