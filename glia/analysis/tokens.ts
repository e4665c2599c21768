// The tokens of a source text with their kinds and offsets, for editors:
// semantic highlighting, folding of comment blocks, and finding the word at
// the cursor. The same lexer the reader uses, so an editor colours exactly
// what the reader reads.
import type { IToken } from 'chevrotain';
import { glialexer } from '../reader/lexer.js';
import { MAX_SOURCE_CHARS } from '../reader/limits.js';

export type TokenKind =
  | 'comment' | 'string' | 'number' | 'keyword' | 'symbol' | 'open' | 'close'
  /** ' ` ~ ~@ @ ^ #_ and #bytes */
  | 'macro-char'
  /** ##Inf, ##-Inf, ##NaN */
  | 'constant'
  | 'bad';

export interface SourceToken {
  kind: TokenKind;
  /** Offsets into the text; end exclusive. */
  offset: number;
  end: number;
  text: string;
}

const KIND: Record<string, TokenKind> = {
  Comment: 'comment', Str: 'string', UnterminatedStr: 'string', Num: 'number', Kw: 'keyword', Sym: 'symbol',
  LParen: 'open', LBracket: 'open', LBrace: 'open', SetOpen: 'open', AnonFnOpen: 'open',
  RParen: 'close', RBracket: 'close', RBrace: 'close',
  Quote: 'macro-char', SyntaxQuote: 'macro-char', Unquote: 'macro-char', UnquoteSplicing: 'macro-char',
  Deref: 'macro-char', Meta: 'macro-char', Discard: 'macro-char', BytesTag: 'macro-char',
  SymbolicValue: 'constant', BadDispatch: 'bad', Unknown: 'bad',
};

/** All tokens, comments included, in order. Never throws; text past the reader's size limit gives none. */
export function tokenize(source: string): SourceToken[] {
  if (source.length > MAX_SOURCE_CHARS) return [];
  const lexed = glialexer.tokenize(source);
  const comments = (lexed.groups['comments'] ?? []) as IToken[];
  const all: IToken[] = comments.length ? [...lexed.tokens, ...comments].sort((a, b) => a.startOffset - b.startOffset) : lexed.tokens;
  const out: SourceToken[] = [];
  for (const t of all) {
    const kind = KIND[t.tokenType.name] ?? 'bad';
    out.push({ kind, offset: t.startOffset, end: t.startOffset + t.image.length, text: t.image });
  }
  return out;
}
