// Numbers: doubles by default, bigints where a literal asked for one. An
// operation with a bigint operand gives a bigint (contagion, as in Clojure);
// a fraction mixed with a bigint is a type-mismatch (see toBigint).
import type { Library } from './define.js';
import { rt, compareNums, toBigint } from '../eval/rt.js';
import { fail } from '../values/errors.js';
import { prStr } from '../values/printer.js';
import { describeValue } from './type.js';
import { compare } from './compare.js';

function num(op: string, x: any): number | bigint {
  if (typeof x !== 'number' && typeof x !== 'bigint') fail('type-mismatch', `${op} expects numbers, got ${describeValue(x)}`, { value: x });
  return x;
}

function divide(a: any, b: any): any {
  num('/', a); num('/', b);
  const zero = () => fail('arithmetic', 'divide by zero', null, 'check the divisor before dividing');
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const x = toBigint('/', a, b), y = toBigint('/', b, a);
    if (y === 0n) zero();
    return x % y === 0n ? x / y : Number(x) / Number(y);
  }
  if (b === 0) zero();
  return a / b;
}

function intOp(op: string, a: any, b: any, f: (x: number, y: number) => number, g: (x: bigint, y: bigint) => bigint): any {
  num(op, a); num(op, b);
  const zero = () => fail('arithmetic', `${op}: divide by zero`);
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const x = toBigint(op, a, b), y = toBigint(op, b, a);
    if (y === 0n) zero();
    return g(x, y);
  }
  if (b === 0) zero();
  return f(a, b);
}

/** max and min: with any bigint among the arguments, every argument is taken as a bigint. */
function extreme(op: 'max' | 'min', xs: any[]): any {
  let big: any = null;
  for (const x of xs) { num(op, x); if (typeof x === 'bigint') big = x; }
  const ys = big === null ? xs : xs.map((x) => toBigint(op, x, big));
  const better = op === 'max' ? (b: any, a: any) => compareNums('>', b, a) : (b: any, a: any) => compareNums('<', b, a);
  return ys.reduce((a, b) => (better(b, a) ? b : a));
}

/** Bitwise operations: 32-bit on doubles, exact on bigints (a bigint operand makes both bigints). */
function bitOp(op: string, a: any, b: any, f: (x: number, y: number) => number, g: (x: bigint, y: bigint) => bigint): any {
  num(op, a); num(op, b);
  if (typeof a === 'bigint' || typeof b === 'bigint') return g(toBigint(op, a, b), toBigint(op, b, a));
  return f(a, b);
}

function chain(op: string, test: (a: any, b: any) => boolean) {
  return (xs: any[]) => {
    for (const x of xs) num(op, x);
    for (let i = 0; i + 1 < xs.length; i++) if (!test(xs[i], xs[i + 1])) return false;
    return true;
  };
}

export function defineNumbers(lib: Library): void {
  lib.variadic('+', (xs) => { let acc: any = 0; for (const x of xs) acc = rt.add(acc, x); return acc; }, [], 0);
  lib.variadic('*', (xs) => { let acc: any = 1; for (const x of xs) acc = rt.mul(acc, x); return acc; }, [], 0);
  lib.variadic('-', (xs) => {
    if (xs.length === 1) return rt.sub(xs[0]);
    let acc = xs[0]; for (let i = 1; i < xs.length; i++) acc = rt.sub(acc, xs[i]); return acc;
  }, [], 1);
  lib.variadic('/', (xs) => {
    if (xs.length === 1) return divide(1, xs[0]);
    let acc = xs[0]; for (let i = 1; i < xs.length; i++) acc = divide(acc, xs[i]); return acc;
  }, [], 1);
  lib.fn('quot', (a: any, b: any) => intOp('quot', a, b, (x, y) => Math.trunc(x / y), (x, y) => x / y), [2]);
  lib.fn('rem', (a: any, b: any) => intOp('rem', a, b, (x, y) => x % y, (x, y) => x % y), [2]);
  lib.fn('mod', (a: any, b: any) => intOp('mod', a, b, (x, y) => { const m = x % y; return m !== 0 && (m < 0) !== (y < 0) ? m + y : m; },
    (x, y) => { const m = x % y; return m !== 0n && (m < 0n) !== (y < 0n) ? m + y : m; }), [2]);
  lib.fn('inc', rt.inc, [1]);
  lib.fn('dec', rt.dec, [1]);
  lib.variadic('<', chain('<', (a, b) => a < b), [], 1);
  lib.variadic('>', chain('>', (a, b) => a > b), [], 1);
  lib.variadic('<=', chain('<=', (a, b) => a <= b), [], 1);
  lib.variadic('>=', chain('>=', (a, b) => a >= b), [], 1);
  // eslint-disable-next-line eqeqeq
  lib.variadic('==', chain('==', (a, b) => a == b), [], 1);
  lib.variadic('max', (xs) => extreme('max', xs), [], 1);
  lib.variadic('min', (xs) => extreme('min', xs), [], 1);
  lib.fn('abs', (x: any) => { num('abs', x); return typeof x === 'bigint' ? (x < 0n ? -x : x) : Math.abs(x); }, [1]);
  lib.fn('zero?', rt.isZero, [1]);
  lib.fn('pos?', rt.isPos, [1]);
  lib.fn('neg?', rt.isNeg, [1]);
  lib.fn('even?', (x: any) => { num('even?', x); return typeof x === 'bigint' ? x % 2n === 0n : x % 2 === 0; }, [1]);
  lib.fn('odd?', (x: any) => { num('odd?', x); return typeof x === 'bigint' ? x % 2n !== 0n : Math.abs(x % 2) === 1; }, [1]);
  lib.fn('number?', (x: any) => typeof x === 'number' || typeof x === 'bigint', [1]);
  lib.fn('integer?', (x: any) => (typeof x === 'number' && Number.isInteger(x)) || typeof x === 'bigint', [1]);
  lib.fn('int?', (x: any) => (typeof x === 'number' && Number.isInteger(x)) || typeof x === 'bigint', [1]);
  lib.fn('float?', (x: any) => typeof x === 'number' && !Number.isInteger(x), [1]);
  lib.fn('double?', (x: any) => typeof x === 'number', [1]);
  lib.fn('bigint?', (x: any) => typeof x === 'bigint', [1]);
  lib.fn('nan?', (x: any) => Number.isNaN(x), [1]);
  lib.fn('infinite?', (x: any) => x === Infinity || x === -Infinity, [1]);
  lib.fn('bigint', (x: any) => {
    num('bigint', x);
    if (typeof x === 'number' && !Number.isInteger(x)) fail('illegal-argument', `cannot make a bigint from ${prStr(x)}`);
    return BigInt(x);
  }, [1]);
  lib.fn('double', (x: any) => Number(num('double', x)), [1]);
  lib.fn('int', (x: any) => { num('int', x); return typeof x === 'bigint' ? Number(x) : Math.trunc(x); }, [1]);
  lib.fn('long', (x: any) => { num('long', x); return typeof x === 'bigint' ? Number(x) : Math.trunc(x); }, [1]);
  lib.fn('floor', (x: any) => Math.floor(Number(num('floor', x))), [1]);
  lib.fn('ceil', (x: any) => Math.ceil(Number(num('ceil', x))), [1]);
  lib.fn('round', (x: any) => Math.round(Number(num('round', x))), [1]);
  lib.fn('sqrt', (x: any) => Math.sqrt(Number(num('sqrt', x))), [1]);
  lib.fn('pow', (x: any, y: any) => {
    num('pow', x); num('pow', y);
    if (typeof x === 'bigint' || typeof y === 'bigint') {
      const b = toBigint('pow', x, y), e = toBigint('pow', y, x);
      // A negative power of an integer is a fraction: a double, as `/` gives.
      return e >= 0n ? b ** e : Math.pow(Number(b), Number(e));
    }
    return Math.pow(x, y);
  }, [2]);
  lib.fn('rand', (n?: any) => Math.random() * (n === undefined ? 1 : Number(num('rand', n))), [0, 1]);
  lib.fn('rand-int', (n: any) => Math.floor(Math.random() * Number(num('rand-int', n))), [1]);
  lib.fn('compare', compare, [2]);
  lib.fn('bit-and', (a: any, b: any) => bitOp('bit-and', a, b, (x, y) => x & y, (x, y) => x & y), [2]);
  lib.fn('bit-or', (a: any, b: any) => bitOp('bit-or', a, b, (x, y) => x | y, (x, y) => x | y), [2]);
  lib.fn('bit-xor', (a: any, b: any) => bitOp('bit-xor', a, b, (x, y) => x ^ y, (x, y) => x ^ y), [2]);
  lib.fn('bit-shift-left', (a: any, n: any) => bitOp('bit-shift-left', a, n, (x, y) => x << y, (x, y) => x << y), [2]);
  lib.fn('bit-shift-right', (a: any, n: any) => bitOp('bit-shift-right', a, n, (x, y) => x >> y, (x, y) => x >> y), [2]);
}
