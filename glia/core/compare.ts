// Clojure's compare: numbers, strings, keywords, symbols, booleans, nil
// (first), and vectors element-wise by length then items.
import { List } from 'immutable';
import { Keyword } from '../values/keyword.js';
import { Sym } from '../values/symbol.js';
import { fail } from '../values/errors.js';
import { prStr } from '../values/printer.js';
import { typeName } from './type.js';

export function compare(a: any, b: any): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  const ta = typeof a, tb = typeof b;
  if ((ta === 'number' || ta === 'bigint') && (tb === 'number' || tb === 'bigint')) return a < b ? -1 : a > b ? 1 : 0;
  if (ta === 'string' && tb === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (ta === 'boolean' && tb === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Keyword && b instanceof Keyword) return cmpStr(a.fqn, b.fqn);
  if (a instanceof Sym && b instanceof Sym) return cmpStr(a.fqn, b.fqn);
  if (List.isList(a) && List.isList(b)) {
    if (a.size !== b.size) return a.size < b.size ? -1 : 1;
    for (let i = 0; i < a.size; i++) { const c = compare(a.get(i), b.get(i)); if (c !== 0) return c; }
    return 0;
  }
  return fail('type-mismatch', `cannot compare ${typeName(a)} ${prStr(a)} with ${typeName(b)} ${prStr(b)}`);
}

function cmpStr(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }
