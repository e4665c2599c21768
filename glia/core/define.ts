// How builtins are declared. A plain builtin is a JS function with its
// name and arities. A higher-order builtin is written once, as a
// generator that calls its function arguments with `yield` only when they
// are resumable; the plain JS form runs that generator and finishes in
// one step whenever its function arguments are pure.
import { GEN, FN_INFO, acceptsArity, type GliaFn } from '../values/fn.js';
import { HOF } from '../compile/analyzer.js';
import { drive } from '../eval/driver.js';
import { fallbackHostRef } from './fallback.js';
import { fail } from '../values/errors.js';

export interface Builtin { name: string; fn: GliaFn }

/**
 * The array form of a variadic builtin: `apply` hands it the argument array
 * instead of spreading the items as JS arguments, which live on the stack,
 * so `(apply + (repeat 1000000 1))` works.
 */
export const APPLY_ARRAY = Symbol.for('glia.apply-array');

export class Library {
  readonly entries = new Map<string, GliaFn>();
  /** Natives of std modules, by namespace (ww.string, ww.json, ...). */
  readonly modules = new Map<string, Map<string, GliaFn>>();
  private target: Map<string, GliaFn> = this.entries;

  /** Defines the following natives in namespace `ns` (not in glia.core). */
  inNamespace(ns: string, body: () => void): void {
    const saved = this.target;
    let m = this.modules.get(ns);
    if (!m) { m = new Map(); this.modules.set(ns, m); }
    this.target = m;
    try { body(); } finally { this.target = saved; }
  }

  fn(name: string, f: (...a: any[]) => any, arities: number[], variadic: number | null = null, doc?: string): GliaFn {
    const g = arityChecked(f, name, arities, variadic) as GliaFn;
    g[FN_INFO] = { name, arities, variadic, doc };
    this.target.set(name, g);
    return g;
  }

  /** A variadic builtin written over its argument array; `apply` calls that form directly. */
  variadic(name: string, impl: (xs: any[]) => any, arities: number[], variadic: number, doc?: string): GliaFn {
    const g: any = this.fn(name, (...xs: any[]) => impl(xs), arities, variadic, doc);
    const info = { name, arities, variadic };
    g[APPLY_ARRAY] = (xs: any[]) => {
      if (!acceptsArity(info, xs.length)) arityError(name, arities, variadic, xs.length);
      return impl(xs);
    };
    return g;
  }

  /** A builtin that may perform (like eval): always called through the driver from resumable code. */
  effectful(name: string, gen: (...a: any[]) => Generator<any, any, any>, arities: number[], variadic: number | null = null, doc?: string): GliaFn {
    const f: any = function (...args: any[]) {
      if (!acceptsArity({ name, arities, variadic }, args.length)) arityError(name, arities, variadic, args.length);
      const v = drive(gen(...args), fallbackHostRef.host);
      if (v instanceof Promise) fail('internal', `${name} performed an asynchronous effect in a pure context`);
      return v;
    };
    f[GEN] = gen;
    f[FN_INFO] = { name, arities, variadic, doc };
    this.target.set(name, f);
    return f;
  }

  /** A higher-order builtin; `fnArgs` lists which arguments are functions ('all' for every one). */
  hof(name: string, gen: (...a: any[]) => Generator<any, any, any>, fnArgs: number[] | 'all', arities: number[], variadic: number | null = null, doc?: string): GliaFn {
    const info = { name, arities, variadic, doc };
    const f: any = function () {
      // `arguments` with apply rather than rest and spread: no array on the fast path.
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as any[];
      if (!acceptsArity(info, args.length)) arityError(name, arities, variadic, args.length);
      // With plain function arguments, a hand-written fast form skips the generator.
      if (f.fast !== undefined && !anyResumable(args, fnArgs)) return f.fast.apply(undefined, args);
      const it = gen.apply(undefined, args);
      const r = it.next();
      if (r.done) return r.value;
      // A function argument is resumable and was called from plain JS: finish on a fallback driver.
      const v = drive(resumeFrom(it, r.value), fallbackHostRef.host);
      if (v instanceof Promise) fail('internal', `${name} was given a function that performed an asynchronous effect in a pure context`);
      return v;
    };
    f[GEN] = gen;
    f[HOF] = fnArgs;
    f[FN_INFO] = { name, arities, variadic, doc };
    this.target.set(name, f);
    return f;
  }
}

function arityError(name: string, arities: number[], variadic: number | null, got: number): never {
  const parts = [...arities].sort((a, b) => a - b).map(String);
  if (variadic !== null) parts.push(`${variadic} or more`);
  const last = parts.pop();
  const want = parts.length ? `${parts.join(', ')} or ${last}` : last;
  return fail('arity-mismatch', `${name} expects ${want} argument${want === '1' ? '' : 's'}, got ${got}`, { name, got });
}

/**
 * Wraps a builtin so a call with the wrong number of arguments is an
 * arity-mismatch error even when the call is not checked at compile time
 * ((let [f inc] (f 1 2))). Fixed arities get small wrappers V8 inlines.
 */
function arityChecked(f: (...a: any[]) => any, name: string, arities: number[], variadic: number | null): (...a: any[]) => any {
  const bad = (n: number) => arityError(name, arities, variadic, n);
  if (variadic === null && arities.length === 1) {
    switch (arities[0]) {
      case 0: return function (this: unknown) { if (arguments.length !== 0) bad(arguments.length); return f(); };
      case 1: return function (this: unknown, a: any) { if (arguments.length !== 1) bad(arguments.length); return f(a); };
      case 2: return function (this: unknown, a: any, b: any) { if (arguments.length !== 2) bad(arguments.length); return f(a, b); };
      case 3: return function (this: unknown, a: any, b: any, c: any) { if (arguments.length !== 3) bad(arguments.length); return f(a, b, c); };
    }
  }
  const info = { name, arities, variadic };
  // `arguments` with apply, not rest and spread: V8 passes them through without an array.
  return function (this: unknown) {
    if (!acceptsArity(info, arguments.length)) bad(arguments.length);
    // eslint-disable-next-line prefer-rest-params
    return f.apply(undefined, arguments as unknown as any[]);
  };
}

function anyResumable(args: ArrayLike<any>, fnArgs: number[] | 'all'): boolean {
  const isResumable = (a: any) => typeof a === 'function' && !!a[GEN];
  if (fnArgs === 'all') {
    for (let i = 0; i < args.length; i++) if (isResumable(args[i])) return true;
    return false;
  }
  for (const i of fnArgs) if (isResumable(args[i])) return true;
  return false;
}

/** Gives a higher-order builtin a plain form used when no function argument is resumable. */
export function fastPath(f: GliaFn, fast: (...a: any[]) => any): void { (f as any).fast = fast; }

/** Continues a generator that already yielded `first` (re-yields it to the driver). */
function* resumeFrom(it: Generator, first: any): Generator<any, any, any> {
  let input = yield first;
  for (;;) {
    const r = it.next(input);
    if (r.done) return r.value;
    input = yield r.value;
  }
}

/** Calls f from inside a higher-order builtin's generator (use with yield*). */
export function* call(f: any, ...args: any[]): Generator<any, any, any> {
  if (typeof f === 'function') {
    const g = f[GEN];
    return g ? yield g(...args) : f(...args);
  }
  return callableOf(f)(...args);
}

let callableOf: (f: any) => (...a: any[]) => any = () => { throw new Error('core not initialised'); };
export function setCallableOf(fn: (f: any) => (...a: any[]) => any): void { callableOf = fn; }
