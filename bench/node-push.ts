// Push and fetch benchmark (`npm run bench -- node-push [--quick]`): a
// 50 MB image (one file of random bytes, so nothing dedupes) between two
// nodes, against a plain TCP copy of the same bytes between the same two
// processes.
//
// The two nodes are real WetwareNodes (runtime/node/node.ts, the
// composition `ww run` boots, with an empty image), each in a child
// process of its own on 127.0.0.1 with ports from 0; B bootstraps to A.
//   push   this process is `ww push`: it builds the DAG in memory
//          (runtime/node/push-dag.ts) and sends it as a CAR to A's control
//          socket, which checks every block, stores, pins and announces it
//          (build and send timed apart);
//   fetch  B reads the file from its IpfsStore, so every block comes from
//          A over bitswap;
//   tcp    A serves the same 50 MB from memory on a TCP socket, and B reads
//          it to the end: the floor for moving those bytes between those
//          two processes.
// Printed: `bench node-push ... ratio=` where ratio is (push + fetch time)
// over the TCP copy's time, lower is better; fetch_ratio is fetch alone.
// Each run uses fresh bytes and a fresh B (B's repo starts empty).
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const SIZE = 50_000_000;

// ---------------------------------------------------------------------------
// The peer: one node in a child process, driven over IPC.

type Msg =
  | { op: 'start'; home: string; bootstrap?: string; control: boolean }
  | { op: 'serve-tcp'; file: string }
  | { op: 'fetch'; path: string }
  | { op: 'tcp-copy'; port: number }
  | { op: 'stop' };

async function peer(): Promise<void> {
  const { WetwareNode } = await import('../runtime/node/node.js');
  let node: Awaited<ReturnType<typeof WetwareNode.start>> | null = null;
  let tcp: ReturnType<typeof createServer> | null = null;
  const quiet = { info() {}, warn(m: string) { process.stderr.write(`peer: ${m}\n`); }, error(m: string) { process.stderr.write(`peer: ${m}\n`); } };
  const reply = (v: unknown) => process.send!(v);
  process.on('message', async (m: Msg) => {
    try {
      switch (m.op) {
        case 'start': {
          const image = join(m.home, 'image');
          mkdirSync(image, { recursive: true });
          node = await WetwareNode.start({
            layers: [image], listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: m.bootstrap ? [m.bootstrap] : [],
            identityPath: join(m.home, 'identity'), httpListen: null, httpTimeoutMs: 30_000, adminListen: null,
            ipfsUrl: null, ipfsRepo: join(m.home, 'ipfs'), mdns: false, httpDial: [],
            hostStatePath: m.control ? join(m.home, 'host.json') : null, log: quiet, cacheDir: join(m.home, 'cache'),
          });
          if (m.bootstrap) {
            const t0 = Date.now();
            while (node.swarm.getConnections().length === 0) {
              if (Date.now() - t0 > 30_000) throw new Error('B did not connect to A');
              await new Promise((r) => setTimeout(r, 20));
            }
          }
          return reply({ ok: true, peerId: node.peerId, addrs: node.addrs() });
        }
        case 'serve-tcp': {
          const bytes = readFileSync(m.file);
          tcp?.close();
          tcp = createServer((s) => s.end(bytes));
          await new Promise<void>((r) => tcp!.listen(0, '127.0.0.1', () => r()));
          return reply({ ok: true, port: (tcp.address() as { port: number }).port });
        }
        case 'fetch': {
          const t0 = performance.now();
          const got = await node!.ipfs.cat(m.path, { timeoutMs: 300_000 });
          return reply({ ok: true, ms: performance.now() - t0, bytes: got.length });
        }
        case 'tcp-copy': {
          const t0 = performance.now();
          const bytes = await new Promise<number>((resolve, reject) => {
            let n = 0;
            const s = connect(m.port, '127.0.0.1');
            s.on('data', (c: Buffer) => { n += c.length; });
            s.on('end', () => resolve(n));
            s.on('error', reject);
          });
          return reply({ ok: true, ms: performance.now() - t0, bytes });
        }
        case 'stop': {
          tcp?.close();
          await node?.stop();
          reply({ ok: true });
          setImmediate(() => process.exit(0));
          return;
        }
      }
    } catch (e) { reply({ ok: false, error: (e as Error)?.stack ?? String(e) }); }
  });
  reply({ ok: true, ready: true });
}

// ---------------------------------------------------------------------------
// The driver.

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bin', 'bench.js'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bench node-push: cannot find the repository root');
    dir = up;
  }
  return dir;
}

interface Peer { child: ChildProcess; call<T = any>(m: Msg): Promise<T> }

async function spawnPeer(): Promise<Peer> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  // Through bin/bench.js, so the Node 20 polyfill loads first.
  const child = fork(join(findRoot(), 'bin', 'bench.js'), ['node-push', '--peer'], { env, execArgv: ['--stack-size=3800'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const queue: Array<(v: any) => void> = [];
  child.on('message', (v) => queue.shift()?.(v));
  const next = () => new Promise<any>((resolve, reject) => {
    queue.push((v) => (v.ok ? resolve(v) : reject(new Error(v.error))));
    child.once('exit', (code) => reject(new Error(`peer exited ${code}`)));
  });
  await next();
  return { child, call: (m) => { const p = next(); child.send(m); return p; } };
}

const mbs = (bytes: number, ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(1);

export async function main(args: string[]): Promise<number> {
  if (args.includes('--peer')) { await peer(); return 0; }
  const quick = args.includes('--quick');
  const runs = quick ? 1 : 3;
  const { buildDag } = await import('../runtime/node/push-dag.js');
  const { sendDag } = await import('../runtime/node/push.js');
  const { readHostState } = await import('../runtime/node/host-state.js');
  const { controlSocketPath } = await import('../runtime/node/control.js');
  const work = mkdtempSync(join(tmpdir(), 'ww-bench-push-'));
  const a = await spawnPeer();
  const peers: Peer[] = [a];
  try {
    const homeA = join(work, 'a');
    const started = await a.call<{ peerId: string; addrs: string[] }>({ op: 'start', home: homeA, control: true });
    const addr = started.addrs.find((x) => x.startsWith('/ip4/127.0.0.1'))!;
    const bootstrap = addr.includes('/p2p/') ? addr : `${addr}/p2p/${started.peerId}`;
    const state = readHostState(join(homeA, 'host.json'));
    if (!state) throw new Error('A wrote no host-state file');
    const target = { kind: 'node' as const, socket: controlSocketPath(join(homeA, 'host.json')), state };

    const build: number[] = [], send: number[] = [], fetch: number[] = [], tcp: number[] = [];
    for (let i = 0; i < runs; i++) {
      const image = join(work, `image-${i}`);
      mkdirSync(image, { recursive: true });
      writeFileSync(join(image, 'big.bin'), randomBytes(SIZE));
      const t0 = performance.now();
      const dag = await buildDag(image);
      const t1 = performance.now();
      await sendDag(target, dag);
      const t2 = performance.now();
      build.push(t1 - t0); send.push(t2 - t1);

      const b = await spawnPeer();
      peers.push(b);
      await b.call({ op: 'start', home: join(work, `b-${i}`), bootstrap, control: false });
      const f = await b.call<{ ms: number; bytes: number }>({ op: 'fetch', path: `/ipfs/${dag.root}/big.bin` });
      if (f.bytes !== SIZE) throw new Error(`B fetched ${f.bytes} bytes, not ${SIZE}`);
      fetch.push(f.ms);
      const { port } = await a.call<{ port: number }>({ op: 'serve-tcp', file: join(image, 'big.bin') });
      const c = await b.call<{ ms: number; bytes: number }>({ op: 'tcp-copy', port });
      if (c.bytes !== SIZE) throw new Error(`the TCP copy moved ${c.bytes} bytes, not ${SIZE}`);
      tcp.push(c.ms);
      await b.call({ op: 'stop' });
      peers.pop();
      rmSync(image, { recursive: true, force: true });
    }
    const [bm, sm, fm, tm] = [median(build), median(send), median(fetch), median(tcp)];
    const push = bm + sm;
    console.log(`bench node-push size_mb=${SIZE / 1e6} runs=${runs} build_ms=${bm.toFixed(0)} send_ms=${sm.toFixed(0)} push_mb_s=${mbs(SIZE, push)} fetch_ms=${fm.toFixed(0)} fetch_mb_s=${mbs(SIZE, fm)} push_fetch_mb_s=${mbs(SIZE, push + fm)} peer=tcp-copy tcp_ms=${tm.toFixed(1)} tcp_mb_s=${mbs(SIZE, tm)} fetch_ratio=${(fm / tm).toFixed(1)} ratio=${((push + fm) / tm).toFixed(1)}`);
    return 0;
  } finally {
    for (const p of peers) { try { await p.call({ op: 'stop' }); } catch { p.child.kill('SIGKILL'); } }
    rmSync(work, { recursive: true, force: true });
  }
}
