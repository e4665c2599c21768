// The names a unit defines, interned before any of it is analysed, so a
// function may call one defined further down (as Clojure's `declare` would
// need). The session does it before running a unit; the checker before
// checking one.
import { Stack } from 'immutable';
import { Sym } from '../values/symbol.js';
import type { Namespace } from '../eval/namespace.js';

const DEFINING = new Set(['def', 'defn', 'defn-', 'defmacro', 'defcap', 'defonce', 'deftest']);

/** Interns the names `forms` define, starting in `start`; `(ns x)` switches to `ensure(x)`. */
export function declareTopLevel(start: Namespace, forms: readonly unknown[], ensure: (name: string) => Namespace): void {
  let ns = start;
  for (const f of forms) {
    if (!Stack.isStack(f)) continue;
    const head = (f as Stack<any>).first();
    const name = (f as Stack<any>).get(1);
    if (!(head instanceof Sym) || !(name instanceof Sym)) continue;
    if (head.name === 'ns' && head.ns === null) { ns = ensure(name.fqn); continue; }
    if (name.ns !== null) continue;
    if (DEFINING.has(head.name)) {
      const v = ns.intern(name.name);
      if (head.name === 'defmacro') v.macro = true;
    } else if (head.name === 'declare') {
      for (const n of (f as Stack<any>).rest()) if (n instanceof Sym) ns.intern(n.name);
    }
  }
}
