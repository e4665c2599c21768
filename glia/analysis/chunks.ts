// Splits source text into top-level chunks that read independently, so an
// editor can re-read only the chunk that changed and a half-typed form does
// not swallow the rest of the file.
//
// A chunk boundary is the start of a line that begins (in column 1) outside
// every bracket, string and pending reader macro (`'`, `^meta`, `#_` ...),
// so a chunk always holds whole forms. When the text as a whole is
// unbalanced (the usual state while typing), a line that starts with `(` in
// column 1 also begins a chunk: by Clojure layout it is a new top-level
// form, and the unclosed form above it is reported where it was opened
// instead of running to the end of the file.

export interface Chunk {
  /** Offsets into the source, end exclusive. Chunks cover the whole text. */
  start: number;
  end: number;
}

const NL = 10, QUOTE = 34, SEMI = 59, BACKSLASH = 92;

function isOpen(c: number): boolean { return c === 40 || c === 91 || c === 123; }
function isClose(c: number): boolean { return c === 41 || c === 93 || c === 125; }
function isSpace(c: number): boolean { return c === 32 || c === 9 || c === 13 || c === NL || c === 44 || c === 12; }
/** Characters that end an atom (symbol, keyword, number). */
function isDelim(c: number): boolean {
  return isSpace(c) || isOpen(c) || isClose(c) || c === QUOTE || c === SEMI || c === 96 || c === 126 || c === 94 || c === 64 || c === BACKSLASH;
}

/** Whether every bracket and string of the text is closed (the chunks then are its top-level forms). */
export function isBalanced(source: string): boolean {
  return scan(source, false).balanced;
}

export function splitTopLevel(source: string): Chunk[] {
  const balanced = scan(source, false).balanced;
  return scan(source, !balanced).chunks;
}

function scan(src: string, forceAtParen: boolean): { chunks: Chunk[]; balanced: boolean } {
  const n = src.length;
  const starts: number[] = [0];
  let depth = 0;
  /**
   * Forms still owed to each open reader macro at depth 0, innermost last
   * ('x owes 1, ^m x owes 2). Macros nest: in '@a, `a` completes `@a`, and
   * that completes the quote. A completed #_ yields no form, so in
   * `#_ #_ a b` the outer one still owes one after `a`, as in Clojure.
   */
  const owed: { left: number; yields: boolean }[] = [];
  const owe = (left: number, yields = true) => { if (depth === 0) owed.push({ left, yields }); };
  let balanced = true;
  const formDone = () => {
    if (depth !== 0) return;
    while (owed.length > 0) {
      const top = owed[owed.length - 1]!;
      if (--top.left > 0) return;
      owed.pop();
      if (!top.yields) return;
      // That macro's form is complete: it is the form the next one owed.
    }
  };
  for (let i = 0; i < n; i++) {
    const c = src.charCodeAt(i);
    const lineStart = i === 0 || src.charCodeAt(i - 1) === NL;
    if (lineStart && i > 0 && !isSpace(c) && c !== SEMI && !isClose(c)) {
      if (depth === 0 && owed.length === 0) starts.push(i);
      else if (forceAtParen && c === 40) { starts.push(i); depth = 0; owed.length = 0; }
    }
    if (c === QUOTE) {
      let j = i + 1;
      while (j < n && src.charCodeAt(j) !== QUOTE) j += src.charCodeAt(j) === BACKSLASH ? 2 : 1;
      if (j >= n) balanced = false;
      i = j;
      formDone();
      continue;
    }
    if (c === SEMI) { while (i + 1 < n && src.charCodeAt(i + 1) !== NL) i++; continue; }
    if (isSpace(c)) continue;
    if (isOpen(c)) { depth++; continue; }
    if (isClose(c)) {
      if (depth === 0) { balanced = false; continue; }
      depth--;
      formDone();
      continue;
    }
    if (c === 35 /* # */) {
      const d = src.charCodeAt(i + 1);
      if (d === 95 /* _ */) { owe(1, false); i++; continue; }
      if (d === 123 || d === 40) { i++; depth++; continue; } // #{ and #(
      // #bytes "..." is one form made of two tokens.
      if (src.startsWith('#bytes', i) && (i + 6 >= n || isDelim(src.charCodeAt(i + 6)))) { owe(1); i += 5; continue; }
    }
    if (c === 39 || c === 96 || c === 64 || c === 126) { // ' ` @ ~ (and ~@)
      owe(1);
      if (c === 126 && src.charCodeAt(i + 1) === 64) i++;
      continue;
    }
    if (c === 94 /* ^ */) { owe(2); continue; }
    // An atom: runs to the next delimiter.
    while (i + 1 < n && !isDelim(src.charCodeAt(i + 1))) i++;
    formDone();
  }
  if (depth !== 0) balanced = false;
  const chunks: Chunk[] = [];
  for (let k = 0; k < starts.length; k++) chunks.push({ start: starts[k]!, end: k + 1 < starts.length ? starts[k + 1]! : n });
  return { chunks, balanced };
}
