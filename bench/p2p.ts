// p2p benchmark (`npm run bench -- p2p [--quick]`): a vat call between two
// processes over libp2p on loopback (TCP, noise, yamux, our RPC on the
// stream: /ww/0.1.0/vat/bench), against the same call over a plain TCP
// socket between the same two processes with the same RPC (the peer). And
// one-way stream throughput: bytes sent on /ww/0.1.0/stream/sink against a
// plain TCP socket, each counted by the receiver before it answers.
//
//   vat      p50 and p99 of sequential calls (1 in flight), and calls/s at
//            1 and 16 in flight; ratio = libp2p time / TCP time (target <= 2)
//   stream   MB/s for 64 MB (8 with --quick); ratio = TCP MB/s / libp2p MB/s
//
// The server is this file run with --serve in a child process; runs of the
// two transports alternate so drift on a shared machine hits both.
import { spawn } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { multiaddr } from '@multiformats/multiaddr';
import { peerIdFromString } from '@libp2p/peer-id';
import { Connection } from '../runtime/rpc/conn.js';
import { streamTransport } from '../runtime/rpc/transport.js';
import { createSwarm } from '../runtime/node/swarm.js';
import { serveVat, dialVat } from '../runtime/node/p2p/vat-protocol.js';
import { VAT_PREFIX, STREAM_PREFIX } from '../runtime/node/p2p/protocols.js';
import { bytesOf } from '../runtime/node/p2p/stream-bytes.js';
import { toHook } from '../runtime/rpc/hooks.js';
import { Bench, type Bench$Client } from './rpc/generated/bench.js';
import { median } from './stats.js';

const VAT = `${VAT_PREFIX}bench`;
const SINK = `${STREAM_PREFIX}sink`;

function benchServer() {
  return new Bench.Server({ async add(p: { a: bigint; b: bigint }, r: { sum: bigint }) { r.sum = p.a + p.b; } } as any);
}

/** The child: serves the vat and the sink over libp2p and over TCP, prints where. */
async function serve(): Promise<void> {
  const swarm = await createSwarm({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false });
  await serveVat(swarm, VAT, () => toHook(benchServer())!);
  await swarm.handle(SINK, (stream) => {
    let n = 0;
    stream.addEventListener('message', (e) => { n += bytesOf(e.data).length; });
    stream.addEventListener('remoteCloseWrite', () => { stream.send(new TextEncoder().encode(String(n))); void stream.close(); });
  });
  const tcp = createServer((socket) => {
    const kind = { decided: false };
    socket.once('data', (first: Buffer) => {
      kind.decided = true;
      if (first[0] === 0x53) { // 'S': the sink
        let n = first.length - 1;
        socket.on('data', (c: Buffer) => { n += c.length; });
        socket.on('end', () => socket.end(String(n)));
      } else {
        socket.pause();
        socket.unshift(first);
        new Connection(streamTransport(socket), { bootstrap: benchServer() });
        socket.resume();
      }
    });
  });
  await new Promise<void>((res) => tcp.listen(0, '127.0.0.1', res));
  const port = (tcp.address() as { port: number }).port;
  process.stdout.write(JSON.stringify({ addr: swarm.getMultiaddrs()[0]!.toString(), port }) + '\n');
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

interface Stats { p50: number; p99: number; perSec: number }

async function sequential(bench: Bench$Client, n: number): Promise<Stats> {
  const times: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const r = await bench.add((p) => { p.a = BigInt(i); p.b = 1n; }).promise();
    if (r.sum !== BigInt(i) + 1n) throw new Error(`wrong sum ${r.sum}`);
    times.push(performance.now() - s);
  }
  const total = performance.now() - t0;
  times.sort((x, y) => x - y);
  return { p50: times[Math.floor(n * 0.5)]!, p99: times[Math.min(n - 1, Math.floor(n * 0.99))]!, perSec: n / (total / 1000) };
}

async function inFlight(bench: Bench$Client, n: number, width: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) {
      const i = next++;
      const r = await bench.add((p) => { p.a = BigInt(i); p.b = 1n; }).promise();
      if (r.sum !== BigInt(i) + 1n) throw new Error(`wrong sum ${r.sum}`);
    }
  }));
  return n / ((performance.now() - t0) / 1000);
}

const fmt = (x: number, d = 1) => x.toFixed(d);

export async function main(args: string[]): Promise<number> {
  if (args.includes('--serve')) { await serve(); return 0; }
  const quick = args.includes('--quick');
  const calls = quick ? 500 : 3000;
  const streamBytes = (quick ? 8 : 64) * 1024 * 1024;

  const child = spawn(process.execPath, ['--stack-size=3800', fileURLToPath(new URL('../../bin/bench.js', import.meta.url)), 'p2p', '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const where = await new Promise<{ addr: string; port: number }>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => { buf += c; const i = buf.indexOf('\n'); if (i >= 0) resolve(JSON.parse(buf.slice(0, i))); });
    child.once('exit', (code) => reject(new Error(`the server exited ${code}`)));
  });
  const swarm = await createSwarm({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false });
  try {
    const ma = multiaddr(where.addr);
    await swarm.dial(ma);
    const peer = peerIdFromString(where.addr.slice(where.addr.lastIndexOf('/p2p/') + 5));
    const vat = await dialVat(swarm, peer, VAT);
    const overLibp2p = new Bench.Client(vat.bootstrap as any) as unknown as Bench$Client;
    const socket: Socket = connect(where.port, '127.0.0.1');
    await new Promise<void>((res) => socket.once('connect', () => res()));
    const tcpConn = new Connection(streamTransport(socket));
    const overTcp = new Bench.Client(await tcpConn.bootstrapClient() as any) as unknown as Bench$Client;
    // Warm both.
    await sequential(overLibp2p, 200); await sequential(overTcp, 200);

    const rounds = quick ? 1 : 3;
    const res: Record<string, { lp: number[]; tcp: number[] }> = { p50: { lp: [], tcp: [] }, p99: { lp: [], tcp: [] }, c1: { lp: [], tcp: [] }, c16: { lp: [], tcp: [] } };
    for (let r = 0; r < rounds; r++) {
      for (const [which, b] of [['lp', overLibp2p], ['tcp', overTcp]] as const) {
        const s = await sequential(b, calls);
        res.p50![which].push(s.p50); res.p99![which].push(s.p99); res.c1![which].push(s.perSec);
        res.c16![which].push(await inFlight(b, calls * 2, 16));
      }
    }
    const lp = (k: string) => median(res[k]!.lp), tcp = (k: string) => median(res[k]!.tcp);
    console.log(`bench p2p what=vat-latency p50_ms=${fmt(lp('p50'), 3)} p99_ms=${fmt(lp('p99'), 3)} tcp_p50_ms=${fmt(tcp('p50'), 3)} tcp_p99_ms=${fmt(tcp('p99'), 3)} ratio=${fmt(lp('p50') / tcp('p50'), 2)}`);
    console.log(`bench p2p what=vat-calls in_flight=1 calls_per_s=${fmt(lp('c1'), 0)} tcp_calls_per_s=${fmt(tcp('c1'), 0)} ratio=${fmt(tcp('c1') / lp('c1'), 2)}`);
    console.log(`bench p2p what=vat-calls in_flight=16 calls_per_s=${fmt(lp('c16'), 0)} tcp_calls_per_s=${fmt(tcp('c16'), 0)} ratio=${fmt(tcp('c16') / lp('c16'), 2)}`);
    vat.close(); tcpConn.close();

    // Stream throughput, each direction counted by the receiver.
    const chunk = new Uint8Array(64 * 1024).fill(7);
    const lpRates: number[] = [], tcpRates: number[] = [];
    for (let r = 0; r < rounds; r++) {
      {
        const t0 = performance.now();
        const s = await swarm.dialProtocol(peer, SINK);
        const got = new Promise<string>((res) => { let t = ''; s.addEventListener('message', (e) => { t += new TextDecoder().decode(bytesOf(e.data)); }); s.addEventListener('close', () => res(t)); });
        for (let sent = 0; sent < streamBytes; sent += chunk.length) if (!s.send(chunk)) await s.onDrain();
        await s.close();
        const n = Number(await got);
        if (n !== streamBytes) throw new Error(`the sink counted ${n} bytes of ${streamBytes}`);
        lpRates.push(streamBytes / 1048576 / ((performance.now() - t0) / 1000));
      }
      {
        const t0 = performance.now();
        const sock = connect(where.port, '127.0.0.1');
        await new Promise<void>((res) => sock.once('connect', () => res()));
        const got = new Promise<string>((res) => { let t = ''; sock.on('data', (c) => { t += c; }); sock.on('end', () => res(t)); });
        sock.write(Buffer.from('S'));
        for (let sent = 0; sent < streamBytes; sent += chunk.length) if (!sock.write(chunk)) await new Promise((res) => sock.once('drain', res));
        sock.end();
        const n = Number(await got);
        if (n !== streamBytes) throw new Error(`the TCP sink counted ${n} bytes of ${streamBytes}`);
        tcpRates.push(streamBytes / 1048576 / ((performance.now() - t0) / 1000));
      }
    }
    console.log(`bench p2p what=stream mb=${streamBytes / 1048576} mb_per_s=${fmt(median(lpRates))} tcp_mb_per_s=${fmt(median(tcpRates))} ratio=${fmt(median(tcpRates) / median(lpRates), 2)}`);
    return 0;
  } finally {
    await swarm.stop();
    child.stdin!.end();
    child.kill();
  }
}
