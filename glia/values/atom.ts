// Atoms: the one mutable reference type. Watches and validators are not in
// the contract; swap! applies a pure function, so no retry loop is needed
// on a single-threaded engine.
import { List, Map as IMap } from 'immutable';
import { MAX_ELEMENTS } from './seq.js';
import { Keyword } from './keyword.js';

/**
 * On the core swap! builtin: `(a, f, n, x, y) => boolean`, doing `(swap! a
 * f x)` (n = 1) or `(swap! a f x y)` (n = 2), whose result nobody reads, in
 * place when f is the core assoc, dissoc or conj (Atom.inPlace); false,
 * with nothing done, otherwise. rt.swapInPlace calls it.
 */
export const SWAP_IN_PLACE = Symbol('glia.swap-in-place');

/** What Atom.inPlace does: assoc k v or dissoc k on a map, conj x on a vector. */
export const IN_PLACE_ASSOC = 0, IN_PLACE_DISSOC = 1, IN_PLACE_CONJ = 2;
type InPlace = typeof IN_PLACE_ASSOC | typeof IN_PLACE_DISSOC | typeof IN_PLACE_CONJ;

export class Atom {
  private v: any;
  /**
   * `v` is a map or vector being edited in place (an Immutable collection
   * with an owner, a transient) that nothing outside this atom has seen.
   * Only a `swap!` whose result is discarded puts it there (inPlace); the
   * first read of `value` freezes it (O(1): the same object loses its
   * owner), so no one ever sees it change.
   */
  private editing = false;
  constructor(value: any) { this.v = value; }

  get value(): any {
    if (this.editing) { this.v = (this.v as IMap<any, any>).asImmutable(); this.editing = false; }
    return this.v;
  }
  set value(x: any) { this.v = x; this.editing = false; }

  /**
   * `(swap! a assoc k v)`, `(swap! a dissoc k)` or `(swap! a conj x)` whose
   * result nobody reads (the compiler knows: glia/emit/js.ts). Returns
   * false, changing nothing, when the value is not a map (assoc, dissoc)
   * or a vector with room (conj); the caller then runs the ordinary swap!,
   * which gives its result or its error. The collection is the one the
   * persistent function would give, item for item and in the same
   * iteration order; what is saved is a new object and a path copy per call.
   * None of these runs user code, so nothing can read the atom midway.
   */
  inPlace(op: InPlace, x: any, y: any): boolean {
    // A transient's assoc onto a key already there keeps the key it holds,
    // where the persistent one stores the new key: different objects when
    // keys are equal but not identical ([1] and [1], 0 and -0). Such keys go
    // the persistent way, from the frozen map.
    if (this.editing && op === IN_PLACE_ASSOC && !keptAsIs(x)) void this.value;
    const c = this.v;
    let r: any;
    if (op === IN_PLACE_CONJ) {
      if (!List.isList(c) || (c as List<any>).size >= MAX_ELEMENTS) return false;
      r = (c as List<any>).push(x);
    } else {
      if (!IMap.isMap(c)) return false;
      r = op === IN_PLACE_ASSOC ? (c as IMap<any, any>).set(x, y) : (c as IMap<any, any>).remove(x);
    }
    // Editing, r is c itself, changed in place. Otherwise this first edit
    // was an ordinary persistent one: one that changes nothing keeps the
    // very collection (and so its metadata), as the function does, and a
    // changed one is a new object nobody has seen, so it may become the
    // transient.
    if (!this.editing && r !== c) {
      this.v = r.asMutable();
      this.editing = true;
    }
    return true;
  }
}

/** Keys that no other key equals without being identical to it (see Atom.inPlace). */
function keptAsIs(k: any): boolean {
  const t = typeof k;
  return t === 'string' || (t === 'number' && k !== 0) || t === 'bigint' || t === 'boolean' || k === null || k instanceof Keyword;
}
