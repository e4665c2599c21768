// The Glia formatter: `ww fmt` and the language server's document and range
// formatting call this. It refuses source the reader cannot read cleanly,
// returning the reader's diagnostics, rather than guess at a broken file.
// Layout rules: layout.ts and indent-rules.ts (cljfmt's defaults; see also
// doc/cli.md, "ww fmt").
import { read, pointSpan } from '../reader/read.js';
import { diagnostic, hasErrors, type Diagnostic } from '../diagnostics.js';
import { buildTree, TreeError } from './tree.js';
import { layout, type LaidOut } from './layout.js';

export type FormatResult = { ok: true; text: string } | { ok: false; diagnostics: Diagnostic[] };

/** A replacement of source[start, end) (UTF-16 offsets) by text. */
export interface TextEdit { start: number; end: number; text: string }

export type RangeFormatResult = { ok: true; edit: TextEdit | null } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Formats a whole Glia source. Idempotent; keeps comments, `#_` forms and
 * every token as written; `read` of the result gives the same forms.
 */
export function formatGlia(source: string, file = '<input>'): FormatResult {
  const r = run(source, file);
  return r.ok ? { ok: true, text: r.laid.text } : r;
}

/**
 * Formats the top-level forms that overlap source[start, end] (and any
 * forms sharing a line with them), for an editor's "format selection".
 * The edit replaces those forms and the whitespace around them with what
 * formatGlia would print there; `null` when the range holds no form.
 */
export function formatGliaRange(source: string, start: number, end: number, file = '<input>'): RangeFormatResult {
  const r = run(source, file);
  if (!r.ok) return r;
  const { top, text } = r.laid;
  let first = top.findIndex((t) => t.inEnd >= start);
  if (first < 0 || top[first]!.inStart > end) return { ok: true, edit: null };
  let last = first;
  while (last + 1 < top.length && top[last + 1]!.inStart <= end) last++;
  // Forms that share a line are laid out together: the columns of the later
  // ones depend on the earlier ones.
  while (first > 0 && top[first]!.gapNewlines === 0) first--;
  while (last + 1 < top.length && top[last + 1]!.gapNewlines === 0) last++;
  const inStart = first > 0 ? top[first - 1]!.inEnd : 0;
  const inEnd = last + 1 < top.length ? top[last + 1]!.inStart : source.length;
  const outStart = first > 0 ? top[first - 1]!.outEnd : 0;
  const outEnd = last + 1 < top.length ? top[last + 1]!.outStart : text.length;
  const replacement = text.slice(outStart, outEnd);
  if (source.slice(inStart, inEnd) === replacement) return { ok: true, edit: null };
  return { ok: true, edit: { start: inStart, end: inEnd, text: replacement } };
}

function run(source: string, file: string): { ok: true; laid: LaidOut } | { ok: false; diagnostics: Diagnostic[] } {
  const r = read(source, file);
  if (hasErrors(r.diagnostics)) return { ok: false, diagnostics: r.diagnostics };
  try {
    return { ok: true, laid: layout(buildTree(source), lineEnding(source)) };
  } catch (e) {
    // The reader accepted the nesting, but a long chain of reader macros can
    // still exhaust the stack here; say so instead of crashing the caller.
    if (e instanceof RangeError) {
      return { ok: false, diagnostics: [diagnostic('read/too-deep', pointSpan(file, 1, 1, 0), 'the input nests too deeply to format', 'split it into smaller forms')] };
    }
    if (e instanceof TreeError) {
      return { ok: false, diagnostics: [diagnostic('internal', pointSpan(file, 1, 1, 0), `the formatter could not follow source the reader accepted: ${e.message}`)] };
    }
    throw e;
  }
}

/** The file's own line ending (its first one), as cljfmt keeps it; \n for a file of one line. */
function lineEnding(source: string): string {
  const i = source.indexOf('\n');
  return i > 0 && source[i - 1] === '\r' ? '\r\n' : '\n';
}
