// What the grammar's actions build (parser.ts): a token's value, a
// collection from its items, metadata on a form, each with its diagnostics.
// The grammar says which tokens make a form; this file says what the form
// is. `NOTHING` stands for a form that is not there (a discard, or one whose
// error has been reported), which the collections leave out.
import type { IToken } from 'chevrotain';
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import * as T from './lexer.js';
import { MAX_NUMBER_CHARS, MAX_STRING_CHARS } from './limits.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { type Span, setSpan } from '../span.js';
import { kw, Keyword } from '../values/keyword.js';
import { Sym, sym } from '../values/symbol.js';
import { hexToBytes } from '../values/bytes.js';
import { prStr } from '../values/printer.js';
import { metaOf, setMeta } from '../values/meta.js';
import { expandAnonFn } from '../expand/anon-fn.js';

export const NOTHING = Symbol('nothing');

export type Say = (d: Diagnostic) => void;

export function pointSpan(file: string, line: number, col: number, offset: number): Span {
  return { file, line, col, endLine: line, endCol: col + 1, offset, endOffset: offset + 1 };
}

export function tokenSpan(file: string, t: IToken): Span {
  return {
    file, line: t.startLine!, col: t.startColumn!,
    endLine: t.endLine!, endCol: t.endColumn! + 1,
    offset: t.startOffset, endOffset: t.endOffset! + 1,
  };
}

/** From the start of `a` to the end of `b`. */
export function rangeSpan(file: string, a: IToken, b: IToken): Span {
  return {
    file, line: a.startLine!, col: a.startColumn!,
    endLine: b.endLine!, endCol: b.endColumn! + 1,
    offset: a.startOffset, endOffset: b.endOffset! + 1,
  };
}

// Token kinds, by Chevrotain's token type index (one switch per token).
const NUM = T.Num.tokenTypeIdx!, STR = T.Str.tokenTypeIdx!, UNTERMINATED_STR = T.UnterminatedStr.tokenTypeIdx!;
const KW = T.Kw.tokenTypeIdx!, SYM = T.Sym.tokenTypeIdx!, SYMBOLIC_VALUE = T.SymbolicValue.tokenTypeIdx!;
const BAD_DISPATCH = T.BadDispatch.tokenTypeIdx!;

export const enum Coll { List, Vector, Map, Set, AnonFn }
const OPEN_NAMES = ['(', '[', '{', '#{', '#('];
const CLOSE_FOR = [')', ']', '}', '}', ')'];
export const PREFIX_HEAD: Record<string, string> = { "'": 'quote', '`': 'syntax-quote', '~': 'unquote', '~@': 'unquote-splicing', '@': 'deref' };
const PREFIX_WHAT: Record<string, string> = {
  "'": "quote (')", '`': 'syntax-quote (`)', '~': 'unquote (~)', '~@': 'unquote-splicing (~@)', '@': 'deref (@)', '#_': 'discard (#_)',
};

export function strayClose(file: string, t: IToken, say: Say): void {
  say(diagnostic('read/unexpected-close', tokenSpan(file, t),
    `unexpected '${t.image}' with no opening bracket`, 'remove it, or add the opening bracket it belongs to'));
}

export function missingForm(file: string, op: IToken, say: Say): typeof NOTHING {
  say(diagnostic('read/missing-form', tokenSpan(file, op), `${PREFIX_WHAT[op.image] ?? op.image} must be followed by a form`));
  return NOTHING;
}

/** `'x` is `(quote x)`: the head symbol's span is the operator's, the list's covers both. */
export function prefixed(file: string, op: IToken, inner: any, last: IToken): any {
  if (inner === NOTHING) return NOTHING;
  return setSpan(Stack([setSpan(sym(PREFIX_HEAD[op.image]!), tokenSpan(file, op)), inner]), rangeSpan(file, op, last));
}

/**
 * The form of a collection, given its items and the token ranges of the
 * items (first and last token of each, for the diagnostics of maps and
 * sets). `close` is the token after the items: the closer, or undefined at
 * the end of input; `last` is the last token of the collection.
 */
export function collection(file: string, kind: Coll, open: IToken, items: any[], ranges: IToken[] | null, close: IToken | undefined, last: IToken, say: Say): any {
  const sp = rangeSpan(file, open, last);
  const want = CLOSE_FOR[kind]!;
  if (!close) {
    say(diagnostic('read/unclosed', tokenSpan(file, open),
      `'${OPEN_NAMES[kind]}' is never closed`, `add '${want}' where the form ends`));
  } else if (close.image !== want) {
    say(diagnostic('read/mismatched-close', tokenSpan(file, close),
      `'${close.image}' closes '${OPEN_NAMES[kind]}' (opened at line ${open.startLine}, column ${open.startColumn})`,
      `use '${want}' here`));
  }
  const itemSpan = (k: number): Span => rangeSpan(file, ranges![2 * k]!, ranges![2 * k + 1]!);
  switch (kind) {
    case Coll.List: return setSpan(Stack(items), sp);
    case Coll.Vector: return setSpan(List(items), sp);
    case Coll.Map: {
      if (items.length % 2 !== 0) {
        say(diagnostic('read/odd-map', itemSpan(items.length - 1), `map literal has ${items.length} form${items.length === 1 ? '' : 's'}; the key ${prStr(items[items.length - 1])} has no value`,
          'add the missing value, or remove the extra key'));
        items.pop();
      }
      const m = IMap<any, any>().asMutable();
      for (let i = 0; i < items.length; i += 2) {
        if (m.has(items[i])) {
          say(diagnostic('read/duplicate-key', itemSpan(i), `duplicate key ${prStr(items[i])} in map literal`));
          continue;
        }
        m.set(items[i], items[i + 1]);
      }
      return setSpan(m.asImmutable(), sp);
    }
    case Coll.Set: {
      const s = ISet<any>().asMutable();
      for (let i = 0; i < items.length; i++) {
        const it = items[i];
        if (s.has(it)) say(diagnostic('read/duplicate-set', itemSpan(i), `duplicate element ${prStr(it)} in set literal`));
        else s.add(it);
      }
      return setSpan(s.asImmutable(), sp);
    }
    case Coll.AnonFn: {
      const r = expandAnonFn(items, sp);
      if (r.error) say(diagnostic('read/bad-anon-fn', sp, r.error));
      return r.form;
    }
  }
}

export function metaWithoutTarget(file: string, caret: IToken, last: IToken, say: Say): typeof NOTHING {
  say(diagnostic('read/missing-form', rangeSpan(file, caret, last), "'^' must be followed by metadata and then a form"));
  return NOTHING;
}

/** `^m target`: m (a map, or a keyword, symbol or string that stands for one) merged into target's metadata. */
export function withMeta(file: string, m: any, metaFirst: IToken, metaLast: IToken, target: any, say: Say): any {
  let mm: IMap<any, any> | null = null;
  if (IMap.isMap(m)) mm = m as IMap<any, any>;
  else if (m instanceof Sym || typeof m === 'string') mm = IMap([[kw('tag'), m]]);
  else if (m instanceof Keyword) mm = IMap([[m, true]]);
  if (!mm) {
    say(diagnostic('read/bad-metadata', rangeSpan(file, metaFirst, metaLast), 'metadata must be a map, keyword, symbol or string'));
    return target;
  }
  if (target === NOTHING) return NOTHING;
  if (typeof target !== 'object' || target === null || (target as any).size === 0) return target;
  const prev = metaOf(target);
  return setMeta(target, prev ? prev.merge(mm) : mm);
}

/** `#bytes "hex"`; `s` is the string token, if one follows the tag. */
export function bytes(file: string, tag: IToken, s: IToken | undefined, say: Say): any {
  const sp = rangeSpan(file, tag, s ?? tag);
  if (!s) { say(diagnostic('read/bad-bytes', sp, '#bytes must be followed by a hex string')); return NOTHING; }
  const hex = string(file, s, say);
  const b = typeof hex === 'string' ? hexToBytes(hex) : null;
  if (!b) { say(diagnostic('read/bad-bytes', sp, '#bytes string must hold pairs of hex digits', 'for example #bytes "00ff"')); return NOTHING; }
  return b;
}

/** The value of a one-token form: a number, string, keyword, symbol, nil, a boolean, ##Inf; or a bad token. */
export function atom(file: string, t: IToken, say: Say): any {
  switch (t.tokenTypeIdx) {
    case NUM: return number(file, t, say);
    case STR: return string(file, t, say);
    case UNTERMINATED_STR:
      say(diagnostic('read/unterminated-string', tokenSpan(file, t), 'string is not closed', 'add a closing "'));
      return NOTHING;
    case KW: {
      const body = t.image.slice(1);
      if (body === '' || body.startsWith(':') || body.endsWith('/') || body.startsWith('/')) {
        say(diagnostic('read/bad-token', tokenSpan(file, t), `invalid keyword '${t.image}'`,
          body.startsWith(':') ? 'auto-resolved keywords (::k) are not supported; write :ns/k' : undefined));
        return NOTHING;
      }
      return kw(body);
    }
    case SYM: {
      const x = t.image;
      if (x === 'nil') return null;
      if (x === 'true') return true;
      if (x === 'false') return false;
      if (x.length > 1 && (x.endsWith('/') || (x.startsWith('/') && x !== '/'))) {
        say(diagnostic('read/bad-token', tokenSpan(file, t), `invalid symbol '${x}'`));
        return NOTHING;
      }
      return setSpan(sym(x), tokenSpan(file, t));
    }
    case SYMBOLIC_VALUE: {
      const v = t.image === '##Inf' ? Infinity : t.image === '##-Inf' ? -Infinity : t.image === '##NaN' ? NaN : undefined;
      if (v === undefined) {
        say(diagnostic('read/bad-token', tokenSpan(file, t), `unknown symbolic value '${t.image}'`, 'use ##Inf, ##-Inf or ##NaN'));
        return NOTHING;
      }
      return v;
    }
    case BAD_DISPATCH:
      say(diagnostic('read/bad-token', tokenSpan(file, t), `unknown dispatch '${t.image.slice(0, 20)}'`,
        'Glia reads #{...} sets, #(...) functions, #_ discards and #bytes "hex"; regexes and tagged literals are not supported'));
      return NOTHING;
    default: {
      const ch = t.image;
      const hint = ch === '\\' ? 'Glia has no character literals; use a one-character string such as "a"' : undefined;
      const shown = /^[\x20-\x7e]$/.test(ch) ? `'${ch}'` : `U+${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
      say(diagnostic('read/bad-token', tokenSpan(file, t), `unexpected character ${shown}`, hint));
      return NOTHING;
    }
  }
}

function number(file: string, t: IToken, say: Say): any {
  if (t.image.length > MAX_NUMBER_CHARS) {
    say(diagnostic('read/bad-number', tokenSpan(file, t), `number literal is ${t.image.length} characters long; the reader accepts at most ${MAX_NUMBER_CHARS}`,
      'build very large numbers with code, or keep them as strings'));
    return NOTHING;
  }
  const v = parseNumber(t.image);
  if (v === undefined) {
    say(diagnostic('read/bad-number', tokenSpan(file, t), `invalid number '${t.image.slice(0, 40)}'`,
      'numbers look like 42, -7, 2.5, 1e10, .5, 0xff or 42N'));
    return NOTHING;
  }
  return v;
}

function string(file: string, t: IToken, say: Say): any {
  if (t.image.length - 2 > MAX_STRING_CHARS) {
    say(diagnostic('read/too-large', tokenSpan(file, t), `string literal is ${t.image.length - 2} characters; the reader accepts at most ${MAX_STRING_CHARS}`,
      'keep large text in a file and read it with (load-string "path")'));
    return NOTHING;
  }
  const r = unescape(t.image.slice(1, -1));
  if (typeof r !== 'string') {
    const sp = tokenSpan(file, t);
    const at = { ...sp, col: sp.col + 1 + r.at, offset: sp.offset + 1 + r.at, endCol: sp.col + 3 + r.at, endOffset: sp.offset + 3 + r.at };
    say(diagnostic('read/bad-escape', at, `unknown escape '\\${r.ch}' in string`,
      'the escapes are \\n \\t \\r \\" \\\\ and \\uXXXX'));
    return NOTHING;
  }
  return r;
}

const INT_RE = /^([+-]?)(\d+)(N?)$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]+)(N?)$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses a number token; undefined when it is not a valid number. */
export function parseNumber(text: string): number | bigint | undefined {
  let m = INT_RE.exec(text) ?? HEX_RE.exec(text);
  if (m) {
    const isHex = text.replace(/^[+-]/, '').startsWith('0x') || text.replace(/^[+-]/, '').startsWith('0X');
    const digits = isHex ? '0x' + m[2] : m[2]!;
    const big = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
    if (m[3] === 'N') return big;
    const n = Number(big);
    return Number.isSafeInteger(n) ? n : big;
  }
  if (FLOAT_RE.test(text)) return Number(text);
  return undefined;
}

function unescape(s: string): string | { at: number; ch: string } {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') { out += c; continue; }
    const e = s[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'u': {
        const hex = s.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return { at: i - 1, ch: 'u' + hex };
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      default: return { at: i - 1, ch: e ?? '' };
    }
  }
  return out;
}

