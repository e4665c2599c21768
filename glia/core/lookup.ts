// get / contains? over every associative kind.
import { List, Map as IMap, Set as ISet } from 'immutable';

export function get(coll: any, key: any, dflt: any = null): any {
  if (coll === null || coll === undefined) return dflt;
  if (IMap.isMap(coll)) return (coll as IMap<any, any>).get(key, dflt);
  if (List.isList(coll)) {
    return typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < (coll as List<any>).size ? (coll as List<any>).get(key) : dflt;
  }
  if (ISet.isSet(coll)) return (coll as ISet<any>).has(key) ? key : dflt;
  if (typeof coll === 'string') {
    return typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < coll.length ? coll[key] : dflt;
  }
  if (coll instanceof Uint8Array) return typeof key === 'number' && key >= 0 && key < coll.length ? coll[key] : dflt;
  return dflt;
}

export function contains(coll: any, key: any): boolean {
  if (coll === null || coll === undefined) return false;
  if (IMap.isMap(coll)) return (coll as IMap<any, any>).has(key);
  if (ISet.isSet(coll)) return (coll as ISet<any>).has(key);
  if (List.isList(coll)) return typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < (coll as List<any>).size;
  if (typeof coll === 'string') return typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < coll.length;
  return false;
}
