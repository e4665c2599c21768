// The spans of the elements of a list form, recovered from the source text.
// The reader can only attach spans to objects, so a keyword, string or
// number in a form has none; a diagnostic about `:idd` in
// `(perform host :idd)` finds it here by lexing the form's own text.
import type { IToken } from 'chevrotain';
import { glialexer } from '../reader/lexer.js';
import type { Span } from '../span.js';

const OPEN = new Set(['LParen', 'LBracket', 'LBrace', 'SetOpen', 'AnonFnOpen']);
const CLOSE = new Set(['RParen', 'RBracket', 'RBrace']);
/** Reader macros, with how many forms follow them. */
const PREFIX: Record<string, number> = { Quote: 1, SyntaxQuote: 1, Unquote: 1, UnquoteSplicing: 1, Deref: 1, Meta: 2, Discard: 1, BytesTag: 1 };

/**
 * Element `index` of the list form at `span` (0 is the head), or undefined
 * when the text there is not a list with that many elements. `#_` forms are
 * skipped, as the reader skips them; metadata belongs to the form after it.
 */
export function elementSpan(source: string, span: Span, index: number): Span | undefined {
  if (span.endOffset - span.offset > 100_000) return undefined;
  const text = source.slice(span.offset, span.endOffset);
  if (!text.startsWith('(')) return undefined;
  const tokens = glialexer.tokenize(text).tokens;
  let i = 1;
  let n = 0;
  while (i < tokens.length && !CLOSE.has(tokens[i]!.tokenType.name)) {
    const start = tokens[i]!;
    const discard = start.tokenType.name === 'Discard';
    const end = skipForm(tokens, i);
    if (end < 0) return undefined;
    if (!discard) {
      if (n === index) return toSpan(span, text, start.startOffset, tokens[end - 1]!.endOffset! + 1);
      n++;
    }
    i = end;
  }
  return undefined;
}

/** The index after the form that starts at token i, or -1 if it does not end. */
function skipForm(tokens: IToken[], i: number): number {
  const t = tokens[i];
  if (!t) return -1;
  const name = t.tokenType.name;
  const prefix = PREFIX[name];
  if (prefix !== undefined) {
    let j = i + 1;
    for (let k = 0; k < prefix; k++) { j = skipForm(tokens, j); if (j < 0) return -1; }
    return j;
  }
  if (!OPEN.has(name)) return CLOSE.has(name) ? -1 : i + 1;
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    const kind = tokens[j]!.tokenType.name;
    if (OPEN.has(kind)) depth++;
    else if (CLOSE.has(kind) && --depth === 0) return j + 1;
  }
  return -1;
}

function toSpan(form: Span, text: string, start: number, end: number): Span {
  const at = (offset: number) => {
    let line = form.line, col = form.col;
    for (let i = 0; i < offset; i++) {
      if (text.charCodeAt(i) === 10) { line++; col = 1; } else col++;
    }
    return { line, col };
  };
  const a = at(start), b = at(end);
  return { file: form.file, line: a.line, col: a.col, endLine: b.line, endCol: b.col, offset: form.offset + start, endOffset: form.offset + end };
}
