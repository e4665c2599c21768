// Our RPC connection against the reference implementation: a C++ peer
// built with libcapnp (runtime/test/interop/peer.c++) serves a Calculator
// over TCP on 127.0.0.1, and the TypeScript side bootstraps and calls it.
// (First slice of the RPC issue: calls on imported capabilities.)
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'node:net';
import { Connection, type ImportedCap } from '../rpc/conn.js';
import { streamTransport } from '../rpc/transport.js';
import { RpcError } from '../rpc/errors.js';
import { generateCapnp } from './gen-capnp.js';

const here = dirname(fileURLToPath(import.meta.url));
let gen: any;
let server: ChildProcess;
let port = 0;

beforeAll(async () => {
  const peer = execFileSync('bash', [join(here, 'interop/build.sh'), process.env.WW_INTEROP_BUILD ?? join(tmpdir(), 'ww-interop-build')], { encoding: 'utf8' }).trim();
  gen = await generateCapnp(join(here, 'interop/interop.capnp'));
  server = spawn(peer, ['serve', '127.0.0.1:0'], { stdio: ['pipe', 'pipe', 'inherit'] });
  port = await new Promise<number>((res, rej) => {
    server.stdout!.on('data', (d: Buffer) => { const m = /listening 127\.0\.0\.1:(\d+)/.exec(d.toString()); if (m) res(Number(m[1])); });
    server.on('exit', (c) => rej(new Error(`peer exited ${c}`)));
  });
}, 180_000);

afterAll(() => { server?.kill('SIGTERM'); });

async function open(): Promise<{ conn: Connection; calc: ImportedCap }> {
  const socket = connect(port, '127.0.0.1');
  const conn = new Connection(streamTransport(socket));
  return { conn, calc: await conn.bootstrap() };
}

describe('TypeScript client against the C++ reference server', () => {
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
function calculatorServer() {
  return new gen.Calculator$Server({
    add: async (p: any, r: any) => { r.sum = p.a + p.b; },
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
  });
}

describe('the C++ reference client against a TypeScript server', () => {
  it('runs the peer\'s whole script: calls, returned and passed capabilities, pipelining, slow answers, exceptions', async () => {
    const { createServer } = await import('node:net');
    const conns: Connection[] = [];
    const srv = createServer((s) => { conns.push(new Connection(streamTransport(s), { bootstrap: calculatorServer() })); });
    await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
    const tsPort = (srv.address() as { port: number }).port;
    const peer = execFileSync('bash', [join(here, 'interop/build.sh'), process.env.WW_INTEROP_BUILD ?? join(tmpdir(), 'ww-interop-build')], { encoding: 'utf8' }).trim();
    const out = await new Promise<{ code: number | null; stdout: string }>((res) => {
      const p = spawn(peer, ['client', `127.0.0.1:${tsPort}`], { stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      p.stdout!.on('data', (d) => { stdout += d; });
      p.on('exit', (code) => res({ code, stdout }));
    });
    for (const c of conns) c.close();
    srv.close();
    expect(out.stdout).toContain('ok add 5');
    expect(out.stdout).toContain('ok add-many 20');
    expect(out.stdout).toContain('ok echo hello, interop \u2713');
    expect(out.stdout).toMatch(/ok fail .*expected failure from the interop peer/);
    expect(out.stdout).toContain('ok fail-then-add 2');
    expect(out.stdout).toContain('ok counter 5');
    expect(out.stdout).toContain('ok callback 70');
    expect(out.stdout).toContain('ok slow-counter 5');
    expect(out.stdout).not.toContain('FAIL');
    expect(out.code).toBe(0);
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

describe('generated TypeScript clients against the C++ reference server', () => {
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
});
