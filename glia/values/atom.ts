// Atoms: the one mutable reference type. Watches and validators are not in
// the contract; swap! applies a pure function, so no retry loop is needed
// on a single-threaded engine.
import { Map as IMap } from 'immutable';

/**
 * On the core swap! builtin: `(a, f, k, v) => boolean`, doing `(swap! a f k
 * v)` for a result nobody reads in place when f is the core assoc, false
 * (nothing done) otherwise. rt.swapAssocInPlace calls it.
 */
export const SWAP_ASSOC_IN_PLACE = Symbol('glia.swap-assoc-in-place');

export class Atom {
  private v: any;
  /**
   * `v` is a map being edited in place (an Immutable map with an owner, a
   * transient) that nothing outside this atom has seen. Only a `swap!`
   * whose result is discarded puts it there (assocInPlace); the first read
   * of `value` freezes it (O(1): the same object loses its owner), so no
   * one ever sees it change.
   */
  private editing = false;
  constructor(value: any) { this.v = value; }

  get value(): any {
    if (this.editing) { this.v = (this.v as IMap<any, any>).asImmutable(); this.editing = false; }
    return this.v;
  }
  set value(x: any) { this.v = x; this.editing = false; }

  /**
   * `(swap! a assoc k v)` whose result nobody reads (the compiler knows:
   * glia/emit/js.ts). Returns false, changing nothing, when the value is not
   * a map (the caller then runs the ordinary swap!). The result is the map
   * `(assoc @a k v)` would give, key for key and in the same iteration order;
   * what is saved is a new map object and path copy per call.
   */
  assocInPlace(k: any, val: any): boolean {
    if (this.editing) { (this.v as IMap<any, any>).set(k, val); return true; }
    const m = this.v;
    if (!IMap.isMap(m)) return false;
    // The first edit is an ordinary assoc: a set that changes nothing keeps
    // the very map (and so its metadata), as assoc does. A changed map is a
    // new object nobody has seen, so it may become the transient.
    const r = (m as IMap<any, any>).set(k, val);
    if (r === m) return true;
    this.v = r.asMutable();
    this.editing = true;
    return true;
  }
}
