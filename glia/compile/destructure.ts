// Clojure destructuring, rewritten into plain bindings before analysis:
// `[[a b & r :as all] v]` becomes a chain of simple symbol bindings over
// core accessors. Used by let, loop, fn params and match.
import { List, Map as IMap, Stack } from 'immutable';
import { Sym, sym, isSymNamed } from '../values/symbol.js';
import { Keyword, kw } from '../values/keyword.js';
import { nextGensymId } from '../expand/syntax-quote.js';
import { setSpan, spanOf } from '../span.js';

export class BindingError extends Error {
  constructor(message: string, readonly form: any) { super(message); }
}

const core = (n: string) => sym(n, 'glia.core');
const call = (f: string, ...args: any[]) => Stack([core(f), ...args]);
export const gensym = (prefix: string) => sym(`${prefix}__${nextGensymId()}`);

/** Expands one binding pair into simple [symbol, init-form] pairs, in order. */
export function destructure(pattern: any, init: any, out: Array<[Sym, any]> = []): Array<[Sym, any]> {
  if (pattern instanceof Sym) {
    if (pattern.ns !== null) throw new BindingError(`cannot bind a qualified symbol '${pattern.fqn}'`, pattern);
    out.push([pattern, init]);
    return out;
  }
  if (List.isList(pattern)) return destructureVector(pattern as List<any>, init, out);
  if (IMap.isMap(pattern)) return destructureMap(pattern as IMap<any, any>, init, out);
  throw new BindingError(`cannot bind to ${describe(pattern)}; expected a symbol, vector or map`, pattern);
}

function describe(x: any): string {
  if (x === null) return 'nil';
  if (typeof x === 'string') return 'a string';
  if (typeof x === 'number') return 'a number';
  if (x instanceof Keyword) return `the keyword :${x.fqn}`;
  if (Stack.isStack(x)) return 'a list';
  return typeof x;
}

function destructureVector(pat: List<any>, init: any, out: Array<[Sym, any]>): Array<[Sym, any]> {
  const g = gensym('vec');
  out.push([g, init]);
  const items = pat.toArray();
  let i = 0, n = 0;
  while (i < items.length) {
    const p = items[i];
    if (isSymNamed(p, '&')) {
      const restPat = items[i + 1];
      if (restPat === undefined) throw new BindingError('& must be followed by a binding', pat);
      destructure(restPat, call('nthnext', g, n), out);
      i += 2;
      continue;
    }
    if (p instanceof Keyword && p.fqn === 'as') {
      const as = items[i + 1];
      if (!(as instanceof Sym)) throw new BindingError(':as must be followed by a symbol', pat);
      out.push([as, g]);
      i += 2;
      continue;
    }
    destructure(p, call('nth', g, n, null), out);
    n++; i++;
  }
  return out;
}

function destructureMap(pat: IMap<any, any>, init: any, out: Array<[Sym, any]>): Array<[Sym, any]> {
  const g = gensym('map');
  out.push([g, call('destructure-map', init)]);
  const defaults = pat.get(kw('or'));
  if (defaults !== undefined && !IMap.isMap(defaults)) throw new BindingError(':or must be followed by a map', pat);
  const dflt = (s: Sym): any => {
    if (!defaults) return undefined;
    for (const [k, v] of defaults as IMap<any, any>) if (k instanceof Sym && k.name === s.name) return v;
    return undefined;
  };
  const get = (key: any, s: Sym) => {
    const d = dflt(s);
    return d === undefined ? call('get', g, key) : call('get', g, key, d);
  };
  for (const [k, v] of pat) {
    if (k instanceof Keyword) {
      if (k.fqn === 'or') continue;
      if (k.fqn === 'as') {
        if (!(v instanceof Sym)) throw new BindingError(':as must be followed by a symbol', pat);
        out.push([v, g]);
        continue;
      }
      if (k.name === 'keys' || k.name === 'strs' || k.name === 'syms') {
        if (!List.isList(v)) throw new BindingError(`:${k.fqn} must be followed by a vector of symbols`, pat);
        for (const s of (v as List<any>)) {
          const name = s instanceof Sym ? s : s instanceof Keyword ? sym(s.name) : null;
          if (!name) throw new BindingError(`:${k.fqn} takes symbols`, pat);
          // The local keeps the span of the name as written (editors and unused-binding warnings point there).
          const local = setSpan(sym(name.name), spanOf(s));
          const ns = k.ns ?? name.ns;
          const key = k.name === 'keys' ? kw(name.name, ns) : k.name === 'strs' ? name.name : Stack([sym('quote'), sym(name.name, ns)]);
          out.push([local, get(key, local)]);
        }
        continue;
      }
    }
    // {binding key} pairs: the key is looked up and bound to the pattern.
    const d = v instanceof Sym ? dflt(v) : undefined;
    destructure(k, d === undefined ? call('get', g, v) : call('get', g, v, d), out);
  }
  return out;
}

/** True when a params vector needs no destructuring (all plain symbols). */
export function isSimpleParam(p: any): p is Sym {
  return p instanceof Sym && p.ns === null;
}

