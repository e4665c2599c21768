// The heavy memory limits, end to end: each builds hundreds of megabytes
// before the limit answers (doc/language.md, "The element limit"), so they
// run one at a time in a file of their own rather than beside the other
// bad-input cases, and each gets a long hang guard.
import { beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { assertBuilt, describeRun, ww, type WwResult } from './ww-process.js';

beforeAll(() => assertBuilt());

const evalExpr = (expr: string, timeoutMs: number) => ww(['eval', expr], { timeoutMs });

/** A diagnosed failure: exit 1, nothing on stdout, error[code] on stderr, no crash. */
function expectDiagnostic(expect: ExpectStatic, r: WwResult, code: RegExp): void {
  const info = describeRun(r);
  expect(r.timedOut, `did not finish in time\n${info}`).toBe(false);
  expect(r.code, info).toBe(1);
  expect(r.stdout, info).toBe('');
  expect(r.stderr, info).not.toMatch(/error\[internal\]|RangeError|Invalid string length|FATAL ERROR|node:internal/);
  expect(r.stderr.match(/error\[([^\]]+)\]/)?.[1], info).toMatch(code);
}

describe('memory limits end to end', { timeout: 75_000 }, () => {
  it('a string past the engine\'s length limit is :glia.error/limit in our words, never "Invalid string length"', async ({ expect }) => {
    const r = await evalExpr('(try (apply str (repeat 1000 (apply str (repeat 1000000 "x")))) (catch :glia.error/limit e (ex-message e)))', 60_000);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('"out of memory: a string would be longer than the engine allows (about 2^29 characters)"\n');
  });

  it('a last value whose printed text is too long for the engine is error[limit], and printing it does not exhaust the heap', async ({ expect }) => {
    // Two 300-million-character strings: the printer once appended one character at a time (a rope) until V8 aborted.
    // Seconds of work (tens on a loaded machine): a long hang guard.
    const r = await evalExpr('(let [s (apply str (repeat 300 (apply str (repeat 1000000 "x"))))] [s s])', 60_000);
    expectDiagnostic(expect, r, /^limit$/);
    expect(r.stderr).toBe('error[limit]: the printed value would be longer than the engine allows (about 2^29 characters)\n');
  });

  it('a vector grown past the element limit by conj is :glia.error/limit', async ({ expect }) => {
    // Building the 2^24-element vector takes seconds (tens on a loaded machine): a long hang guard.
    const r = await evalExpr('(conj (into [] (repeat 16777216 0)) 1)', 60_000);
    expectDiagnostic(expect, r, /^limit$/);
    expect(r.stderr).toMatch(/^error\[limit\]: the vector would hold more than 16,777,216 elements/);
  });
});
