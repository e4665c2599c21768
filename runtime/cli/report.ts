// Readable error reports: `error[code]: message  --> file:line:col`, a code
// frame under it, then the hint and the Glia call stack.
import { Map as IMap } from 'immutable';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { GliaError, ERR_TYPE, ERR_MESSAGE, ERR_HINT, ERR_CODE, messageOf } from '../../glia/values/errors.js';
import { StaticError } from '../../glia/eval/session.js';
import { Keyword } from '../../glia/values/keyword.js';
import { prStr } from '../../glia/values/printer.js';
import type { Span } from '../../glia/span.js';
import type { Diagnostic } from '../../glia/diagnostics.js';

export interface ErrorReport {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  file?: string;
  line?: number;
  col?: number;
  hint?: string;
  stack?: string[];
}

/** The code of an error value: its diagnostic code, or its type without the glia.error namespace. */
export function errorCode(value: any): string {
  if (IMap.isMap(value)) {
    const code = (value as IMap<any, any>).get(ERR_CODE);
    if (typeof code === 'string') return code;
    const t = (value as IMap<any, any>).get(ERR_TYPE);
    if (t instanceof Keyword) return t.ns === 'glia.error' ? t.name : ':' + t.fqn;
  }
  return 'thrown';
}

export function toReport(e: unknown): ErrorReport {
  if (e instanceof StaticError) return diagnosticReport(e.diagnostics.find((d) => d.severity === 'error')!);
  if (e instanceof GliaError) {
    const v = e.value;
    const isMap = IMap.isMap(v);
    const r: ErrorReport = {
      code: errorCode(v),
      severity: 'error',
      message: isMap && typeof (v as any).get(ERR_MESSAGE) === 'string' ? (v as any).get(ERR_MESSAGE) : `uncaught value: ${prStr(v)}`,
    };
    const hint = isMap ? (v as any).get(ERR_HINT) : undefined;
    if (typeof hint === 'string') r.hint = hint;
    if (e.span) Object.assign(r, spanFields(e.span));
    if (e.gliaStack.length) r.stack = e.gliaStack.map((f) => f.span ? `${f.name} (${f.span.file}:${f.span.line}:${f.span.col})` : f.name);
    return r;
  }
  return { code: 'internal', severity: 'error', message: `internal error: ${e instanceof Error ? e.stack ?? e.message : messageOf(e)}` };
}

export function diagnosticReport(d: Diagnostic): ErrorReport {
  const r: ErrorReport = { code: d.code, severity: d.severity, message: d.message, ...spanFields(d.span) };
  if (d.hint) r.hint = d.hint;
  return r;
}

function spanFields(s: Span): Pick<ErrorReport, 'file' | 'line' | 'col'> {
  return { file: s.file, line: s.line, col: s.col };
}

/** Formats a report with a code frame taken from `sources` (file -> text). */
export function formatReport(r: ErrorReport, sources: Map<string, string>, span?: Span): string {
  const where = r.file ? `  --> ${r.file}:${r.line}:${r.col}` : '';
  const lines = [`${r.severity}[${r.code}]: ${r.message}${where}`];
  const src = r.file ? sources.get(r.file) ?? readIfFile(r.file) : undefined;
  if (src !== undefined && r.line) {
    const text = src.split(/\r?\n/)[r.line - 1];
    if (text !== undefined) {
      // Show at most 160 characters around the column, so long lines stay readable.
      const col = r.col ?? 1;
      const start = col > 120 ? col - 80 : 1;
      const cut = text.slice(start - 1, start - 1 + 160);
      const shown = (start > 1 ? '…' : '') + cut + (start - 1 + 160 < text.length ? '…' : '');
      const caretAt = col - start + (start > 1 ? 1 : 0);
      const num = String(r.line);
      const pad = ' '.repeat(num.length);
      const width = span && span.line === span.endLine ? Math.max(1, span.endCol - span.col) : 1;
      lines.push(`${pad} |`, `${num} | ${shown}`, `${pad} | ${' '.repeat(Math.max(0, caretAt))}${'^'.repeat(Math.min(width, Math.max(1, cut.length - (col - start))))}`);
    }
  }
  if (r.hint) lines.push(`hint: ${r.hint}`);
  for (const f of r.stack ?? []) lines.push(`  at ${f}`);
  return lines.join('\n');
}

/** Modules and other files that the command did not read itself. */
function readIfFile(file: string): string | undefined {
  if (!isAbsolute(file)) return undefined;
  try { return readFileSync(file, 'utf8'); } catch { return undefined; }
}

export function spanOfError(e: unknown): Span | undefined {
  if (e instanceof StaticError) return e.diagnostics.find((d) => d.severity === 'error')?.span;
  if (e instanceof GliaError) return e.span;
  return undefined;
}
