// (type x) and the short names used in error messages.
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import { Keyword } from '../values/keyword.js';
import { prStr } from '../values/printer.js';
import { Sym } from '../values/symbol.js';
import { Atom } from '../values/atom.js';
import { isSeqObject } from '../values/seq.js';
import { isCapability } from '../eval/driver.js';
import { Var, Namespace } from '../eval/namespace.js';
import { CellValue } from '../values/cell.js';

/**
 * A value as an error message shows it: nil, booleans, numbers, strings and
 * keywords print as themselves; anything else as its type and its printed
 * form, cut to 60 characters ("got nil", not "got nil nil").
 */
export function describeValue(x: any): string {
  const t = typeof x;
  if (x === null || x === undefined || t === 'boolean' || t === 'number' || t === 'bigint' || t === 'string' || x instanceof Keyword) return clipped(prStr(x));
  return `${typeName(x)} ${clipped(prStr(x))}`;
}

function clipped(s: string): string { return s.length > 60 ? s.slice(0, 57) + '...' : s; }

export function typeName(x: any): string {
  if (x === null || x === undefined) return 'nil';
  switch (typeof x) {
    case 'boolean': return 'boolean';
    case 'number': return 'number';
    case 'bigint': return 'bigint';
    case 'string': return 'string';
    case 'function': return 'fn';
  }
  if (x instanceof Keyword) return 'keyword';
  if (x instanceof Sym) return 'symbol';
  if (List.isList(x)) return 'vector';
  if (Stack.isStack(x)) return 'list';
  if (IMap.isMap(x)) return 'map';
  if (ISet.isSet(x)) return 'set';
  if (isSeqObject(x)) return 'seq';
  if (x instanceof Uint8Array) return 'bytes';
  if (x instanceof Atom) return 'atom';
  if (isCapability(x)) return 'capability';
  if (x instanceof CellValue) return 'cell';
  if (x instanceof Var) return 'var';
  if (x instanceof Namespace) return 'namespace';
  return 'object';
}
