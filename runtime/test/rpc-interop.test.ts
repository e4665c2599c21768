// Our RPC connection against the reference implementation: a C++ peer
// built with libcapnp (runtime/test/interop/peer.c++) serves a Calculator
// over TCP on 127.0.0.1, and the TypeScript side bootstraps and calls it.
// (First slice of the RPC issue: calls on imported capabilities.)
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'node:net';
import { Connection, type ImportedCap } from '../rpc/conn.js';
import { streamTransport } from '../rpc/transport.js';
import { RpcError } from '../rpc/errors.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
let gen: any;
let server: ChildProcess;
let port = 0;

beforeAll(async () => {
  const peer = execFileSync('bash', [join(here, 'interop/build.sh'), process.env.WW_INTEROP_BUILD ?? join(tmpdir(), 'ww-interop-build')], { encoding: 'utf8' }).trim();
  // TypeScript for the test interface, generated the way the build generates schema/.
  const dir = mkdtempSync(join(tmpdir(), 'ww-interop-ts-'));
  copyFileSync(join(here, 'interop/interop.capnp'), join(dir, 'interop.capnp'));
  execFileSync(process.execPath, [join(root, 'node_modules/capnp-es/dist/compiler/capnpc-js.mjs'), join(dir, 'interop.capnp'), '-ots'], { cwd: dir, stdio: 'ignore' });
  gen = await import(join(dir, 'interop.ts'));
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
