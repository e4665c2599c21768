// How results and errors look in the terminal app: values pretty-printed
// to the terminal's width from their pr-str text (laid out by the reader's
// tokens, so strings and odd symbols stay exactly as printed), long values
// folded, and the session's rendered diagnostics coloured as `ww eval`
// colours its own (runtime/cli/colour.ts).
import { tokenize } from '../../glia/analysis/tokens.js';
import type { Style } from '../cli/colour.js';

/** A value longer than this many lines is folded; `:more` shows it whole. */
export const FOLD_LINES = 24;
/** Past this many characters a value is folded too (one huge string, say). */
export const FOLD_CHARS = 4000;
/** pr-str text above this size is not laid out (only folded). */
const MAX_LAYOUT_CHARS = 200_000;
const MAX_DEPTH = 200;

type Node = { atom: string } | { open: string; close: string; kids: Node[] };

/** The pr-str text laid out to `width` columns: a collection that does not fit goes one element (a map: one entry) per line. */
export function pretty(printed: string, width: number): string {
  if (printed.length <= width || printed.length > MAX_LAYOUT_CHARS) return printed;
  const tree = parse(printed);
  if (!tree) return printed;
  return tree.map((n) => layout(n, 0, Math.max(20, width))).join(' ');
}

function parse(text: string): Node[] | null {
  const root: Node[] = [];
  const stack: { open: string; close: string; kids: Node[] }[] = [];
  let prefix = '';
  const push = (n: Node) => {
    if (prefix) { n = 'atom' in n ? { atom: prefix + n.atom } : { ...n, open: prefix + n.open }; prefix = ''; }
    (stack.length ? stack[stack.length - 1]!.kids : root).push(n);
  };
  for (const t of tokenize(text)) {
    switch (t.kind) {
      case 'open': {
        if (stack.length >= MAX_DEPTH) return null;
        const coll = { open: prefix + t.text, close: '', kids: [] as Node[] };
        prefix = '';
        (stack.length ? stack[stack.length - 1]!.kids : root).push(coll);
        stack.push(coll);
        break;
      }
      case 'close': {
        const c = stack.pop();
        if (!c) return null;
        c.close = t.text;
        break;
      }
      case 'macro-char': prefix += t.text; break;
      default: push({ atom: t.text });
    }
  }
  return stack.length ? null : root;
}

function flat(n: Node): string {
  if ('atom' in n) return n.atom;
  const isMap = n.open.endsWith('{') && !n.open.endsWith('#{');
  const parts = n.kids.map(flat);
  if (isMap) {
    const pairs: string[] = [];
    for (let i = 0; i < parts.length; i += 2) pairs.push(parts.slice(i, i + 2).join(' '));
    return n.open + pairs.join(', ') + n.close;
  }
  return n.open + parts.join(' ') + n.close;
}

function layout(n: Node, col: number, width: number): string {
  const f = flat(n);
  if ('atom' in n || col + f.length <= width) return f;
  const inner = col + n.open.length;
  const pad = '\n' + ' '.repeat(inner);
  const isMap = n.open.endsWith('{') && !n.open.endsWith('#{');
  const lines: string[] = [];
  if (isMap) {
    for (let i = 0; i < n.kids.length; i += 2) {
      const k = layout(n.kids[i]!, inner, width);
      const v = n.kids[i + 1];
      const kLast = k.split('\n').pop()!.length;
      const vCol = (k.includes('\n') ? kLast : inner + kLast) + 1;
      lines.push(v ? `${k} ${layout(v, vCol, width)}` : k);
    }
    return n.open + lines.join(',' + pad) + n.close;
  }
  if (n.kids.every((k) => 'atom' in k)) {
    // A run of plain values (numbers, keywords, short strings) fills each line, as pprint does.
    let line = '';
    for (const k of n.kids as { atom: string }[]) {
      if (line && inner + line.length + 1 + k.atom.length > width) { lines.push(line); line = k.atom; } else line = line ? `${line} ${k.atom}` : k.atom;
    }
    if (line) lines.push(line);
    return n.open + lines.join(pad) + n.close;
  }
  for (const k of n.kids) lines.push(layout(k, inner, width));
  return n.open + lines.join(pad) + n.close;
}

/** A value's lines, folded past FOLD_LINES lines or FOLD_CHARS characters: the part shown and how much is hidden. */
export function fold(text: string): { shown: string; hiddenLines: number; hiddenChars: number } {
  const lines = text.split('\n');
  let shown = lines.length > FOLD_LINES ? lines.slice(0, FOLD_LINES).join('\n') : text;
  let hiddenLines = Math.max(0, lines.length - FOLD_LINES);
  let hiddenChars = 0;
  if (shown.length > FOLD_CHARS) {
    hiddenChars = text.length - FOLD_CHARS;
    shown = shown.slice(0, FOLD_CHARS);
    hiddenLines = lines.length - shown.split('\n').length;
  }
  return { shown, hiddenLines, hiddenChars };
}

/** The session's rendered diagnostic (error[code]: message --> where, code frame, hint, stack), coloured line by line. */
export function paintRendered(rendered: string, s: Style): string {
  if (!s.enabled) return rendered;
  return rendered.split('\n').map((line, i) => {
    if (i === 0) {
      return line
        .replace(/^(error|warning)\[[^\]]*\]/, (l) => (l.startsWith('warning') ? s.warning(l) : s.error(l)))
        .replace(/(\s+)(--> .*)$/, (_m, sp: string, loc: string) => sp + s.location(loc));
    }
    const frame = /^(\s*\d*\s\|)(.*)$/.exec(line);
    if (frame) {
      const rest = frame[2]!;
      return s.gutter(frame[1]!) + (/^\s*\^+\s*$/.test(rest) ? rest.replace(/\^+/, (c) => s.caret(c)) : rest);
    }
    if (line.startsWith('hint:')) return s.hint('hint:') + line.slice(5);
    if (/^\s+at /.test(line)) return s.dim(line);
    return line;
  }).join('\n');
}
