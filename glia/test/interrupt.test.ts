// Interrupting a Session (glia/eval/interrupt.ts): a flag set from
// outside stops loops that never yield, on both tiers, through `try`, and
// an awaited host effect; without the flag no check is compiled. Here a
// plain function bound as `stop!` sets the flag (a host effect would be
// stopped itself, by the driver's check as it resumes), so the code that
// follows runs with it set, deterministically, on one thread
// (runtime/test/session/ sets it from another thread).
import { describe, it, expect } from 'vitest';
import { Session, type Tier } from '../eval/session.js';
import { GliaError, errorType } from '../values/errors.js';
import { Interrupted } from '../eval/interrupt.js';
import { emitTopLevel } from '../emit/js.js';
import { Analyzer } from '../compile/analyzer.js';
import { read } from '../reader/read.js';

function session(tier: Tier, flag: Int32Array, effects: Record<string, (d: any) => any> = {}): Session {
  const stop = () => { Atomics.store(flag, 0, 1); return null; };
  return new Session({ tier, interrupt: flag, effects, capabilities: { 'stop!': stop } });
}

async function errorOf(p: Promise<unknown>): Promise<GliaError> {
  try { await p; } catch (e) { return e as GliaError; }
  throw new Error('expected an error');
}

for (const tier of ['auto', 'resumable'] as Tier[]) {
  describe(`tier ${tier}`, () => {
    it('stops (loop [] (recur)) with :glia.error/interrupted, located at the loop', async () => {
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const s = session(tier, flag);
      await s.evalString('(defn spin [] (loop [] (recur)))');
      const e = await errorOf(s.evalString('(stop!)\n(spin)', '<t>'));
      expect(e).toBeInstanceOf(Interrupted);
      expect(errorType(e.value)?.fqn).toBe('glia.error/interrupted');
      expect(e.span?.line).toBe(2);
    });

    it('is not caught by try, and finally still runs', async () => {
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const s = session(tier, flag);
      await s.evalString('(def ran (atom false)) (defn spin [n] (if (< n 0) n (recur (inc n))))');
      const e = await errorOf(s.evalString('(try (do (stop!) (spin 0)) (catch _ e :caught) (catch :glia.error/interrupted e :caught) (finally (reset! ran true)))'));
      expect(e).toBeInstanceOf(Interrupted);
      Atomics.store(flag, 0, 0);
      expect(await s.evalString('@ran')).toBe(true);
    });

    it('stops a fn that recurs to itself and a performing tail-call loop', async () => {
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const s = session(tier, flag, { noop: () => null });
      await s.evalString('(defn f [n] (recur (inc n))) (defn g [n] (perform :noop) (g (inc n)))');
      expect(await errorOf(s.evalString('(stop!) (f 0)'))).toBeInstanceOf(Interrupted);
      Atomics.store(flag, 0, 0);
      expect(await errorOf(s.evalString('(stop!) (g 0)'))).toBeInstanceOf(Interrupted);
    });

    it('stops waiting for a host effect that never answers, once notified', async () => {
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const s = session(tier, flag, { never: () => new Promise(() => {}) });
      const p = s.evalString('(perform :never)');
      setTimeout(() => { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); }, 20);
      expect(await errorOf(p)).toBeInstanceOf(Interrupted);
    });

    it('keeps working, with its definitions, once the flag is cleared', async () => {
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const s = session(tier, flag);
      await s.evalString('(def kept 42) (defn spin [] (loop [] (recur)))');
      await errorOf(s.evalString('(stop!) (spin)'));
      Atomics.store(flag, 0, 0);
      expect(await s.evalString('(loop [i 0] (if (< i 1000) (recur (inc i)) (+ i kept)))')).toBe(1042);
    });
  });
}

it('compiles no check without a flag, and one per loop with it', () => {
  const s = new Session();
  const form = read('(loop [i 0] (if (< i 3) (recur (inc i)) i))', '<t>').forms[0];
  const node = new Analyzer(s.registry, s.runMacro, '<t>').analyzeTop(form);
  expect(emitTopLevel(node).source).not.toContain('Atomics');
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const on = emitTopLevel(node, { interrupt: flag });
  expect(on.source.match(/Atomics\.load/g)).toHaveLength(1);
  expect(on.source).toMatch(/let i\$\d+ = -1;\s*L\d+: while/);
  expect(on.consts).toContain(flag);
});
