// The reader as it was before the hand-written parser (commit d71ed4f), kept
// for bench/read.ts (as the "old" column) and for the differential test
// test/property/reader-equivalence.test.ts. Not used by anything else.
// read(): source text -> forms + diagnostics. Never throws. After an error
// it keeps going, so a broken form does not hide the forms after it, and a
// list that is never closed still yields its children (the language server
// needs forms for half-typed code).
import type { CstNode, IToken } from 'chevrotain';
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import { glialexer } from './lexer.js';
import { parser } from './parser.js';
import { findTooDeep, blank, MAX_DIAGNOSTICS, MAX_SOURCE_CHARS, MAX_NUMBER_CHARS, MAX_STRING_CHARS } from '../../glia/reader/limits.js';
import { diagnostic, type Diagnostic } from '../../glia/diagnostics.js';
import { type Span, setSpan } from './span.js';
import { kw, Keyword } from '../../glia/values/keyword.js';
import { Sym, sym } from '../../glia/values/symbol.js';
import { hexToBytes } from '../../glia/values/bytes.js';
import { prStr } from '../../glia/values/printer.js';
import { metaOf, setMeta } from '../../glia/values/meta.js';
import { expandAnonFn } from './anon-fn.js';

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
  try {
    parser.input = lexed.tokens;
    const cst = (parser as any).document() as CstNode;
    for (const e of parser.errors) {
      const t = e.token;
      report(diagnostic('read/bad-token', tokenSpan(file, t), `cannot read here: ${e.message}`));
    }
    forms = new Visitor(file, report).document(cst);
  } catch (e) {
    // The bracket pre-scan bounds ordinary nesting; long chains of reader
    // macros (''''…x, @@@@…x) nest too, and land here instead of crashing.
    if (!(e instanceof RangeError)) throw e;
    parser.input = [];
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
  if (!t || Number.isNaN(t.startOffset)) return pointSpan(file, 1, 1, 0);
  return {
    file, line: t.startLine ?? 1, col: t.startColumn ?? 1,
    endLine: t.endLine ?? t.startLine ?? 1, endCol: (t.endColumn ?? t.startColumn ?? 1) + 1,
    offset: t.startOffset, endOffset: (t.endOffset ?? t.startOffset) + 1,
  };
}

function joinSpans(a: Span, b: Span): Span {
  return { ...a, endLine: b.endLine, endCol: b.endCol, endOffset: b.endOffset };
}

const OPEN_NAMES: Record<string, string> = { list: '(', vector: '[', map: '{', set: '#{', anonFn: '#(' };
const CLOSE_FOR: Record<string, string> = { list: ')', vector: ']', map: '}', set: '}', anonFn: ')' };

class Visitor {
  constructor(private readonly file: string, private readonly report: (d: Diagnostic) => void) {}

  document(node: CstNode): any[] {
    const out: any[] = [];
    const kids = allChildrenInOrder(node);
    for (const k of kids) {
      if (isToken(k)) continue;
      if (k.name === 'strayClose') {
        const t = firstToken(k)!;
        this.report(diagnostic('read/unexpected-close', tokenSpan(this.file, t),
          `unexpected '${t.image}' with no opening bracket`, 'remove it, or add the opening bracket it belongs to'));
        continue;
      }
      if (this.pendingDiscards > 0) { this.pendingDiscards--; this.discard(k); continue; }
      const f = this.form(k);
      if (f !== NOTHING) out.push(f);
    }
    this.pendingDiscards = 0;
    return out;
  }

  /** `#_ #_ a b` discards both a and b: each extra #_ claims one more sibling. */
  private pendingDiscards = 0;

  /**
   * A sibling claimed by a chained `#_`: read for its diagnostics only, claiming
   * no siblings itself. (Changed from the original, which did not read it at
   * all, with the reader it is the baseline of: `#_ #_ a (` must report the
   * unclosed list.)
   */
  private discard(f: CstNode): void {
    const saved = this.pendingDiscards;
    this.form(f);
    this.pendingDiscards = saved;
  }

  private span(node: CstNode | IToken): Span {
    if (isToken(node)) return tokenSpan(this.file, node);
    const l = node.location;
    if (l && !Number.isNaN(l.startOffset)) {
      return {
        file: this.file, line: l.startLine ?? 1, col: l.startColumn ?? 1,
        endLine: l.endLine ?? l.startLine ?? 1, endCol: (l.endColumn ?? l.startColumn ?? 1) + 1,
        offset: l.startOffset, endOffset: (l.endOffset ?? l.startOffset) + 1,
      };
    }
    return joinSpans(tokenSpan(this.file, firstToken(node)!), tokenSpan(this.file, lastToken(node)!));
  }

  form(node: CstNode): any {
    const c = node.children;
    const sub = (Object.values(c)[0] as any[])[0];
    if (isToken(sub)) return this.token(sub);
    switch (sub.name) {
      case 'list': case 'vector': case 'map': case 'set': case 'anonFn': return this.collection(sub);
      case 'prefixed': return this.prefixed(sub);
      case 'meta': return this.meta(sub);
      case 'bytes': return this.bytes(sub);
    }
    return NOTHING;
  }

  private children(node: CstNode, spans?: Span[]): any[] {
    const out: any[] = [];
    const saved = this.pendingDiscards;
    this.pendingDiscards = 0;
    for (const f of (node.children['form'] as CstNode[] | undefined) ?? []) {
      if (this.pendingDiscards > 0) { this.pendingDiscards--; this.discard(f); continue; }
      const v = this.form(f);
      if (v !== NOTHING) { out.push(v); spans?.push(this.span(f)); }
    }
    this.pendingDiscards = saved;
    return out;
  }

  private collection(node: CstNode): any {
    const open = (node.children['open'] as IToken[])[0]!;
    const closeTok = (node.children['close'] as IToken[] | undefined)?.[0];
    const itemSpans: Span[] = [];
    const items = this.children(node, itemSpans);
    const sp = this.span(node);
    const want = CLOSE_FOR[node.name]!;
    if (!closeTok) {
      this.report(diagnostic('read/unclosed', tokenSpan(this.file, open),
        `'${OPEN_NAMES[node.name]}' is never closed`, `add '${want}' where the form ends`));
    } else if (closeTok.image !== want) {
      this.report(diagnostic('read/mismatched-close', tokenSpan(this.file, closeTok),
        `'${closeTok.image}' closes '${OPEN_NAMES[node.name]}' (opened at line ${open.startLine}, column ${open.startColumn})`,
        `use '${want}' here`));
    }
    switch (node.name) {
      case 'list': return setSpan(Stack(items), sp);
      case 'vector': return setSpan(List(items), sp);
      case 'map': {
        if (items.length % 2 !== 0) {
          this.report(diagnostic('read/odd-map', itemSpans[items.length - 1] ?? sp, `map literal has ${items.length} form${items.length === 1 ? '' : 's'}; the key ${prStr(items[items.length - 1])} has no value`,
            'add the missing value, or remove the extra key'));
          items.pop();
        }
        let m = IMap<any, any>().asMutable();
        for (let i = 0; i < items.length; i += 2) {
          if (m.has(items[i])) {
            this.report(diagnostic('read/duplicate-key', itemSpans[i] ?? sp, `duplicate key ${prStr(items[i])} in map literal`));
            continue;
          }
          m.set(items[i], items[i + 1]);
        }
        return setSpan(m.asImmutable(), sp);
      }
      case 'set': {
        let s = ISet<any>().asMutable();
        items.forEach((it, i) => {
          if (s.has(it)) this.report(diagnostic('read/duplicate-set', itemSpans[i] ?? sp, `duplicate element ${prStr(it)} in set literal`));
          else s.add(it);
        });
        return setSpan(s.asImmutable(), sp);
      }
      case 'anonFn': {
        const r = expandAnonFn(items, sp);
        if (r.error) this.report(diagnostic('read/bad-anon-fn', sp, r.error));
        return r.form;
      }
    }
    return NOTHING;
  }

  private prefixed(node: CstNode): any {
    const op = (node.children['op'] as IToken[])[0]!;
    const formNode = (node.children['form'] as CstNode[] | undefined)?.[0];
    const sp = this.span(node);
    if (!formNode) {
      const what = ({ "'": "quote (')", '`': 'syntax-quote (`)', '~': 'unquote (~)', '~@': 'unquote-splicing (~@)', '@': 'deref (@)', '#_': 'discard (#_)' } as Record<string, string>)[op.image] ?? op.image;
      this.report(diagnostic('read/missing-form', tokenSpan(this.file, op), `${what} must be followed by a form`));
      return NOTHING;
    }
    if (op.image === '#_') {
      const innerSub = (Object.values(formNode.children)[0] as any[])[0];
      const innerIsDiscard = innerSub && !isToken(innerSub) && innerSub.name === 'prefixed' &&
        ((innerSub.children['op'] as IToken[])[0]!.image === '#_');
      this.form(formNode); // read it for its diagnostics, then drop it
      if (innerIsDiscard) this.pendingDiscards++;
      return NOTHING;
    }
    const inner = this.form(formNode);
    if (inner === NOTHING) return NOTHING;
    const head = { "'": 'quote', '`': 'syntax-quote', '~': 'unquote', '~@': 'unquote-splicing', '@': 'deref' }[op.image]!;
    return setSpan(Stack([setSpan(sym(head), tokenSpan(this.file, op)), inner]), sp);
  }

  private meta(node: CstNode): any {
    const metaNode = (node.children['meta'] as CstNode[] | undefined)?.[0];
    const targetNode = (node.children['target'] as CstNode[] | undefined)?.[0];
    const sp = this.span(node);
    if (!metaNode || !targetNode) {
      this.report(diagnostic('read/missing-form', sp, "'^' must be followed by metadata and then a form"));
      return targetNode ? this.form(targetNode) : NOTHING;
    }
    const m = this.form(metaNode);
    const target = this.form(targetNode);
    let mm: IMap<any, any> | null = null;
    if (IMap.isMap(m)) mm = m as IMap<any, any>;
    else if (m instanceof Sym || typeof m === 'string') mm = IMap([[kw('tag'), m]]);
    else if (m instanceof Keyword) mm = IMap([[m, true]]);
    if (!mm) {
      this.report(diagnostic('read/bad-metadata', this.span(metaNode), 'metadata must be a map, keyword, symbol or string'));
      return target;
    }
    if (target === NOTHING) return NOTHING;
    if (typeof target !== 'object' || target === null || (target as any).size === 0) return target;
    const prev = metaOf(target);
    return setMeta(target, prev ? prev.merge(mm) : mm);
  }

  private bytes(node: CstNode): any {
    const s = (node.children['Str'] as IToken[] | undefined)?.[0];
    const sp = this.span(node);
    if (!s) { this.report(diagnostic('read/bad-bytes', sp, '#bytes must be followed by a hex string')); return NOTHING; }
    const hex = this.string(s);
    const b = typeof hex === 'string' ? hexToBytes(hex) : null;
    if (!b) { this.report(diagnostic('read/bad-bytes', sp, '#bytes string must hold pairs of hex digits', 'for example #bytes "00ff"')); return NOTHING; }
    return b;
  }

  private token(t: IToken): any {
    const sp = tokenSpan(this.file, t);
    switch (t.tokenType.name) {
      case 'Num': return this.number(t, sp);
      case 'Str': return this.string(t);
      case 'UnterminatedStr':
        this.report(diagnostic('read/unterminated-string', sp, 'string is not closed', 'add a closing "'));
        return NOTHING;
      case 'Kw': {
        const body = t.image.slice(1);
        if (body === '' || body.startsWith(':') || body.endsWith('/') || body.startsWith('/')) {
          this.report(diagnostic('read/bad-token', sp, `invalid keyword '${t.image}'`,
            body.startsWith(':') ? 'auto-resolved keywords (::k) are not supported; write :ns/k' : undefined));
          return NOTHING;
        }
        return kw(body);
      }
      case 'Sym': {
        const x = t.image;
        if (x === 'nil') return null;
        if (x === 'true') return true;
        if (x === 'false') return false;
        if (x.length > 1 && (x.endsWith('/') || (x.startsWith('/') && x !== '/'))) {
          this.report(diagnostic('read/bad-token', sp, `invalid symbol '${x}'`));
          return NOTHING;
        }
        return setSpan(sym(x), sp);
      }
      case 'SymbolicValue': {
        const v = { '##Inf': Infinity, '##-Inf': -Infinity, '##NaN': NaN }[t.image];
        if (v === undefined) { this.report(diagnostic('read/bad-token', sp, `unknown symbolic value '${t.image}'`, 'use ##Inf, ##-Inf or ##NaN')); return NOTHING; }
        return v;
      }
      case 'BadDispatch':
        this.report(diagnostic('read/bad-token', sp, `unknown dispatch '${t.image.slice(0, 20)}'`,
          'Glia reads #{...} sets, #(...) functions, #_ discards and #bytes "hex"; regexes and tagged literals are not supported'));
        return NOTHING;
      default: {
        const ch = t.image;
        const hint = ch === '\\' ? 'Glia has no character literals; use a one-character string such as "a"' : undefined;
        const shown = /^[\x20-\x7e]$/.test(ch) ? `'${ch}'` : `U+${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
        this.report(diagnostic('read/bad-token', sp, `unexpected character ${shown}`, hint));
        return NOTHING;
      }
    }
  }

  private number(t: IToken, sp: Span): any {
    if (t.image.length > MAX_NUMBER_CHARS) {
      this.report(diagnostic('read/bad-number', sp, `number literal is ${t.image.length} characters long; the reader accepts at most ${MAX_NUMBER_CHARS}`,
        'build very large numbers with code, or keep them as strings'));
      return NOTHING;
    }
    const v = parseNumber(t.image);
    if (v === undefined) {
      this.report(diagnostic('read/bad-number', sp, `invalid number '${t.image.slice(0, 40)}'`,
        'numbers look like 42, -7, 2.5, 1e10, .5, 0xff or 42N'));
      return NOTHING;
    }
    return v;
  }

  private string(t: IToken): any {
    if (t.image.length - 2 > MAX_STRING_CHARS) {
      this.report(diagnostic('read/too-large', tokenSpan(this.file, t), `string literal is ${t.image.length - 2} characters; the reader accepts at most ${MAX_STRING_CHARS}`,
        'keep large text in a file and read it with (load-string "path")'));
      return NOTHING;
    }
    const r = unescape(t.image.slice(1, -1));
    if (typeof r !== 'string') {
      const sp = tokenSpan(this.file, t);
      const at = { ...sp, col: sp.col + 1 + r.at, offset: sp.offset + 1 + r.at, endCol: sp.col + 3 + r.at, endOffset: sp.offset + 3 + r.at };
      this.report(diagnostic('read/bad-escape', at, `unknown escape '\\${r.ch}' in string`,
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

function isToken(x: any): x is IToken { return x && typeof x.image === 'string'; }

function allChildrenInOrder(node: CstNode): Array<CstNode | IToken> {
  const all: Array<CstNode | IToken> = [];
  for (const arr of Object.values(node.children)) all.push(...(arr as any[]));
  return all.sort((a, b) => startOf(a) - startOf(b));
}

function startOf(x: CstNode | IToken): number {
  return isToken(x) ? x.startOffset : (x.location?.startOffset ?? firstToken(x)?.startOffset ?? 0);
}

function firstToken(node: CstNode): IToken | undefined {
  let best: IToken | undefined;
  for (const arr of Object.values(node.children)) for (const k of arr as any[]) {
    const t = isToken(k) ? k : firstToken(k);
    if (t && (!best || t.startOffset < best.startOffset)) best = t;
  }
  return best;
}

function lastToken(node: CstNode): IToken | undefined {
  let best: IToken | undefined;
  for (const arr of Object.values(node.children)) for (const k of arr as any[]) {
    const t = isToken(k) ? k : lastToken(k);
    if (t && (!best || t.startOffset > best.startOffset)) best = t;
  }
  return best;
}

