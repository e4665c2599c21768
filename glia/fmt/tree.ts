// A lossless syntax tree for the formatter. The reader (glia/reader/read.ts)
// drops comments and whitespace; the formatter must keep every comment and
// `#_` form and every token exactly as written, so it builds its own small
// tree from the same Chevrotain lexer, with comments as nodes and, for every
// node, a summary of the whitespace that preceded it in the source.
//
// The tree is only built for source the reader read without diagnostics, so
// brackets balance and every reader macro has its form(s). Anything else is
// a bug in that promise and throws TreeError, which format.ts reports.
import type { IToken } from 'chevrotain';
import { glialexer } from '../reader/lexer.js';

/** The whitespace (spaces, commas, line breaks) between a node and the token before it. */
export interface Gap {
  /** Line breaks in it: \n, \r\n and a lone \r each count one. */
  newlines: number;
  /** True when it holds a comma (commas are whitespace to the reader). */
  comma: boolean;
  /** False when the node touched the token before it: `'x`, `(a` . */
  any: boolean;
}

interface Base {
  gap: Gap;
  /** Source offsets of the node, end exclusive. */
  start: number;
  end: number;
}

/** A number, string, keyword, symbol (nil, true, false too) or ##Inf-style value. */
export interface Atom extends Base { kind: 'atom'; text: string; symbol: boolean }
/** A `;` comment, without its line break. */
export interface Comment extends Base { kind: 'comment'; text: string }
/** (...) [...] {...} #{...} #(...) */
export interface Coll extends Base { kind: 'coll'; open: string; close: string; children: Node[] }
/**
 * A reader macro and what it applies to: ' ` ~ ~@ @ #_ and #bytes take one
 * form, ^ takes two (metadata, then the target). `parts` holds those forms
 * and any comments written between them.
 */
export interface Prefix extends Base { kind: 'prefix'; op: string; parts: Node[] }

export type Node = Atom | Comment | Coll | Prefix;

export class TreeError extends Error {}

const OPENERS: Record<string, string> = { LParen: ')', LBracket: ']', LBrace: '}', SetOpen: '}', AnonFnOpen: ')' };
const PREFIX_ARITY: Record<string, number> = {
  Quote: 1, SyntaxQuote: 1, Unquote: 1, UnquoteSplicing: 1, Deref: 1, Discard: 1, BytesTag: 1, Meta: 2,
};
const CLOSERS = new Set(['RParen', 'RBracket', 'RBrace']);
const ATOMS = new Set(['Num', 'Str', 'Kw', 'Sym', 'SymbolicValue']);

/** True for a `#_` node: a form the reader skips. */
export function isDiscard(n: Node): boolean {
  return n.kind === 'prefix' && n.op === '#_';
}

/** Parses source (which must read cleanly) into its top-level nodes. */
export function buildTree(source: string): Node[] {
  const lexed = glialexer.tokenize(source);
  const comments = (lexed.groups['comments'] ?? []) as IToken[];
  const tokens = mergeByOffset(lexed.tokens, comments);
  let pos = 0;
  let prevEnd = 0;

  const gapBefore = (t: IToken): Gap => {
    const ws = source.slice(prevEnd, t.startOffset);
    return { newlines: countLineBreaks(ws), comma: ws.includes(','), any: ws.length > 0 };
  };
  const take = (): IToken => {
    const t = tokens[pos++];
    if (!t) throw new TreeError('unexpected end of input');
    return t;
  };
  const endOf = (t: IToken) => t.startOffset + t.image.length;

  const node = (): Node => {
    const t = take();
    const gap = gapBefore(t);
    prevEnd = endOf(t);
    const name = t.tokenType.name;
    if (name === 'Comment') return { kind: 'comment', text: t.image, gap, start: t.startOffset, end: prevEnd };
    if (ATOMS.has(name)) return { kind: 'atom', text: t.image, symbol: name === 'Sym', gap, start: t.startOffset, end: prevEnd };
    const close = OPENERS[name];
    if (close !== undefined) {
      const children: Node[] = [];
      for (;;) {
        const next = tokens[pos];
        if (!next) throw new TreeError(`'${t.image}' is never closed`);
        if (CLOSERS.has(next.tokenType.name)) {
          if (next.image !== close) throw new TreeError(`'${next.image}' does not close '${t.image}'`);
          pos++;
          prevEnd = endOf(next);
          return { kind: 'coll', open: t.image, close, children, gap, start: t.startOffset, end: prevEnd };
        }
        children.push(node());
      }
    }
    const arity = PREFIX_ARITY[name];
    if (arity !== undefined) {
      const parts: Node[] = [];
      let forms = 0;
      while (forms < arity) {
        const p = node();
        parts.push(p);
        if (p.kind !== 'comment') forms++;
      }
      return { kind: 'prefix', op: t.image, parts, gap, start: t.startOffset, end: prevEnd };
    }
    throw new TreeError(`token ${name} '${t.image.slice(0, 20)}' cannot be formatted`);
  };

  const top: Node[] = [];
  while (pos < tokens.length) top.push(node());
  return top;
}

function mergeByOffset(a: IToken[], b: IToken[]): IToken[] {
  if (b.length === 0) return a;
  const out: IToken[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.startOffset < b[j]!.startOffset)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

export function countLineBreaks(ws: string): number {
  let n = 0;
  for (let i = 0; i < ws.length; i++) {
    const c = ws.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) { n++; if (ws.charCodeAt(i + 1) === 10) i++; }
  }
  return n;
}
