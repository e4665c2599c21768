// A StateRef survives a restart of a real `ww run` (bin/ww.js) on the
// same home: a Glia session logged in through the node's Terminal
// (dialNode with the node's own key) commits three versions; the node is
// stopped and started again on the same identity and --ipfs-repo; a new
// session finds the same head, walks the same history back by CID, reads
// every value, and commits on top of it. The -kill- variant stops the node
// with SIGKILL right after a commit: the head had been written before
// compare-and-set answered.
import { describe, it, expect, afterAll } from 'vitest';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { Session, prStr } from '../../../../glia/index.js';
import { GliaBridge, bindGraft } from '../../../membrane/glia-cap.js';
import { dialNode, type NodeSession } from '../../../node/dial-node.js';
import { loadOrCreateIdentity } from '../../../node/identity.js';
import { startNode, type NodeProcess } from '../ww-node.js';
import '../../../membrane/host-cap.js';

const nodes: NodeProcess[] = [];
const dialed: NodeSession[] = [];
afterAll(async () => {
  for (const d of dialed) await d.close().catch(() => {});
  for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) { n.child.kill('SIGKILL'); await n.exited; }
  if (nodes[0]) rmSync(nodes[0].home, { recursive: true, force: true });
});

/** A Glia session on `node`, logged in with the node's own key. */
async function glia(node: NodeProcess): Promise<(src: string) => Promise<string>> {
  const addr = (await node.addrs())[0]!;
  const { identity } = await loadOrCreateIdentity(join(node.home, 'identity'));
  const d = await dialNode(addr, identity.privateKey);
  dialed.push(d);
  const bridge = new GliaBridge();
  const session = new Session({ capabilities: bindGraft(bridge, d.caps) });
  bridge.session = session;
  return async (src) => prStr(await session.evalString(src));
}

function boot(home?: string): NodeProcess {
  const n = startNode(home ? { home } : {});
  nodes.push(n);
  return n;
}

describe('a StateRef across restarts of ww run', () => {
  it('keeps its head and history, by CID, and takes new commits on top', async () => {
    const first = boot();
    let ev = await glia(first);
    await ev('(def r (perform host :state-ref "survivor"))');
    await ev('(defn commit! [v] (let [h (perform r :head) c (perform r :put v (:cid h))] (assert (:ok (perform r :compare-and-set (:cid h) c))) c))');
    const cids = [await ev('(commit! {:n 1})'), await ev('(commit! {:n 2 :tags #{:x}})'), await ev('(commit! {:n 3 :list (list 1 2)})')];
    const history = await ev('(perform r :history 10)');
    expect((await first.stop()).code).toBe(0);

    const second = boot(first.home);
    ev = await glia(second);
    await ev('(def r (perform host :state-ref "survivor"))');
    expect(await ev('(perform r :head)')).toBe(`{:cid ${cids[2]}, :seq 3}`);
    expect(await ev('(perform r :history 10)')).toBe(history);
    expect(await ev(`(perform r :get ${cids[0]})`)).toBe('{:n 1}');
    expect(await ev(`(perform r :get ${cids[1]})`)).toBe('{:n 2, :tags #{:x}}');
    expect(await ev(`(perform r :get ${cids[2]})`)).toBe('{:n 3, :list (1 2)}');
    const c4 = await ev('(let [h (perform r :head) c (perform r :put {:n 4} (:cid h))] (perform r :compare-and-set (:cid h) c))');
    expect(c4).toMatch(/^\{:ok true, :cid "bafyrei\w+", :seq 4\}$/);

    // Killed at once after a commit: the head was on disk before the commit answered.
    second.child.kill('SIGKILL');
    await second.exited;
    const third = boot(first.home);
    ev = await glia(third);
    expect(await ev('(perform (perform host :state-ref "survivor") :head)')).toBe(c4.replace(':ok true, ', ''));
    expect(await ev('(map :seq (perform (perform host :state-ref "survivor") :history 10))')).toBe('(4 3 2 1)');
    expect((await third.stop()).code).toBe(0);
  }, 120_000);
});
