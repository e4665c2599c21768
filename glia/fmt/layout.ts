// Prints the formatter's tree (tree.ts) back to text, re-indenting it the
// way cljfmt does with its default options. Only whitespace changes; every
// token and comment is written exactly as read.
//
// - Line breaks stay where the author put them (a form is never re-flowed
//   onto more or fewer lines), except just inside brackets: `(\n  a\n  )`
//   becomes `(a)`, so closing brackets gather on the last line. A bracket
//   that follows a line comment must go on the next line, indented as the
//   next element would be.
// - Runs of blank lines become one blank line (inside forms too); blank
//   lines at the start and end of the file go.
// - Forms on one line are separated by one space (`(a(b))` gets one), and
//   commas stay, written right after the form before them. Commas just
//   inside a bracket or right after a comment are dropped (they are
//   whitespace to the reader).
// - A comment after a form on the same line stays there, one space after
//   it. A comment on its own line is indented like the element that
//   follows it (cljfmt's :indent-line-comments? true).
// - Every line that starts an element is indented by the rules in
//   indent-rules.ts; see indentFor below.
// - Trailing whitespace goes, also inside comments (not inside strings: a
//   string is a token and is written verbatim, even across lines).
import { isDiscard, type Coll, type Node } from './tree.js';
import { rulesFor } from './indent-rules.js';

/** Where one top-level node came from and where it went, for range formatting. */
export interface TopSpan { inStart: number; inEnd: number; outStart: number; outEnd: number; gapNewlines: number }

export interface LaidOut { text: string; top: TopSpan[] }

/** A collection being printed: what the indentation of its elements depends on. */
interface Frame {
  coll: Coll | null; // null for the document itself
  openCol: number;
  isList: boolean; // ( and #( indent by rules; [ { #{ align under the first element
  head: string | undefined; // the head symbol of a list
  indexInParent: number;
  parent: Frame | null;
  /** Element index -> whether that element starts a line. Discards and comments have no index. */
  breaks: boolean[];
  /** Element index -> the column it was printed at. */
  cols: number[];
}

class Writer {
  private readonly parts: string[] = [];
  length = 0;
  col = 0;
  constructor(private readonly eol: string) {}

  text(s: string): void {
    this.parts.push(s);
    this.length += s.length;
    const nl = Math.max(s.lastIndexOf('\n'), s.lastIndexOf('\r'));
    this.col = nl < 0 ? this.col + codePoints(s) : codePoints(s.slice(nl + 1));
  }

  newline(blank: boolean, indent: number): void {
    const s = (blank ? this.eol + this.eol : this.eol) + ' '.repeat(indent);
    this.parts.push(s);
    this.length += s.length;
    this.col = indent;
  }

  done(): string { return this.parts.join(''); }
}

/** Columns count code points, so `λ` and `é` take one. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n--; i++; }
    }
  }
  return n;
}

export function layout(nodes: Node[], eol: string): LaidOut {
  const w = new Writer(eol);
  const doc = frame(null, 0, nodes, -1, null);
  const top: TopSpan[] = [];
  sequence(nodes, doc, w, top);
  if (nodes.length > 0) w.text(eol);
  return { text: w.done(), top };
}

function frame(coll: Coll | null, openCol: number, children: Node[], indexInParent: number, parent: Frame | null): Frame {
  const breaks: boolean[] = [];
  let prev: Node | undefined;
  for (const k of children) {
    if (k.kind !== 'comment' && !isDiscard(k)) breaks.push(startsLine(k, prev));
    prev = k;
  }
  const isList = coll !== null && (coll.open === '(' || coll.open === '#(');
  let head: string | undefined;
  if (isList) {
    const first = children.find((k) => k.kind !== 'comment');
    if (first?.kind === 'atom' && first.symbol) head = first.text;
  }
  return { coll, openCol, isList, head, indexInParent, parent, breaks, cols: [] };
}

/** Whether a child starts a new line: the author broke the line, or a line comment came before it. */
function startsLine(k: Node, prev: Node | undefined): boolean {
  return prev !== undefined && (prev.kind === 'comment' || k.gap.newlines > 0);
}

/** Prints the children of a collection (or the document), and the line breaks and spaces between them. */
function sequence(children: Node[], f: Frame, w: Writer, top?: TopSpan[]): void {
  let ix = 0; // the element index the next element gets
  let prev: Node | undefined;
  for (const k of children) {
    if (prev !== undefined) {
      const afterComment = prev.kind === 'comment';
      if (k.gap.comma && !afterComment) w.text(',');
      if (startsLine(k, prev)) w.newline(k.gap.newlines >= 2, indentFor(f, ix));
      else w.text(' ');
    }
    const element = k.kind !== 'comment' && !isDiscard(k);
    if (element) f.cols[ix] = w.col;
    const outStart = w.length;
    node(k, f, ix, w);
    top?.push({ inStart: k.start, inEnd: k.end, outStart, outEnd: w.length, gapNewlines: k.gap.newlines });
    if (element) ix++;
    prev = k;
  }
  // A closing bracket cannot share the line of a comment.
  if (f.coll && prev?.kind === 'comment') w.newline(false, indentFor(f, ix));
}

function node(k: Node, f: Frame, ix: number, w: Writer): void {
  switch (k.kind) {
    case 'atom': w.text(k.text); return;
    case 'comment': w.text(k.text.trimEnd()); return;
    case 'coll': {
      const inner = frame(k, w.col, k.children, ix, f);
      w.text(k.open);
      sequence(k.children, inner, w);
      w.text(k.close);
      return;
    }
    case 'prefix': {
      // The reader macro and its form(s) keep their adjacency: `'x` stays
      // tight and `~ @x` keeps the space that makes it unquote of a deref
      // rather than unquote-splicing. A line broken inside it (`^:private⏎x`)
      // is indented as the whole prefixed form would be.
      w.text(k.op);
      let prev: Node | undefined;
      for (const p of k.parts) {
        if (prev?.kind === 'comment' || p.gap.newlines > 0) w.newline(p.gap.newlines >= 2, indentFor(f, ix));
        else if (p.gap.any) w.text(' ');
        node(p, f, ix, w);
        prev = p;
      }
    }
  }
}

/**
 * The column for an element (or comment, or closing bracket) that starts a
 * line, at element index ix of f. cljfmt's rules:
 * - the document: column 0;
 * - a vector, map or set: under its first element;
 * - a list whose head has a block or inner rule: see indent-rules.ts;
 *   "indent 2" is 2 from the open paren (3 for `#(`, so under the head + 1);
 * - any other list (a call): with the first argument on the head's line,
 *   later arguments align under it; otherwise they indent 1, under the head.
 */
function indentFor(f: Frame, ix: number): number {
  if (!f.coll) return 0;
  const width = f.coll.open.length;
  if (!f.isList) return f.openCol + width;
  const body = f.openCol + width + 1;
  const call = () => (ix > 1 && f.cols[1] !== undefined ? f.cols[1] : f.openCol + width);
  const own = f.head !== undefined ? rulesFor(f.head) : undefined;
  for (const r of own ?? []) {
    if (r.kind === 'block') {
      const next = f.breaks[r.index + 1];
      return (next === undefined || next) && ix > r.index ? body : call();
    }
    if (r.depth === 0) return body;
  }
  // A rule of an enclosing form can reach into this list (letfn's function specs).
  let child = f;
  for (let anc = f.parent, depth = 1; anc?.coll && depth <= 2; child = anc, anc = anc.parent, depth++) {
    if (!anc.isList || anc.head === undefined) continue;
    for (const r of rulesFor(anc.head) ?? []) {
      if (r.kind === 'inner' && r.depth === depth && (r.index === undefined || child.indexInParent === r.index + 1)) return body;
    }
  }
  return call();
}
