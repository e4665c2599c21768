// read(): source text -> forms + diagnostics. Never throws. After an error
// it keeps going, so a broken form does not hide the forms after it, and a
// list that is never closed still yields its children (the language server
// needs forms for half-typed code).
//
// Chevrotain's lexer makes the tokens; the forms are built from the token
// vector by a recursive descent that follows the grammar in parser.ts rule
// for rule (see `Reader`). Building Chevrotain's CST and then visiting it
// cost about twice as much, most of it in allocation (doc/performance.md,
// "The reader"; bench/read.ts).
import type { IToken } from 'chevrotain';
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import * as T from './lexer.js';
import { glialexer } from './lexer.js';
import { findTooDeep, blank, MAX_DIAGNOSTICS, MAX_SOURCE_CHARS, MAX_NUMBER_CHARS, MAX_STRING_CHARS } from './limits.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { type Span, setSpan } from '../span.js';
import { kw, Keyword } from '../values/keyword.js';
import { Sym, sym } from '../values/symbol.js';
import { hexToBytes } from '../values/bytes.js';
import { prStr } from '../values/printer.js';
import { metaOf, setMeta } from '../values/meta.js';
import { expandAnonFn } from '../expand/anon-fn.js';

export interface ReadResult {
  forms: any[];
  diagnostics: Diagnostic[];
  /** Comment tokens, for the formatter and the language server. */
  comments: IToken[];
}

const NOTHING = Symbol('nothing');

export function read(source: string, file = '<input>'): ReadResult {
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => {
    if (diagnostics.length < MAX_DIAGNOSTICS) diagnostics.push(d);
    else if (diagnostics.length === MAX_DIAGNOSTICS) {
      diagnostics.push(diagnostic('read/bad-token', d.span, `too many read errors; stopping after ${MAX_DIAGNOSTICS}`));
    }
  };
  if (source.length > MAX_SOURCE_CHARS) {
    report(diagnostic('read/too-large', pointSpan(file, 1, 1, 0),
      `input is ${source.length} characters; the reader accepts at most ${MAX_SOURCE_CHARS}`));
    return { forms: [], diagnostics, comments: [] };
  }
  const deep = findTooDeep(source);
  for (const r of deep) {
    const { line, col } = lineColAt(source, r.depthAt);
    report(diagnostic('read/too-deep', pointSpan(file, line, col, r.depthAt),
      'forms nest too deeply; this top-level form was skipped',
      'flatten the data, or build it with code instead of a literal'));
  }
  const text = blank(source, deep);
  const lexed = glialexer.tokenize(text);
  const comments = (lexed.groups['comments'] ?? []) as IToken[];
  let forms: any[];
  const before = diagnostics.length;
  try {
    forms = new Reader(file, report, lexed.tokens).document();
  } catch (e) {
    // The bracket pre-scan bounds ordinary nesting; long chains of reader
    // macros (''''…x, @@@@…x) nest too, and land here instead of crashing.
    // Nothing of the input is read then, so what the reader said of it so
    // far is dropped too.
    if (!(e instanceof RangeError)) throw e;
    diagnostics.length = before;
    report(diagnostic('read/too-deep', pointSpan(file, 1, 1, 0), 'the input nests too deeply to read (for example a long chain of reader macros)',
      'split it into smaller forms'));
    forms = [];
  }
  diagnostics.sort((a, b) => a.span.offset - b.span.offset);
  return { forms, diagnostics, comments };
}

function lineColAt(src: string, offset: number): { line: number; col: number } {
  let line = 1, last = -1;
  for (let i = 0; i < offset; i++) if (src.charCodeAt(i) === 10) { line++; last = i; }
  return { line, col: offset - last };
}

export function pointSpan(file: string, line: number, col: number, offset: number): Span {
  return { file, line, col, endLine: line, endCol: col + 1, offset, endOffset: offset + 1 };
}

function tokenSpan(file: string, t: IToken): Span {
  return {
    file, line: t.startLine!, col: t.startColumn!,
    endLine: t.endLine!, endCol: t.endColumn! + 1,
    offset: t.startOffset, endOffset: t.endOffset! + 1,
  };
}

/** From the start of `a` to the end of `b`. */
function rangeSpan(file: string, a: IToken, b: IToken): Span {
  return {
    file, line: a.startLine!, col: a.startColumn!,
    endLine: b.endLine!, endCol: b.endColumn! + 1,
    offset: a.startOffset, endOffset: b.endOffset! + 1,
  };
}

// Token kinds, by Chevrotain's token type index (one switch per token).
const LPAREN = T.LParen.tokenTypeIdx!, LBRACKET = T.LBracket.tokenTypeIdx!, LBRACE = T.LBrace.tokenTypeIdx!;
const SET_OPEN = T.SetOpen.tokenTypeIdx!, ANON_FN_OPEN = T.AnonFnOpen.tokenTypeIdx!;
const RPAREN = T.RParen.tokenTypeIdx!, RBRACKET = T.RBracket.tokenTypeIdx!, RBRACE = T.RBrace.tokenTypeIdx!;
const QUOTE = T.Quote.tokenTypeIdx!, SYNTAX_QUOTE = T.SyntaxQuote.tokenTypeIdx!, UNQUOTE = T.Unquote.tokenTypeIdx!;
const UNQUOTE_SPLICING = T.UnquoteSplicing.tokenTypeIdx!, DEREF = T.Deref.tokenTypeIdx!, DISCARD = T.Discard.tokenTypeIdx!;
const META = T.Meta.tokenTypeIdx!, BYTES_TAG = T.BytesTag.tokenTypeIdx!;
const NUM = T.Num.tokenTypeIdx!, STR = T.Str.tokenTypeIdx!, UNTERMINATED_STR = T.UnterminatedStr.tokenTypeIdx!;
const KW = T.Kw.tokenTypeIdx!, SYM = T.Sym.tokenTypeIdx!, SYMBOLIC_VALUE = T.SymbolicValue.tokenTypeIdx!;
const BAD_DISPATCH = T.BadDispatch.tokenTypeIdx!;

const enum Coll { List, Vector, Map, Set, AnonFn }
const OPEN_NAMES = ['(', '[', '{', '#{', '#('];
const CLOSE_FOR = [')', ']', '}', '}', ')'];
const PREFIX_HEAD: Record<string, string> = { "'": 'quote', '`': 'syntax-quote', '~': 'unquote', '~@': 'unquote-splicing', '@': 'deref' };
const PREFIX_WHAT: Record<string, string> = {
  "'": "quote (')", '`': 'syntax-quote (`)', '~': 'unquote (~)', '~@': 'unquote-splicing (~@)', '@': 'deref (@)', '#_': 'discard (#_)',
};

function isCloser(t: IToken): boolean {
  const k = t.tokenTypeIdx;
  return k === RPAREN || k === RBRACKET || k === RBRACE;
}

/**
 * Builds forms straight from the token vector, one function per rule of
 * the grammar in parser.ts (which glia/test/grammar.test.ts keeps LL(1)
 * and unambiguous): `document`, `form`, the five collections, `prefixed`,
 * `meta`, `bytes`. Every token that is not a closer starts a form, so it
 * never fails; what is wrong is reported where it is met, in source order.
 *
 * Two rules look past the form at hand: a `#_` whose form is itself a `#_`
 * discards one more sibling (`pending`), and the metadata of a `^` with no
 * target is not reported at all. The metadata's diagnostics are held until
 * its target is seen (`held`).
 */
class Reader {
  private i = 0;
  /** `#_ #_ a b` discards both a and b: each extra #_ claims one more sibling. */
  private pending = 0;
  /** Diagnostics held back until it is known whether they count (see `meta`). */
  private held: Diagnostic[] | null = null;

  constructor(private readonly file: string, private readonly report: (d: Diagnostic) => void, private readonly toks: IToken[]) {}

  private say(d: Diagnostic): void {
    if (this.held) this.held.push(d);
    else this.report(d);
  }

  document(): any[] {
    const out: any[] = [];
    const toks = this.toks;
    while (this.i < toks.length) {
      const t = toks[this.i]!;
      if (isCloser(t)) {
        this.i++;
        this.say(diagnostic('read/unexpected-close', tokenSpan(this.file, t),
          `unexpected '${t.image}' with no opening bracket`, 'remove it, or add the opening bracket it belongs to'));
        continue;
      }
      if (this.pending > 0) { this.pending--; this.skip(); continue; }
      const f = this.form();
      if (f !== NOTHING) out.push(f);
    }
    this.pending = 0;
    return out;
  }

  /** Is a form next (a token that is not a closer)? */
  private formNext(): boolean {
    const t = this.toks[this.i];
    return t !== undefined && !isCloser(t);
  }

  /**
   * Reads a discarded form: it claims no siblings, and its read errors are
   * reported like any other (Clojure's reader fails on `#_ #_ a (` too; the
   * formatter, which keeps discarded forms, relies on it).
   */
  private skip(): void {
    const pending = this.pending;
    this.form();
    this.pending = pending;
  }

  private form(): any {
    const t = this.toks[this.i++]!;
    switch (t.tokenTypeIdx) {
      case LPAREN: return this.collection(Coll.List, t);
      case LBRACKET: return this.collection(Coll.Vector, t);
      case LBRACE: return this.collection(Coll.Map, t);
      case SET_OPEN: return this.collection(Coll.Set, t);
      case ANON_FN_OPEN: return this.collection(Coll.AnonFn, t);
      case QUOTE: case SYNTAX_QUOTE: case UNQUOTE: case UNQUOTE_SPLICING: case DEREF: case DISCARD: return this.prefixed(t);
      case META: return this.meta(t);
      case BYTES_TAG: return this.bytes(t);
      default: return this.token(t);
    }
  }

  private collection(kind: Coll, open: IToken): any {
    const toks = this.toks;
    const items: any[] = [];
    // Token ranges of the items, for the diagnostics of maps and sets.
    const ranges: number[] | null = kind === Coll.Map || kind === Coll.Set ? [] : null;
    const saved = this.pending;
    this.pending = 0;
    while (this.formNext()) {
      if (this.pending > 0) { this.pending--; this.skip(); continue; }
      const first = this.i;
      const v = this.form();
      if (v !== NOTHING) { items.push(v); ranges?.push(first, this.i - 1); }
    }
    this.pending = saved;
    const closeTok = this.i < toks.length ? toks[this.i++] : undefined;
    const sp = rangeSpan(this.file, open, toks[this.i - 1]!);
    const want = CLOSE_FOR[kind]!;
    if (!closeTok) {
      this.say(diagnostic('read/unclosed', tokenSpan(this.file, open),
        `'${OPEN_NAMES[kind]}' is never closed`, `add '${want}' where the form ends`));
    } else if (closeTok.image !== want) {
      this.say(diagnostic('read/mismatched-close', tokenSpan(this.file, closeTok),
        `'${closeTok.image}' closes '${OPEN_NAMES[kind]}' (opened at line ${open.startLine}, column ${open.startColumn})`,
        `use '${want}' here`));
    }
    const itemSpan = (k: number): Span => rangeSpan(this.file, toks[ranges![2 * k]!]!, toks[ranges![2 * k + 1]!]!);
    switch (kind) {
      case Coll.List: return setSpan(Stack(items), sp);
      case Coll.Vector: return setSpan(List(items), sp);
      case Coll.Map: {
        if (items.length % 2 !== 0) {
          this.say(diagnostic('read/odd-map', itemSpan(items.length - 1), `map literal has ${items.length} form${items.length === 1 ? '' : 's'}; the key ${prStr(items[items.length - 1])} has no value`,
            'add the missing value, or remove the extra key'));
          items.pop();
        }
        const m = IMap<any, any>().asMutable();
        for (let i = 0; i < items.length; i += 2) {
          if (m.has(items[i])) {
            this.say(diagnostic('read/duplicate-key', itemSpan(i), `duplicate key ${prStr(items[i])} in map literal`));
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
          if (s.has(it)) this.say(diagnostic('read/duplicate-set', itemSpan(i), `duplicate element ${prStr(it)} in set literal`));
          else s.add(it);
        }
        return setSpan(s.asImmutable(), sp);
      }
      case Coll.AnonFn: {
        const r = expandAnonFn(items, sp);
        if (r.error) this.say(diagnostic('read/bad-anon-fn', sp, r.error));
        return r.form;
      }
    }
  }

  private prefixed(op: IToken): any {
    if (!this.formNext()) {
      this.say(diagnostic('read/missing-form', tokenSpan(this.file, op), `${PREFIX_WHAT[op.image] ?? op.image} must be followed by a form`));
      return NOTHING;
    }
    if (op.tokenTypeIdx === DISCARD) {
      const innerIsDiscard = this.toks[this.i]!.tokenTypeIdx === DISCARD;
      this.form(); // read it for its diagnostics, then drop it
      if (innerIsDiscard) this.pending++;
      return NOTHING;
    }
    const inner = this.form();
    if (inner === NOTHING) return NOTHING;
    const sp = rangeSpan(this.file, op, this.toks[this.i - 1]!);
    return setSpan(Stack([setSpan(sym(PREFIX_HEAD[op.image]!), tokenSpan(this.file, op)), inner]), sp);
  }

  private meta(caret: IToken): any {
    const toks = this.toks;
    if (!this.formNext()) {
      this.say(diagnostic('read/missing-form', tokenSpan(this.file, caret), "'^' must be followed by metadata and then a form"));
      return NOTHING;
    }
    // The metadata's own diagnostics count only if a target follows.
    const outer = this.held;
    const held: Diagnostic[] = [];
    this.held = held;
    const pending = this.pending;
    const metaFirst = this.i;
    const m = this.form();
    const metaLast = this.i - 1;
    this.held = outer;
    if (!this.formNext()) {
      this.pending = pending;
      this.say(diagnostic('read/missing-form', rangeSpan(this.file, caret, toks[metaLast]!), "'^' must be followed by metadata and then a form"));
      return NOTHING;
    }
    for (const d of held) this.say(d);
    const target = this.form();
    let mm: IMap<any, any> | null = null;
    if (IMap.isMap(m)) mm = m as IMap<any, any>;
    else if (m instanceof Sym || typeof m === 'string') mm = IMap([[kw('tag'), m]]);
    else if (m instanceof Keyword) mm = IMap([[m, true]]);
    if (!mm) {
      this.say(diagnostic('read/bad-metadata', rangeSpan(this.file, toks[metaFirst]!, toks[metaLast]!), 'metadata must be a map, keyword, symbol or string'));
      return target;
    }
    if (target === NOTHING) return NOTHING;
    if (typeof target !== 'object' || target === null || (target as any).size === 0) return target;
    const prev = metaOf(target);
    return setMeta(target, prev ? prev.merge(mm) : mm);
  }

  private bytes(tag: IToken): any {
    const next = this.toks[this.i];
    const s = next !== undefined && next.tokenTypeIdx === STR ? next : undefined;
    if (s) this.i++;
    const sp = rangeSpan(this.file, tag, s ?? tag);
    if (!s) { this.say(diagnostic('read/bad-bytes', sp, '#bytes must be followed by a hex string')); return NOTHING; }
    const hex = this.string(s);
    const b = typeof hex === 'string' ? hexToBytes(hex) : null;
    if (!b) { this.say(diagnostic('read/bad-bytes', sp, '#bytes string must hold pairs of hex digits', 'for example #bytes "00ff"')); return NOTHING; }
    return b;
  }

  private token(t: IToken): any {
    switch (t.tokenTypeIdx) {
      case NUM: return this.number(t);
      case STR: return this.string(t);
      case UNTERMINATED_STR:
        this.say(diagnostic('read/unterminated-string', tokenSpan(this.file, t), 'string is not closed', 'add a closing "'));
        return NOTHING;
      case KW: {
        const body = t.image.slice(1);
        if (body === '' || body.startsWith(':') || body.endsWith('/') || body.startsWith('/')) {
          this.say(diagnostic('read/bad-token', tokenSpan(this.file, t), `invalid keyword '${t.image}'`,
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
          this.say(diagnostic('read/bad-token', tokenSpan(this.file, t), `invalid symbol '${x}'`));
          return NOTHING;
        }
        return setSpan(sym(x), tokenSpan(this.file, t));
      }
      case SYMBOLIC_VALUE: {
        const v = t.image === '##Inf' ? Infinity : t.image === '##-Inf' ? -Infinity : t.image === '##NaN' ? NaN : undefined;
        if (v === undefined) {
          this.say(diagnostic('read/bad-token', tokenSpan(this.file, t), `unknown symbolic value '${t.image}'`, 'use ##Inf, ##-Inf or ##NaN'));
          return NOTHING;
        }
        return v;
      }
      case BAD_DISPATCH:
        this.say(diagnostic('read/bad-token', tokenSpan(this.file, t), `unknown dispatch '${t.image.slice(0, 20)}'`,
          'Glia reads #{...} sets, #(...) functions, #_ discards and #bytes "hex"; regexes and tagged literals are not supported'));
        return NOTHING;
      default: {
        const ch = t.image;
        const hint = ch === '\\' ? 'Glia has no character literals; use a one-character string such as "a"' : undefined;
        const shown = /^[\x20-\x7e]$/.test(ch) ? `'${ch}'` : `U+${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
        this.say(diagnostic('read/bad-token', tokenSpan(this.file, t), `unexpected character ${shown}`, hint));
        return NOTHING;
      }
    }
  }

  private number(t: IToken): any {
    if (t.image.length > MAX_NUMBER_CHARS) {
      this.say(diagnostic('read/bad-number', tokenSpan(this.file, t), `number literal is ${t.image.length} characters long; the reader accepts at most ${MAX_NUMBER_CHARS}`,
        'build very large numbers with code, or keep them as strings'));
      return NOTHING;
    }
    const v = parseNumber(t.image);
    if (v === undefined) {
      this.say(diagnostic('read/bad-number', tokenSpan(this.file, t), `invalid number '${t.image.slice(0, 40)}'`,
        'numbers look like 42, -7, 2.5, 1e10, .5, 0xff or 42N'));
      return NOTHING;
    }
    return v;
  }

  private string(t: IToken): any {
    if (t.image.length - 2 > MAX_STRING_CHARS) {
      this.say(diagnostic('read/too-large', tokenSpan(this.file, t), `string literal is ${t.image.length - 2} characters; the reader accepts at most ${MAX_STRING_CHARS}`,
        'keep large text in a file and read it with (load-string "path")'));
      return NOTHING;
    }
    const r = unescape(t.image.slice(1, -1));
    if (typeof r !== 'string') {
      const sp = tokenSpan(this.file, t);
      const at = { ...sp, col: sp.col + 1 + r.at, offset: sp.offset + 1 + r.at, endCol: sp.col + 3 + r.at, endOffset: sp.offset + 3 + r.at };
      this.say(diagnostic('read/bad-escape', at, `unknown escape '\\${r.ch}' in string`,
        'the escapes are \\n \\t \\r \\" \\\\ and \\uXXXX'));
      return NOTHING;
    }
    return r;
  }
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

