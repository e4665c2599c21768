// `ww push` end to end, with real `ww run` nodes on loopback (ports from
// 0), each in a home of its own (no shared repo): an image folder whose
// init.d script registers a WAGI route served by a small WAT CGI cell is
// pushed into node A through its control socket; node B, started with
// `ww run /ipfs/CID --bootstrap A`, fetches it over bitswap and its route
// answers over HTTP. Then: a push with no node running writes the repo a
// later node serves; a CID nobody has fails with node/not-found naming it
// within the layer timeout; bad input is one coded line.
//
// Kubo mode: no Kubo daemon can run on the test machines, so the Kubo
// endpoint here is fake-kubo.ts, the subset of Kubo's HTTP RPC that
// kubo-rpc-client calls (dag/import, cat, ls, files/stat, ...) served by
// an in-test server over a real Helia. The push and the node reach it over
// real HTTP through the real kubo-rpc-client.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { cidOf } from '../../cell/cid.js';
import { BIN, assertBuilt } from '../ww-process.js';
import { watFixture } from '../cell/wat-fixtures.js';
import { startNode, cleanup, get, type NodeProcess } from './ww-node.js';
import { startFakeKubo, type FakeKubo } from './fake-kubo.js';

const BOOT_MS = 90_000;
let dir: string;
let image: string;
let cellCid: string;
const nodes: NodeProcess[] = [];

interface Run { code: number | null; stdout: string; stderr: string }

/** `ww push ARGS` as its own process, with `env` over a clean environment. */
function push(args: string[], env: NodeJS.ProcessEnv, extra: { uid?: number; gid?: number } = {}): Promise<Run> {
  assertBuilt();
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
  delete e.NODE_OPTIONS;
  if (!('IPFS_API' in env)) delete e.IPFS_API;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--stack-size=3800', BIN, 'push', ...args], { env: e, stdio: ['ignore', 'pipe', 'pipe'], ...extra });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(t); resolve({ code, stdout, stderr }); });
  });
}

/** A home with no node in it: push goes to its repo. */
function freshHome(): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(dir, 'home-'));
  return { HOME: home, WW_HOST_STATE_PATH: join(home, 'run', 'host.json') };
}

function node(opts: Parameters<typeof startNode>[0]): NodeProcess {
  const n = startNode(opts);
  nodes.push(n);
  return n;
}

const serving = (n: NodeProcess) => n.waitFor((l) => /hello cell serving \/hello/.test(l.msg), BOOT_MS, 'that /hello is served');

/** The route the pushed image's init.d registers: the cgi cell answers 201 with its environment, "--", the body. */
async function expectHello(n: NodeProcess): Promise<void> {
  const r = await get(`${await n.http()}/hello`);
  expect(r.status).toBe(201);
  expect(r.headers.get('x-wetware-cell')).toBe(cellCid);
  expect(r.body).toContain('SCRIPT_NAME=/hello\n');
  expect(r.body).toContain('--\n');
}

function withP2p(addr: string, peerId: string): string {
  return addr.includes('/p2p/') ? addr : `${addr}/p2p/${peerId}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ww-push-'));
  image = join(dir, 'image');
  mkdirSync(join(image, 'etc', 'init.d'), { recursive: true });
  mkdirSync(join(image, 'bin'), { recursive: true });
  const wasm = await watFixture('cgi');
  cellCid = cidOf(wasm);
  writeFileSync(join(image, 'bin', 'hello.wasm'), wasm);
  writeFileSync(join(image, 'etc', 'init.d', '10-hello.glia'),
    '(perform host :listen (cell (load "/bin/hello.wasm")) "/hello")\n(println "hello cell serving /hello")\n');
}, 60_000);

afterAll(async () => {
  for (const n of nodes) await cleanup(n);
  rmSync(dir, { recursive: true, force: true });
});

describe('ww push through a running node, ww run /ipfs/CID on another', () => {
  let a: NodeProcess;
  let cid: string;

  it('adds the folder through node A\'s control socket: only the CID on stdout, progress on stderr', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    a = node({ args: [empty, '--http-listen', 'off'] });
    await a.waitFor((l) => typeof l.control === 'string', BOOT_MS, 'its control socket');
    await a.waitFor((l) => typeof l.boot_ms === 'number', BOOT_MS, 'that it is up');
    const r = await push([image], { HOME: a.home, WW_HOST_STATE_PATH: a.hostState });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^bafy[a-z2-7]+\n$/);
    cid = r.stdout.trim();
    expect(CID.parse(cid).version).toBe(1);
    expect(r.stderr).toMatch(/added .*: 2 files/);
    expect(r.stderr).toContain(`pushed to the running node ${await a.peerId()}`);
    const pushed = await a.waitFor((l) => l.msg.startsWith(`pushed ${cid}`), 10_000, 'the push');
    expect(pushed.msg).toMatch(/\(\d+ blocks, \d+ bytes\)/);
  }, BOOT_MS + 60_000);

  it('node B, sharing no repo, fetches the image from A over bitswap and serves its route', async () => {
    const addr = withP2p((await a.addrs())[0]!, await a.peerId());
    const b = node({ args: [`/ipfs/${cid}`, '--bootstrap', addr] });
    await serving(b);
    expect(b.home).not.toBe(a.home);
    expect(b.lines.some((l) => /image: \/ipfs\//.test(l.msg) && /1 init\.d scripts/.test(l.msg))).toBe(true);
    await expectHello(b);
    expect((await b.stop()).code).toBe(0);
  }, BOOT_MS + 30_000);

  it('the same folder pushed again gives the same CID', async () => {
    const r = await push([image], { HOME: a.home, WW_HOST_STATE_PATH: a.hostState });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(cid);
  }, 60_000);

  it('A\'s control socket is host.sock beside its host-state file, mode 0600, removed when A stops', async () => {
    const sock = join(a.home, 'host.sock');
    expect(statSync(sock).isSocket()).toBe(true);
    expect(statSync(sock).mode & 0o777).toBe(0o600);
    expect((await a.stop()).code).toBe(0);
    expect(existsSync(sock)).toBe(false);
    expect(existsSync(a.hostState)).toBe(false);
  }, 30_000);

  it('a node whose host-state file names a live process but has no control socket is one node/control line', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const state = join(home, 'host.json');
    writeFileSync(state, JSON.stringify({ pid: process.pid, peer_id: '12D3KooWnotanode', addrs: [], updated_at_unix_ms: Date.now() }));
    const r = await push([image], { HOME: home, WW_HOST_STATE_PATH: state });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[node\/control\]: the node 12D3KooWnotanode \(pid \d+\) runs, but its control socket .*host\.sock does not answer/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('ww push with no node running', () => {
  it('writes the repo ww run serves (~/.ww/ipfs), and a node started on it serves the image', async () => {
    const env = freshHome();
    const r = await push([image], env);
    expect(r.code, r.stderr).toBe(0);
    const cid = r.stdout.trim();
    expect(r.stderr).toContain(`pushed to the repo ${join(env.HOME!, '.ww', 'ipfs')}`);
    expect(existsSync(join(env.HOME!, '.ww', 'ipfs', 'blocks'))).toBe(true);
    const n = node({ home: env.HOME!, args: [`/ipfs/${cid}`, '--ipfs-repo', join(env.HOME!, '.ww', 'ipfs')] });
    await serving(n);
    await expectHello(n);
    expect((await n.stop()).code).toBe(0);
  }, BOOT_MS + 60_000);

  it('skips links out of the folder and to nothing, names them, and the CID does not see them', async () => {
    const env = freshHome();
    const plain = await push([image], env);
    const linked = join(dir, 'linked');
    mkdirSync(join(linked, 'etc', 'init.d'), { recursive: true });
    mkdirSync(join(linked, 'bin'), { recursive: true });
    writeFileSync(join(linked, 'bin', 'hello.wasm'), await watFixture('cgi'));
    writeFileSync(join(linked, 'etc', 'init.d', '10-hello.glia'),
      '(perform host :listen (cell (load "/bin/hello.wasm")) "/hello")\n(println "hello cell serving /hello")\n');
    symlinkSync('/etc/hostname', join(linked, 'outside'));
    symlinkSync('nothing-here', join(linked, 'dangling'));
    symlinkSync('..', join(linked, 'etc', 'up'));
    const r = await push([linked], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(plain.stdout.trim());
    expect(r.stderr).toContain('skipped outside: a link out of the folder');
    expect(r.stderr).toContain('skipped dangling: a link to nothing');
    expect(r.stderr).toContain('skipped etc/up: a link to a folder above it');
  }, 60_000);

  it('DIR missing or a file: one node/push-dir line, nothing on stdout', async () => {
    const env = freshHome();
    for (const [arg, what] of [[join(dir, 'nope'), 'is not a folder: no such file or folder'], [join(image, 'bin', 'hello.wasm'), 'is a file, not a folder']] as const) {
      const r = await push([arg], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`error[node/push-dir]: ${arg} ${what}\n  hint: ${what.startsWith('is a file') ? 'push the folder that holds it' : 'give the path of the image folder (etc/init.d/, bin/, ...), or none for the current folder'}\n`);
    }
  }, 60_000);

  it('a file it cannot read: one node/push-dir line naming it', async () => {
    const unreadable = join(dir, 'unreadable');
    mkdirSync(unreadable, { recursive: true });
    writeFileSync(join(unreadable, 'secret'), 'x');
    chmodSync(unreadable, 0o755);
    chmodSync(dir, 0o755);
    chmodSync(join(unreadable, 'secret'), 0o000);
    // root reads any file, so as root the push runs as nobody.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const home = mkdtempSync(join(dir, 'home-'));
    chmodSync(home, 0o777);
    const r = await push([unreadable], { HOME: home, WW_HOST_STATE_PATH: join(home, 'host.json') }, asNobody);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[node\/push-dir\]: cannot read .*unreadable\/secret: permission denied\n  hint: fix its permissions, or move it out of the image\n$/);
  }, 60_000);

  it('a usage error for two folders', async () => {
    const r = await push([image, image], freshHome());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ww push takes one folder, got 2/);
  }, 60_000);
});

describe('a CID nobody has', () => {
  it('ww run /ipfs/CID fails with node/not-found naming the CID within the layer timeout', async () => {
    const digest = await sha256.digest(new TextEncoder().encode(`nobody has this ${Date.now()} ${Math.random()}`));
    const missing = CID.create(1, raw.code, digest).toString();
    const n = node({ args: [`/ipfs/${missing}`, '--http-listen', 'off', '--layer-timeout-ms', '3000'] });
    const code = await Promise.race([n.exited, new Promise((r) => setTimeout(() => r('still running'), 45_000))]);
    expect(code).toBe(1);
    expect(n.stderr()).toMatch(new RegExp(`error\\[node/not-found\\]: layer /ipfs/${missing} could not be fetched within 3 s`));
    expect(n.stderr()).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('Kubo mode (against fake-kubo.ts: Kubo\'s RPC subset over a real Helia, since no Kubo can run here)', () => {
  let kubo: FakeKubo;
  beforeAll(async () => { kubo = await startFakeKubo(); });
  afterAll(async () => { await kubo?.close(); });

  it('ww push --ipfs-url imports the folder into Kubo (dag/import, pinned), the same CID as anywhere', async () => {
    const embedded = await push([image], freshHome());
    const r = await push([image, '--ipfs-url', kubo.url], freshHome());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(embedded.stdout.trim());
    expect(r.stderr).toContain(`pushed to Kubo at ${kubo.url}`);
    expect(kubo.calls).toContain('dag/import');
    // IPFS_API does the same.
    const viaEnv = await push([image], { ...freshHome(), IPFS_API: kubo.url });
    expect(viaEnv.stdout.trim()).toBe(embedded.stdout.trim());
  }, 60_000);

  it('ww run /ipfs/CID --ipfs-url reads the image from Kubo and serves its route', async () => {
    const r = await push([image, '--ipfs-url', kubo.url], freshHome());
    const n = node({ args: [`/ipfs/${r.stdout.trim()}`, '--ipfs-url', kubo.url] });
    await serving(n);
    await expectHello(n);
    expect(kubo.calls).toContain('ls');
    expect((await n.stop()).code).toBe(0);
  }, BOOT_MS + 30_000);

  it('a node on Kubo takes a push through its control socket into Kubo, pinned there', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    const n = node({ args: [empty, '--ipfs-url', kubo.url, '--http-listen', 'off'] });
    await n.waitFor((l) => typeof l.boot_ms === 'number', BOOT_MS, 'that it is up');
    const other = join(dir, 'kubo-image');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'note.txt'), `through a node on Kubo ${Date.now()}\n`);
    const imports = kubo.calls.filter((c) => c === 'dag/import').length;
    const r = await push([other], { HOME: n.home, WW_HOST_STATE_PATH: n.hostState });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('pushed to the running node');
    expect(kubo.calls.filter((c) => c === 'dag/import').length).toBe(imports + 1);
    expect((await n.stop()).code).toBe(0);
  }, BOOT_MS + 30_000);

  it('a Kubo URL that refuses is one node/kubo-unreachable line', async () => {
    // A port that was just free: nothing listens on it.
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
    });
    const r = await push([image, '--ipfs-url', `http://127.0.0.1:${port}`], freshHome());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^error\\[node/kubo-unreachable\\]: Kubo at http://127\\.0\\.0\\.1:${port}/ refused the connection`, 'm'));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
