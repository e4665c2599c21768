// Calling values that are not functions: keywords, maps, sets and vectors
// in head position, as in Clojure.
import { List, Map as IMap, Set as ISet } from 'immutable';
import { Keyword } from '../values/keyword.js';
import { fail } from '../values/errors.js';
import { prStr } from '../values/printer.js';
import { typeName } from './type.js';
import { get } from './lookup.js';
import { Var } from '../eval/namespace.js';

export function invokeNonFn(f: any, args: any[]): any {
  if (f instanceof Keyword) {
    if (args.length < 1 || args.length > 2) fail('arity-mismatch', `keyword ${prStr(f)} called with ${args.length} arguments; it takes a map and an optional default`);
    return get(args[0], f, args.length === 2 ? args[1] : null);
  }
  if (IMap.isMap(f)) {
    if (args.length < 1 || args.length > 2) fail('arity-mismatch', `a map called as a function takes a key and an optional default, got ${args.length} arguments`);
    return (f as IMap<any, any>).get(args[0], args.length === 2 ? args[1] : null);
  }
  if (ISet.isSet(f)) {
    if (args.length !== 1) fail('arity-mismatch', `a set called as a function takes one argument, got ${args.length}`);
    return (f as ISet<any>).has(args[0]) ? args[0] : null;
  }
  if (List.isList(f)) {
    if (args.length !== 1) fail('arity-mismatch', `a vector called as a function takes one index, got ${args.length}`);
    const i = args[0];
    if (typeof i !== 'number' || !Number.isInteger(i)) fail('type-mismatch', `vector index must be an integer, got ${prStr(i)}`);
    if (i < 0 || i >= (f as List<any>).size) fail('index-out-of-bounds', `index ${i} is outside a vector of ${(f as List<any>).size}`);
    return (f as List<any>).get(i);
  }
  if (f instanceof Var && typeof f.value === 'function') return f.value(...args);
  return fail('type-mismatch', `${typeName(f)} ${truncate(prStr(f))} is not a function`, null,
    'only functions, keywords, maps, sets and vectors can be called');
}

function truncate(s: string): string { return s.length > 60 ? s.slice(0, 57) + '...' : s; }
