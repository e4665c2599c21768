// In a Glia cell, ww/state's backoff (glia.core/-pause) waits on the clock,
// synchronously: a cell's call has no event loop, and a timer's promise
// made `handle` return a promise (500 "got #<Promise>") whenever two
// requests' dosync conflicted. The cell's session (cellSession, the one
// its engine runs) is checked here in Node, synchronously as in the cell.
import { describe, it, expect } from 'vitest';
import { cellSession, type CellConfig } from '../../cell/guest/engine.js';
import { prStr } from '../../../glia/index.js';

const cfg: CellConfig = { name: 'p', version: '0.0.0', mode: 'raw', file: 'p.glia', source: '', grants: [] };
const effects = { stdout: () => null, stdin: () => '', exit: () => null };

describe('-pause in a cell', () => {
  it('waits on the clock without a promise, so dosync\'s retries run synchronously', () => {
    const s = cellSession(cfg, effects);
    const started = Date.now();
    expect(prStr(s.runSync('(glia.core/-pause 30)', 'p.glia'))).toBe('nil');
    expect(Date.now() - started).toBeGreaterThanOrEqual(29);
    // A transaction that conflicts once: the first :put lets another writer commit
    // first, so the compare-and-set fails, and the retry waits (-pause) before it runs.
    s.runSync(`(import "ww/state" :as state)
      (def inner (state/memory-ref))
      (def raced (atom false))
      (defcap racy
        :head (fn [] (perform inner :head))
        :get (fn [cid] (perform inner :get cid))
        :put (fn [v prev]
               (when-not @raced
                 (reset! raced true)
                 (let [h (:cid (perform inner :head))] (perform inner :compare-and-set h (perform inner :put {:n 100} h))))
               (perform inner :put v prev))
        :compare-and-set (fn [e n] (perform inner :compare-and-set e n))
        :history (fn [l] (perform inner :history l)))`, 'p.glia');
    const r = s.runSync('(let [r (state/transact racy (fn [] (state/alter! [:n] (fnil inc 0))))] [(:value r) (:retries r)])', 'p.glia');
    expect(prStr(r)).toBe('[101 1]');
  });

  it('a bad argument is still the original\'s error', () => {
    const s = cellSession(cfg, effects);
    expect(() => s.runSync('(glia.core/-pause -1)', 'p.glia')).toThrow(/-pause takes milliseconds/);
  });
});
