// Syntax-quote: `form becomes code that builds form, with ~x spliced in as
// a value and ~@xs spliced in as a sequence. Symbols ending in # become one
// fresh symbol per syntax-quote (auto-gensym), which keeps macro-introduced
// bindings from capturing the caller's names. Symbols are not qualified
// with a namespace (doc/language.md §1, "Reader macros").
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import { Sym, sym, isSymNamed } from '../values/symbol.js';
import { setSpan, spanOf } from '../span.js';
import { nameCounters } from '../compile/name-counters.js';

export function nextGensymId(): number { return ++nameCounters.gensym; }

const core = (name: string) => sym(name, 'glia.core');
const quote = (x: any) => Stack([sym('quote'), x]);

export class SyntaxQuoteError extends Error {}

export function syntaxQuote(form: any): any {
  const gensyms = new Map<string, Sym>();
  return sq(form, gensyms);
}

function isUnquote(x: any, name: string): boolean {
  return Stack.isStack(x) && x.size === 2 && isSymNamed(x.first(), name);
}

function hasUnquote(x: any): boolean {
  if (isUnquote(x, 'unquote') || isUnquote(x, 'unquote-splicing')) return true;
  if (x instanceof Sym) return x.ns === null && x.name.endsWith('#') && x.name.length > 1;
  if (Stack.isStack(x) || List.isList(x) || ISet.isSet(x)) { for (const i of x as any) if (hasUnquote(i)) return true; return false; }
  if (IMap.isMap(x)) { for (const [k, v] of x as any) if (hasUnquote(k) || hasUnquote(v)) return true; return false; }
  return false;
}

function sq(x: any, gensyms: Map<string, Sym>): any {
  const span = spanOf(x);
  if (x instanceof Sym) {
    if (x.ns === null && x.name.endsWith('#') && x.name.length > 1) {
      let g = gensyms.get(x.name);
      if (!g) { g = sym(`${x.name.slice(0, -1)}__${nextGensymId()}__auto__`); gensyms.set(x.name, g); }
      return quote(g);
    }
    return quote(x);
  }
  if (!hasUnquote(x)) {
    if (Stack.isStack(x) || List.isList(x) || IMap.isMap(x) || ISet.isSet(x)) return setSpan(quote(x), span);
    return x;
  }
  if (isUnquote(x, 'unquote')) return (x as Stack<any>).get(1);
  if (isUnquote(x, 'unquote-splicing')) throw new SyntaxQuoteError('~@ (unquote-splicing) is only valid inside a list, vector, map or set');
  const parts = (items: any[]) => items.map((i) =>
    isUnquote(i, 'unquote-splicing') ? (i as Stack<any>).get(1) : Stack([core('list'), sq(i, gensyms)]));
  const build = (ctor: string, items: any[]) =>
    setSpan(Stack([core('apply'), core(ctor), Stack([core('concat'), ...parts(items)])]), span);
  if (Stack.isStack(x)) return build('list', (x as Stack<any>).toArray());
  if (List.isList(x)) return build('vector', (x as List<any>).toArray());
  if (ISet.isSet(x)) return build('hash-set', (x as ISet<any>).toArray());
  if (IMap.isMap(x)) {
    const flat: any[] = [];
    for (const [k, v] of x as IMap<any, any>) flat.push(k, v);
    return build('hash-map', flat);
  }
  return x;
}
