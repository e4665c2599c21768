// dosync against the node's own StateRef, across two real nodes in this
// process (each its real boot: identity, swarm on 127.0.0.1, embedded
// IPFS, membrane): the ref is owned by node A and served as a vat; node B
// dials it. Clients are Glia sessions grafted onto each node over Cap'n
// Proto, 8 per node, all running at once, each incrementing one counter
// through dosync 100 times: the count must come out at exactly 1,600,
// every version must hold the count of its sequence number (no update
// lost or applied twice), and the retries the clients count must match
// the bodies they ran. A dosync that gives up after its 10 retries
// (:glia.error/conflict, which commits nothing) is run again by its client
// and counted: under this much contention on a loaded machine it happens
// about once in a thousand transactions. A read-only attenuation of the
// ref cannot commit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStateNode, type StateNode, type StateSession } from './state-node.js';

const CLIENTS_PER_NODE = 8;
const INCREMENTS = 100;

let a: StateNode, b: StateNode;
let owner: StateSession;

beforeAll(async () => {
  a = await startStateNode();
  b = await startStateNode();
  await b.node.swarm.dial(a.node.swarm.getMultiaddrs()[0]!);
  owner = await a.graft();
  await owner.eval('(import "ww/state" :as st)');
  await owner.eval('(def counter (perform host :state-ref "counter"))');
  await owner.eval('(perform host :serve-vat counter "counter")');
  await owner.eval('(perform host :serve-vat (attenuate counter [:head :history :get]) "counter-ro")');
}, 60_000);

afterAll(async () => {
  await b?.stop();
  await a?.stop();
}, 30_000);

/** A client session on `node` holding `counter`: A's ref by name on A, the vat on B. */
async function client(node: StateNode, name = 'counter'): Promise<StateSession> {
  const s = await node.graft();
  await s.eval('(import "ww/state" :as st)');
  await s.eval('(def runs (atom 0))');
  await s.eval(node === a ? `(def counter (perform host :state-ref "${name}"))` : `(def counter (perform host :dial-vat "${a.node.peerId}" "${name}"))`);
  return s;
}

describe('dosync on a node\'s StateRef', () => {
  it(`${CLIENTS_PER_NODE * 2} clients on two nodes increment one counter ${INCREMENTS} times each: exactly ${CLIENTS_PER_NODE * 2 * INCREMENTS}, nothing lost, retries counted`, async () => {
    const clients = await Promise.all([
      ...Array.from({ length: CLIENTS_PER_NODE }, () => client(a)),
      ...Array.from({ length: CLIENTS_PER_NODE }, () => client(b)),
    ]);
    const started = Date.now();
    // Each increment is one dosync; one that gave up is run again.
    await Promise.all(clients.map((c) => c.eval(`(dotimes [_ ${INCREMENTS}]
      (loop [] (when (= :gave-up (try (st/dosync counter (swap! runs inc) (st/alter! [:n] (fnil inc 0)))
                                      (catch :glia.error/conflict _ :gave-up)))
                 (recur))))`)));
    const seconds = (Date.now() - started) / 1000;
    const total = CLIENTS_PER_NODE * 2 * INCREMENTS;
    expect(await owner.eval('(st/deref-state counter)')).toBe(`{:n ${total}}`);
    expect(await owner.eval('(:seq (perform counter :head))')).toBe(String(total));
    // Every version holds the count of its sequence number, back to the first.
    expect(await owner.eval(`(let [h (st/history counter ${total})]
                               [(count h) (every? (fn [v] (= (:n (:value v)) (:seq v))) h) (:prev-cid (last h))])`)).toBe(`[${total} true ""]`);
    const stats = await Promise.all(clients.map(async (c) => (await c.eval('(let [s (st/stats)] [(:commits s) (:retries s) (:conflicts s) @runs])')).slice(1, -1).split(' ').map(Number)));
    const sum = (i: number) => stats.reduce((n, s) => n + s[i], 0);
    expect(stats.map((s) => s[0])).toEqual(clients.map(() => INCREMENTS));
    // Every run of a body is a first try or a retry; a transaction that gave up made 1 + 10.
    expect(sum(3)).toBe(total + sum(1) + sum(2));
    console.log(`dosync: ${total} commits by ${clients.length} clients on 2 nodes in ${seconds.toFixed(1)} s, ${sum(1)} retries (per client: ${stats.map((s) => s[1]).join(' ')}), ${sum(2)} gave up and ran again`);
  }, 600_000);

  it('a read-only attenuation of the ref can be read through dosync but cannot commit, and the head stays', async () => {
    const ro = await client(b, 'counter-ro');
    const head = await owner.eval('(perform counter :head)');
    const value = await owner.eval('(st/deref-state counter)');
    expect(await ro.eval('(st/deref-state counter)')).toBe(value);
    expect(await ro.eval('(st/dosync counter (:n (st/snapshot)))')).toBe(/^\{:n (\d+)\}$/.exec(value)![1]);
    expect(await ro.eval('(try (st/dosync counter (st/alter! [:n] inc)) (catch :glia.error/permission-denied e :denied))')).toBe(':denied');
    expect(await owner.eval('(perform counter :head)')).toBe(head);
  }, 60_000);
});
