// The effect driver's stack: deep recursion on the resumable tier, and
// performs from deep inside it (the continuation moves stack segments,
// never copies frames).
import { describe, it, expect } from 'vitest';
import { Session } from '../eval/session.js';
import { GliaError, errorType } from '../values/errors.js';
import { prStr } from '../values/printer.js';

describe('effect driver', () => {
  it('performs from 20,000 frames deep and resumes each time', async () => {
    const s = new Session();
    const v = await s.evalString(`
      (defn h [x] (if (<= x 0) 0 (+ x (perform :e (h (dec x))))))
      (with-effect-handler :e (fn [d k] (k d)) (h 20000))`);
    expect(v).toBe(200010000);
  });

  it('recurses 100,000 deep on the resumable tier, and reports overflow past its bound as a Glia error', async () => {
    const s = new Session({ tier: 'resumable' });
    await s.evalString('(defn d [n] (if (= n 0) 0 (inc (d (dec n)))))');
    expect(await s.evalString('(d 100000)')).toBe(100000);
    const err = await s.evalString('(d 1000000)').catch((e) => e);
    expect(err).toBeInstanceOf(GliaError);
    expect(prStr(errorType(err.value))).toBe(':glia.error/stack-overflow');
  });

  it('carries the Glia call stack of an uncaught error, innermost first', async () => {
    const s = new Session();
    const err = await s.evalString(`
      (defn inner [x] (+ x "oops"))
      (defn outer [x] (inc (inner x)))
      (outer 1)`, 'app.glia').catch((e) => e);
    expect(err).toBeInstanceOf(GliaError);
    const frames = (err as GliaError).gliaStack.map((f) => `${f.name}@${f.span?.line}:${f.span?.col}`);
    expect(frames.slice(0, 2)).toEqual(['inner@2:23', 'outer@3:28']);
    expect((err as GliaError).span?.file).toBe('app.glia');
  });
});
