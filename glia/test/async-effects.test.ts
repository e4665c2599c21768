// Host handlers may be asynchronous: the driver suspends the Glia
// computation, the JS event loop keeps running, and the value comes back
// at the exact perform site.
import { describe, it, expect } from 'vitest';
import { Session } from '../eval/session.js';
import { prStr } from '../values/printer.js';

describe('asynchronous host effects', () => {
  it('resumes at the perform site with the resolved value, without blocking the event loop', async () => {
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    const session = new Session({
      effects: {
        fetch: (n: any) => new Promise((res) => setTimeout(() => res(n * 10), 5)),
      },
    });
    const v = await session.evalString('(+ 1 (perform :fetch 2) (perform :fetch 3))');
    clearInterval(timer);
    expect(prStr(v)).toBe('51');
    // The timer ran while Glia waited: ~10 ms of waits at a 1 ms interval.
    expect(ticks).toBeGreaterThan(2);
  });

  it('keeps Glia handler frames and try/finally intact across awaits', async () => {
    const session = new Session({ effects: { tick: () => Promise.resolve(1) } });
    const v = await session.evalString(`
      (def log (atom []))
      (with-effect-handler :note (fn [d k] (swap! log conj d) (k (* 2 d)))
        (try
          (loop [i 0 acc 0]
            (if (< i 100)
              (recur (inc i) (+ acc (perform :tick) (perform :note i)))
              [acc (count @log)]))
          (finally (swap! log conj :done))))`);
    expect(prStr(v)).toBe('[10000 100]');
    expect(prStr(await session.evalString('(last @log)'))).toBe(':done');
  });

  it('turns a rejected promise into a catchable Glia error', async () => {
    const session = new Session({ effects: { boom: () => Promise.reject(new Error('far side failed')) } });
    const v = await session.evalString('(try (perform :boom nil) (catch :glia.error/internal e (ex-message e)))');
    expect(prStr(v)).toContain('far side failed');
  });

  it('runs ten thousand sequential asynchronous performs', async () => {
    const session = new Session({ effects: { next: (n: any) => Promise.resolve(n + 1) } });
    const v = await session.evalString('(loop [i 0] (if (< i 10000) (recur (perform :next i)) i))');
    expect(v).toBe(10000);
  });
});
