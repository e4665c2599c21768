// The bracket structure around a cursor, from tokens rather than forms: it
// is what the user sees, and it exists in half-typed code where the reader
// has dropped the unreadable bits (a lone `:`, a `str/`). Completion,
// signature help and capability hovers ask which call the cursor is in and
// which argument it is on.
import type { SourceToken } from '../glia/index.js';
import type { FileAnalysis } from './file-analysis.js';

export interface Child {
  offset: number;
  end: number;
  /** The token text for an atom; the opening bracket for a collection. */
  text: string;
  kind: SourceToken['kind'] | 'collection';
}

export interface Enclosing {
  /** The opening bracket: `(`, `[`, `{`, `#{` or `#(`. */
  open: string;
  offset: number;
  /** The children that start before the cursor. */
  children: Child[];
}

/**
 * The collections the cursor is inside, innermost first, each with its
 * children up to the cursor. A token the cursor is in or right after counts
 * as a child before it.
 */
export function enclosingAt(file: FileAnalysis, offset: number): Enclosing[] {
  const c = file.chunkAt(offset);
  if (!c) return [];
  const rel = offset - c.start;
  const stack: Enclosing[] = [];
  const top: Child[] = [];
  let prefixStart = -1;
  const add = (ch: Child) => {
    if (prefixStart >= 0) { ch = { ...ch, offset: prefixStart }; prefixStart = -1; }
    (stack.length ? stack[stack.length - 1]!.children : top).push(ch);
  };
  for (const t of c.data.tokens) {
    if (t.offset >= rel) break;
    const at = { offset: t.offset + c.start, end: t.end + c.start };
    switch (t.kind) {
      case 'comment': break;
      case 'open':
        add({ ...at, end: -1, text: t.text, kind: 'collection' });
        stack.push({ open: t.text, offset: at.offset, children: [] });
        break;
      case 'close': {
        const closed = stack.pop();
        const parent = stack.length ? stack[stack.length - 1]!.children : top;
        const last = parent[parent.length - 1];
        if (closed && last && last.kind === 'collection' && last.end === -1) last.end = at.end;
        break;
      }
      case 'macro-char':
        // 'x, @x, #_x and ^m x: the prefix belongs to the form after it.
        if (prefixStart < 0) prefixStart = at.offset;
        break;
      default:
        add({ ...at, text: t.text, kind: t.kind });
    }
  }
  return stack.reverse();
}

/** The index of the child the cursor is on (or would start), counting the head as 0. */
export function childIndexAt(e: Enclosing, offset: number): number {
  const last = e.children[e.children.length - 1];
  if (last && (last.end === -1 || offset <= last.end)) return e.children.length - 1;
  return e.children.length;
}

/** The innermost enclosing list (a call), if any. */
export function enclosingCall(file: FileAnalysis, offset: number): Enclosing | undefined {
  return enclosingAt(file, offset).find((e) => e.open === '(' || e.open === '#(');
}

/** The characters of a symbol or keyword (anything but the reader's delimiters). */
const WORD = /[^\s,;()[\]{}"`~^@\\']/;

/** The start of the symbol or keyword that ends at `offset` (the word being typed). */
export function wordStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && WORD.test(text[i - 1]!)) i--;
  return i;
}
