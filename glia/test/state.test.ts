// ww/state at the language level: dosync's commit, its alter!/assoc!/
// snapshot semantics, retries on conflict and giving up, a body that throws,
// and the run-time barrier that refuses any other effect in a body. The ref
// here is `mem`, a defcap implementing StateRef's five methods
// (schema/state.capnp) over an atom: a second implementation of the
// interface, so these tests pin down what dosync does with any StateRef.
// The node's own StateRef, across two nodes, is tested in
// runtime/test/node/state/dosync-nodes.test.ts. Every case runs on both
// tiers.
import { describe, it, expect } from 'vitest';
import { Session, type Tier } from '../eval/session.js';
import { prStr } from '../values/printer.js';

/** StateRef over an atom. `(swap! store assoc :fail-cas n)` makes the next n compare-and-sets fail as if another client had committed first. */
export const MEM_REF = `
(import "ww/state" :as st)
(def store (atom {:head "" :seq 0 :versions {} :fail-cas 0 :puts 0 :cas 0}))
(defcap mem
  :head (fn [] {:cid (:head @store) :seq (:seq @store)})
  :put (fn [v prev]
         (let [cid (str "v" (count (:versions @store)))
               seq (if (= prev "") 1 (inc (get-in @store [:versions prev :seq])))]
           (swap! store (fn [s] (-> s (assoc-in [:versions cid] {:value v :prev-cid prev :seq seq}) (update :puts inc))))
           cid))
  :compare-and-set (fn [expected new]
                     (swap! store update :cas inc)
                     (if (and (= expected (:head @store)) (zero? (:fail-cas @store)))
                       (do (swap! store assoc :head new :seq (get-in @store [:versions new :seq]))
                           {:ok true :cid new :seq (:seq @store)})
                       (do (swap! store update :fail-cas (fn [n] (max 0 (dec n))))
                           {:ok false :cid (:head @store) :seq (:seq @store)})))
  :get (fn [cid] (get-in @store [:versions cid :value]))
  :history (fn [n]
             (loop [cid (:head @store) out []]
               (if (or (= cid "") (>= (count out) n))
                 out
                 (let [v (get-in @store [:versions cid])]
                   (recur (:prev-cid v) (conj out {:cid cid :seq (:seq v) :prev-cid (:prev-cid v)})))))))
`;

async function session(tier: Tier) {
  const out: string[] = [];
  const s = new Session({ tier, stdout: (t) => out.push(t) });
  await s.evalString(MEM_REF);
  const ev = async (src: string) => prStr(await s.evalString(src));
  /** The thrown error's [type message data-without-glia-keys], or the value when nothing was thrown. */
  const thrown = async (src: string) => ev(`(try ${src} (catch _ e [(error-type e) (ex-message e) (ex-data e)]))`);
  return { s, out, ev, thrown };
}

describe.each(['auto', 'resumable'] as const)('ww/state dosync (%s tier)', (tier) => {
  it('commits what the body wrote and gives the body\'s value; an empty ref reads as {}', async () => {
    const { ev } = await session(tier);
    expect(await ev('(st/deref-state mem)')).toBe('{}');
    expect(await ev('(st/dosync mem (st/assoc! [:n] 41) :done)')).toBe(':done');
    expect(await ev('(st/dosync mem (st/alter! [:n] inc))')).toBe('42');
    expect(await ev('[(st/deref-state mem) (:head @store) (:seq @store)]')).toBe('[{:n 42} "v1" 2]');
  });

  it('alter! updates along a path and gives the new value there, assoc! sets, snapshot sees the writes so far', async () => {
    const { ev } = await session(tier);
    expect(await ev(`(st/dosync mem
                       [(st/snapshot)
                        (st/assoc! [:a :b] 1)
                        (st/alter! [:a :b] + 10 5)
                        (st/alter! [:count] (fnil inc 0))
                        (st/snapshot)])`)).toBe('[{} 1 16 1 {:a {:b 16}, :count 1}]');
    // [] is the whole value.
    expect(await ev('(st/dosync mem (st/alter! [] assoc :z 0))')).toBe('{:a {:b 16}, :count 1, :z 0}');
    expect(await ev('(st/dosync mem (st/assoc! [] {:fresh true}) (st/snapshot))')).toBe('{:fresh true}');
    expect(await ev('(st/deref-state mem)')).toBe('{:fresh true}');
    // Three commits, one version each.
    expect(await ev('(:seq @store)')).toBe('3');
  });

  it('a body that writes nothing commits nothing', async () => {
    const { ev } = await session(tier);
    await ev('(st/dosync mem (st/assoc! [:n] 1))');
    expect(await ev('(st/dosync mem (:n (st/snapshot)))')).toBe('1');
    expect(await ev('(st/transact mem (fn [] (st/snapshot)))')).toBe('{:value {:n 1}, :committed false, :retries 0, :cid "v0", :seq 1}');
    expect(await ev('[(:puts @store) (:cas @store) (:seq @store)]')).toBe('[1 1 1]');
  });

  it('on a conflict it runs the body again on the newer value, and counts the retries', async () => {
    const { ev } = await session(tier);
    await ev('(st/dosync mem (st/assoc! [:n] 0))');
    await ev('(st/reset-stats!)');
    // The next two compare-and-sets fail as if another client had committed first.
    await ev('(def runs (atom 0))');
    await ev('(swap! store assoc :fail-cas 2)');
    expect(await ev('(st/transact mem (fn [] (swap! runs inc) (st/alter! [:n] inc)))'))
      .toBe('{:value 1, :committed true, :retries 2, :cid "v3", :seq 2}');
    expect(await ev('[@runs (st/deref-state mem) (st/stats)]')).toBe('[3 {:n 1} {:commits 1, :retries 2, :conflicts 0, :reads 0}]');
  });

  it('retries on the value another client committed, so no update is lost', async () => {
    const { ev } = await session(tier);
    await ev('(st/dosync mem (st/assoc! [:n] 0))');
    // The first body run commits a competing write (through the ref, as
    // another client would) after this transaction read the head.
    await ev('(def cas-calls (atom 0))');
    await ev(`(defcap rival
               :head (fn [] (perform mem :head))
               :get (fn [cid] (perform mem :get cid))
               :put (fn [v prev] (perform mem :put v prev))
               :history (fn [n] (perform mem :history n))
               :compare-and-set (fn [exp new]
                                  (when (= 1 (swap! cas-calls inc))
                                    (let [h (:cid (perform mem :head))]
                                      (perform mem :compare-and-set h (perform mem :put {:n 100} h))))
                                  (perform mem :compare-and-set exp new)))`);
    expect(await ev('(st/transact rival (fn [] (st/alter! [:n] inc)))')).toBe('{:value 101, :committed true, :retries 1, :cid "v3", :seq 3}');
    expect(await ev('(st/deref-state mem)')).toBe('{:n 101}');
  });

  it('gives up after 10 retries with :glia.error/conflict naming the head and the tries; the head stays', async () => {
    const { ev, thrown } = await session(tier);
    await ev('(st/dosync mem (st/assoc! [:n] 7))');
    await ev('(def runs (atom 0))');
    await ev('(swap! store assoc :fail-cas 1000)');
    const [type, message, data] = JSON.parse(toJsonish(await thrown('(st/dosync mem (swap! runs inc) (st/alter! [:n] inc))')));
    expect(type).toBe(':glia.error/conflict');
    expect(message).toContain('gave up after 11 tries');
    expect(data).toContain(':head "v0"');
    expect(data).toContain(':tries 11');
    expect(await ev('[@runs (:cas @store) (st/deref-state mem) (:conflicts (st/stats))]')).toBe('[11 12 {:n 7} 1]');
    expect(await ev('st/max-retries')).toBe('10');
  });

  it('a body that throws leaves the head unchanged, and its error comes out unchanged', async () => {
    const { ev, thrown } = await session(tier);
    await ev('(st/dosync mem (st/assoc! [:n] 1))');
    expect(await thrown('(st/dosync mem (st/alter! [:n] inc) (throw (ex-info "boom" {:type :my/boom :why 42})))'))
      .toBe('[:my/boom "boom" {:type :my/boom, :why 42}]');
    expect(await thrown('(st/dosync mem (st/alter! [:n] inc) (/ 1 0))')).toBe('[:glia.error/arithmetic "divide by zero" {}]');
    expect(await ev('[(st/deref-state mem) (:head @store) (:puts @store)]')).toBe('[{:n 1} "v0" 1]');
  });

  it('refuses at run time an effect the checker cannot see: the perform throws :glia.error/dosync-effect and nothing commits', async () => {
    const { ev, thrown, out } = await session(tier);
    await ev('(st/dosync mem (st/assoc! [:n] 1))');
    await ev('(defn shout [] (println "a retry would print this again"))');
    await ev('(defn run-it [f] (f))');
    expect(await thrown('(st/dosync mem (st/alter! [:n] inc) (run-it shout))'))
      .toBe('[:glia.error/dosync-effect "a dosync body may not perform :stdout" {:effect ":stdout", :target :stdout}]');
    // A capability call, and a function passed to alter!.
    await ev('(defcap clock :now (fn [] 5))');
    expect(await thrown('(st/dosync mem (st/assoc! [:t] (perform (identity clock) :now)))'))
      .toMatch(/^\[:glia\.error\/dosync-effect "a dosync body may not perform #<cap clock> :now" \{:effect "#<cap clock> :now", :target #<cap clock>, :method :now\}\]$/);
    expect(await thrown('(st/dosync mem (st/alter! [:n] (fn [x] (run-it shout) (inc x))))')).toMatch(/^\[:glia\.error\/dosync-effect /);
    // Through a lazy sequence, which runs its function on a driver of its own.
    expect(await thrown('(st/dosync mem (first (map (fn [_] (run-it shout)) (range))))')).toMatch(/^\[:glia\.error\/dosync-effect /);
    // A nested dosync is a capability call too.
    expect(await thrown('(st/dosync mem (st/dosync (identity mem) (st/assoc! [:x] 1)))')).toMatch(/^\[:glia\.error\/dosync-effect "a dosync body may not perform #<cap mem> :head"/);
    expect(out).toEqual([]);
    expect(await ev('[(st/deref-state mem) (:puts @store)]')).toBe('[{:n 1} 1]');
    // The refusal is thrown at the perform, so the body may catch it and go on.
    expect(await ev('(st/dosync mem (or-else (run-it shout) nil) (st/alter! [:n] inc))')).toBe('2');
  });

  it('history walks back from the head by CID, newest first, with each value', async () => {
    const { ev } = await session(tier);
    for (let i = 0; i < 3; i++) await ev('(st/dosync mem (st/alter! [:n] (fnil inc 0)))');
    expect(await ev('(st/history mem 10)')).toBe('[{:cid "v2", :seq 3, :prev-cid "v1", :value {:n 3}} {:cid "v1", :seq 2, :prev-cid "v0", :value {:n 2}} {:cid "v0", :seq 1, :prev-cid "", :value {:n 1}}]');
    expect(await ev('(mapv :seq (st/history mem 2))')).toBe('[3 2]');
  });

  it('a read-only attenuated ref cannot commit, and its head does not move', async () => {
    const { ev, thrown } = await session(tier);
    await ev('(st/dosync mem (st/assoc! [:n] 1))');
    await ev('(def ro (attenuate mem [:head :history :get]))');
    expect(await ev('(st/deref-state ro)')).toBe('{:n 1}');
    expect(await ev('(st/dosync ro (:n (st/snapshot)))')).toBe('1');
    expect(await thrown('(st/dosync ro (st/alter! [:n] inc))')).toMatch(/^\[:glia\.error\/permission-denied /);
    expect(await ev('[(st/deref-state mem) (:puts @store)]')).toBe('[{:n 1} 1]');
  });

  it('alter!, assoc! and snapshot outside a dosync are unhandled effects', async () => {
    const { thrown } = await session(tier);
    expect(await thrown('(st/snapshot)')).toMatch(/^\[:glia\.error\/unhandled-effect "no handler for effect :ww\.state\/snapshot"/);
  });
});

describe.each(['auto', 'resumable'] as const)('with-effect-barrier (%s tier)', (tier) => {
  it('lets through what a handler inside takes and the allowed targets; refuses the rest at the perform site', async () => {
    const { ev, thrown, out } = await session(tier);
    const refusal = '{:type :my/refused :message "no" :hint "h"}';
    expect(await ev(`(with-effect-barrier [] ${refusal} (fn [] (with-effect-handler :x (fn [d k] (k (inc d))) (perform :x 1))))`)).toBe('2');
    expect(await ev(`(with-effect-handler :x (fn [d k] (k (* 10 d))) (with-effect-barrier [:x] ${refusal} (fn [] (perform :x 2))))`)).toBe('20');
    expect(await thrown(`(with-effect-handler :y (fn [d k] (k d)) (with-effect-barrier [:x] ${refusal} (fn [] (perform :y 2))))`)).toBe('[:my/refused "no :y" {:effect ":y", :target :y}]');
    expect(await ev(`(with-effect-barrier [] ${refusal} (fn [] [(or-else (println "x") :refused) (+ 1 2)]))`)).toBe('[:refused 3]');
    expect(await thrown('(with-effect-barrier [1] {:type :t} (fn [] 1))')).toMatch(/^\[:glia\.error\/type-mismatch "an allowed target must be a keyword or a capability/);
    expect(await thrown('(with-effect-barrier [] {} (fn [] 1))')).toMatch(/^\[:glia\.error\/type-mismatch "with-effect-barrier takes a refusal map with a :type keyword/);
    expect(out).toEqual([]);
  });
});

/** `[:t "m" {...}]` printed by Glia, as JSON-ish [type, message, data] strings. */
function toJsonish(printed: string): string {
  const m = /^\[(\S+) ("(?:[^"\\]|\\.)*") (\{.*\})\]$/.exec(printed);
  if (!m) throw new Error(`not a thrown triple: ${printed}`);
  return JSON.stringify([m[1], JSON.parse(m[2]!), m[3]]);
}
