// The text being edited at the prompt: one string and a cursor offset into
// it (lines are split on '\n' only when drawn or moved through). Every
// operation returns a new state, so the app can keep the one before it.

export interface EditorState {
  text: string;
  /** Offset of the cursor in `text`, 0..text.length. */
  cursor: number;
}

export const EMPTY: EditorState = { text: '', cursor: 0 };

export function of(text: string, cursor = text.length): EditorState {
  return { text, cursor: Math.max(0, Math.min(cursor, text.length)) };
}

export function insert(s: EditorState, t: string): EditorState {
  return { text: s.text.slice(0, s.cursor) + t + s.text.slice(s.cursor), cursor: s.cursor + t.length };
}

export function backspace(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  const n = charBefore(s.text, s.cursor);
  return { text: s.text.slice(0, s.cursor - n) + s.text.slice(s.cursor), cursor: s.cursor - n };
}

export function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  const n = charAfter(s.text, s.cursor);
  return { text: s.text.slice(0, s.cursor) + s.text.slice(s.cursor + n), cursor: s.cursor };
}

export function left(s: EditorState): EditorState {
  return s.cursor === 0 ? s : { ...s, cursor: s.cursor - charBefore(s.text, s.cursor) };
}

export function right(s: EditorState): EditorState {
  return s.cursor >= s.text.length ? s : { ...s, cursor: s.cursor + charAfter(s.text, s.cursor) };
}

/** Line and column (0-based, in UTF-16 units) of an offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 0, start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) { line++; start = i + 1; }
  return { line, col: offset - start };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i;
}

export function home(s: EditorState): EditorState { return { ...s, cursor: lineStart(s.text, s.cursor) }; }
export function end(s: EditorState): EditorState { return { ...s, cursor: lineEnd(s.text, s.cursor) }; }

export function onFirstLine(s: EditorState): boolean { return s.text.lastIndexOf('\n', s.cursor - 1) < 0; }
export function onLastLine(s: EditorState): boolean { return s.text.indexOf('\n', s.cursor) < 0; }

/** The cursor one line up, at the same column or the line's end; unchanged on the first line. */
export function up(s: EditorState): EditorState {
  const start = lineStart(s.text, s.cursor);
  if (start === 0) return s;
  const col = s.cursor - start;
  const prevStart = lineStart(s.text, start - 1);
  return { ...s, cursor: Math.min(prevStart + col, start - 1) };
}

export function down(s: EditorState): EditorState {
  const end = lineEnd(s.text, s.cursor);
  if (end >= s.text.length) return s;
  const col = s.cursor - lineStart(s.text, s.cursor);
  return { ...s, cursor: Math.min(end + 1 + col, lineEnd(s.text, end + 1)) };
}

const WORD = /[^\s()[\]{}"';,`~@^]/;

export function wordLeft(s: EditorState): EditorState {
  let i = s.cursor;
  while (i > 0 && !WORD.test(s.text[i - 1]!)) i--;
  while (i > 0 && WORD.test(s.text[i - 1]!)) i--;
  return { ...s, cursor: i };
}

export function wordRight(s: EditorState): EditorState {
  let i = s.cursor;
  while (i < s.text.length && !WORD.test(s.text[i]!)) i++;
  while (i < s.text.length && WORD.test(s.text[i]!)) i++;
  return { ...s, cursor: i };
}

export function deleteWordLeft(s: EditorState): EditorState {
  const to = wordLeft(s).cursor;
  return { text: s.text.slice(0, to) + s.text.slice(s.cursor), cursor: to };
}

export function deleteWordRight(s: EditorState): EditorState {
  const to = wordRight(s).cursor;
  return { text: s.text.slice(0, s.cursor) + s.text.slice(to), cursor: s.cursor };
}

/** Ctrl-K: to the end of the line, or the newline itself at a line's end. */
export function killToEnd(s: EditorState): EditorState {
  const e = lineEnd(s.text, s.cursor);
  const to = e === s.cursor && e < s.text.length ? e + 1 : e;
  return { text: s.text.slice(0, s.cursor) + s.text.slice(to), cursor: s.cursor };
}

/** Ctrl-U: from the start of the line to the cursor. */
export function killToStart(s: EditorState): EditorState {
  const b = lineStart(s.text, s.cursor);
  return { text: s.text.slice(0, b) + s.text.slice(s.cursor), cursor: b };
}

function charBefore(text: string, i: number): number {
  const c = text.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? 2 : 1;
}

function charAfter(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
}
