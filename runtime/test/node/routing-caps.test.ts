// The Routing and Ipfs capabilities a node serves, on three real nodes on
// 127.0.0.1: provide on one and find on another, through the server and
// through Glia's `(perform routing :find ...)` in a session that holds
// them over a Membrane graft; IPNS publish and resolve; read and add.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Routing$Client, ProviderSink$Client, ProviderSink$Server } from '../../../schema/generated/routing.js';
import { toHook } from '../../rpc/hooks.js';
import { Ipfs$Client } from '../../../schema/generated/system.js';
import { routingHook, routingKey, rawCid } from '../../node/caps/routing.js';
import { ipfsHook, isContentPath } from '../../node/caps/ipfs.js';
import { nodeNet, type TestNode } from './node-net.js';
import { graftedSession, type GraftedSession } from './cap-session.js';

let net: Awaited<ReturnType<typeof nodeNet>>;
let A: TestNode, B: TestNode, C: TestNode;
let onA: GraftedSession, onC: GraftedSession;

function grants(n: TestNode, resolve?: (p: string) => Promise<Uint8Array | null>) {
  return [
    { name: 'routing', interfaceId: Routing$Client.interfaceId, cap: routingHook({ swarm: n.swarm, ipfs: n.store, findTimeoutMs: 5_000 }) },
    { name: 'ipfs', interfaceId: Ipfs$Client.interfaceId, cap: ipfsHook({ store: n.store, ...(resolve ? { resolve } : {}) }) },
  ];
}

beforeAll(async () => {
  net = await nodeNet(3);
  [A, B, C] = net.nodes as [TestNode, TestNode, TestNode];
  onA = await graftedSession(grants(A!, async (p) => (p === '/etc/motd' ? new TextEncoder().encode('hello from the image') : null)));
  onC = await graftedSession(grants(C!));
}, 90_000);

afterAll(async () => { onA?.close(); onC?.close(); await net?.stop(); });

describe('Routing', () => {
  it('text keys hash to the CIDv1 (raw, sha2-256) of their bytes; CIDs stay as they are', async () => {
    const k = await routingKey('my-service');
    expect(k.toString()).toBe((await rawCid(new TextEncoder().encode('my-service'))).toString());
    expect(k.version).toBe(1);
    expect((await routingKey(k.toString())).toString()).toBe(k.toString());
    expect(await onA.eval('(perform routing :hash (bytes "my-service"))')).toBe(`"${k}"`);
    expect(await onA.eval('(perform routing :hash "my-service")')).toBe(`"${k}"`);
  });

  it('provide on A, find on C through Glia (perform routing :find ...)', async () => {
    const key = `svc-${Math.random()}`;
    await onA.eval(`(perform routing :provide "${key}")`);
    const found = await onC.eval(`(perform routing :find "${key}")`);
    expect(found).toContain(`{:peer-id "${A.swarm.peerId}", :addrs [`);
    expect(found).toContain('"/ip4/127.0.0.1/tcp/');
    expect(await onC.eval(`(count (perform routing :find "${key}"))`)).toBe('1');
    expect(await onC.eval(`(count (perform routing :find "nobody-provides-${Math.random()}"))`)).toBe('0');
  });

  it(':count is honoured', async () => {
    const key = `shared-${Math.random()}`;
    await onA.eval(`(perform routing :provide "${key}")`);
    const fromB = await graftedSession(grants(B));
    try {
      await fromB.eval(`(perform routing :provide "${key}")`);
      expect(await onC.eval(`(count (perform routing :find "${key}"))`)).toBe('2');
      expect(await onC.eval(`(count (perform routing :find "${key}" :count 1))`)).toBe('1');
      const ids = await onC.eval(`(mapv :peer-id (perform routing :find "${key}" :count 5))`);
      expect(ids).toContain(A.swarm.peerId.toString());
      expect(ids).toContain(B.swarm.peerId.toString());
    } finally { fromB.close(); }
  });

  it('a CID key is found as is, and :find on an attenuated routing without :find-providers is refused', async () => {
    const cid = await A.store.addBytes(new TextEncoder().encode(`content ${Math.random()}`));
    await onA.eval(`(perform routing :provide "${cid}")`);
    expect(await onC.eval(`(mapv :peer-id (perform routing :find "${cid}"))`)).toContain(A.swarm.peerId.toString());
    expect(await onC.eval(`(try (perform (attenuate routing [:hash]) :find "${cid}") (catch :glia.error/permission-denied e :denied))`)).toBe(':denied');
    // Naming the convenience allows the schema call it makes.
    expect(await onC.eval(`(count (perform (attenuate routing [:find]) :find "${cid}"))`)).toBe('1');
    expect(await onC.eval('(try (perform routing :find 42) (catch :glia.error/type-mismatch e :bad))')).toBe(':bad');
    expect(await onC.eval('(try (perform routing :find "k" :count 0) (catch :glia.error/type-mismatch e :bad))')).toBe(':bad');
  });

  it('IPNS: publish on A under self, resolve on C', async () => {
    const cid = await A.store.addBytes(new TextEncoder().encode('v1'));
    await onA.eval(`(perform routing :publish "self" "/ipfs/${cid}")`);
    expect(await onC.eval(`(perform routing :resolve "/ipns/${A.swarm.peerId}")`)).toBe(`"/ipfs/${cid}"`);
    expect(await onA.eval('(try (perform routing :publish "someone-else" "/ipfs/bafkqaaa") (catch :node/ipns e :refused))')).toBe(':refused');
    expect(await onC.eval('(try (perform routing :resolve "not a name") (catch :node/bad-key e :bad))')).toBe(':bad');
  });
});

describe('Routing.findProviders with a sink of the caller\'s', () => {
  /** Calls findProviders on C's server directly with a sink that records calls; `failAfter` providers, it fails. */
  async function search(key: string, failAfter = Infinity) {
    const got: string[] = [];
    let done = 0;
    const sink = toHook(new ProviderSink$Server({
      provider: async (p) => { if (got.length >= failAfter) throw new Error('sink is full'); got.push(p.info.peerId); },
      done: async () => { done++; },
    }))!;
    const routing = routingHook({ swarm: C.swarm, ipfs: C.store, findTimeoutMs: 5_000 });
    const answer = routing.call({ method: Routing$Client.methods[1]!, paramsFunc: (p: any) => { p.key = key; p.sink = new ProviderSink$Client(sink as any); } });
    const outcome = await answer.struct().then(() => 'ok', (e) => `failed: ${(e as Error).message}`);
    return { got, done, outcome };
  }

  it('streams each provider once, then calls done once', async () => {
    const key = `sink-${Math.random()}`;
    await onA.eval(`(perform routing :provide "${key}")`);
    const r = await search(key);
    expect(r).toEqual({ got: [A.swarm.peerId.toString()], done: 1, outcome: 'ok' });
  });

  it(':find-providers with no sink gives the providers as a vector; a null sink is refused with a code', async () => {
    const key = `no-sink-${Math.random()}`;
    await onA.eval(`(perform routing :provide "${key}")`);
    expect(await onC.eval(`(mapv :peer-id (perform routing :find-providers "${key}"))`)).toBe(`["${A.swarm.peerId}"]`);
    const routing = routingHook({ swarm: C.swarm, ipfs: C.store });
    const e = await routing.call({ method: Routing$Client.methods[1]!, paramsFunc: (p: any) => { p.key = key; } }).struct().then(() => null, (x) => x);
    expect(e?.message).toMatch(/^node\/bad-key: findProviders needs a sink/);
  });

  it('a failing provider call stops the search: no done, and the call fails', async () => {
    const key = `sink-fail-${Math.random()}`;
    await onA.eval(`(perform routing :provide "${key}")`);
    const r = await search(key, 0);
    expect(r.got).toEqual([]);
    expect(r.done).toBe(0);
    expect(r.outcome).toMatch(/^failed: .*sink is full/);
  });
});

describe('Ipfs', () => {
  it('add on A, read on C over bitswap; /ipfs/, bare CIDs and /ipns/ paths', async () => {
    const cid = JSON.parse(await onA.eval('(perform ipfs :add (bytes "across the swarm"))')) as string;
    expect(cid.startsWith('bafk')).toBe(true);
    expect(await onC.eval(`(bytes->string (perform ipfs :read "/ipfs/${cid}"))`)).toBe('"across the swarm"');
    expect(await onC.eval(`(bytes->string (perform ipfs :read "${cid}"))`)).toBe('"across the swarm"');
    expect(await A.store.isPinned(cid)).toBe(true);
    await onA.eval(`(perform routing :publish "self" "/ipfs/${cid}")`);
    expect(await onC.eval(`(bytes->string (perform ipfs :read "/ipns/${A.swarm.peerId}"))`)).toBe('"across the swarm"');
    expect(isContentPath(cid)).toBe(true);
    expect(isContentPath('etc/motd')).toBe(false);
  });

  it('other paths go to the plugged resolver, or are refused with a code', async () => {
    expect(await onA.eval('(count (perform ipfs :read "/etc/motd"))')).toBe('20');
    expect(await onA.eval('(try (perform ipfs :read "/etc/none") (catch :node/not-found e :none))')).toBe(':none');
    expect(await onC.eval('(try (perform ipfs :read "/etc/motd") (catch :node/bad-key e :no-image))')).toBe(':no-image');
    expect(await onC.eval('(try (perform ipfs :read "/ipfs/nonsense") (catch :node/bad-key e :bad))')).toBe(':bad');
  });
});
