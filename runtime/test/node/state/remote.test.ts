// A StateRef served to another node as a vat, as any capability is: two
// real nodes in this process on 127.0.0.1 (state-node.ts), A owning the
// ref and serving it (whole, and attenuated to [:head :history :get]), B
// dialing both from Glia. B commits through the ref and A sees it; callers
// on both nodes racing from one head give one winner a round (A is the
// single point of consistency); the read-only ref refuses B's put and
// compare-and-set.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { multiaddr } from '@multiformats/multiaddr';
import { startStateNode, type StateNode, type StateSession } from './state-node.js';

let a: StateNode, b: StateNode;
let onA: StateSession, onB: StateSession;

beforeAll(async () => {
  [a, b] = await Promise.all([startStateNode(), startStateNode()]);
  onA = await a.graft();
  onB = await b.graft();
  await b.node.swarm.dial(multiaddr(a.node.addrs()[0]!));
  await onA.eval('(def r (perform host :state-ref "ledger"))');
  await onA.eval('(perform host :serve-vat r "ledger")');
  await onA.eval('(perform host :serve-vat (attenuate r [:head :history :get]) "ledger-ro")');
  await onB.eval(`(def r (perform host :dial-vat "${a.node.peerId}" "ledger"))`);
  await onB.eval(`(def ro (perform host :dial-vat "${a.node.peerId}" "ledger-ro"))`);
}, 60_000);
afterAll(async () => { await Promise.all([a?.stop(), b?.stop()]); });

const COMMIT = '(fn [r v] (let [h (perform r :head) c (perform r :put v (:cid h))] (perform r :compare-and-set (:cid h) c)))';

describe('a StateRef served to another node', () => {
  it('B commits through it and A sees the head; values cross as Glia data', async () => {
    expect(await onB.eval(`(:ok (${COMMIT} r {:from :b :items [1 2 3] :set #{"x"}}))`)).toBe('true');
    const head = await onA.eval('(:cid (perform r :head))');
    expect(await onB.eval('(:cid (perform r :head))')).toBe(head);
    expect(await onA.eval(`(perform r :get ${head})`)).toBe(await onB.eval(`(perform r :get ${head})`));
    expect(await onA.eval(`(= (perform r :get ${head}) {:from :b :items [1 2 3] :set #{"x"}})`)).toBe('true');
  });

  it('callers on both nodes racing from one head: one winner a round', async () => {
    const extraA = await Promise.all(Array.from({ length: 3 }, () => a.graft()));
    const extraB = await Promise.all(Array.from({ length: 3 }, async () => {
      const x = await b.graft();
      await x.eval(`(def r (perform host :dial-vat "${a.node.peerId}" "ledger"))`);
      return x;
    }));
    for (const x of extraA) await x.eval('(def r (perform host :state-ref "ledger"))');
    const all = [onA, onB, ...extraA, ...extraB];
    for (let round = 0; round < 3; round++) {
      const head = await onA.eval('(:cid (perform r :head))');
      const results = await Promise.all(all.map((x, i) =>
        x.eval(`(let [c (perform r :put {:round ${round} :caller ${i}} ${head})] (:ok (perform r :compare-and-set ${head} c)))`)));
      expect(results.filter((t) => t === 'true'), results.join(' ')).toHaveLength(1);
      expect(results.filter((t) => t === 'false')).toHaveLength(all.length - 1);
    }
    for (const x of [...extraA, ...extraB]) x.close();
  });

  it('the read-only ref reads from B, and refuses put and compare-and-set', async () => {
    const head = await onA.eval('(:cid (perform r :head))');
    expect(await onB.eval('(:cid (perform ro :head))')).toBe(head);
    expect(await onB.eval('(count (perform ro :history 100))')).toBe(await onA.eval('(count (perform r :history 100))'));
    expect(await onB.eval(`(= (perform ro :get ${head}) (perform r :get ${head}))`)).toBe('true');
    const refused = (expr: string) => onB.eval(`(try ${expr} :no-error (catch :glia.error/permission-denied e :denied))`);
    expect(await refused(`(perform ro :put 1 ${head})`)).toBe(':denied');
    expect(await refused(`(perform ro :compare-and-set ${head} ${head})`)).toBe(':denied');
    expect(await onA.eval('(:cid (perform r :head))')).toBe(head);
  });
});
