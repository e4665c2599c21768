// Natives behind the std modules ww/string and ww/json. They are pure
// builtins, not effects (doc/language.md §7, "Host effects").
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import type { Library } from './define.js';
import { needString } from './strings.js';
import { fail } from '../values/errors.js';
import { prStr, str } from '../values/printer.js';
import { iterate, isSeqObject } from '../values/seq.js';
import { Keyword } from '../values/keyword.js';
import { Sym } from '../values/symbol.js';
import { typeName } from './type.js';
import { GEN } from '../values/fn.js';

function replaceAll(s: string, from: string, to: string): string { return from === '' ? s : s.split(from).join(to); }

export function jsonWrite(x: any): string {
  if (x === null || x === undefined) return 'null';
  if (typeof x === 'boolean') return String(x);
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) fail('illegal-argument', `JSON cannot represent ${prStr(x)}`);
    return String(x);
  }
  if (typeof x === 'bigint') return x.toString();
  if (typeof x === 'string') return JSON.stringify(x);
  if (x instanceof Keyword) return JSON.stringify(x.fqn);
  if (x instanceof Sym) return JSON.stringify(x.fqn);
  if (IMap.isMap(x)) {
    // A Glia map has no order of its own, so keys are written sorted (as Go's
    // encoding/json does): the same map always gives the same text.
    const entries: Array<[string, any]> = [];
    for (const [k, v] of x as IMap<any, any>) {
      entries.push([typeof k === 'string' ? k : k instanceof Keyword || k instanceof Sym ? k.fqn : str(k), v]);
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonWrite(v)}`).join(',')}}`;
  }
  if (List.isList(x) || Stack.isStack(x) || ISet.isSet(x) || isSeqObject(x)) return `[${Array.from(iterate(x), jsonWrite).join(',')}]`;
  return fail('illegal-argument', `JSON cannot represent ${typeName(x)} ${prStr(x)}`);
}

function fromJson(v: unknown, keyFn: (k: string) => any): any {
  if (v === null) return null;
  if (Array.isArray(v)) return List(v.map((x) => fromJson(x, keyFn)));
  if (typeof v === 'object') {
    const m = IMap<any, any>().asMutable();
    for (const [k, x] of Object.entries(v as object)) m.set(keyFn(k), fromJson(x, keyFn));
    return m.asImmutable();
  }
  return v;
}

export function defineStdNatives(lib: Library): void {
  lib.inNamespace('ww.string', () => {
    lib.fn('join', (a: any, b?: any) => (b === undefined ? Array.from(iterate(a), str).join('') : Array.from(iterate(b), str).join(str(a))), [1, 2]);
    lib.fn('split', (s: any, sep: any, limit?: any) => {
      needString('split', s); needString('split', sep);
      let parts = sep === '' ? [...s] : s.split(sep);
      if (typeof limit === 'number' && limit > 0 && parts.length > limit) parts = [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(sep)];
      return List(parts);
    }, [2, 3]);
    lib.fn('split-lines', (s: any) => List(needString('split-lines', s).split(/\r?\n/)), [1]);
    lib.fn('upper-case', (s: any) => needString('upper-case', s).toUpperCase(), [1]);
    lib.fn('lower-case', (s: any) => needString('lower-case', s).toLowerCase(), [1]);
    lib.fn('capitalize', (s: any) => { needString('capitalize', s); return s.length ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s; }, [1]);
    lib.fn('trim', (s: any) => needString('trim', s).trim(), [1]);
    lib.fn('triml', (s: any) => needString('triml', s).trimStart(), [1]);
    lib.fn('trimr', (s: any) => needString('trimr', s).trimEnd(), [1]);
    lib.fn('trim-newline', (s: any) => needString('trim-newline', s).replace(/[\r\n]+$/, ''), [1]);
    lib.fn('blank?', (s: any) => s === null || needString('blank?', s).trim() === '', [1]);
    lib.fn('starts-with?', (s: any, p: any) => needString('starts-with?', s).startsWith(needString('starts-with?', p)), [2]);
    lib.fn('ends-with?', (s: any, p: any) => needString('ends-with?', s).endsWith(needString('ends-with?', p)), [2]);
    lib.fn('includes?', (s: any, p: any) => needString('includes?', s).includes(needString('includes?', p)), [2]);
    lib.fn('index-of', (s: any, p: any, from?: any) => { const i = needString('index-of', s).indexOf(needString('index-of', p), from ?? 0); return i < 0 ? null : i; }, [2, 3]);
    lib.fn('last-index-of', (s: any, p: any) => { const i = needString('last-index-of', s).lastIndexOf(needString('last-index-of', p)); return i < 0 ? null : i; }, [2]);
    lib.fn('replace', (s: any, a: any, b: any) => replaceAll(needString('replace', s), needString('replace', a), needString('replace', b)), [3]);
    lib.fn('replace-first', (s: any, a: any, b: any) => needString('replace-first', s).replace(needString('replace-first', a), () => needString('replace-first', b)), [3]);
    lib.fn('reverse', (s: any) => [...needString('reverse', s)].reverse().join(''), [1]);
    lib.fn('pad-left', (s: any, w: any, p: any = ' ') => str(s).padStart(w, needString('pad-left', p)), [2, 3]);
    lib.fn('pad-right', (s: any, w: any, p: any = ' ') => str(s).padEnd(w, needString('pad-right', p)), [2, 3]);
    lib.fn('escape', (s: any, m: any) => Array.from(needString('escape', s), (c) => { const r = (m as IMap<any, any>).get(c); return r === undefined || r === null ? c : str(r); }).join(''), [2]);
    lib.fn('chars', (s: any) => List([...needString('chars', s)]), [1]);
  });
  lib.inNamespace('ww.json', () => {
    lib.fn('write-str', (x: any) => jsonWrite(x), [1]);
    lib.hof('read-str', function* (s: any, ...opts: any[]) {
      needString('read-str', s);
      let keyFn: any = null;
      for (let i = 0; i + 1 < opts.length; i += 2) if (opts[i] instanceof Keyword && opts[i].name === 'key-fn') keyFn = opts[i + 1];
      let parsed: unknown;
      try { parsed = JSON.parse(s); }
      catch (e) { return fail('illegal-argument', `invalid JSON: ${(e as Error).message}`, { input: s.length > 80 ? s.slice(0, 80) + '...' : s }); }
      if (keyFn !== null && typeof keyFn !== 'function') fail('type-mismatch', `read-str :key-fn must be a function, got ${prStr(keyFn)}`, null, 'for keyword keys pass :key-fn keyword');
      if (keyFn && keyFn[GEN]) fail('illegal-argument', 'read-str :key-fn must be a pure function');
      const kf = keyFn ? (k: string) => keyFn(k) : (k: string) => k;
      return fromJson(parsed, kf);
    }, 'all', [1], 1);
  });
}
