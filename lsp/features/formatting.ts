// Formatting through the Glia formatter (glia/fmt/format.ts), the same one
// `ww fmt` runs. It refuses text the reader cannot read; then the editor
// gets no edits (the reader's diagnostics already say what is wrong).
import type { Range, TextEdit } from 'vscode-languageserver/node';
import { formatGlia, formatGliaRange } from '../../glia/fmt/format.js';
import type { FileAnalysis } from '../file-analysis.js';

/** Formatting reads the whole text again; past this size it is left to `ww fmt`. */
export const MAX_FORMAT_CHARS = 1_000_000;

/** The formatter refuses what the reader cannot read; the chunks already know, so it is not asked. */
function formattable(file: FileAnalysis): boolean {
  return file.text.length <= MAX_FORMAT_CHARS && !file.readDiagnostics.some((d) => d.severity === 'error' || d.code === 'read/too-large');
}

export function formatDocument(file: FileAnalysis): TextEdit[] {
  if (!formattable(file)) return [];
  const r = formatGlia(file.text, file.uri);
  if (!r.ok || r.text === file.text) return [];
  return [minimalEdit(file, 0, file.text.length, r.text)];
}

export function formatRange(file: FileAnalysis, range: Range): TextEdit[] {
  if (!formattable(file)) return [];
  const r = formatGliaRange(file.text, file.doc.offsetAt(range.start), file.doc.offsetAt(range.end), file.uri);
  if (!r.ok || !r.edit) return [];
  return [minimalEdit(file, r.edit.start, r.edit.end, r.edit.text)];
}

/** One edit covering only what differs, so the editor keeps the cursor and folds outside it. */
function minimalEdit(file: FileAnalysis, start: number, end: number, replacement: string): TextEdit {
  const old = file.text;
  let a = 0;
  const max = Math.min(end - start, replacement.length);
  while (a < max && old.charCodeAt(start + a) === replacement.charCodeAt(a)) a++;
  let b = 0;
  while (b < max - a && old.charCodeAt(end - 1 - b) === replacement.charCodeAt(replacement.length - 1 - b)) b++;
  // Never split a surrogate pair.
  if (a > 0 && isHigh(old.charCodeAt(start + a - 1))) a--;
  if (b > 0 && isHigh(old.charCodeAt(end - b - 1))) b--;
  return {
    range: { start: file.doc.positionAt(start + a), end: file.doc.positionAt(end - b) },
    newText: replacement.slice(a, replacement.length - b),
  };
}

function isHigh(c: number): boolean { return c >= 0xd800 && c <= 0xdbff; }
