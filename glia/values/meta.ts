// Metadata lives beside values (symbols and non-empty collections), like
// spans, so attaching it never changes equality or hashing.
import { Map as IMap } from 'immutable';

const metas = new WeakMap<object, IMap<any, any>>();

export function metaOf(x: unknown): IMap<any, any> | null {
  return typeof x === 'object' && x !== null ? metas.get(x) ?? null : null;
}

export function setMeta<T>(x: T, m: IMap<any, any> | null): T {
  if (typeof x === 'object' && x !== null && m && (x as any).size !== 0) metas.set(x, m);
  return x;
}
