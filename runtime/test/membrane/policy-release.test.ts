// Who releases what a policy wraps: a PolicyHook owns one reference to the
// capability inside and releases it with its own last reference; attenuate
// takes a reference of its own (for a wrapper, of the capability inside);
// a capability returned through a confined answer is handed over to the
// wrapper. Checked with a capability that counts its references, alone
// and over real RPC connections (a pipe), through a Membrane graft.
import { describe, it, expect } from 'vitest';
import { Connection } from '../../rpc/conn.js';
import { pipePair } from '../../rpc/transport.js';
import { Hook, toHook, type Answer, type CallSpec, type ResultSlot } from '../../rpc/hooks.js';
import { RefCount } from '../../rpc/refs.js';
import { Policy, attenuate, allowOnly, PolicyHook } from '../../membrane/policy.js';
import { Membrane, readGraft } from '../../membrane/membrane.js';
import { Membrane$Client } from '../../../schema/generated/membrane.js';
import * as vats from '../fixtures/generated/vats.js';

const gen: any = vats;
const SUB_ID: bigint = gen.Sub$Client.interfaceId;
const GET = 0;

/**
 * A Sub that counts: every close() call, and how many times its last
 * reference went (which must be at most once). `floating`: made for a
 * call's results, as a dialed vat's capability is.
 */
class CountingSub extends Hook {
  closes = 0;
  lastReleases = 0;
  private readonly refs: RefCount;
  private readonly server = toHook(new gen.Sub$Server({ get: async (_p: any, r: any) => { r.v = 7n; } }))!;
  constructor(floating = false) {
    super();
    this.refs = new RefCount(() => { this.lastReleases++; }, { floating });
  }
  get released(): boolean { return this.refs.released; }
  call(call: CallSpec, slot?: ResultSlot): Answer { return this.server.call(call, slot); }
  override dup(): Hook { this.refs.dup(); return this; }
  override close(): void { this.closes++; this.refs.close(); }
}

const get = async (h: Hook) => (await new gen.Sub$Client(h).get().promise()).v as bigint;
const settle = () => new Promise((r) => setTimeout(r, 0));

/** Waits until `cond` holds (messages over the pipe take a few turns); a bound, not a timing assertion. */
async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`never: ${what}`);
}

describe('RefCount', () => {
  it('runs its release once, at the last close; a floating count is taken over by the first dup', () => {
    let n = 0;
    const owned = new RefCount(() => n++);
    owned.dup();
    owned.close();
    expect(n).toBe(0);
    owned.close();
    expect(n).toBe(1);
    owned.close(); owned.dup(); owned.close();
    expect(n).toBe(1);

    let m = 0;
    const floating = new RefCount(() => m++, { floating: true });
    floating.dup(); // the first keeper: takes the floating reference, adds none
    floating.close();
    expect(m).toBe(1);
    const dropped = new RefCount(() => m++, { floating: true });
    dropped.close(); // a floating reference closed by whoever received it
    expect(m).toBe(2);
  });
});

describe('a policy wrapper and what it wraps', () => {
  it('attenuating takes a reference of its own and closes nothing; the inner capability goes only after its last holder', async () => {
    const inner = new CountingSub();
    const w1 = attenuate(inner, new Policy(null));
    const w2 = attenuate(w1, new Policy(allowOnly(SUB_ID, [GET])));
    // attenuate of a wrapper wraps the capability inside, with a reference of its own.
    expect(w2.inner).toBe(inner);
    expect(inner.closes).toBe(0);
    w1.dup(); // a second holder of w1
    inner.close(); // the creator lets go of its own reference
    w1.close();
    expect(inner.released).toBe(false);
    w1.close();
    expect(w1.released).toBe(true);
    expect(inner.released).toBe(false);
    expect(await get(w2)).toBe(7n); // w2 still holds it: calls go through
    w2.close();
    expect(inner.released).toBe(true);
    expect(inner.lastReleases).toBe(1);
    // Closing again (a buggy holder) releases nothing twice.
    w1.close(); w2.close(); w2.close();
    expect(inner.lastReleases).toBe(1);
    expect(inner.closes).toBe(3); // the creator's, w1's and w2's: one per reference taken
  });

  it('a capability returned through a confined answer is handed to its wrapper: the caller\'s release is its last, and a second holder keeps it', async () => {
    const made: CountingSub[] = [];
    let kept: Hook | null = null;
    const svc = new gen.Svc$Server({
      ping: async (p: any, r: any) => { r.n = p.n + 1n; },
      slowSub: async (_p: any, r: any) => {
        const s = new CountingSub(true); // made for these results
        made.push(s);
        r.sub = new gen.Sub$Client(s);
      },
      // A second holder in the serving vat: keeps its own reference until forget().
      hold: async (p: any) => { kept = toHook(p.cap)!.dup(); },
      forget: async () => { kept?.close(); kept = null; },
    });
    // The service is issued through a Membrane graft over a pipe, as a script's capabilities are.
    const membrane = new Membrane(() => [{ name: 'svc', interfaceId: gen.Svc$Client.interfaceId, cap: toHook(svc)! }]);
    const [a, b] = pipePair();
    const server = new Connection(b, { bootstrap: membrane.server() });
    const client = new Connection(a);
    const [granted] = readGraft(await new Membrane$Client(await client.bootstrapClient()).graft().promise());
    const remote = new gen.Svc$Client(granted!.cap);

    // One holder: the caller's release is the last.
    const r1 = await remote.slowSub((p: any) => { p.delayMs = 0; p.tag = 'one'; }).promise();
    const sub1 = toHook(r1.sub)!.settled();
    expect(await get(sub1)).toBe(7n);
    expect(made[0]!.closes).toBe(0);
    sub1.close(); // sends Release
    await until('the served Sub is released', () => made[0]!.released);
    expect(made[0]!.lastReleases).toBe(1);

    // Two holders: the caller, and the serving vat that keeps what the caller passes back.
    const r2 = await remote.slowSub((p: any) => { p.delayMs = 0; p.tag = 'two'; }).promise();
    const sub2 = toHook(r2.sub)!.settled();
    // Lent to the call's message, as any capability written into one.
    await remote.hold((p: any) => { p.cap = new gen.Sub$Client(sub2); }).promise();
    expect(kept).toBeInstanceOf(PolicyHook);
    sub2.close();
    await settle();
    await remote.ping((p: any) => { p.n = 1n; }).promise(); // a round trip: the Release has arrived
    expect(server.stats().exports).toBe(2); // the Membrane's graft and the Svc; the Sub's export is gone
    expect(made[1]!.released).toBe(false);
    expect(await get(kept!)).toBe(7n);
    await remote.forget().promise();
    expect(made[1]!.released).toBe(true);
    expect(made[1]!.lastReleases).toBe(1);

    // The connection's end releases nothing twice.
    client.close(); server.close();
    await settle();
    expect(made.map((s) => s.lastReleases)).toEqual([1, 1]);
  });

  it('a graft\'s wrappers hold their own reference to an export, released when the grafted session ends, once', async () => {
    const inner = new CountingSub();
    const membrane = new Membrane(() => [{ name: 'sub', interfaceId: SUB_ID, cap: inner }]);
    const sessions = await Promise.all([0, 1].map(async () => {
      const [a, b] = pipePair();
      const server = new Connection(b, { bootstrap: membrane.server() });
      const client = new Connection(a);
      const [g] = readGraft(await new Membrane$Client(await client.bootstrapClient()).graft().promise());
      expect(await get(g!.cap)).toBe(7n);
      return { end: () => { client.close(); server.close(); } };
    }));
    sessions[0]!.end();
    sessions[1]!.end();
    await settle();
    // Both grafts' references are gone; the membrane's own (the creator's here) still holds it.
    expect(inner.released).toBe(false);
    expect(inner.closes).toBe(2);
    inner.close();
    expect(inner.lastReleases).toBe(1);
  });
});
