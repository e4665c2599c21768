// Colouring the text at the prompt from the reader's own tokens
// (glia/analysis/tokens.ts, as the language server's semantic tokens), the
// bracket that matches the one at the cursor, and the indentation of a new
// line inside open forms. Pure: the app turns segments into Ink <Text>.
import type { SourceToken, TokenKind } from '../../glia/analysis/tokens.js';
import { SPECIAL_FORMS } from '../../glia/compile/analyzer.js';

export type Paint = TokenKind | 'special' | 'plain' | 'match';

/** A run of one line's text in one paint. */
export interface Segment { text: string; paint: Paint }

/** Offsets of the bracket at (or just before) the cursor and its partner, when both exist. */
export function matchingBrackets(tokens: SourceToken[], cursor: number): [number, number] | null {
  // The bracket under the cursor wins; else the one just before it (the closer just typed).
  let at = tokens.findIndex((t) => (t.kind === 'open' || t.kind === 'close') && t.offset === cursor);
  if (at < 0) at = tokens.findIndex((t) => (t.kind === 'open' || t.kind === 'close') && t.end === cursor);
  if (at < 0) return null;
  const t = tokens[at]!;
  let depth = 0;
  if (t.kind === 'open') {
    for (let i = at; i < tokens.length; i++) {
      const k = tokens[i]!.kind;
      if (k === 'open') depth++;
      else if (k === 'close' && --depth === 0) return [t.offset, tokens[i]!.offset];
    }
  } else {
    for (let i = at; i >= 0; i--) {
      const k = tokens[i]!.kind;
      if (k === 'close') depth++;
      else if (k === 'open' && --depth === 0) return [tokens[i]!.end - 1, t.offset];
    }
  }
  return null;
}

/**
 * The text split into lines of painted segments. `match` offsets (the
 * matching pair) are painted on their own so the app can show them.
 */
export function paintLines(text: string, tokens: SourceToken[], match: [number, number] | null): Segment[][] {
  const lines: Segment[][] = [[]];
  const push = (s: string, paint: Paint) => {
    const parts = s.split('\n');
    parts.forEach((p, i) => {
      if (i > 0) lines.push([]);
      if (p) lines[lines.length - 1]!.push({ text: p, paint });
    });
  };
  let pos = 0;
  const marks = match ? [...match].sort((a, b) => a - b) : [];
  const emit = (from: number, to: number, paint: Paint) => {
    // A matched bracket inside this run gets its own segment.
    for (const m of marks) {
      if (m >= from && m < to) {
        if (m > from) push(text.slice(from, m), paint);
        push(text.slice(m, m + 1), 'match');
        from = m + 1;
      }
    }
    if (to > from) push(text.slice(from, to), paint);
  };
  let prevOpen = false;
  for (const t of tokens) {
    if (t.offset > pos) emit(pos, t.offset, 'plain');
    const paint: Paint = t.kind === 'symbol' && prevOpen && SPECIAL_FORMS.has(t.text) ? 'special' : t.kind;
    emit(t.offset, t.end, paint);
    prevOpen = t.kind === 'open' && t.text.endsWith('(');
    pos = t.end;
  }
  if (pos < text.length) emit(pos, text.length, 'plain');
  return lines;
}

/**
 * The indentation for a new line at `offset`: inside an open list, one
 * column past the head's start plus one (two spaces in from the bracket);
 * inside a vector, map or set, aligned with the first element.
 */
export function indentAt(text: string, tokens: SourceToken[], offset: number): number {
  const stack: SourceToken[] = [];
  for (const t of tokens) {
    if (t.offset >= offset) break;
    if (t.kind === 'open') stack.push(t);
    else if (t.kind === 'close') stack.pop();
  }
  const open = stack[stack.length - 1];
  if (!open) return 0;
  const col = open.end - 1 - (text.lastIndexOf('\n', open.offset - 1) + 1);
  return open.text.endsWith('(') ? col + 2 : col + 1;
}
