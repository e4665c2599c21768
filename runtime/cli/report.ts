// Readable error reports: `error[code]: message  --> file:line:col`, a code
// frame under it, then the hint and the Glia call stack.
import { Map as IMap } from 'immutable';
import { isAbsolute } from 'node:path';
import { GliaError, ERR_TYPE, ERR_MESSAGE, ERR_HINT, ERR_CODE, messageOf } from '../../glia/values/errors.js';
import { StaticError } from '../../glia/eval/session.js';
import { Keyword } from '../../glia/values/keyword.js';
import { prStr } from '../../glia/values/printer.js';
import type { Span } from '../../glia/span.js';
import type { Diagnostic } from '../../glia/diagnostics.js';
import { InputError, readSourceSync } from './read-input.js';
import { style, type Style } from './colour.js';

const NO_STYLE = style(false);

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
  if (e instanceof InputError) {
    if (e.diagnostic) return diagnosticReport(e.diagnostic);
    const r: ErrorReport = { code: e.code, severity: 'error', message: e.message };
    if (e.hint) r.hint = e.hint;
    return r;
  }
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

/** Formats a report with a code frame taken from `sources` (file -> text), coloured by `paint` (none by default). */
export function formatReport(r: ErrorReport, sources: Map<string, string>, span?: Span, paint: Style = NO_STYLE): string {
  const label = `${r.severity}[${r.code}]`;
  const where = r.file ? `  ${paint.location(`--> ${r.file}:${r.line}:${r.col}`)}` : '';
  const lines = [`${r.severity === 'warning' ? paint.warning(label) : paint.error(label)}: ${r.message}${where}`];
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
      const carets = '^'.repeat(Math.min(width, Math.max(1, cut.length - (col - start))));
      lines.push(paint.gutter(`${pad} |`), `${paint.gutter(`${num} |`)} ${shown}`,
        `${paint.gutter(`${pad} |`)} ${' '.repeat(Math.max(0, caretAt))}${paint.caret(carets, r.severity)}`);
    }
  }
  if (r.hint) lines.push(`${paint.hint('hint:')} ${r.hint}`);
  for (const f of r.stack ?? []) lines.push(paint.dim(`  at ${f}`));
  return lines.join('\n');
}

/** Modules and other files that the command did not read itself. */
function readIfFile(file: string): string | undefined {
  if (!isAbsolute(file)) return undefined;
  try { return readSourceSync(file).text; } catch (e) { return e instanceof InputError ? e.text : undefined; }
}

export function spanOfError(e: unknown): Span | undefined {
  if (e instanceof InputError) return e.diagnostic?.span;
  if (e instanceof StaticError) return e.diagnostics.find((d) => d.severity === 'error')?.span;
  if (e instanceof GliaError) return e.span;
  return undefined;
}

/** An error as a report with its code frame: from the sources a command read, or the text an InputError decoded. */
export function formatError(e: unknown, sources: Map<string, string>, paint: Style = NO_STYLE): string {
  if (e instanceof InputError && e.diagnostic && e.text !== undefined) sources = new Map([...sources, [e.diagnostic.span.file, e.text]]);
  return formatReport(toReport(e), sources, spanOfError(e), paint);
}
