// `ww fmt [--check] FILES...`: formats Glia source files in place with
// glia/fmt. A file is replaced only as a whole (written to a temporary file
// beside it, then renamed over it), only when its text changes, and never
// when it does not read cleanly, is not UTF-8, or changed while we worked.
import { readFile, readdir, stat, realpath, open, rename, rm, chmod } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { formatGlia } from '../../glia/fmt/format.js';
import { diagnosticReport, formatReport } from './report.js';
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

/** What reading a file gave: its text (without a byte-order mark) or why not. */
type Source = { text: string; bom: boolean } | { error: string };

export async function fmtCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals: paths } = parse('fmt', args, { check: { type: 'boolean' } });
  const positionals = paths as string[];
  if (values.help) { io.out(FMT_HELP + '\n'); return 0; }
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
    catch (e) { io.err(`error[io]: cannot read ${p}: ${reason(e)}\n`); status = 1; continue; }
    for (const f of files) {
      const s = await fmtFile(f, check, io);
      if (s !== 0) status = 1;
    }
  }
  return status;
}

async function fmtFile(file: string, check: boolean, io: Io): Promise<number> {
  let bytes: Buffer;
  try { bytes = await readFile(file); }
  catch (e) { io.err(`error[io]: cannot read ${file}: ${reason(e)}\n`); return 1; }
  const src = decode(bytes, file);
  if ('error' in src) { io.err(src.error + '\n'); return 1; }
  const formatted = format(src.text, file, io);
  if (formatted === null) return 1;
  if (formatted === src.text) return 0;
  if (check) { io.out(file + '\n'); return 1; }
  try {
    await replaceFile(file, bytes, (src.bom ? BOM : '') + formatted);
  } catch (e) {
    io.err(`error[io]: cannot write ${file}: ${reason(e)}; it was left unchanged\n`);
    return 1;
  }
  io.out(`formatted ${file}\n`);
  return 0;
}

async function fmtStdin(check: boolean, io: Io): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const src = decode(Buffer.concat(chunks), '<stdin>');
  if ('error' in src) { io.err(src.error + '\n'); return 1; }
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
  for (const d of r.diagnostics) io.err(formatReport(diagnosticReport(d), sources, d.span) + '\n');
  io.err(`${file} was not formatted\n`);
  return null;
}

/**
 * Strict UTF-8: a file with invalid bytes is refused, since writing it back
 * would replace them with U+FFFD.
 */
function decode(bytes: Buffer, file: string): Source {
  let text: string;
  try { text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes); }
  catch { return { error: `error[io]: ${file} is not valid UTF-8; it was left unchanged` }; }
  const bom = text.startsWith(BOM);
  return { text: bom ? text.slice(1) : text, bom };
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
async function replaceFile(file: string, original: Buffer, text: string): Promise<void> {
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
    if (!original.equals(await readFile(target))) throw new Error('it changed while being formatted');
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (e as Error)?.message ?? String(e);
}
