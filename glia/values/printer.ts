// pr-str (readable) and str (display). pr-str output reads back to an equal
// value for all data; functions, atoms and capabilities print as #<...>.
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import { Keyword } from './keyword.js';
import { Sym } from './symbol.js';
import { LazySeq, isSeqObject, seq } from './seq.js';
import { Atom } from './atom.js';
import { bytesToHex } from './bytes.js';
import { FN_INFO } from './fn.js';

/** Printing an infinite lazy sequence stops here instead of hanging. */
export const PRINT_LIMIT_INFINITE = 1000;

export function printNumber(n: number): string {
  if (Number.isNaN(n)) return '##NaN';
  if (n === Infinity) return '##Inf';
  if (n === -Infinity) return '##-Inf';
  return String(n);
}

const NEEDS_ESCAPE = /["\\\n\t\r\x00-\x1f\x7f]/;
const ESCAPES = /["\\\n\t\r\x00-\x1f\x7f]/g;
const NAMED: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r' };

// One regex pass, not a character loop: appending a character at a time
// builds a rope of one node per character, and a 300-million-character
// string then exhausted the heap (a V8 abort) instead of printing or
// failing with :glia.error/limit.
export function escapeString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  return '"' + s.replace(ESCAPES, (c) => NAMED[c] ?? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '"';
}

/** Extension point: the runtime registers printers for its own object kinds. */
const customPrinters: Array<(x: any, readably: boolean) => string | undefined> = [];
export function registerPrinter(p: (x: any, readably: boolean) => string | undefined): void { customPrinters.push(p); }

export function prStr(x: any): string { const out: string[] = []; write(x, true, out); return out.join(''); }
export function printStr(x: any): string { const out: string[] = []; write(x, false, out); return out.join(''); }

/** `str`: strings raw, nil empty, everything else readably (as Clojure's str). */
export function str(x: any): string {
  if (x === null || x === undefined) return '';
  if (typeof x === 'string') return x;
  return prStr(x);
}

function write(x: any, readably: boolean, out: string[]): void {
  if (x === null || x === undefined) { out.push('nil'); return; }
  switch (typeof x) {
    case 'boolean': out.push(x ? 'true' : 'false'); return;
    case 'number': out.push(printNumber(x)); return;
    case 'bigint': out.push(x.toString() + 'N'); return;
    case 'string': out.push(readably ? escapeString(x) : x); return;
    case 'function': {
      const info = (x as any)[FN_INFO];
      out.push(`#<fn ${info?.name ?? (x.name || 'anonymous')}>`);
      return;
    }
  }
  if (x instanceof Keyword) { out.push(':' + x.fqn); return; }
  if (x instanceof Sym) { out.push(x.fqn); return; }
  if (List.isList(x)) { writeAll('[', x, ']', readably, out); return; }
  if (IMap.isMap(x)) {
    out.push('{');
    let first = true;
    for (const [k, v] of x as IMap<any, any>) {
      if (!first) out.push(', ');
      first = false;
      write(k, readably, out); out.push(' '); write(v, readably, out);
    }
    out.push('}');
    return;
  }
  if (ISet.isSet(x)) { writeAll('#{', x, '}', readably, out); return; }
  if (Stack.isStack(x)) { writeAll('(', x, ')', readably, out); return; }
  if (isSeqObject(x)) {
    out.push('(');
    let s = seq(x);
    let n = 0;
    const limit = x instanceof LazySeq && x.infinite ? PRINT_LIMIT_INFINITE : Infinity;
    while (s) {
      if (n > 0) out.push(' ');
      if (n >= limit) { out.push('...'); break; }
      write(s.first(), readably, out);
      s = s.next();
      n++;
    }
    out.push(')');
    return;
  }
  if (x instanceof Uint8Array) { out.push(`#bytes "${bytesToHex(x)}"`); return; }
  if (x instanceof Atom) { out.push('#<atom '); write(x.value, readably, out); out.push('>'); return; }
  for (const p of customPrinters) {
    const s = p(x, readably);
    if (s !== undefined) { out.push(s); return; }
  }
  out.push(`#<${x?.constructor?.name ?? 'object'}>`);
}

function writeAll(open: string, items: Iterable<any>, close: string, readably: boolean, out: string[]): void {
  out.push(open);
  let first = true;
  for (const v of items) {
    if (!first) out.push(' ');
    first = false;
    write(v, readably, out);
  }
  out.push(close);
}
