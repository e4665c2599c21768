// The limits doc/language.md states hold as stated: `node bin/ww.js` has
// the larger stack of `npx ww` (§3 loop and recur: 10,000-deep non-tail
// recursion), resumable recursion that performs at every level reaches
// 200,000 frames (§11), apply of a million items to a variadic core
// function works (§12), and format follows Java for %c and %e (§12).
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, type Tier } from '../../glia/eval/session.js';
import { prStr } from '../../glia/values/printer.js';
import { errorType } from '../../glia/values/errors.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'ww.js');

function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, NO_COLOR: '1' };
  // Neither vitest's flags nor a re-exec marker from outside may leak in.
  delete env.NODE_OPTIONS;
  delete env.WW_STACK_REEXEC;
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

describe('node bin/ww.js has the stack of npx ww', () => {
  it('runs 9,000-deep non-tail recursion without the shebang flag, and keeps the exit status', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ww-stack-'));
    try {
      const file = join(dir, 'deep.glia');
      writeFileSync(file, '(defn d [n] (if (= n 0) 0 (inc (d (dec n)))))\n(d 9000)\n');
      const r = await runNode([BIN, 'eval', '-f', file]);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('9000');
      expect(r.code).toBe(0);
      const bad = await runNode([BIN, 'eval', '(inc nil)']);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/type-mismatch/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

for (const tier of ['auto', 'resumable'] as Tier[]) {
  describe(`stated limits (tier ${tier})`, () => {
    it('recurses 199,000 deep performing at every level, and overflows catchably past 200,000 frames', async () => {
      const v = await new Session({ tier }).evalString(`
        (defn after [n] (if (zero? n) 0 (+ 1 (perform :x (after (dec n))))))
        (defn before [n] (perform :x n) (if (zero? n) 0 (+ 1 (before (dec n)))))
        [(with-effect-handler :x (fn [d k] (k d)) (after 199000))
         (with-effect-handler :x (fn [d k] (k d)) (before 199000))
         (try (with-effect-handler :x (fn [d k] (k d)) (after 250000))
              (catch :glia.error/stack-overflow e :overflow))]`);
      expect(prStr(v)).toBe('[199000 199000 :overflow]');
    }, 120_000);

    it('applies variadic core functions to a million items', async () => {
      const v = await new Session({ tier }).evalString(`
        [(apply + (repeat 1000000 1))
         (apply max (range 1000000))
         (apply < (range 1000000))
         (count (apply vector (range 1000000)))
         (count (apply str (repeat 1000000 "a")))]`);
      expect(prStr(v)).toBe('[1000000 999999 true 1000000 1000000]');
    }, 120_000);

    it('formats %c and %e as Java does', async () => {
      const s = new Session({ tier });
      expect(await s.evalString('(format "%c%c" 65 "b")')).toBe('Ab');
      expect(await s.evalString('(format "%e|%e|%.2e|%e|%10.1e" 1.0 12345.678 0.000123 1e100 -2)'))
        .toBe('1.000000e+00|1.234568e+04|1.23e-04|1.000000e+100|  -2.0e+00');
      for (const bad of ['(format "%c" "ab")', '(format "%c" -1)', '(format "%c" nil)']) {
        const err = await s.evalString(bad).then(() => null, (e) => e);
        expect(err, bad).not.toBeNull();
        expect(prStr(errorType(err.value)), bad).toBe(':glia.error/illegal-argument');
      }
    });
  });
}
