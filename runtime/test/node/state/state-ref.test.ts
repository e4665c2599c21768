// StateRefs on a real node in this process (runtime/test/node/state/
// state-node.ts: its real boot, embedded IPFS on disk, membrane), called
// from Glia sessions grafted over Cap'n Proto: (perform host :state-ref
// "name"), put / compare-and-set / head / history / get, 16 callers
// racing from one head, history walked back by CID, read-only
// attenuation, the epoch guard, and every bad input with its code.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CID } from 'multiformats/cid';
import * as dagCbor from '@ipld/dag-cbor';
import { sha256 } from 'multiformats/hashes/sha2';
import { startStateNode, type StateNode, type StateSession } from './state-node.js';

let n: StateNode;
let s: StateSession;

beforeAll(async () => {
  n = await startStateNode();
  s = await n.graft();
}, 60_000);
afterAll(async () => { await n?.stop(); });

/** The error type (and message) a Glia expression throws, as `[type message]`. */
async function thrown(sess: StateSession, expr: string): Promise<string> {
  return sess.eval(`(try ${expr} :no-error (catch _ e [(:glia.error/type e) (:glia.error/message e)]))`);
}

/** Commits `value` on the ref bound to `r` from its head; the new head's CID. */
async function commit(sess: StateSession, r: string, value: string): Promise<string> {
  return JSON.parse(await sess.eval(`(let [head__ (perform ${r} :head) new__ (perform ${r} :put ${value} (:cid head__))]
    (if (:ok (perform ${r} :compare-and-set (:cid head__) new__)) new__ (throw :lost)))`));
}

describe('(perform host :state-ref "name")', () => {
  it('starts empty, then put and compare-and-set move the head; get reads the value back', async () => {
    await s.eval('(def r (perform host :state-ref "basics"))');
    expect(await s.eval('(perform r :head)')).toBe('{:cid "", :seq 0}');
    await s.eval('(def v1 {:count 1 :tags #{:a :b/c} "nested" [(list 1 2) 2.5 nil true (bytes "hi") \'sym 123456789012345678901234567890]})');
    await s.eval('(def c1 (perform r :put v1 ""))');
    expect(await s.eval('(= c1 (perform r :put v1 ""))')).toBe('true'); // content-addressed
    expect(await s.eval('(perform r :head)')).toBe('{:cid "", :seq 0}'); // put does not move the head
    expect(await s.eval('(perform r :compare-and-set "" c1)')).toMatch(/^\{:ok true, :cid "bafyrei[a-z2-7]+", :seq 1\}$/);
    expect(await s.eval('(= (perform r :head) {:cid c1 :seq 1})')).toBe('true');
    expect(await s.eval('(= v1 (perform r :get c1))')).toBe('true');
    expect(await s.eval('(perform r :get c1)')).toContain('(1 2)');
  });

  it('the same name is the same ref for every caller, across grafts; other names are other refs', async () => {
    const c = await commit(s, '(perform host :state-ref "shared")', ':first');
    const other = await n.graft();
    expect(await other.eval('(:cid (perform (perform host :state-ref "shared") :head))')).toBe(JSON.stringify(c));
    expect(await other.eval('(perform (perform host :state-ref "other") :head)')).toBe('{:cid "", :seq 0}');
    const c2 = await commit(other, '(perform host :state-ref "shared")', ':second');
    expect(await s.eval('(perform (perform host :state-ref "shared") :head)')).toBe(`{:cid ${JSON.stringify(c2)}, :seq 2}`);
  });

  it('16 callers racing compare-and-set from the same head: exactly one wins each round, the rest see its head', async () => {
    const sessions = await Promise.all(Array.from({ length: 16 }, () => n.graft()));
    await Promise.all(sessions.map((x) => x.eval('(def r (perform host :state-ref "race"))')));
    for (let round = 1; round <= 4; round++) {
      const head = await s.eval('(:cid (perform (perform host :state-ref "race") :head))');
      const results = await Promise.all(sessions.map((x, i) =>
        x.eval(`(let [c (perform r :put {:round ${round} :caller ${i}} ${head})] [c (perform r :compare-and-set ${head} c)])`)));
      const parsed = results.map((t) => /^\["(\w+)" \{:ok (true|false), :cid "(\w+)", :seq (\d+)\}\]$/.exec(t)!);
      expect(parsed.every(Boolean), results.join('\n')).toBe(true);
      const winners = parsed.filter((m) => m[2] === 'true');
      expect(winners).toHaveLength(1);
      const won = winners[0]![1]!;
      // Every caller, winner or not, sees the winner's version as the head at seq `round`.
      for (const m of parsed) { expect(m[3]).toBe(won); expect(m[4]).toBe(String(round)); }
      // Only the committed version is pinned; the losers' are left for GC.
      for (const m of parsed) expect(await n.node.ipfs.isPinned(m[1]!), m[1]).toBe(m[1] === won);
      expect(await s.eval('(:cid (perform (perform host :state-ref "race") :head))')).toBe(JSON.stringify(won));
    }
    for (const x of sessions) x.close();
  });

  it('history walks back by CID: newest first, each prev-cid the next entry\'s cid, and get gives each value written', async () => {
    await s.eval('(def h (perform host :state-ref "history"))');
    const cids: string[] = [];
    for (let i = 1; i <= 5; i++) cids.push(await commit(s, 'h', `{:n ${i}}`));
    const entries = JSON.parse(JSON.parse(await s.eval('(str "[" (apply str (interpose "," (map (fn [e] (str "[\\"" (:cid e) "\\"," (:seq e) ",\\"" (:prev-cid e) "\\"]")) (perform h :history 10)))) "]")')));
    expect(entries.map((e: unknown[]) => e[0])).toEqual([...cids].reverse());
    expect(entries.map((e: unknown[]) => e[1])).toEqual([5, 4, 3, 2, 1]);
    for (let i = 0; i < entries.length - 1; i++) expect(entries[i][2]).toBe(entries[i + 1][0]);
    expect(entries[4][2]).toBe('');
    for (let i = 0; i < 5; i++) expect(await s.eval(`(perform h :get "${cids[i]}")`)).toBe(`{:n ${i + 1}}`);
    expect(await s.eval('(count (perform h :history 2))')).toBe('2');
    expect(await s.eval('(perform h :history 0)')).toBe('[]');
    // The chain is real IPLD: each block's prev is a CID link to the one before.
    const block = await n.node.ipfs.getLocalBlock(CID.parse(cids[4]!));
    const decoded = dagCbor.decode(block!) as { prev: unknown; kind: string; seq: number };
    expect(CID.asCID(decoded.prev)?.toString()).toBe(cids[3]);
    expect(decoded).toMatchObject({ kind: 'ww.state/version', seq: 5 });
  });

  it('a read-only ref (attenuate ref [:head :history :get]) reads, and cannot put or commit', async () => {
    const c = await commit(s, '(perform host :state-ref "ro")', '[:v 1]');
    await s.eval('(def ro (attenuate (perform host :state-ref "ro") [:head :history :get]))');
    expect(await s.eval('(:cid (perform ro :head))')).toBe(JSON.stringify(c));
    expect(await s.eval(`(perform ro :get "${c}")`)).toBe('[:v 1]');
    expect(await s.eval('(count (perform ro :history 5))')).toBe('1');
    expect(await thrown(s, '(perform ro :put [:v 2] "")')).toMatch(/^\[:glia\.error\/permission-denied ".*StateRef\.put/);
    expect(await thrown(s, `(perform ro :compare-and-set "${c}" "${c}")`)).toMatch(/^\[:glia\.error\/permission-denied ".*StateRef\.compareAndSet/);
    expect(await s.eval('(:cid (perform ro :head))')).toBe(JSON.stringify(c));
  });

  it('a ref obtained through (attenuate host [:state-ref]) keeps that method list: its :head is denied, and the message says why', async () => {
    await s.eval('(def via (perform (attenuate host [:state-ref]) :state-ref "inherited"))');
    const denied = await thrown(s, '(perform via :head)');
    expect(denied).toMatch(/^\[:glia\.error\/permission-denied ".*StateRef\.head/);
    expect(denied).toContain('it came back through an attenuated capability and keeps its method list (Host.stateRef');
    expect(denied).toContain('attenuate the capability itself instead: (attenuate cap [:head ...])');
    // The pattern the message recommends: the ref itself, attenuated.
    await s.eval('(def ro-ref (attenuate (perform host :state-ref "inherited") [:head :history :get]))');
    expect(await s.eval('(:seq (perform ro-ref :head))')).toBe('0');
    // A ref attenuated by its holder is denied without that explanation.
    expect(await thrown(s, '(perform ro-ref :put 1 "")')).not.toContain('came back through');
  });

  it('bad names are node/bad-name, as for vats', async () => {
    for (const name of ['""', '"a/b"', '"a b"', `"${'x'.repeat(129)}"`]) {
      expect(await thrown(s, `(perform host :state-ref ${name})`)).toMatch(/^\[:node\/bad-name "/);
    }
    expect(await thrown(s, '(perform host :state-ref 42)')).toMatch(/^\[:glia\.error\/type-mismatch /);
  });

  it('values it cannot store: a capability (node/state-value), over 1 MiB (node/too-large naming the limit)', async () => {
    await s.eval('(def b (perform host :state-ref "bad-values"))');
    expect(await thrown(s, '(perform b :put {:cap host} "")')).toMatch(/^\[:node\/state-value ".*capability/);
    expect(await thrown(s, '(perform b :put (apply str (repeat 1100000 "x")) "")')).toMatch(/^\[:node\/too-large ".*1048576-byte limit/);
  });

  it('compare-and-set refuses, with node/state-bad-commit, a version that does not follow the head', async () => {
    await s.eval('(def k (perform host :state-ref "commits"))');
    const c1 = await commit(s, 'k', '1');
    // Made from the empty head, so its predecessor is not c1.
    await s.eval('(def stale (perform k :put 2 ""))');
    expect(await thrown(s, `(perform k :compare-and-set "${c1}" stale)`)).toMatch(/^\[:node\/state-bad-commit ".*predecessor is none/);
    // Another ref's version.
    await s.eval(`(def foreign (perform (perform host :state-ref "elsewhere") :put 2 ""))`);
    expect(await thrown(s, `(perform k :compare-and-set "${c1}" foreign)`)).toMatch(/^\[:node\/state-bad-commit ".*ref \\"elsewhere\\"/);
    expect(await thrown(s, `(perform k :put 3 foreign)`)).toMatch(/^\[:node\/state-bad-commit /);
    // A conflict is not an error: ok false and the head as it is.
    expect(await s.eval('(perform k :compare-and-set "" stale)')).toBe(`{:ok false, :cid "${c1}", :seq 1}`);
    expect(await s.eval('(:cid (perform k :head))')).toBe(JSON.stringify(c1));
  });

  it('a missing CID is node/state-missing, another kind of block node/state-not-version, a bad CID node/bad-key, each naming it', async () => {
    await s.eval('(def m (perform host :state-ref "missing"))');
    const nowhere = CID.createV1(dagCbor.code, await sha256.digest(new TextEncoder().encode('never stored'))).toString();
    expect(await thrown(s, `(perform m :get "${nowhere}")`)).toMatch(new RegExp(`^\\[:node/state-missing ".*${nowhere}`));
    expect(await thrown(s, `(perform m :compare-and-set "" "${nowhere}")`)).toMatch(new RegExp(`^\\[:node/state-missing ".*${nowhere}`));
    expect(await thrown(s, `(perform m :put 1 "${nowhere}")`)).toMatch(new RegExp(`^\\[:node/state-missing ".*${nowhere}`));
    const file = JSON.parse(await s.eval('(perform ipfs :add (bytes "not a version"))'));
    expect(await thrown(s, `(perform m :get "${file}")`)).toMatch(new RegExp(`^\\[:node/state-not-version ".*${file}`));
    expect(await thrown(s, '(perform m :get "not-a-cid")')).toMatch(/^\[:node\/bad-key /);
  });

  it('a corrupt block is node/state-corrupt naming it, in get and in history', async () => {
    await s.eval('(def x (perform host :state-ref "corrupt"))');
    await commit(s, 'x', ':one');
    const c2 = await commit(s, 'x', ':two');
    await commit(s, 'x', ':three');
    const bytes = (await n.node.ipfs.getLocalBlock(CID.parse(c2)))!;
    const file = findFile(join(n.home, 'ipfs', 'blocks'), bytes);
    const damaged = Uint8Array.from(bytes);
    damaged[damaged.length - 2] ^= 0xff;
    writeFileSync(file, damaged);
    expect(await thrown(s, `(perform x :get "${c2}")`)).toMatch(new RegExp(`^\\[:node/state-corrupt "the block ${c2} is corrupt`));
    expect(await thrown(s, '(perform x :history 10)')).toMatch(new RegExp(`^\\[:node/state-corrupt "the block ${c2} is corrupt`));
    expect(await s.eval('(count (perform x :history 1))')).toBe('1'); // the versions above it still read
  });

  it('a version missing from the blocks breaks history with node/state-missing naming it', async () => {
    await s.eval('(def y (perform host :state-ref "lost"))');
    const c1 = await commit(s, 'y', ':one');
    const c2 = await commit(s, 'y', ':two');
    rmSync(findFile(join(n.home, 'ipfs', 'blocks'), (await n.node.ipfs.getLocalBlock(CID.parse(c1)))!));
    expect(await thrown(s, '(perform y :history 10)')).toMatch(new RegExp(`^\\[:node/state-missing "the block ${c1} \\(version 1 of state ref \\\\"lost\\\\"\\) is not in this node's blocks`));
    expect(await thrown(s, `(perform y :get "${c1}")`)).toMatch(new RegExp(`^\\[:node/state-missing ".*${c1}`));
    expect(await s.eval(`(perform y :get "${c2}")`)).toBe(':two');
  });

  it('a damaged head record is node/state-corrupt naming its datastore key', async () => {
    const key = n.node.stateRefs.store.headKey('broken-head');
    const file = join(n.home, 'ipfs', 'datastore', ...key.split('/').filter(Boolean)) + '.data';
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'not a head');
    await s.eval('(def bh (perform host :state-ref "broken-head"))');
    expect(await thrown(s, '(perform bh :head)')).toMatch(new RegExp(`^\\[:node/state-corrupt "the head record of state ref \\\\"broken-head\\\\" \\(datastore key ${key}\\) is corrupt`));
    expect(await thrown(s, '(perform bh :compare-and-set "" "")')).toMatch(/^\[:node\/(state-corrupt|bad-key) /);
  });

  it('a ref is guarded by its graft\'s epoch: stale-epoch after an advance; a new graft gets the same head', async () => {
    const sess = await n.graft();
    const c = await commit(sess, '(perform host :state-ref "epochs")', ':before');
    await sess.eval('(def e (perform host :state-ref "epochs"))');
    expect(await n.node.adoptEpoch({ source: 'admin', reason: 'state-ref test', image: null })).not.toBeNull();
    expect(await thrown(sess, '(perform e :head)')).toMatch(/^\[:glia\.error\/stale-epoch /);
    expect(await thrown(sess, '(perform e :put 1 "")')).toMatch(/^\[:glia\.error\/stale-epoch /);
    const fresh = await n.graft();
    expect(await fresh.eval('(:cid (perform (perform host :state-ref "epochs") :head))')).toBe(JSON.stringify(c));
    s = fresh; // the tests after this one need a session of the current epoch
  });
});

/** The file under `dir` holding exactly `bytes` (the blockstore's file of a block). */
function findFile(dir: string, bytes: Uint8Array): string {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) { const f = findFileOrNull(p, bytes); if (f) return f; continue; }
    if (Buffer.from(readFileSync(p)).equals(Buffer.from(bytes))) return p;
  }
  throw new Error(`no file under ${dir} holds the block`);
}
function findFileOrNull(dir: string, bytes: Uint8Array): string | null {
  try { return findFile(dir, bytes); } catch { return null; }
}
