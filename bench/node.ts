// Node benchmark (`npm run bench -- node [--quick]`): the figures of the
// `ww run` issue, each against its peer in the same run.
//   ready     `ww run` (std image) until GET /status answers 200, against a
//             bare `node` HTTP server process started the same way;
//   status    /status requests/s at 1 and 16 concurrent clients, against the
//             same cell run per request by `ww cell run --mode http` and a
//             static Node HTTP server;
//   wat-cgi   a WAT CGI cell behind the node's WAGI at 16 clients, against
//             the static Node HTTP server;
//   push      a 50 MB image pushed on one node and fetched by another over
//             bitswap, against a plain TCP copy (bench/node-push.ts).
// Every process listens on 127.0.0.1 with ports from 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildWat, findRoot } from './cells.js';
import { median } from './stats.js';

const ROOT = findRoot();
const BIN = join(ROOT, 'bin', 'ww.js');
const CACHE = join(tmpdir(), 'ww-bench-node-cache');

interface Proc { child: ChildProcess; url: Promise<string>; stop(): Promise<void> }

function nodeProcess(args: string[], home: string): Proc {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, WW_HOST_STATE_PATH: join(home, "host.json"), WW_CACHE_DIR: CACHE };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--stack-size=3800', BIN, 'run', ...args, '--log-format', 'json', '--no-mdns',
    '--listen', '/ip4/127.0.0.1/tcp/0', '--http-listen', '127.0.0.1:0', '--identity', join(home, 'id'), '--ipfs-repo', join(home, 'ipfs')],
  { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let buf = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (c: string) => {
      buf += c;
      const m = /"http":"([^"]+)"/.exec(buf);
      if (m) resolve(`http://${m[1]}`);
    });
    child.once('exit', (code) => reject(new Error(`ww run exited ${code}:\n${buf}`)));
  });
  return { child, url, stop: () => stopChild(child) };
}

/** A bare Node HTTP server process answering a fixed JSON body: the floor for both a start and a request. */
function staticServer(): Proc {
  const code = `const b=Buffer.from(JSON.stringify({status:'ok'}));require('http').createServer((q,s)=>{s.writeHead(200,{'content-type':'application/json','content-length':b.length});s.end(b)}).listen(0,'127.0.0.1',function(){console.log('http://127.0.0.1:'+this.address().port)})`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new Promise<string>((resolve) => { child.stdout!.setEncoding('utf8'); child.stdout!.once('data', (d: string) => resolve(d.trim())); });
  return { child, url, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 8000).unref(); });
}

/** Milliseconds from spawn until GET `path` answers 200. */
async function readyMs(start: () => Proc, path: string): Promise<number> {
  const t0 = performance.now();
  const p = start();
  try {
    const base = await p.url;
    for (;;) {
      try {
        const r = await fetch(base + path, { signal: AbortSignal.timeout(5000) });
        await r.arrayBuffer();
        if (r.status === 200) return performance.now() - t0;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally { await p.stop(); }
}

/** Requests/s over `ms` with `clients` concurrent loops; also how many did not answer `ok` (200 unless said). */
async function load(url: string, clients: number, ms: number, ok = 200): Promise<{ rps: number; errors: number; p50: number }> {
  const end = performance.now() + ms;
  let n = 0, errors = 0;
  const lat: number[] = [];
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(30_000) });
        await r.arrayBuffer();
        if (r.status !== ok) errors++;
      } catch { errors++; }
      lat.push(performance.now() - t);
      n++;
    }
  }));
  lat.sort((a, b) => a - b);
  return { rps: n / (ms / 1000), errors, p50: lat[Math.floor(lat.length / 2)] ?? 0 };
}

/** `ww cell run --mode http` once per request, `clients` at a time, for `count` requests. */
async function cellRunRps(wasm: string, clients: number, count: number): Promise<number> {
  let left = count;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (left-- > 0) {
      await new Promise<void>((resolve) => {
        const env: NodeJS.ProcessEnv = { ...process.env, WW_CACHE_DIR: CACHE };
        delete env.NODE_OPTIONS;
        const c = spawn(process.execPath, ['--stack-size=3800', BIN, 'cell', 'run', wasm, '--mode', 'http', '--request', 'GET /status'], { env, stdio: ['ignore', 'ignore', 'ignore'] });
        c.once('exit', () => resolve());
      });
    }
  }));
  return count / ((performance.now() - t0) / 1000);
}

const f1 = (x: number) => x.toFixed(1);

export async function main(args: string[]): Promise<number> {
  const quick = args.includes('--quick');
  const runs = quick ? 3 : 7;
  const secs = quick ? 3_000 : 8_000;
  const work = mkdtempSync(join(tmpdir(), 'ww-bench-node-'));
  try {
    // Warm the cell cache once (the first translation of the status cell is a one-time cost).
    await readyMs(() => nodeProcess([], mkdtempSync(join(work, 'warm-'))), '/status');

    // ready: alternating, a fresh home each time (identity and repo created), warm cell cache.
    const ww: number[] = [], bare: number[] = [];
    for (let i = 0; i < runs; i++) {
      ww.push(await readyMs(() => nodeProcess([], mkdtempSync(join(work, 'home-'))), '/status'));
      bare.push(await readyMs(staticServer, '/'));
    }
    const [w, b] = [median(ww), median(bare)];
    console.log(`bench node-ready ww_ms=${f1(w)} ww_min=${f1(Math.min(...ww))} ww_max=${f1(Math.max(...ww))} peer=node-http peer_ms=${f1(b)} ratio=${(w / b).toFixed(2)} target_ms=1500 met=${w <= 1500}`);

    // status: requests/s.
    const node = nodeProcess([], mkdtempSync(join(work, 'status-')));
    const stat = staticServer();
    try {
      const base = await node.url;
      while ((await fetch(base + '/status').then((r) => r.status, () => 0)) !== 200) await new Promise((r) => setTimeout(r, 50));
      const sbase = await stat.url;
      for (const c of [1, 16]) {
        const s = await load(`${base}/status`, c, secs);
        const peer = await load(`${sbase}/`, c, secs);
        const cellRun = await cellRunRps(join(ROOT, 'std', 'status', 'bin', 'status.wasm'), c, c === 1 ? 4 : 16);
        console.log(`bench node-status clients=${c} rps=${f1(s.rps)} p50_ms=${f1(s.p50)} errors=${s.errors} peer=ww-cell-run peer_rps=${f1(cellRun)} ratio=${(s.rps / cellRun).toFixed(2)} static_rps=${f1(peer.rps)} ratio_static=${(s.rps / peer.rps).toFixed(4)}${c === 16 ? ` target_rps=100 met=${s.rps >= 100}` : ''}`);
      }
    } finally { await node.stop(); await stat.stop(); }

    // wat-cgi: an image whose init.d serves the WAT CGI cell at /cgi.
    const image = join(work, 'cgi-image');
    mkdirSync(join(image, 'etc', 'init.d'), { recursive: true });
    mkdirSync(join(image, 'bin'), { recursive: true });
    writeFileSync(join(image, 'bin', 'cgi.wasm'), await buildWat('cgi'));
    writeFileSync(join(image, 'etc', 'init.d', '10-cgi.glia'), '(perform host :listen (cell (load "/bin/cgi.wasm") {}) "/cgi")\n');
    const cgiNode = nodeProcess([image], mkdtempSync(join(work, 'cgi-')));
    const stat2 = staticServer();
    try {
      const base = await cgiNode.url;
      // The WAT CGI cell answers 201 Created (runtime/test/cell/fixtures/cgi.wat).
      while ((await fetch(base + '/cgi').then((r) => r.status, () => 0)) !== 201) await new Promise((r) => setTimeout(r, 50));
      const s = await load(`${base}/cgi`, 16, secs, 201);
      const peer = await load(`${await stat2.url}/`, 16, secs);
      console.log(`bench node-wat-cgi clients=16 rps=${f1(s.rps)} p50_ms=${f1(s.p50)} errors=${s.errors} peer=node-http peer_rps=${f1(peer.rps)} ratio=${(s.rps / peer.rps).toFixed(4)} target_rps=1000 met=${s.rps >= 1000}`);
    } finally { await cgiNode.stop(); await stat2.stop(); }

    // push and fetch of a 50 MB image between two nodes, against a TCP copy (bench/node-push.ts).
    await (await import('./node-push.js')).main(quick ? ['--quick'] : []);
    return 0;
  } finally { rmSync(work, { recursive: true, force: true }); }
}
