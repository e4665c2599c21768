// Strings, keywords, symbols and printing. Glia has no char type: a
// string of length one stands in for a character.
import type { Library } from './define.js';
import { Keyword, kw } from '../values/keyword.js';
import { Sym, sym } from '../values/symbol.js';
import { prStr, printStr, str } from '../values/printer.js';
import { fail } from '../values/errors.js';
import { typeName, describeValue } from './type.js';

export function needString(op: string, x: any): string {
  if (typeof x !== 'string') fail('type-mismatch', `${op} expects a string, got ${describeValue(x)}`, { value: x });
  return x;
}

/** Java-style format: %s %d %f %.Nf %x %o %e %b %c %% %n, with width and - + 0 flags. */
export function format(fmt: string, ...args: any[]): string {
  needString('format', fmt);
  let i = 0;
  return fmt.replace(/%([-+0 #]*)(\d+)?(?:\.(\d+))?([sdfxXoebBcn%])/g, (_m, flags: string, width: string, prec: string, conv: string) => {
    if (conv === '%') return '%';
    if (conv === 'n') return '\n';
    if (i >= args.length) fail('illegal-argument', `format string needs more arguments than the ${args.length} given`);
    const a = args[i++];
    let s: string;
    switch (conv) {
      case 's': s = str(a); if (prec) s = s.slice(0, Number(prec)); break;
      case 'd': {
        if (typeof a !== 'number' && typeof a !== 'bigint') fail('illegal-argument', `%d needs an integer, got ${prStr(a)}`);
        if (typeof a === 'number' && !Number.isInteger(a)) fail('illegal-argument', `%d needs an integer, got ${prStr(a)}`);
        s = a.toString();
        if (flags.includes('+') && !s.startsWith('-')) s = '+' + s;
        break;
      }
      case 'f': case 'e': {
        if (typeof a !== 'number' && typeof a !== 'bigint') fail('illegal-argument', `%${conv} needs a number, got ${prStr(a)}`);
        s = conv === 'f' ? Number(a).toFixed(prec ? Number(prec) : 6) : javaExponential(Number(a), prec ? Number(prec) : 6);
        if (flags.includes('+') && !s.startsWith('-')) s = '+' + s;
        break;
      }
      case 'x': case 'X': case 'o': {
        if (typeof a !== 'number' && typeof a !== 'bigint') fail('illegal-argument', `%${conv} needs an integer, got ${prStr(a)}`);
        s = a.toString(conv === 'o' ? 8 : 16);
        if (conv === 'X') s = s.toUpperCase();
        break;
      }
      case 'b': case 'B': s = String(a !== null && a !== false); break;
      case 'c': s = formatChar(a); break;
      default: s = str(a);
    }
    if (width && s.length < Number(width)) {
      const pad = Number(width) - s.length;
      if (flags.includes('-')) s = s + ' '.repeat(pad);
      else if (flags.includes('0') && /[dfxXoe]/.test(conv)) {
        const sign = /^[+-]/.test(s) ? s[0] : '';
        s = sign + '0'.repeat(pad) + s.slice(sign.length);
      } else s = ' '.repeat(pad) + s;
    }
    return s;
  });
}

/** Java's %e: at least two exponent digits (1.000000e+00, not JS's 1.000000e+0). */
function javaExponential(x: number, digits: number): string {
  return x.toExponential(digits).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Java's %c: a code point (an integer) or a character (a one-character string). */
function formatChar(a: any): string {
  if (typeof a === 'number' || typeof a === 'bigint') {
    const n = Number(a);
    if (Number.isInteger(n) && n >= 0 && n <= 0x10ffff) return String.fromCodePoint(n);
    return fail('illegal-argument', `%c needs a code point from 0 to 1114111, got ${prStr(a)}`);
  }
  if (typeof a === 'string' && [...a].length === 1) return a;
  return fail('illegal-argument', `%c needs a character (a one-character string) or a code point, got ${prStr(a)}`);
}

export function defineStrings(lib: Library): void {
  lib.variadic('str', (xs) => xs.map(str).join(''), [], 0);
  lib.fn('pr-str', (...xs: any[]) => xs.map(prStr).join(' '), [], 0);
  lib.fn('print-str', (...xs: any[]) => xs.map(printStr).join(' '), [], 0);
  lib.fn('prn-str', (...xs: any[]) => xs.map(prStr).join(' ') + '\n', [], 0);
  lib.fn('println-str', (...xs: any[]) => xs.map(printStr).join(' ') + '\n', [], 0);
  lib.fn('subs', (s: any, start: any, end?: any) => {
    needString('subs', s);
    const e = end ?? s.length;
    if (typeof start !== 'number' || typeof e !== 'number' || start < 0 || e > s.length || start > e) {
      fail('index-out-of-bounds', `subs ${prStr(start)}..${prStr(e)} is out of range for a string of length ${s.length}`);
    }
    return s.slice(start, e);
  }, [2, 3]);
  lib.fn('format', format, [], 1);
  lib.fn('name', (x: any) => {
    if (typeof x === 'string') return x;
    if (x instanceof Keyword || x instanceof Sym) return x.name;
    return fail('type-mismatch', `name expects a string, keyword or symbol, got ${typeName(x)}`);
  }, [1]);
  lib.fn('namespace', (x: any) => {
    if (x instanceof Keyword || x instanceof Sym) return x.ns;
    return fail('type-mismatch', `namespace expects a keyword or symbol, got ${typeName(x)}`);
  }, [1]);
  lib.fn('keyword', (a: any, b?: any) => {
    if (b !== undefined) return kw(needString('keyword', b), a === null ? null : needString('keyword', a));
    if (a instanceof Keyword) return a;
    if (a instanceof Sym) return kw(a.name, a.ns);
    if (typeof a === 'string') return kw(a);
    return null;
  }, [1, 2]);
  lib.fn('symbol', (a: any, b?: any) => {
    if (b !== undefined) return sym(needString('symbol', b), a === null ? null : needString('symbol', a));
    if (a instanceof Sym) return a;
    if (a instanceof Keyword) return sym(a.name, a.ns);
    return sym(needString('symbol', a));
  }, [1, 2]);
  lib.fn('string?', (x: any) => typeof x === 'string', [1]);
  lib.fn('keyword?', (x: any) => x instanceof Keyword, [1]);
  lib.fn('symbol?', (x: any) => x instanceof Sym, [1]);
  lib.fn('simple-keyword?', (x: any) => x instanceof Keyword && x.ns === null, [1]);
  lib.fn('qualified-keyword?', (x: any) => x instanceof Keyword && x.ns !== null, [1]);
  lib.fn('char?', (x: any) => typeof x === 'string' && [...x].length === 1, [1]);
  lib.fn('parse-long', (s: any) => { needString('parse-long', s); return /^[+-]?\d+$/.test(s) ? Number(s) : null; }, [1]);
  lib.fn('parse-double', (s: any) => { needString('parse-double', s); const n = Number(s); return s.trim() !== '' && !Number.isNaN(n) ? n : null; }, [1]);
  lib.fn('char-code', (s: any) => needString('char-code', s).codePointAt(0) ?? null, [1]);
  lib.fn('char', (n: any) => String.fromCodePoint(n), [1]);
}
