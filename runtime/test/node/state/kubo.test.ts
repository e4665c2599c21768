// StateRefs on a node whose IPFS is Kubo (--ipfs-url): the stand-in Kubo
// of fake-kubo.ts (its HTTP RPC over a real Helia), a real node in this
// process. Versions go to Kubo as dag-cbor blocks with a direct pin each;
// heads stay in the node's own datastore under --ipfs-repo, so a node
// started again on the same home finds them; a CID Kubo lacks is
// node/state-missing at once (Kubo is asked offline), not a search.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import * as dagCbor from '@ipld/dag-cbor';
import { sha256 } from 'multiformats/hashes/sha2';
import { startFakeKubo, type FakeKubo } from '../fake-kubo.js';
import { startStateNode } from './state-node.js';

let kubo: FakeKubo;
const home = mkdtempSync(join(tmpdir(), 'ww-state-kubo-'));

beforeAll(async () => { kubo = await startFakeKubo(); }, 30_000);
afterAll(async () => { await kubo?.close(); rmSync(home, { recursive: true, force: true }); });

describe('StateRefs over Kubo', () => {
  it('store versions in Kubo, pinned directly, and keep heads in the node\'s datastore across a restart', async () => {
    let n = await startStateNode(home, kubo.url);
    let cids: string[];
    try {
      const s = await n.graft();
      await s.eval('(def r (perform host :state-ref "on-kubo"))');
      await s.eval('(defn commit! [v] (let [h (perform r :head) c (perform r :put v (:cid h))] (assert (:ok (perform r :compare-and-set (:cid h) c))) c))');
      cids = [JSON.parse(await s.eval('(commit! {:n 1})')), JSON.parse(await s.eval('(commit! {:n 2})'))];
      expect(kubo.calls.filter((c) => c === 'block/put')).toHaveLength(2);
      expect(kubo.calls.filter((c) => c === 'pin/add')).toHaveLength(2);
      const nowhere = CID.createV1(dagCbor.code, await sha256.digest(new TextEncoder().encode('not in kubo'))).toString();
      expect(await s.eval(`(try (perform r :get "${nowhere}") (catch _ e (:glia.error/type e)))`)).toBe(':node/state-missing');
    } finally { await n.stop(); }

    n = await startStateNode(home, kubo.url);
    try {
      const s = await n.graft();
      await s.eval('(def r (perform host :state-ref "on-kubo"))');
      expect(await s.eval('(perform r :head)')).toBe(`{:cid "${cids[1]}", :seq 2}`);
      expect(await s.eval('(mapv :cid (perform r :history 5))')).toBe(`["${cids[1]}" "${cids[0]}"]`);
      expect(await s.eval(`(perform r :get "${cids[0]}")`)).toBe('{:n 1}');
    } finally { await n.stop(); }
  }, 60_000);
});
