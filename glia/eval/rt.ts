// Helpers that generated code calls. Each is small so V8 inlines it; the
// fast paths (two doubles) come first.
import { List, Map as IMap, Set as ISet } from 'immutable';
import { GEN, FN_INFO, type FnInfo, type GliaFn } from '../values/fn.js';
import { Keyword } from '../values/keyword.js';
import { equals } from '../values/equality.js';
import { gliaError, errorType, fail } from '../values/errors.js';
import { IndexedSeq, toArray, isSeqable } from '../values/seq.js';
import { prStr } from '../values/printer.js';
import { PerformOp, HandleOp, isControlSignal, TAIL, type TailCall } from './ops.js';
import { drive, isCapability, type Host } from './driver.js';
import { fallbackHostRef } from '../core/fallback.js';
import { toGliaError } from './convert-error.js';
import { interrupted, Interrupted } from './interrupt.js';
import { invokeNonFn } from '../core/invoke.js';
import { describeArity } from '../compile/analyzer.js';
import type { Var } from './namespace.js';
import { typeName, describeValue } from '../core/type.js';
import { sequenceOf } from '../core/seq-helpers.js';
import { SWAP_IN_PLACE } from '../values/atom.js';

/** The host used when resumable code is entered from a pure JS call (see mkgen). */
export function setFallbackHost(h: Host): Host { const prev = fallbackHostRef.host; fallbackHostRef.host = h; return prev; }

/** Warnings raised while running (redefinitions that break a pure assumption). */
export const runtimeWarnings: string[] = [];

export const rt = {
  GEN,
  /** Called by a loop's interrupt poll once the session's flag is set (EmitOptions.interrupt). */
  interrupt(): never { throw interrupted(); },
  truthy: (x: any): boolean => x !== null && x !== false && x !== undefined,
  fnOf(f: any): (...a: any[]) => any {
    return typeof f === 'function' ? f : (...args: any[]) => invokeNonFn(f, args);
  },
  mkfn<F extends GliaFn>(f: F, info: FnInfo): F {
    f[FN_INFO] = info;
    return f;
  },
  mkgen(g: (...a: any[]) => Generator, info: FnInfo): GliaFn {
    // Called from plain JS (a pure caller, a builtin): run it to the end on
    // a fresh driver. Only the host's handlers are in force there.
    const f: any = function (this: any, ...args: any[]) {
      const r = drive(g(...args), fallbackHostRef.host);
      if (r instanceof Promise) {
        throw gliaError('internal', `${info.name} performed an asynchronous effect where only a synchronous result could be used`,
          null, 'call it from code that may perform (not from a pure function or a sort comparator)');
      }
      return r;
    };
    f[GEN] = g;
    f[FN_INFO] = info;
    return f;
  },
  arityFail(info: FnInfo, n: number): never {
    fail('arity-mismatch', `${info.name} expects ${describeArity(info)}, got ${n}`, { name: info.name, got: n });
  },
  vec: (items: any[]) => List(items),
  hashMap(kvs: any[]) {
    const m = IMap<any, any>().asMutable();
    for (let i = 0; i < kvs.length; i += 2) m.set(kvs[i], kvs[i + 1]);
    return m.asImmutable();
  },
  hashSet: (items: any[]) => ISet(items),
  readVar(v: Var): any {
    if (!v.bound) fail('unbound-symbol', `${v.fqn} is declared but has no value yet`, null, 'define it before this code runs');
    return v.value;
  },
  def(v: Var, value: any, meta: { doc?: string; macro: boolean }): Var {
    if (value !== undefined) {
      if (v.pureAssumers.size && typeof value === 'function' && (value as any)[GEN]) {
        runtimeWarnings.push(`warning[stale-pure-assumption]: ${v.fqn} now performs effects, but code in ${[...v.pureAssumers].join(', ')} was compiled assuming it does not; evaluate that code again`);
      }
      v.set(value);
    }
    v.macro = meta.macro;
    if (meta.doc) v.doc = meta.doc;
    return v;
  },
  perform(target: any, args: any[]): PerformOp {
    if (target instanceof Keyword) {
      if (args.length > 1) fail('arity-mismatch', `a keyword effect takes at most one data argument; got ${args.length}`);
      return new PerformOp(target, args.length ? args[0] : null, null, null);
    }
    if (isCapability(target)) {
      const [method, ...rest] = args;
      if (!(method instanceof Keyword)) fail('type-mismatch', `perform on a capability needs a method keyword, got ${prStr(method ?? null)}`);
      return new PerformOp(target, sequenceOf([method, ...rest]), method, rest);
    }
    return fail('type-mismatch', `cannot perform on ${typeName(target)} ${prStr(target)}; the target must be a keyword or a capability`);
  },
  performStar(target: any, payload: any): PerformOp {
    if (!isSeqable(payload)) fail('type-mismatch', `perform* takes a sequence of arguments, got ${describeValue(payload)}`, null, '(perform* target [arg ...])');
    return rt.perform(target, toArray(payload));
  },
  handle: (target: any, handler: any, body: () => Generator) => new HandleOp(target, handler, body),
  tail(callee: any): TailCall { TAIL.callee = callee; return TAIL; },
  catchable(e: any): any {
    if (isControlSignal(e) || e instanceof Interrupted) throw e;
    return toGliaError(e).value;
  },
  catchMatches: (value: any, type: Keyword) => errorType(value) === type,
  noMatch(v: any): never {
    fail('no-match', `no match clause matches ${prStr(v)}`, { value: v }, 'add a final _ clause to handle anything else');
  },
  restSeq: (args: any[]) => (args.length ? new IndexedSeq(args, 0) : null),

  add: (a: any, b: any) => (typeof a === 'number' && typeof b === 'number' ? a + b : arith('+', a, b)),
  sub: (a: any, b?: any) => (b === undefined ? (typeof a === 'number' ? -a : arith('-', 0, a))
    : typeof a === 'number' && typeof b === 'number' ? a - b : arith('-', a, b)),
  mul: (a: any, b: any) => (typeof a === 'number' && typeof b === 'number' ? a * b : arith('*', a, b)),
  lt: (a: any, b: any) => (typeof a === 'number' && typeof b === 'number' ? a < b : compareNums('<', a, b)),
  gt: (a: any, b: any) => (typeof a === 'number' && typeof b === 'number' ? a > b : compareNums('>', a, b)),
  le: (a: any, b: any) => (typeof a === 'number' && typeof b === 'number' ? a <= b : compareNums('<=', a, b)),
  ge: (a: any, b: any) => (typeof a === 'number' && typeof b === 'number' ? a >= b : compareNums('>=', a, b)),
  eq: (a: any, b: any) => a === b || equals(a, b),
  notEq: (a: any, b: any) => !(a === b || equals(a, b)),
  numEq: (a: any, b: any) => (typeof a === 'number' && typeof b === 'number' ? a === b : compareNums('==', a, b)),
  inc: (a: any) => (typeof a === 'number' ? a + 1 : arith('+', a, 1)),
  dec: (a: any) => (typeof a === 'number' ? a - 1 : arith('-', a, 1)),
  isZero: (a: any) => (typeof a === 'number' ? a === 0 : compareNums('==', a, 0)),
  isPos: (a: any) => (typeof a === 'number' ? a > 0 : compareNums('>', a, 0)),
  isNeg: (a: any) => (typeof a === 'number' ? a < 0 : compareNums('<', a, 0)),
  not: (a: any) => a === null || a === false || a === undefined,
  isNil: (a: any) => a === null || a === undefined,
  isSome: (a: any) => a !== null && a !== undefined,
  identical: (a: any, b: any) => a === b,
  /**
   * `(swap! a f x)` (n = 1) or `(swap! a f x y)` (n = 2) whose value is
   * discarded, f one of assoc, dissoc, conj: true when done in place
   * (Atom.inPlace); false, with nothing done, when `sw` is not the core
   * swap! or the call is not one of those shapes, and the caller then calls
   * `sw` itself.
   */
  swapInPlace(sw: any, a: any, f: any, n: number, x: any, y: any): boolean {
    const inPlace = typeof sw === 'function' ? sw[SWAP_IN_PLACE] : undefined;
    return inPlace !== undefined && inPlace(a, f, n, x, y);
  },
};


function checkNum(op: string, x: any): void {
  if (typeof x !== 'number' && typeof x !== 'bigint') {
    fail('type-mismatch', `${op} expects numbers, got ${describeValue(x)}`, { value: x });
  }
}

/** Arithmetic off the double fast path: bigints, mixed, and type errors. */
export function arith(op: '+' | '-' | '*', a: any, b: any): any {
  checkNum(op, a); checkNum(op, b);
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    // Contagion, as in Clojure: a bigint operand makes the result a bigint.
    const x = toBigint(op, a, b), y = toBigint(op, b, a);
    return op === '+' ? x + y : op === '-' ? x - y : x * y;
  }
  return op === '+' ? a + b : op === '-' ? a - b : a * b;
}

/**
 * A number taking part in an operation with a bigint (`other` is the
 * operation's other operand, for the message): a bigint stays, an integral
 * double becomes the bigint of its exact value, and anything else (a
 * fraction, NaN, an infinity) is a type-mismatch, never a rounded result.
 */
export function toBigint(op: string, x: number | bigint, other: any): bigint {
  if (typeof x === 'bigint') return x;
  if (Number.isInteger(x)) return BigInt(x);
  const big = typeof other === 'bigint' ? other : null;
  return fail('type-mismatch',
    `${op} cannot mix ${big === null ? 'a bigint' : `the bigint ${prStr(big)}`} with the ${Number.isFinite(x) ? 'fractional ' : 'non-integral '}number ${prStr(x)}`,
    { value: x },
    'convert one side first: (double x) to compute in doubles, or round the fraction and use (bigint x)');
}

export function compareNums(op: string, a: any, b: any): boolean {
  checkNum(op, a); checkNum(op, b);
  switch (op) {
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
    // eslint-disable-next-line eqeqeq
    default: return a == b;
  }
}

export type Rt = typeof rt;
