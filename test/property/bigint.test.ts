// Property: bigint contagion (doc/language.md §2 "Numbers"). An operation
// with a bigint operand gives the exact bigint result JS BigInt arithmetic
// gives, whether the other operand is a bigint or an integral double; a
// fraction mixed with a bigint is a type-mismatch, never a rounded result.
// Each program runs on both tiers (the inline double fast path of the auto
// tier and the helpers of the resumable one).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Session, type Tier } from '../../glia/eval/session.js';
import { prStr } from '../../glia/values/printer.js';
import { GliaError, errorType } from '../../glia/values/errors.js';

const sessions: Record<Tier, Session> = { auto: new Session(), resumable: new Session({ tier: 'resumable' }) };

/** Runs src on both tiers; both must agree. */
async function run(src: string): Promise<{ value?: unknown; error?: string }> {
  const out: Array<{ value?: unknown; error?: string }> = [];
  for (const s of Object.values(sessions)) {
    try { out.push({ value: await s.evalString(src) }); }
    catch (e) { out.push({ error: e instanceof GliaError ? prStr(errorType(e.value)) : String(e) }); }
  }
  expect(prStr(out[1]!.value ?? out[1]!.error), src).toBe(prStr(out[0]!.value ?? out[0]!.error));
  return out[0]!;
}

// Bigints of any size, with the edges of the double range well represented.
const big = fc.oneof(
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
  fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }),
  fc.bigInt({ min: -20n, max: 20n }),
  fc.constantFrom(2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n),
);
// Integral doubles that are exactly representable (a literal past 2^53 would read as a bigint).
const safeInt = fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }).map(BigInt);
/** A bigint operand as Glia source (N suffix), or an integral double (no suffix). */
const operand = fc.oneof(big.map((b) => ({ src: `${b}N`, v: b })), safeInt.map((b) => ({ src: `${b}`, v: b, double: true })));
const lit = (b: bigint) => `${b}N`;

const BINARY: Record<string, (a: bigint, b: bigint) => bigint | null> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  quot: (a, b) => (b === 0n ? null : a / b),
  rem: (a, b) => (b === 0n ? null : a % b),
  mod: (a, b) => { if (b === 0n) return null; const m = a % b; return m !== 0n && (m < 0n) !== (b < 0n) ? m + b : m; },
  max: (a, b) => (a > b ? a : b),
  min: (a, b) => (a < b ? a : b),
};

describe('bigint contagion against JS BigInt', () => {
  it('binary arithmetic with at least one bigint operand is exact and a bigint', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...Object.keys(BINARY)), big, operand, fc.boolean(),
      async (op, a, b, swap) => {
        const [x, y] = swap ? [b, { src: lit(a), v: a }] : [{ src: lit(a), v: a }, b];
        const want = BINARY[op]!(x.v, y.v);
        const r = await run(`(${op} ${x.src} ${y.src})`);
        if (want === null) expect(r.error).toBe(':glia.error/arithmetic');
        else expect(prStr(r.value)).toBe(`${want}N`);
      }), { numRuns: 300 });
  });

  it('inc, dec, abs and negation of a bigint are bigints', async () => {
    await fc.assert(fc.asyncProperty(big, async (a) => {
      const r = await run(`[(inc ${lit(a)}) (dec ${lit(a)}) (abs ${lit(a)}) (- ${lit(a)}) (type (inc ${lit(a)}))]`);
      expect(prStr(r.value)).toBe(`[${a + 1n}N ${a - 1n}N ${a < 0n ? -a : a}N ${-a}N :bigint]`);
    }), { numRuns: 150 });
  });

  it('comparisons across bigints and integral doubles are exact', async () => {
    await fc.assert(fc.asyncProperty(big, operand, async (a, b) => {
      const r = await run(`[(< ${lit(a)} ${b.src}) (> ${lit(a)} ${b.src}) (<= ${lit(a)} ${b.src}) (>= ${lit(a)} ${b.src}) (== ${lit(a)} ${b.src}) (compare ${lit(a)} ${b.src})]`);
      const c = a < b.v ? -1 : a > b.v ? 1 : 0;
      expect(prStr(r.value)).toBe(`[${a < b.v} ${a > b.v} ${a <= b.v} ${a >= b.v} ${a === b.v} ${c}]`);
    }), { numRuns: 150 });
  });

  it('variadic + and * fold bigints exactly', async () => {
    await fc.assert(fc.asyncProperty(fc.array(operand, { minLength: 1, maxLength: 6 }), async (xs) => {
      const r = await run(`[(apply + 1N [${xs.map((x) => x.src).join(' ')}]) (* 1N ${xs.map((x) => x.src).join(' ')})]`);
      const sum = xs.reduce((acc, x) => acc + x.v, 1n), prod = xs.reduce((acc, x) => acc * x.v, 1n);
      expect(prStr(r.value)).toBe(`[${sum}N ${prod}N]`);
    }), { numRuns: 100 });
  });

  it('a fraction mixed with a bigint is a type-mismatch that says so', async () => {
    const fraction = fc.double({ noNaN: false, noDefaultInfinity: false }).filter((d) => !Number.isInteger(d));
    await fc.assert(fc.asyncProperty(fc.constantFrom('+', '-', '*', 'quot', 'rem', 'mod', 'max', 'min', '/'), big, fraction, fc.boolean(),
      async (op, a, d, swap) => {
        const ds = Number.isNaN(d) ? '##NaN' : d === Infinity ? '##Inf' : d === -Infinity ? '##-Inf' : String(d);
        const src = swap ? `(${op} ${ds} ${lit(a)})` : `(${op} ${lit(a)} ${ds})`;
        const s = sessions.auto;
        const err = await s.evalString(src).then(() => null, (e) => e);
        expect(err, src).toBeInstanceOf(GliaError);
        expect(prStr(errorType(err.value))).toBe(':glia.error/type-mismatch');
        expect(err.message).toMatch(/cannot mix .*bigint/);
        await run(src);
      }), { numRuns: 150 });
  });

  it('keeps the examples of the issue', async () => {
    expect(prStr((await run('(+ 9007199254740993N 1)')).value)).toBe('9007199254740994N');
    expect(prStr((await run('(type (+ 5N 1))')).value)).toBe(':bigint');
    expect(prStr((await run('[(/ 8N 2) (/ 7N 2) (pow 2 70N) (pow 2N -1) (bit-and 12N 10) (bit-shift-left 1N 70)]')).value))
      .toBe(`[4N 3.5 ${2n ** 70n}N 0.5 8N ${2n ** 70n}N]`);
  });
});
