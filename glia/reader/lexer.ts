// Tokens of Glia source. The lexer never fails: anything that cannot start
// a token becomes an `Unknown` token, which the parser turns into a
// read/bad-token diagnostic, so one stray byte does not hide the rest.
import { createToken, Lexer, type TokenType } from 'chevrotain';

// Characters that end a symbol, keyword or number.
const DELIM = String.raw`\s,;()\[\]{}"` + '`' + String.raw`~^@\\`;

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[\s,]+/, group: Lexer.SKIPPED, line_breaks: true });
export const Comment = createToken({ name: 'Comment', pattern: /;[^\n\r]*/, group: 'comments' });
export const Str = createToken({ name: 'Str', pattern: /"(?:[^"\\]|\\[\s\S])*"/, line_breaks: true });
export const UnterminatedStr = createToken({ name: 'UnterminatedStr', pattern: /"(?:[^"\\]|\\[\s\S])*/, line_breaks: true });
export const LParen = createToken({ name: 'LParen', pattern: '(' });
export const RParen = createToken({ name: 'RParen', pattern: ')' });
export const LBracket = createToken({ name: 'LBracket', pattern: '[' });
export const RBracket = createToken({ name: 'RBracket', pattern: ']' });
export const LBrace = createToken({ name: 'LBrace', pattern: '{' });
export const RBrace = createToken({ name: 'RBrace', pattern: '}' });
export const SetOpen = createToken({ name: 'SetOpen', pattern: '#{' });
export const AnonFnOpen = createToken({ name: 'AnonFnOpen', pattern: '#(' });
export const Discard = createToken({ name: 'Discard', pattern: '#_' });
export const BytesTag = createToken({ name: 'BytesTag', pattern: /#bytes(?![^\s,;()\[\]{}"])/ });
export const SymbolicValue = createToken({ name: 'SymbolicValue', pattern: /##[^\s,;()\[\]{}"]*/ });
// Any other dispatch (`#foo`, `#"re"`, a lone `#`) is one bad token.
export const BadDispatch = createToken({ name: 'BadDispatch', pattern: /#[^\s,;()\[\]{}"]*/ });
export const Quote = createToken({ name: 'Quote', pattern: "'" });
export const SyntaxQuote = createToken({ name: 'SyntaxQuote', pattern: '`' });
export const UnquoteSplicing = createToken({ name: 'UnquoteSplicing', pattern: '~@' });
export const Unquote = createToken({ name: 'Unquote', pattern: '~' });
export const Deref = createToken({ name: 'Deref', pattern: '@' });
export const Meta = createToken({ name: 'Meta', pattern: '^' });
// A number starts with a digit, or a sign or dot followed by a digit. The
// whole run of constituent characters is one token, so `12abc` is one bad
// number rather than a number and a symbol.
export const Num = createToken({ name: 'Num', pattern: new RegExp(`[+-]?\\.?\\d[^${DELIM}]*`) });
export const Kw = createToken({ name: 'Kw', pattern: new RegExp(`:[^${DELIM}]*`) });
// Chevrotain picks the patterns to try by a token's first character, but it
// cannot work out the first characters of a pattern that starts with a
// negated set: these two say theirs (a superset is enough), or every token
// would try every pattern in turn.
export const Sym = createToken({ name: 'Sym', pattern: new RegExp(`[^${DELIM}#:\\d'][^${DELIM}]*`), start_chars_hint: startChars(' \t\n\r,;()[]{}"`~^@\\#:\'0123456789') });
export const Unknown = createToken({ name: 'Unknown', pattern: /[\s\S]/, line_breaks: true, start_chars_hint: startChars('') });

/**
 * Char codes a token may start with: every code below 256 but those in
 * `except`, and one code in each of Chevrotain's buckets of 255 above that
 * (it tries a bucket's patterns for any character in it).
 */
function startChars(except: string): number[] {
  const out: number[] = [];
  for (let c = 0; c < 256; c++) if (!except.includes(String.fromCharCode(c))) out.push(c);
  let bucket = -1;
  for (let c = 256; c < 65536; c++) if (~~(c / 255) !== bucket) { bucket = ~~(c / 255); out.push(c); }
  return out;
}

export const allTokens: TokenType[] = [
  WhiteSpace, Comment, Str, UnterminatedStr,
  SetOpen, AnonFnOpen, Discard, BytesTag, SymbolicValue, BadDispatch,
  LParen, RParen, LBracket, RBracket, LBrace, RBrace,
  UnquoteSplicing, Unquote, Quote, SyntaxQuote, Deref, Meta,
  Num, Kw, Sym, Unknown,
];

export const closers: TokenType[] = [RParen, RBracket, RBrace];

export const glialexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true });
