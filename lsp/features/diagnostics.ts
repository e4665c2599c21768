// Diagnostics as you type: the reader's, from each chunk (so broken code
// still yields them), and the checker's (names, arities, effects, capability
// calls; glia/compile/check.ts) over the text with the unreadable chunks
// blanked out. Blanking keeps every offset in place; the names a blanked
// chunk defines are declared at the end, so a half-typed defn does not turn
// every use of it into an unbound symbol. When and how they are sent is
// lsp/diagnostics-loop.ts.
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { FileAnalysis, FileDiagnostic } from '../file-analysis.js';
import type { Checker } from '../checker.js';

/**
 * Larger texts get the reader's diagnostics only: the checker runs over the
 * whole file in one piece, and on a file this size that takes long enough
 * to stall every other request.
 */
export const MAX_CHECK_CHARS = 250_000;

export interface DiagnosticData {
  code: string;
  hint?: string;
  /** A replacement the hint suggests ("did you mean join?"), for the quick fix. */
  suggestion?: string;
}

/**
 * The checker's diagnostics for a file (none for files it does not check;
 * for a file too large to check, a note saying so). The reader's own are
 * `file.readDiagnostics`.
 */
export function checkerDiagnostics(file: FileAnalysis, checker: Checker, fileName: string): FileDiagnostic[] {
  if (file.text.length > MAX_CHECK_CHARS) {
    return [{
      code: 'lsp/not-checked', severity: 'information', offset: 0, end: 0,
      message: `this file is ${file.text.length} characters long; the editor checks files up to ${MAX_CHECK_CHARS} characters and shows only read errors here`,
      hint: 'run ww check on it for the full checks',
    }];
  }
  const result = checker.check(file.uri, repairedText(file), fileName);
  // The checker never throws by contract; if it did, the reader's diagnostics still stand.
  if (!result) return [];
  const out: FileDiagnostic[] = [];
  const len = file.text.length;
  for (const d of result.diagnostics) {
    if (d.code.startsWith('read/')) continue;
    const offset = Math.min(d.span.offset, len);
    out.push({
      code: d.code, severity: d.severity, message: d.message, ...(d.hint ? { hint: d.hint } : {}),
      offset, end: Math.min(Math.max(d.span.endOffset, offset), len),
    });
  }
  return out;
}

/**
 * The checker's diagnostics of an earlier version, moved to where they are
 * in the new text: the part of the text that changed is found as what lies
 * between the longest common prefix and suffix of the two texts; a
 * diagnostic before it stays, one after it moves by the change in length,
 * and one that overlaps or touches it is dropped, since it may no longer
 * hold. This lets the editor show the reader's diagnostics for a new
 * version at once, without the checker's disappearing (and coming back)
 * on every keystroke until the whole file has been checked again.
 */
export function carryOver(prev: FileAnalysis, diags: readonly FileDiagnostic[], next: FileAnalysis): FileDiagnostic[] {
  const a = prev.text, b = next.text;
  const max = Math.min(a.length, b.length);
  let p = 0;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let q = 0;
  while (q < max - p && a.charCodeAt(a.length - 1 - q) === b.charCodeAt(b.length - 1 - q)) q++;
  const changedEnd = a.length - q;
  const delta = b.length - a.length;
  const out: FileDiagnostic[] = [];
  for (const d of diags) {
    if (d.code === 'lsp/not-checked') continue;
    if (a === b || d.end < p) out.push(d);
    else if (d.offset > changedEnd) out.push({ ...d, offset: d.offset + delta, end: d.end + delta });
  }
  return out;
}

/** The text with each chunk the reader could not read blanked, and the names it defines declared. */
export function repairedText(file: FileAnalysis): string {
  const text = file.text;
  const broken = file.chunks.filter((c) => c.data.skipped || c.data.read.diagnostics.some((d) => d.severity === 'error'));
  if (broken.length === 0) return text;
  let out = '';
  let last = 0;
  const names = new Set<string>();
  for (const c of broken) {
    out += text.slice(last, c.start) + text.slice(c.start, c.end).replace(/[^\r\n]/g, ' ');
    last = c.end;
    for (const d of c.data.index.definitions) names.add(d.name);
  }
  out += text.slice(last);
  if (names.size) out += `\n(declare ${[...names].join(' ')})`;
  return out;
}

export function toLspDiagnostic(file: FileAnalysis, d: FileDiagnostic): LspDiagnostic {
  const severity = d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
  const suggestion = suggestionOf(d.hint) ?? suggestionOf(d.message);
  const data: DiagnosticData = { code: d.code, ...(d.hint ? { hint: d.hint } : {}), ...(suggestion ? { suggestion } : {}) };
  return {
    range: { start: file.doc.positionAt(d.offset), end: file.doc.positionAt(Math.max(d.end, d.offset)) },
    severity,
    code: d.code,
    source: 'glia',
    message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
    data,
  };
}

/** "did you mean str/join?" -> "str/join". */
export function suggestionOf(text: string | undefined): string | undefined {
  const m = text && /did you mean (\S+?)\?/.exec(text);
  return m ? m[1] : undefined;
}
