// Handlers that resume in tail position run in constant space, on both
// tiers (doc/language.md §7, "Handlers in loops"): the driver drops the
// handler's frame and its abort guard before resuming, so a loop of a
// million performs under one handler, or under three that pass the effect
// on, neither overflows nor grows the heap. The heap is sampled from inside
// the loop (after a forced GC) before each tenth of it and at the end; the
// bound is generous, a guard against frames or continuations being kept.
// The long runs get a generous time-out too (a loaded machine), never a
// timing assertion.
import { describe, it, expect } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Session, type Tier } from '../../glia/eval/session.js';
import { prStr } from '../../glia/values/printer.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;
/** Heap growth allowed between the two samples. Kept frames would cost well over 100 MB. */
const HEAP_BOUND = 48 * MB;
const LONG = 180_000;

function session(tier: Tier, samples: number[]): Session {
  return new Session({
    tier,
    effects: { heap: () => { gc(); samples.push(process.memoryUsage().heapUsed); return null; } },
  });
}

/** n performs of :tick in ten rounds, sampling the heap before each round and at the end. */
function tickLoop(n: number): string {
  return `(loop [round 0 total 0]
            (perform :heap)
            (if (< round 10)
              (recur (inc round) (+ total (loop [i 0] (if (< i ${n / 10}) (recur (perform :tick i)) i))))
              total))`;
}

/** Growth from the end of the first round to the end: the first round warms up code and caches. */
function growth(samples: number[]): number {
  expect(samples).toHaveLength(11);
  return samples[10]! - samples[1]!;
}

for (const tier of ['auto', 'resumable'] as Tier[]) {
  describe(`tail-resuming handlers in constant space (tier ${tier})`, () => {
    it('runs 10^6 performs under one handler with a flat heap', async () => {
      const samples: number[] = [];
      const v = await session(tier, samples).evalString(
        `(with-effect-handler :tick (fn [d k] (k (inc d))) ${tickLoop(1_000_000)})`);
      expect(v).toBe(1_000_000);
      expect(growth(samples)).toBeLessThan(HEAP_BOUND);
    }, LONG);

    it('runs 10^6 performs under three nested forwarding handlers with a flat heap', async () => {
      const samples: number[] = [];
      const v = await session(tier, samples).evalString(`
        (with-effect-handler :tick (fn [d k] (k (inc d)))
          (with-effect-handler :tick (fn [d k] (k (reperform :tick d)))
            (with-effect-handler :tick (fn [d k] (k (perform :tick d)))
              (with-effect-handler :tick (fn [d k] (k (reperform :tick d)))
                ${tickLoop(1_000_000)}))))`);
      expect(v).toBe(1_000_000);
      expect(growth(samples)).toBeLessThan(HEAP_BOUND);
    }, LONG);

    it('collects 10^5 values with a generator-style handler', async () => {
      const v = await session(tier, []).evalString(`
        (defn numbers [n] (loop [i 0] (when (< i n) (perform :yield (* i i)) (recur (inc i)))) :done)
        (let [out (atom [])
              end (with-effect-handler :yield (fn [v k] (swap! out conj v) (k nil)) (numbers 100000))]
          [end (count @out) (first @out) (last @out) (reduce + @out)])`);
      const sumSquares = Array.from({ length: 100_000 }, (_, i) => i * i).reduce((a, b) => a + b, 0);
      expect(prStr(v)).toBe(`[:done 100000 0 ${99_999 * 99_999} ${sumSquares}]`);
    }, LONG);

    it('collects 10^5 values with a handler that builds the list after resuming, and bounds that growth', async () => {
      // Not tail: each handler waits for the rest of the body, so it is a frame
      // until then. 10^5 fit; far more is a catchable stack-overflow, never a
      // heap that grows until V8 aborts.
      const v = await session(tier, []).evalString(`
        (defn numbers [n] (loop [i 0] (when (< i n) (perform :yield i) (recur (inc i)))) nil)
        [(let [xs (with-effect-handler :yield (fn [v k] (cons v (k nil))) (numbers 100000))] [(count xs) (first xs) (last xs)])
         (try (with-effect-handler :yield (fn [v k] (cons v (k nil))) (numbers 1000000))
              (catch :glia.error/stack-overflow e :overflow))]`);
      expect(prStr(v)).toBe('[[100000 0 99999] :overflow]');
    }, LONG);

    it('resumes through a helper called in tail position, and keeps the handler deep', async () => {
      // The handler's frame goes even when the resume is one tail call away,
      // and the handler stays in force for every later perform.
      const v = await session(tier, []).evalString(`
        (defn answer [k d] (k (* 2 d)))
        (with-effect-handler :x (fn [d k] (answer k d))
          (loop [i 0 acc 0] (if (< i 300000) (recur (inc i) (+ acc (perform :x 1))) acc)))`);
      expect(v).toBe(600_000);
    }, LONG);

    it('discontinues in tail position 150,000 times, each caught in the body', async () => {
      const v = await session(tier, []).evalString(`
        (with-effect-handler :x (fn [d k] (discontinue k (ex-info "no" {:type :my/no})))
          (loop [i 0 caught 0]
            (if (< i 150000)
              (recur (inc i) (try (perform :x i) (catch :my/no e (inc caught))))
              caught)))`);
      expect(v).toBe(150_000);
    }, LONG);

    it('runs a ww/policy audit around a 300,000-call loop', async () => {
      const v = await session(tier, []).evalString(`
        (import "ww/policy" :as p)
        (def seen (atom 0))
        (with-effect-handler :call (fn [d k] (k (inc d)))
          (p/audit (fn [_] (swap! seen inc)) [:call]
            (fn [] (loop [i 0] (if (< i 300000) (recur (perform :call i)) [i @seen])))))`);
      expect(prStr(v)).toBe('[300000 300000]');
    }, LONG);

    it('still runs what follows a non-tail resume, and finally blocks of an aborted body', async () => {
      const s = session(tier, []);
      expect(await s.evalString('(with-effect-handler :x (fn [d k] (* 2 (k 5))) (+ 1 (perform :x 0)))')).toBe(12);
      expect(prStr(await s.evalString(`
        (let [log (atom [])]
          [(with-effect-handler :x (fn [d k] (if (< d 3) (k d) :stopped))
             (try (loop [i 0] (recur (inc (perform :x i)))) (finally (swap! log conj :fin))))
           @log])`))).toBe('[:stopped [:fin]]');
      // A resume in tail position inside a try keeps its frame (the catch still applies).
      expect(prStr(await s.evalString(`
        (with-effect-handler :x (fn [d k] (try (k d) (catch :my/e e :caught)))
          (do (perform :x 1) (throw (ex-info "boom" {:type :my/e}))))`))).toBe(':caught');
    });
  });
}
