// The prelude, compiled ahead of time. Reading, expanding, analysing and
// emitting glia/prelude/core.glia took most of a Session's start; the
// build (scripts/build-prelude-image.mjs) does it once, per tier, and keeps
// what compiling it produced: the JS of each top-level unit, in order, its
// constants as code that rebuilds them, and the vars the prelude interns.
// A Session then starts from this image: one `new Function` for the whole
// prelude (shared by every Session in the process), its constants rebuilt
// against the Session's own registry, and each unit run in order, exactly
// as the compiled units would have run from source.
// glia/test/prelude-image.test.ts checks the image is current and gives
// the same core namespace and results as compiling from source.
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import { kw } from '../values/keyword.js';
import { Sym } from '../values/symbol.js';
import { setSpan, type Span } from '../span.js';
import { setMeta } from '../values/meta.js';
import { registerUnit } from './stack.js';
import type { Registry } from '../compile/registry.js';
import type { Var } from './namespace.js';

export const PRELUDE_FILE = 'glia/prelude/core.glia';

/** One tier's compiled prelude. */
export interface PreludeImage {
  /** Body of `function (rt, K)` returning the top-level thunk of every unit, in order. */
  source: string;
  /** Whether each unit's thunk is a generator function (run on the driver). */
  resumable: boolean[];
  /** Every namespace and its var names, in the order compiling from source interns them. */
  vars: Array<[string, string[]]>;
  /** Vars outside glia.core the prelude's code assumed pure (see Var.pureAssumers). */
  assumers: Array<[string, string]>;
  warnings: string[];
  /** Rebuilds each unit's constants. */
  consts: (c: ConstBuilders) => any[][];
}

export interface PreludeImages {
  /** Digest of everything the images were compiled from (the prelude and the compiler). */
  digest: string;
  auto: PreludeImage;
  resumable: PreludeImage;
}

/** What the image's constant code calls to rebuild values. */
export interface ConstBuilders {
  v(ns: string, name: string): Var;
  kw(name: string, ns: string | null): any;
  sym(ns: string | null, name: string): Sym;
  vec(items: any[]): any;
  list(items: any[]): any;
  map(pairs: any[][]): any;
  set(items: any[]): any;
  span<T>(x: T, s: Span): T;
  meta<T>(x: T, m: any): T;
}

function builders(registry: Registry): ConstBuilders {
  return {
    v: (ns, name) => registry.ensure(ns).intern(name),
    kw: (name, ns) => kw(name, ns),
    sym: (ns, name) => new Sym(ns, name),
    vec: (items) => List(items),
    list: (items) => Stack(items),
    map: (pairs) => IMap(pairs as [any, any][]),
    set: (items) => ISet(items),
    span: (x, s) => setSpan(x, s),
    meta: (x, m) => setMeta(x, m),
  };
}

type Factory = (rt: any, K: any[][]) => Array<() => any>;
const factories = new WeakMap<PreludeImage, Factory>();

/**
 * Interns the image's vars in `registry` and returns each unit's thunk, in
 * order, bound to constants rebuilt for that registry. The compiled code is
 * made once per process and image.
 */
export function preludeUnits(image: PreludeImage, registry: Registry, rt: any): Array<() => any> {
  for (const [ns, names] of image.vars) {
    const n = registry.ensure(ns);
    for (const name of names) n.intern(name);
  }
  for (const [ns, name] of image.assumers) registry.ensure(ns).intern(name).pureAssumers.add(PRELUDE_FILE);
  let factory = factories.get(image);
  if (!factory) {
    factory = new Function('rt', 'K', `${image.source}\n//# sourceURL=${registerUnit(PRELUDE_FILE, image.source)}`) as Factory;
    factories.set(image, factory);
  }
  return factory(rt, image.consts(builders(registry)));
}
