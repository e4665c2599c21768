// Code actions for diagnostics: the did-you-mean fixes (an unbound symbol,
// a missing alias member, an unknown capability method), and "wrap in
// with-effect-handler" for an effect its context does not allow.
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver/node';
import { tokenize } from '../../glia/index.js';
import type { FileAnalysis } from '../file-analysis.js';
import { suggestionOf, type DiagnosticData } from './diagnostics.js';

export function codeActions(file: FileAnalysis, diagnostics: Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== 'glia') continue;
    const data = (d.data ?? {}) as Partial<DiagnosticData>;
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    const suggestion = data.suggestion ?? suggestionOf(data.hint) ?? suggestionOf(message);
    if (suggestion) {
      const fix = replaceToken(file, d, suggestion);
      if (fix) out.push(fix);
    }
    if (d.code === 'effect-not-allowed') {
      const wrap = wrapInHandler(file, d, handlerTarget(data.hint ?? message));
      if (wrap) out.push(wrap);
    }
  }
  return out;
}

/**
 * Replaces the misspelt token in the diagnostic's range with the
 * suggestion. The range is the token itself for an unbound symbol; when it
 * covers a larger form, the token in it closest to the suggestion is the
 * one replaced, so a fix never rewrites more than one token.
 */
function replaceToken(file: FileAnalysis, d: Diagnostic, suggestion: string): CodeAction | null {
  const start = file.doc.offsetAt(d.range.start);
  const end = file.doc.offsetAt(d.range.end);
  const text = file.text.slice(start, end);
  const toks = tokenize(text).filter((t) => t.kind === 'symbol' || t.kind === 'keyword');
  let best: { offset: number; end: number; text: string } | undefined;
  let bestD = Infinity;
  for (const t of toks) {
    if (t.text === suggestion) continue;
    const dist = distance(t.text, suggestion);
    if (dist < bestD) { best = t; bestD = dist; }
  }
  if (!best || bestD > Math.max(3, Math.floor(suggestion.length / 2))) return null;
  return {
    title: `Change to ${suggestion}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: true,
    edit: { changes: { [file.doc.uri]: [{ range: { start: file.doc.positionAt(start + best.offset), end: file.doc.positionAt(start + best.end) }, newText: suggestion }] } },
  };
}

/** The handler target the checker's hint names: `(with-effect-handler :stdout (fn ...` -> `:stdout`. */
function handlerTarget(text: string): string | undefined {
  return /\(with-effect-handler (\S+) /.exec(text)?.[1];
}

/** Wraps the form the diagnostic points at in a handler that resumes with nil, for the user to fill in. */
function wrapInHandler(file: FileAnalysis, d: Diagnostic, target: string | undefined): CodeAction | null {
  if (!target) return null;
  const start = file.doc.offsetAt(d.range.start);
  const end = file.doc.offsetAt(d.range.end);
  const form = file.text.slice(start, end);
  if (!isOneForm(form)) return null;
  const col = d.range.start.character;
  const indent = ' '.repeat(col + 2);
  const body = form.replace(/\n/g, '\n  ');
  const newText = `(with-effect-handler ${target} (fn [data resume] (resume nil))\n${indent}${body})`;
  return {
    title: `Wrap in with-effect-handler ${target}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    edit: { changes: { [file.doc.uri]: [{ range: d.range, newText }] } },
  };
}

/** One whole form: a balanced collection, or a single token. */
function isOneForm(text: string): boolean {
  const toks = tokenize(text).filter((t) => t.kind !== 'comment');
  if (toks.length === 0) return false;
  if (toks.length === 1) return toks[0]!.kind !== 'close' && toks[0]!.kind !== 'bad';
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind === 'open') depth++;
    else if (t.kind === 'close') { depth--; if (depth < 0 || (depth === 0 && i !== toks.length - 1)) return false; }
    else if (depth === 0 && t.kind !== 'macro-char') return false;
  }
  return depth === 0;
}

function distance(a: string, b: string): number {
  const m = a.length, n = b.length;
  const row = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[n]!;
}
