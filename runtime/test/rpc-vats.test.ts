// Two TypeScript vats talking Cap'n Proto RPC through runtime/rpc/conn.ts,
// over an in-memory pipe and over TCP on 127.0.0.1 (the same tests on
// both). Covers every message type, pipelining on slow answers (bug B),
// repeated calls on the bootstrap capability (bug A), capabilities both
// ways, promises resolving back into the caller (Resolve and Disembargo
// keeping call order), Release, and disconnects in the middle of calls.
import { describe, it, expect } from 'vitest';
import { createServer, connect, type Server } from 'node:net';
import * as $ from 'capnp-es';
import * as rpc from 'capnp-es/capnp/rpc';
import { Connection } from '../rpc/conn.js';
import { pipePair, streamTransport, type MessageTransport } from '../rpc/transport.js';
import { PromiseHook, toHook } from '../rpc/hooks.js';
import { RpcError } from '../rpc/errors.js';
import * as vats from './fixtures/generated/vats.js';
import { tap, kindOf } from './rpc-tap.js';

// Committed code generated from fixtures/vats.capnp (npm run gen:schema).
const gen: any = vats;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A vat's state: the log its Subs write to. */
function makeVat(name: string) {
  const log: string[] = [];
  let held: any = null;
  const subServer = (tag: string): any => new gen.Sub$Server({
    get: async (_p: any, r: any) => { r.v = BigInt(tag.length); },
    log: async (p: any, r: any) => { log.push(`${tag}:${p.tag}`); r.n = log.length; },
    next: async (_p: any, r: any) => { r.sub = new gen.Sub$Client(subServer(tag + '+')); },
  });
  const shared = subServer(`${name}.shared`);
  const svc = new gen.Svc$Server({
    ping: async (p: any, r: any) => { r.n = p.n + 1n; },
    slowSub: async (p: any, r: any) => { await sleep(p.delayMs); r.sub = new gen.Sub$Client(subServer(p.tag)); },
    callback: async (p: any, r: any) => { r.v = (await p.cb.get().promise()).v * 10n; },
    reflect: async (p: any, r: any) => {
      // The result is a promise (it resolves later) of the caller's own capability.
      const cb = toHook(p.cb)!;
      r.sub = new gen.Sub$Client(new PromiseHook(sleep(p.delayMs).then(() => cb)));
    },
    hold: async (p: any) => { held = p.cap; },
    forget: async () => { held?.client?.close(); held = null; },
    hang: () => new Promise(() => {}),
    sub: async (_p: any, r: any) => { r.sub = new gen.Sub$Client(shared); },
    pass: async (p: any, r: any) => { r.cap = p.cap; },
  });
  return { log, svc, subServer };
}

interface Pair { a: MessageTransport; b: MessageTransport; done(): void }

const transports: Array<[string, () => Promise<Pair>]> = [
  ['in-memory pipe', async () => { const [a, b] = pipePair(); return { a, b, done() {} }; }],
  ['TCP on 127.0.0.1', async () => {
    let accept!: (t: MessageTransport) => void;
    const accepted = new Promise<MessageTransport>((res) => { accept = res; });
    const srv: Server = createServer((s) => accept(streamTransport(s)));
    await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
    const port = (srv.address() as { port: number }).port;
    const sock = connect(port, '127.0.0.1');
    await new Promise<void>((res) => sock.once('connect', () => res()));
    const a = streamTransport(sock);
    const b = await accepted;
    return { a, b, done: () => srv.close() };
  }],
];

describe.each(transports)('two vats over %s', (_name, makePair) => {
  async function vats(seenA?: Set<string>, seenB?: Set<string>) {
    const p = await makePair();
    const A = makeVat('A'), B = makeVat('B');
    const left = new Connection(seenA ? tap(p.a, (k) => seenA.add(k)) : p.a, { bootstrap: A.svc });
    const right = new Connection(seenB ? tap(p.b, (k) => seenB.add(k)) : p.b, { bootstrap: B.svc });
    return { A, B, left, right, done: p.done };
  }

  it('exchanges every message type', async () => {
    const seenA = new Set<string>(), seenB = new Set<string>();
    const { A, left, right, done } = await vats(seenA, seenB);
    const svcB = new gen.Svc$Client(await left.bootstrapClient());           // Bootstrap, Return, Finish
    expect((await svcB.ping((p: any) => { p.n = 1n; }).promise()).n).toBe(2n); // Call
    // A capability of A, sent to B, resolved back to A through a promise: Resolve and Disembargo.
    const mine = new gen.Sub$Client(A.subServer('mine'));
    const back = svcB.reflect((p: any) => { p.cb = mine; p.delayMs = 20; }).getSub();
    await back.log((p: any) => { p.tag = 'x'; }).promise();
    await sleep(40);
    await back.log((p: any) => { p.tag = 'y'; }).promise();
    expect(A.log).toEqual(['mine:x', 'mine:y']);
    // Release: B drops the capability it held (its only reference to it).
    await svcB.hold((p: any) => { p.cap = new gen.Sub$Client(A.subServer('held')); }).promise();
    await svcB.forget().promise();
    // Unimplemented: a message kind we do not speak (Provide, level 3) is echoed back.
    const out = new $.Message();
    out.initRoot(rpc.Message)._initProvide().questionId = 99;
    (left as any).send(out);
    await sleep(20);
    // Abort: a malformed message (a root struct pointer 1,000 words past its segment) ends the connection.
    (right as any).transport.send(new Uint8Array([0, 0, 0, 0, 2, 0, 0, 0, 0xa0, 0x0f, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const why = await left.closed;
    expect(why.code).toBe('malformed');
    for (const k of ['BOOTSTRAP', 'CALL', 'RETURN', 'FINISH', 'RESOLVE', 'DISEMBARGO', 'RELEASE', 'ABORT']) {
      expect([...seenA, ...seenB]).toContain(k);
    }
    expect(seenB).toContain('UNIMPLEMENTED');
    right.close();
    done();
  });

  it('answers 1,000 calls on the bootstrap capability (bug A case)', async () => {
    const { left, right, done } = await vats();
    const svc = new gen.Svc$Client(left.bootstrapHook()); // used before the bootstrap answer arrives
    const first = await Promise.all(Array.from({ length: 500 }, (_, i) => svc.ping((p: any) => { p.n = BigInt(i); }).promise()));
    for (let i = 0; i < 500; i++) {
      expect((await svc.ping((p: any) => { p.n = BigInt(i); }).promise()).n).toBe(BigInt(i) + 1n);
    }
    expect(first.map((r: any) => r.n)).toEqual(Array.from({ length: 500 }, (_, i) => BigInt(i) + 1n));
    await sleep(10);
    expect(left.stats().questions).toBe(0);
    expect(right.stats().answers).toBe(0);
    left.close(); right.close(); done();
  });

  it('delivers calls pipelined on a slow answer, in order (bug B case)', async () => {
    const { B, left, right, done } = await vats();
    const svc = new gen.Svc$Client(await left.bootstrapClient());
    const sub = svc.slowSub((p: any) => { p.delayMs = 60; p.tag = 'slow'; }).getSub();
    const calls = ['a', 'b', 'c', 'd'].map((t) => sub.log((p: any) => { p.tag = t; }).promise());
    // Two levels deep: a call on a capability in the results of a pipelined call.
    const deeper = sub.next().getSub().log((p: any) => { p.tag = 'deep'; }).promise();
    const ns = (await Promise.all(calls)).map((r: any) => r.n);
    expect(B.log.slice(0, 4)).toEqual(['slow:a', 'slow:b', 'slow:c', 'slow:d']);
    expect(ns).toEqual([1, 2, 3, 4]);
    await deeper;
    expect(B.log).toContain('slow+:deep');
    left.close(); right.close(); done();
  });

  it('passes capabilities both ways: the server calls back the client\'s capability', async () => {
    const { A, left, right, done } = await vats();
    const svc = new gen.Svc$Client(await left.bootstrapClient());
    const r: any = await svc.callback((p: any) => { p.cb = new gen.Sub$Client(A.subServer('four')); }).promise();
    expect(r.v).toBe(40n);
    // B's own capability comes back to B as itself (receiverHosted), not as a proxy through A.
    const bSub = (await svc.sub().promise()).sub;
    const again: any = await svc.callback((p: any) => { p.cb = bSub; }).promise();
    expect(again.v).toBe(BigInt('B.shared'.length) * 10n);
    // A capability passed through and back is the same export on the far side.
    const svcA = new gen.Svc$Client(await right.bootstrapClient());
    const round: any = await svc.pass((p: any) => { p.cap = svcA; }).promise();
    expect((await round.cap.ping((p: any) => { p.n = 7n; }).promise()).n).toBe(8n);
    left.close(); right.close(); done();
  });

  it('keeps call order when a promise resolves back into the caller (embargo)', async () => {
    // The race the embargo exists for: A sends c1 on B's promise just as B's
    // Resolve (pointing back at A's own capability) is on its way. Once A
    // has the Resolve, a direct local c2 would run before c1 comes back
    // through B. The tap sends c1 right before A reads the Resolve.
    const p = await makePair();
    const A = makeVat('A'), B = makeVat('B');
    let back: any = null;
    let beforeSent = false;
    const inbound: MessageTransport = {
      get closedWith() { return p.a.closedWith; },
      get closed() { return p.a.closed; },
      send: (f) => p.a.send(f),
      close: (e) => p.a.close(e),
      async recv() {
        const f = await p.a.recv();
        if (f && back && !beforeSent && kindOf(f) === 'RESOLVE') {
          beforeSent = true;
          calls.push(back.log((q: any) => { q.tag = 'c1'; }).promise());
          queueMicrotask(() => queueMicrotask(() => { calls.push(back.log((q: any) => { q.tag = 'c2'; }).promise()); }));
        }
        return f;
      },
    };
    const calls: Promise<unknown>[] = [];
    const left = new Connection(inbound, { bootstrap: A.svc });
    const right = new Connection(p.b, { bootstrap: B.svc });
    const svc = new gen.Svc$Client(await left.bootstrapClient());
    const mine = new gen.Sub$Client(A.subServer('e'));
    const reflected: any = await svc.reflect((q: any) => { q.cb = mine; q.delayMs = 20; }).promise();
    back = reflected.sub;
    while (calls.length < 2) await sleep(5);
    await Promise.all(calls);
    expect(beforeSent).toBe(true);
    expect(A.log).toEqual(['e:c1', 'e:c2']);
    await sleep(10);
    expect(left.stats().embargoes).toBe(0);
    left.close(); right.close(); p.done();
  });

  it('releases exports when the holder drops them, even with a call in flight', async () => {
    const { A, left, right, done } = await vats();
    const svc = new gen.Svc$Client(await left.bootstrapClient());
    const before = left.stats().exports;
    const mine = new gen.Sub$Client(A.subServer('rel'));
    await svc.hold((p: any) => { p.cap = mine; }).promise();
    expect(left.stats().exports).toBe(before + 1);
    await svc.forget().promise();
    await sleep(20);
    expect(left.stats().exports).toBe(before);
    // Releasing our import of B's capability while a call on it is still running.
    const sub = (await svc.slowSub((p: any) => { p.delayMs = 0; p.tag = 's'; }).promise()).sub;
    const exportsB = right.stats().exports;
    const pending = sub.log((p: any) => { p.tag = 'last'; }).promise();
    sub.client.close();
    expect((await pending).n).toBeGreaterThan(0);
    await sleep(20);
    expect(right.stats().exports).toBe(exportsB - 1);
    left.close(); right.close(); done();
  });

  it('fails every pending call with disconnected when the connection drops mid-call', async () => {
    const { left, right, done } = await vats();
    const svc = new gen.Svc$Client(await left.bootstrapClient());
    const hung = svc.hang().promise().catch((e: unknown) => e);
    const queued = svc.slowSub((p: any) => { p.delayMs = 1000; p.tag = 'q'; }).getSub().get().promise().catch((e: unknown) => e);
    await sleep(10);
    right.close();
    const [e1, e2] = await Promise.all([hung, queued]);
    for (const e of [e1, e2]) {
      expect(e).toBeInstanceOf(RpcError);
      expect((e as RpcError).code).toBe('disconnected');
    }
    expect(left.stats()).toMatchObject({ questions: 0, embargoes: 0 });
    const later = await svc.ping((p: any) => { p.n = 1n; }).promise().catch((e: unknown) => e);
    expect((later as RpcError).code).toBe('disconnected');
    done();
  });

  it('refuses a forged capability id without closing the connection', async () => {
    const { left, right, done } = await vats();
    await left.bootstrap();
    const forged = left.sendCall({ importedCap: 12345 }, { method: { interfaceId: gen.Svc$Client.interfaceId, methodId: 0, ParamsClass: gen.Svc_Ping$Params }, paramsFunc: () => {} });
    const e = await forged.struct().catch((x) => x);
    expect(e).toBeInstanceOf(RpcError);
    expect(e.message).toMatch(/invalid capability id 12345/);
    const svc = new gen.Svc$Client(await left.bootstrapClient());
    expect((await svc.ping((p: any) => { p.n = 5n; }).promise()).n).toBe(6n);
    left.close(); right.close(); done();
  });
});
