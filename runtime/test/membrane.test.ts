// The membrane over real RPC connections: attenuation enforced in the
// exporting vat at the hook, by (interface id, method ordinal), however the
// call arrives (typed client, pipelined, from a third vat); confinement of
// returned and pipelined capabilities; revocation, rate limits, epochs.
import { describe, it, expect } from 'vitest';
import { Connection } from '../rpc/conn.js';
import { pipePair } from '../rpc/transport.js';
import { toHook, type Hook } from '../rpc/hooks.js';
import { RpcError } from '../rpc/errors.js';
import { Policy, attenuate, allowOnly, Revoker, rateLimit, PolicyHook } from '../membrane/policy.js';
import { Membrane, readGraft } from '../membrane/membrane.js';
import { Membrane$Client } from '../../schema/generated/membrane.js';
import * as vats from './fixtures/generated/vats.js';

// Committed code generated from fixtures/vats.capnp (npm run gen:schema).
const gen: any = vats;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Method ordinals in fixtures/vats.capnp.
const PING = 0, SUB = 7, PASS = 8;
const GET = 0, LOG = 1, NEXT = 2;

function service(log: string[] = []) {
  const sub = (tag: string): any => new gen.Sub$Server({
    get: async (_p: any, r: any) => { r.v = 7n; },
    log: async (p: any, r: any) => { log.push(`${tag}:${p.tag}`); r.n = log.length; },
    next: async (_p: any, r: any) => { r.sub = new gen.Sub$Client(sub(tag + '+')); },
  });
  let passed: any = null;
  const svc = new gen.Svc$Server({
    ping: async (p: any, r: any) => { r.n = p.n + 1n; },
    sub: async (_p: any, r: any) => { r.sub = new gen.Sub$Client(sub('s')); },
    pass: async (p: any, r: any) => { passed = p.cap; r.cap = p.cap; },
  });
  return { svc, log, passed: () => passed };
}

/** Connects a client vat to a server vat offering `bootstrap`. */
function link(bootstrap: unknown) {
  const [a, b] = pipePair();
  const server = new Connection(b, { bootstrap: bootstrap as any });
  const client = new Connection(a);
  return { server, client };
}

async function denied(p: Promise<unknown>): Promise<RpcError> {
  const e = await p.then(() => null, (x) => x);
  expect(e).toBeInstanceOf(RpcError);
  return e as RpcError;
}

describe('attenuation across vats', () => {
  it('denies a method outside the allowlist with a structured error naming it', async () => {
    const { svc } = service();
    const svcId: bigint = gen.Svc$Client.interfaceId;
    const only = attenuate(toHook(svc)!, new Policy(allowOnly(svcId, [PING])));
    const { client } = link(only);
    const remote = new gen.Svc$Client(await client.bootstrapClient());
    expect((await remote.ping((p: any) => { p.n = 1n; }).promise()).n).toBe(2n);
    const e = await denied(remote.sub().promise());
    expect(e.code).toBe('permission-denied');
    expect(e.message).toContain('Svc.sub (@7)');
    client.close();
  });

  it('intersects two allowlists', async () => {
    const { svc } = service();
    const id: bigint = gen.Svc$Client.interfaceId;
    const once = attenuate(toHook(svc)!, new Policy(allowOnly(id, [PING, SUB])));
    const twice = attenuate(once, new Policy(allowOnly(id, [SUB, PASS])));
    expect(twice).toBeInstanceOf(PolicyHook);
    expect((twice as PolicyHook).inner).toBe(toHook(svc)); // one wrapper, the combined policy
    const { client } = link(twice);
    const remote = new gen.Svc$Client(await client.bootstrapClient());
    expect((await denied(remote.ping((p: any) => { p.n = 1n; }).promise())).code).toBe('permission-denied');
    expect((await remote.sub().promise()).sub).toBeTruthy();
    client.close();
  });

  it('confines returned and pipelined capabilities to the same policy', async () => {
    const { svc, log } = service();
    const policy = new Policy(new Map([[gen.Svc$Client.interfaceId, new Set([SUB])], [gen.Sub$Client.interfaceId, new Set([GET, NEXT])]]));
    const { client } = link(attenuate(toHook(svc)!, policy));
    const remote = new gen.Svc$Client(await client.bootstrapClient());
    // Returned: the Sub in the results is wrapped too.
    const sub = (await remote.sub().promise()).sub;
    expect((await sub.get().promise()).v).toBe(7n);
    expect((await denied(sub.log((p: any) => { p.tag = 'x'; }).promise())).message).toContain('Sub.log (@1)');
    // Pipelined, two levels deep, before any results arrive.
    const deep = remote.sub().getSub().next().getSub();
    expect((await deep.get().promise()).v).toBe(7n);
    expect((await denied(deep.log((p: any) => { p.tag = 'y'; }).promise())).code).toBe('permission-denied');
    expect(log).toEqual([]);
    client.close();
  });

  it('holds on a third vat after the capability is passed on twice, and forged ids reach nothing', async () => {
    // Vat A serves Svc, attenuated to ping only, to vat B; B passes it to C;
    // C passes it back to B's view through `pass` and keeps it.
    const A = service(), C = service();
    const ab = link(attenuate(toHook(A.svc)!, new Policy(allowOnly(gen.Svc$Client.interfaceId, [PING]))));
    const bc = link(C.svc);
    const inB = new gen.Svc$Client(await ab.client.bootstrapClient());
    const cFromB = new gen.Svc$Client(await bc.client.bootstrapClient());
    await cFromB.pass((p: any) => { p.cap = inB; }).promise();              // B -> C
    const inC = new gen.Svc$Client(C.passed().client);                     // what C holds
    expect((await inC.ping((p: any) => { p.n = 41n; }).promise()).n).toBe(42n);
    const e = await denied(inC.sub().promise());
    expect(e.code).toBe('permission-denied');
    expect(e.message).toContain('Svc.sub');
    // C passes it on once more (to B's own Svc proxy) and calls what comes back.
    const again = (await inC.pass((p: any) => { p.cap = inC; }).promise().catch((x: unknown) => ({ err: x }))) as any;
    expect(again.err).toBeInstanceOf(RpcError); // pass itself is not in the allowlist
    // Forging: C (as a client of B) guesses export ids on the B-C connection;
    // none reaches A's unattenuated Svc.
    for (let id = 0; id < 20; id++) {
      const r = await bc.server.sendCall({ importedCap: id }, { method: { interfaceId: gen.Svc$Client.interfaceId, methodId: SUB, ParamsClass: gen.Svc_Sub$Params }, paramsFunc: () => {} })
        .struct().then(() => 'ok', (x: RpcError) => x.code);
      expect(r).not.toBe('ok');
    }
    ab.client.close(); bc.client.close();
  });
});

describe('revocation and rate limits', () => {
  it('a revoked capability fails every call, remotely too', async () => {
    const { svc } = service();
    const revoker = new Revoker();
    const { client } = link(attenuate(toHook(svc)!, new Policy(null, [revoker.guard()])));
    const remote = new gen.Svc$Client(await client.bootstrapClient());
    expect((await remote.ping((p: any) => { p.n = 1n; }).promise()).n).toBe(2n);
    revoker.revoke('test over');
    const e = await denied(remote.ping((p: any) => { p.n = 1n; }).promise());
    expect(e.code).toBe('permission-denied');
    expect(e.message).toContain('revoked (test over)');
    client.close();
  });

  it('a rate limit refuses calls over the rate with overloaded and recovers', async () => {
    const { svc } = service();
    let now = 0;
    const { client } = link(attenuate(toHook(svc)!, new Policy(null, [rateLimit(10, 2, () => now)])));
    const remote = new gen.Svc$Client(await client.bootstrapClient());
    const call = () => remote.ping((p: any) => { p.n = 1n; }).promise().then(() => 'ok', (e: RpcError) => e.code);
    expect([await call(), await call(), await call()]).toEqual(['ok', 'ok', 'overloaded']);
    now += 100; // one token back at 10 per second
    expect(await call()).toBe('ok');
    client.close();
  });
});

describe('epochs', () => {
  it('capabilities from a graft fail stale-epoch once the epoch advances; grafting again works', async () => {
    const { svc } = service();
    const membrane = new Membrane(() => [{ name: 'svc', interfaceId: gen.Svc$Client.interfaceId, cap: toHook(svc)! }]);
    const { client } = link(membrane.server());
    const m = new Membrane$Client(await client.bootstrapClient());
    const first = readGraft(await m.graft().promise());
    expect(first.map((e) => e.name)).toEqual(['svc']);
    const svc1 = new gen.Svc$Client(first[0]!.cap);
    expect((await svc1.ping((p: any) => { p.n = 1n; }).promise()).n).toBe(2n);
    membrane.epoch.advance('bafyhead2', 'test');
    const e = await denied(svc1.ping((p: any) => { p.n = 1n; }).promise());
    expect(e.code).toBe('stale-epoch');
    const epoch = (await m.epoch().promise()).epoch;
    expect(epoch.seq).toBe(1n);
    expect(epoch.head).toBe('bafyhead2');
    const svc2 = new gen.Svc$Client(readGraft(await m.graft().promise())[0]!.cap);
    expect((await svc2.ping((p: any) => { p.n = 5n; }).promise()).n).toBe(6n);
    // Capabilities obtained through a stale one are stale too (confinement carries the guard).
    const sub = (await svc2.sub().promise()).sub;
    membrane.epoch.advance('bafyhead3', 'test');
    expect((await denied(sub.get().promise())).code).toBe('stale-epoch');
    client.close();
    await sleep(1);
  });
});

// Used only for the type: a Hook is what toHook returns.
export type { Hook };
