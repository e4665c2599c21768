// Our RPC connection against the reference implementation: a C++ peer
// built with libcapnp (runtime/test/interop/peer.c++) serves a Calculator
// over TCP on 127.0.0.1, and the TypeScript side bootstraps and calls it;
// the peer's scripted client runs against a Calculator served by us. Both
// ways include a promise that resolves back into the caller (Resolve and
// Disembargo, DESIGN.md §7): each side's embargo is checked against the
// other's answer to it, with the wire messages recorded.
//
// The C++ peer needs libcapnp-dev (and capnp, g++): without them the tests
// that talk to it skip with the reason printed (capnp-available.ts);
// .ci/run makes them mandatory with WW_REQUIRE_CAPNP=1.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, createServer } from 'node:net';
import * as $ from 'capnp-es';
import * as rpc from 'capnp-es/capnp/rpc';
import { Connection, type ImportedCap, type ConnectionStats } from '../rpc/conn.js';
import { streamTransport, type MessageTransport } from '../rpc/transport.js';
import { PromiseHook, toHook } from '../rpc/hooks.js';
import { RpcError } from '../rpc/errors.js';
import * as interop from './interop/generated/interop.js';
import { skipWithoutCapnp } from './capnp-available.js';

const here = dirname(fileURLToPath(import.meta.url));
// Committed code generated from interop/interop.capnp (npm run gen:schema).
const gen: any = interop;
const noPeer = skipWithoutCapnp('library', 'rpc-interop.test.ts against the C++ interop peer');
let server: ChildProcess;
let port = 0;

beforeAll(async () => {
  if (noPeer) return;
  const peer = execFileSync('bash', [join(here, 'interop/build.sh'), process.env.WW_INTEROP_BUILD ?? join(tmpdir(), 'ww-interop-build')], { encoding: 'utf8' }).trim();
  server = spawn(peer, ['serve', '127.0.0.1:0'], { stdio: ['pipe', 'pipe', 'inherit'] });
  port = await new Promise<number>((res, rej) => {
    server.stdout!.on('data', (d: Buffer) => { const m = /listening 127\.0\.0\.1:(\d+)/.exec(d.toString()); if (m) res(Number(m[1])); });
    server.on('exit', (c) => rej(new Error(`peer exited ${c}`)));
  });
}, 180_000);

afterAll(() => { server?.kill('SIGTERM'); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------ wire log

function target(t: rpc.MessageTarget): string {
  if (t.which() === rpc.MessageTarget_Which.IMPORTED_CAP) return `importedCap ${t.importedCap}`;
  const pa = t.promisedAnswer;
  const ops: number[] = [];
  for (let i = 0; i < pa.transform.length; i++) ops.push(pa.transform.get(i).getPointerField);
  return `promisedAnswer ${pa.questionId}[${ops.join(',')}]`;
}

function capDesc(d: rpc.CapDescriptor): string {
  switch (d.which()) {
    case rpc.CapDescriptor_Which.NONE: return 'none';
    case rpc.CapDescriptor_Which.SENDER_HOSTED: return `senderHosted ${d.senderHosted}`;
    case rpc.CapDescriptor_Which.SENDER_PROMISE: return `senderPromise ${d.senderPromise}`;
    case rpc.CapDescriptor_Which.RECEIVER_HOSTED: return `receiverHosted ${d.receiverHosted}`;
    case rpc.CapDescriptor_Which.RECEIVER_ANSWER: return `receiverAnswer ${d.receiverAnswer.questionId}`;
    default: return `descriptor ${d.which()}`;
  }
}

function caps(p: rpc.Payload): string {
  const out: string[] = [];
  for (let i = 0; i < p.capTable.length; i++) out.push(capDesc(p.capTable.get(i)));
  return out.length ? ` caps [${out.join(', ')}]` : '';
}

/** One line per RPC message, for the record and for assertions on the exchange. */
function describeFrame(frame: Uint8Array): string {
  // A copy: reading a capnp-es message may write into it.
  const m = new $.Message(frame.slice(), false).getRoot(rpc.Message);
  switch (m.which()) {
    case rpc.Message_Which.BOOTSTRAP: return `Bootstrap q${m.bootstrap.questionId}`;
    case rpc.Message_Which.CALL: {
      const c = m.call;
      const to = c.sendResultsTo.which() === rpc.Call_SendResultsTo_Which.YOURSELF ? ' sendResultsTo yourself' : '';
      return `Call q${c.questionId} target ${target(c.target)} method ${c.methodId}${caps(c.params)}${to}`;
    }
    case rpc.Message_Which.RETURN: {
      const r = m.return;
      const body = r.which() === rpc.Return_Which.RESULTS ? `results${caps(r.results)}`
        : r.which() === rpc.Return_Which.EXCEPTION ? `exception ${r.exception.reason}`
          : r.which() === rpc.Return_Which.RESULTS_SENT_ELSEWHERE ? 'resultsSentElsewhere'
            : r.which() === rpc.Return_Which.TAKE_FROM_OTHER_QUESTION ? `takeFromOtherQuestion ${r.takeFromOtherQuestion}` : `kind ${r.which()}`;
      return `Return a${r.answerId} ${body}`;
    }
    case rpc.Message_Which.FINISH: return `Finish q${m.finish.questionId}`;
    case rpc.Message_Which.RESOLVE: {
      const r = m.resolve;
      return `Resolve ${r.promiseId} -> ${r.which() === rpc.Resolve_Which.CAP ? capDesc(r.cap) : `exception ${r.exception.reason}`}`;
    }
    case rpc.Message_Which.RELEASE: return `Release ${m.release.id} x${m.release.referenceCount}`;
    case rpc.Message_Which.DISEMBARGO: {
      const d = m.disembargo;
      const ctx = d.context.which() === rpc.Disembargo_Context_Which.SENDER_LOOPBACK ? `senderLoopback ${d.context.senderLoopback}`
        : d.context.which() === rpc.Disembargo_Context_Which.RECEIVER_LOOPBACK ? `receiverLoopback ${d.context.receiverLoopback}`
          : `context ${d.context.which()}`;
      return `Disembargo ${ctx} target ${target(d.target)}`;
    }
    case rpc.Message_Which.ABORT: return `Abort ${m.abort.reason}`;
    case rpc.Message_Which.UNIMPLEMENTED: return 'Unimplemented';
    default: return `message ${m.which()}`;
  }
}

/**
 * A transport that records every message both ways ('-> ' sent by us, '<- '
 * received), optionally holds each received message back `delayMs` (order
 * kept), and can act on a received message before our connection reads it.
 */
function tapped(t: MessageTransport, log: string[], opts: { delayMs?: number; onRecv?: (line: string) => void } = {}): MessageTransport {
  const delay = opts.delayMs ?? 0;
  const held: Array<{ at: number; frame: Uint8Array | null }> = [];
  let wake: (() => void) | null = null;
  if (delay > 0) {
    void (async () => {
      for (;;) {
        const frame = await t.recv();
        held.push({ at: Date.now() + delay, frame });
        wake?.();
        if (!frame) return;
      }
    })();
  }
  const next = async (): Promise<Uint8Array | null> => {
    if (delay === 0) return t.recv();
    while (!held.length) await new Promise<void>((res) => { wake = res; });
    const wait = held[0].at - Date.now();
    if (wait > 0) await sleep(wait);
    return held.shift()!.frame;
  };
  return {
    get closedWith() { return t.closedWith; },
    get closed() { return t.closed; },
    close: (e) => t.close(e),
    send(frame) { log.push(`-> ${describeFrame(frame)}`); t.send(frame); },
    async recv() {
      const frame = await next();
      if (frame) {
        const line = describeFrame(frame);
        log.push(`<- ${line}`);
        opts.onRecv?.(line);
      }
      return frame;
    },
  };
}

/** The index of the first log line matching `re`, at or after `from` (-1 if none). */
function find(log: string[], re: RegExp, from = 0): number {
  for (let i = from; i < log.length; i++) if (re.test(log[i])) return i;
  return -1;
}

async function open(): Promise<{ conn: Connection; calc: ImportedCap }> {
  const socket = connect(port, '127.0.0.1');
  const conn = new Connection(streamTransport(socket));
  return { conn, calc: await conn.bootstrap() };
}

describe.skipIf(noPeer)('TypeScript client against the C++ reference server', () => {
  it('bootstraps and calls add, many times on the bootstrap capability (bug A case)', async () => {
    const { conn, calc } = await open();
    const C = gen.Calculator$Client;
    const sums = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      conn.call(calc, C.interfaceId, 0, gen.Calculator_Add$Params, gen.Calculator_Add$Results, (p: any) => { p.a = BigInt(i); p.b = 1000n; })
        .then((r: any) => r.sum)));
    expect(sums).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i) + 1000n));
    conn.close();
  });

  it('round-trips text and reports a server exception as an RpcError', async () => {
    const { conn, calc } = await open();
    const C = gen.Calculator$Client;
    const r: any = await conn.call(calc, C.interfaceId, 3, gen.Calculator_Echo$Params, gen.Calculator_Echo$Results, (p: any) => { p.text = 'hi ✓'; });
    expect(r.text).toBe('hi ✓');
    const err = await conn.call(calc, C.interfaceId, 5, gen.Calculator_Fail$Params, gen.Calculator_Fail$Results, (p: any) => { p.message = 'boom'; })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe('failed');
    expect(err.message).toContain('boom');
    conn.close();
  });

  it('fails a pending call with disconnected when the connection drops mid-call', async () => {
    const { conn, calc } = await open();
    const C = gen.Calculator$Client;
    const pending = conn.call(calc, C.interfaceId, 1, gen.Calculator_SlowAdd$Params, gen.Calculator_SlowAdd$Results,
      (p: any) => { p.a = 1n; p.b = 2n; p.delayMs = 2000; }).catch((e) => e);
    setTimeout(() => conn.close(), 50);
    const err = await pending;
    expect(err).toBeInstanceOf(RpcError);
    expect(err.code).toBe('disconnected');
  });
});

function counterServer() {
  let n = 0n;
  return new gen.Counter$Server({
    increment: async (p: any, r: any) => { n += p.by; r.value = n; },
    get: async (_p: any, r: any) => { r.value = n; },
  });
}

/** A Calculator implemented in TypeScript, served through our connection. */
function calculatorServer(onAdd?: () => void) {
  return new gen.Calculator$Server({
    add: async (p: any, r: any) => { onAdd?.(); r.sum = p.a + p.b; },
    slowAdd: async (p: any, r: any) => { await new Promise((res) => setTimeout(res, p.delayMs)); r.sum = p.a + p.b; },
    echo: async (p: any, r: any) => { r.text = p.text; },
    fail: async (p: any) => { throw new Error(p.message); },
    counter: async (_p: any, r: any) => { r.counter = new gen.Counter$Client(counterServer()); },
    slowCounter: async (p: any, r: any) => {
      await new Promise((res) => setTimeout(res, p.delayMs));
      r.counter = new gen.Counter$Client(counterServer());
    },
    // Calls back into a capability the client passed in its params.
    callback: async (p: any, r: any) => {
      const out: any = await p.cb.call((q: any) => { q.value = p.value; }).promise();
      r.result = out.result;
    },
    // The result is a promise (a PromiseHook) of the caller's own capability:
    // it goes out as senderPromise in the Return, and a Resolve naming the
    // caller's capability (receiverHosted) follows after delayMs.
    reflect: async (p: any, r: any) => {
      // p.cb.client, not p.cb: a generated client for an interface with a
      // method named `call` (Callback) looks like a capnp-es Client to toHook.
      const cb = toHook(p.cb.client)!;
      r.cb = new gen.Callback$Client(new PromiseHook(sleep(p.delayMs).then(() => cb)));
    },
  });
}

interface CppRun { code: number | null; stdout: string }

/** Runs `peer client` (all steps, or the named ones) against a TypeScript server on 127.0.0.1. */
async function runCppClient(steps: string[], serve: (socket: import('node:net').Socket) => void): Promise<CppRun> {
  const srv = createServer(serve);
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const tsPort = (srv.address() as { port: number }).port;
  const peer = execFileSync('bash', [join(here, 'interop/build.sh'), process.env.WW_INTEROP_BUILD ?? join(tmpdir(), 'ww-interop-build')], { encoding: 'utf8' }).trim();
  const out = await new Promise<CppRun>((res) => {
    const p = spawn(peer, ['client', `127.0.0.1:${tsPort}`, ...steps], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    p.stdout!.on('data', (d) => { stdout += d; });
    p.on('exit', (code) => res({ code, stdout }));
  });
  srv.close();
  return out;
}

/**
 * Checks the C++ client's side of `reflect-order` in our log: we sent the
 * reflected capability as a senderPromise, then a Resolve naming the C++
 * client's own Callback; the C++ client embargoed (Disembargo
 * senderLoopback at our promise export) and we echoed receiverLoopback
 * with the same id, aimed at the Callback. Returns the positions.
 */
function checkCppEmbargo(log: string[]) {
  const ret = find(log, /^-> Return a\d+ results caps \[senderPromise (\d+)\]$/);
  expect(ret, log.join('\n')).toBeGreaterThanOrEqual(0);
  const promiseId = /senderPromise (\d+)/.exec(log[ret])![1];
  const resolve = find(log, new RegExp(`^-> Resolve ${promiseId} -> receiverHosted (\\d+)$`), ret);
  expect(resolve, log.join('\n')).toBeGreaterThan(ret);
  const callbackId = /receiverHosted (\d+)/.exec(log[resolve])![1];
  const dis = find(log, new RegExp(`^<- Disembargo senderLoopback (\\d+) target importedCap ${promiseId}$`), resolve);
  expect(dis, log.join('\n')).toBeGreaterThan(resolve);
  const embargoId = /senderLoopback (\d+)/.exec(log[dis])![1];
  const echo = find(log, new RegExp(`^-> Disembargo receiverLoopback ${embargoId} target importedCap ${callbackId}$`), dis);
  expect(echo, log.join('\n')).toBeGreaterThan(dis);
  expect(log.filter((l) => /Abort/.test(l)), log.join('\n')).toEqual([]);
  return { promiseId, callbackId, ret, resolve, dis, echo };
}

describe.skipIf(noPeer)('the C++ reference client against a TypeScript server', () => {
  it('runs the peer\'s whole script: calls, returned and passed capabilities, pipelining, slow answers, exceptions, a promise resolving back', async () => {
    const conns: Connection[] = [];
    const log: string[] = [];
    const out = await runCppClient([], (s) => { conns.push(new Connection(tapped(streamTransport(s), log), { bootstrap: calculatorServer() })); });
    for (const c of conns) c.close();
    expect(out.stdout).toContain('ok add 5');
    expect(out.stdout).toContain('ok add-many 20');
    expect(out.stdout).toContain('ok echo hello, interop \u2713');
    expect(out.stdout).toMatch(/ok fail .*expected failure from the interop peer/);
    expect(out.stdout).toContain('ok fail-then-add 2');
    expect(out.stdout).toContain('ok counter 5');
    expect(out.stdout).toContain('ok callback 70');
    expect(out.stdout).toContain('ok slow-counter 5');
    expect(out.stdout).toContain('ok reflect-order 30');
    expect(out.stdout).not.toContain('FAIL');
    expect(out.code).toBe(0);
    checkCppEmbargo(log);
  });

  it('answers the C++ client\'s Disembargo while its calls are still on their way (reflect-order, our inbound held back 30 ms)', async () => {
    // Every message from the C++ client reaches our connection 30 ms late
    // (in order), so calls it makes on the promise just before our Resolve
    // reaches it are still on their way to us: it has to embargo, and
    // every later call must wait for those to come back through us.
    const log: string[] = [];
    let conn!: Connection;
    const atAdd: Array<{ stats: ConnectionStats; closed: boolean }> = [];
    const out = await runCppClient(['reflect-order'], (s) => {
      conn = new Connection(tapped(streamTransport(s), log, { delayMs: 30 }), {
        bootstrap: calculatorServer(() => atAdd.push({ stats: conn.stats(), closed: conn.isClosed })),
      });
    });
    conn.close();
    expect(out.stdout, log.join('\n')).toBe('ok reflect-order 30\ndone 1 ok 0 failed\n');
    expect(out.code).toBe(0);
    const at = checkCppEmbargo(log);
    // Calls the C++ client made on the promise before it had our Resolve,
    // that reached us only after we sent it: the race the embargo is for.
    const late = log.slice(at.resolve, at.dis).filter((l) => l.startsWith(`<- Call`) && l.includes(`target importedCap ${at.promiseId} `));
    expect(late.length, log.join('\n')).toBeGreaterThanOrEqual(1);
    // We forwarded each of them back to the C++ client's Callback before echoing the Disembargo.
    const forwarded = log.slice(at.resolve, at.echo).filter((l) => l.startsWith('-> Call') && l.includes(`target importedCap ${at.callbackId} `));
    expect(forwarded.length).toBeGreaterThanOrEqual(late.length);
    // The plain call after the scenario (add, in the step) found our connection open, with no embargo of ours left.
    expect(atAdd.at(-1)).toEqual({ stats: expect.objectContaining({ embargoes: 0 }), closed: false });
    if (process.env.WW_INTEROP_LOG) console.log(log.join('\n'));
  });
});

describe('two TypeScript vats over an in-memory pipe', () => {
  it('bootstrap and call both ways, with a wrong interface id answered unimplemented', async () => {
    const { pipePair } = await import('../rpc/transport.js');
    const [a, b] = pipePair();
    const left = new Connection(a, { bootstrap: calculatorServer() });
    const right = new Connection(b, { bootstrap: calculatorServer() });
    const C = gen.Calculator$Client;
    const fromRight = await right.bootstrap();
    const fromLeft = await left.bootstrap();
    const add = (conn: Connection, cap: ImportedCap, x: bigint) =>
      conn.call(cap, C.interfaceId, 0, gen.Calculator_Add$Params, gen.Calculator_Add$Results, (p: any) => { p.a = x; p.b = 1n; }).then((r: any) => r.sum);
    expect(await add(right, fromRight, 41n)).toBe(42n);
    expect(await add(left, fromLeft, 9n)).toBe(10n);
    const wrong = await right.call(fromRight, 0x1234n, 0, gen.Calculator_Add$Params, gen.Calculator_Add$Results, () => {}).catch((e) => e);
    expect(wrong).toBeInstanceOf(RpcError);
    expect(wrong.code).toBe('unimplemented');
    left.close();
    const after = await add(right, fromRight, 1n).catch((e) => e);
    expect(after.code).toBe('disconnected');
  });
});

describe.skipIf(noPeer)('generated TypeScript clients against the C++ reference server', () => {
  it('calls, receives a capability and calls it, and passes a local capability the server calls back', async () => {
    const socket = connect(port, '127.0.0.1');
    const conn = new Connection(streamTransport(socket));
    const calc = new gen.Calculator$Client(await conn.bootstrapClient());
    const sum: any = await calc.add((p: any) => { p.a = 20n; p.b = 22n; }).promise();
    expect(sum.sum).toBe(42n);
    // A capability in the results (server to client), then calls on it.
    const counterResults: any = await calc.counter().promise();
    const counter = counterResults.counter;
    expect(((await counter.increment((p: any) => { p.by = 5n; }).promise()) as any).value).toBe(5n);
    expect(((await counter.increment((p: any) => { p.by = 2n; }).promise()) as any).value).toBe(7n);
    // Calls on a capability in results, sent before those results arrive.
    const pipelined = calc.counter().getCounter();
    expect(((await pipelined.increment((p: any) => { p.by = 3n; }).promise()) as any).value).toBe(3n);
    // A capability in the params (client to server): the C++ server calls it back.
    let calls = 0;
    const cb = new gen.Callback$Client(new gen.Callback$Server({
      call: async (p: any, r: any) => { calls++; r.result = p.value * 10n; },
    }));
    const r: any = await calc.callback((p: any) => { p.cb = cb; p.value = 7n; }).promise();
    expect(r.result).toBe(70n);
    expect(calls).toBe(1);
    conn.close();
  });

  it('keeps call order when the C++ server\'s promise resolves back to our capability (its Resolve, our Disembargo)', async () => {
    // reflect(cb, 100 ms) on the C++ server gives back a promise of our own
    // cb. Calls on it: three pipelined before the Return, three on the
    // promise before the Resolve, then the race the embargo is for, made
    // deterministic by our transport: when the Resolve has arrived but our
    // connection has not read it yet, c1 goes out to the promise (through
    // the server and back to cb); right after our connection has read it,
    // c2 is made, and would reach cb directly, before c1, without the
    // embargo. Then spaced calls until the embargo is over, and after.
    const log: string[] = [];
    const order: bigint[] = [];
    const replies: Promise<void>[] = [];
    let reflected: any = null;
    let made = 0n;
    let raced = false;
    let embargoesAtC2 = -1;
    let conn!: Connection;
    const call = () => {
      const v = ++made;
      replies.push(reflected.call((p: any) => { p.value = v; }).promise().then((r: any) => { expect(r.result).toBe(v * 10n); }));
    };
    const transport = tapped(streamTransport(connect(port, '127.0.0.1')), log, {
      onRecv(line) {
        if (raced || !reflected || !line.startsWith('Resolve')) return;
        raced = true;
        call(); // c1: our connection has not seen the Resolve, so c1 goes to the promise on the server
        setImmediate(() => { embargoesAtC2 = conn.stats().embargoes; call(); }); // c2: after the Resolve was read
      },
    });
    conn = new Connection(transport);
    const calc = new gen.Calculator$Client(await conn.bootstrapClient());
    const cb = new gen.Callback$Client(new gen.Callback$Server({
      call: async (p: any, r: any) => { order.push(p.value); r.result = p.value * 10n; },
    }));
    const answer = calc.reflect((p: any) => { p.cb = cb; p.delayMs = 100; });
    reflected = answer.getCb();
    for (let i = 0; i < 3; i++) call(); // pipelined on the question
    await answer.promise();
    for (let i = 0; i < 3; i++) call(); // on the promise, before its Resolve
    while (!raced) await sleep(2);
    for (let i = 0; i < 6; i++) { await sleep(5); call(); }
    await Promise.all(replies);
    expect(order).toEqual(Array.from({ length: Number(made) }, (_, i) => BigInt(i + 1)));
    expect(embargoesAtC2).toBe(1); // c2 waited behind our embargo

    // The exchange: the C++ server sent the reflected capability as a
    // senderPromise, then a Resolve naming our cb (receiverHosted); we sent
    // Disembargo senderLoopback at the promise import, after c1, and it
    // echoed receiverLoopback with the same id.
    const ret = find(log, /^<- Return a\d+ results caps \[senderPromise (\d+)\]$/);
    expect(ret, log.join('\n')).toBeGreaterThanOrEqual(0);
    const promiseId = /senderPromise (\d+)/.exec(log[ret])![1];
    const cbExport = /senderHosted (\d+)/.exec(log[find(log, /^-> Call q\d+ target importedCap 0 method 7 caps \[senderHosted \d+\]$/)])![1];
    const resolve = find(log, new RegExp(`^<- Resolve ${promiseId} -> receiverHosted ${cbExport}$`), ret);
    expect(resolve, log.join('\n')).toBeGreaterThan(ret);
    // c1 went out (to the promise) before our connection read the Resolve, the Disembargo right after it read it.
    expect(log[resolve + 1], log.join('\n')).toMatch(new RegExp(`^-> Call q\\d+ target importedCap ${promiseId} method 0$`));
    const dis = find(log, new RegExp(`^-> Disembargo senderLoopback (\\d+) target importedCap ${promiseId}$`), resolve);
    expect(dis, log.join('\n')).toBeGreaterThan(resolve + 1);
    const embargoId = /senderLoopback (\d+)/.exec(log[dis])![1];
    const echo = find(log, new RegExp(`^<- Disembargo receiverLoopback ${embargoId} target importedCap ${cbExport}$`), dis);
    expect(echo, log.join('\n')).toBeGreaterThan(dis);
    // c1 came back through the server to cb before the echo, as a tail call:
    // the server forwards a call to a capability we host with sendResultsTo
    // yourself, we keep the results (Return resultsSentElsewhere), and its
    // Return for c1 takes them (takeFromOtherQuestion).
    const c1Back = find(log, new RegExp(`^<- Call q(\\d+) target importedCap ${cbExport} method 0 sendResultsTo yourself$`), dis);
    expect(c1Back, log.join('\n')).toBeGreaterThan(dis);
    expect(c1Back, log.join('\n')).toBeLessThan(echo);
    const tail = /^<- Call q(\d+)/.exec(log[c1Back])![1];
    expect(find(log, new RegExp(`^-> Return a${tail} resultsSentElsewhere$`), c1Back), log.join('\n')).toBeGreaterThan(c1Back);
    expect(find(log, new RegExp(`^<- Return a\\d+ takeFromOtherQuestion ${tail}$`), c1Back), log.join('\n')).toBeGreaterThan(c1Back);
    expect(log.filter((l) => /Abort/.test(l))).toEqual([]);

    // Both sides still answer a plain call, and no embargo of ours is left.
    expect(((await calc.add((p: any) => { p.a = 40n; p.b = 2n; }).promise()) as any).sum).toBe(42n);
    expect((await reflected.call((p: any) => { p.value = 9n; }).promise()).result).toBe(90n);
    expect(conn.isClosed).toBe(false);
    expect(conn.stats().embargoes).toBe(0);
    if (process.env.WW_INTEROP_LOG) console.log(log.join('\n'));
    conn.close();
  });
});
