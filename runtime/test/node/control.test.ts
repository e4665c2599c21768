// The node's control socket (runtime/node/control.ts) in-process, over a
// real Helia store on a real swarm (127.0.0.1) with an on-disk repo, and
// real HTTP on a Unix socket: an honest push is stored, pinned and
// answered with its root; a client that lies about a block, leaves one
// out, sends garbage or too much is refused with a coded answer, and
// nothing it sent is kept under a CID it does not match.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { createSwarm, type Swarm } from '../../node/swarm.js';
import { openRepo, createHeliaStore, type Repo } from '../../node/ipfs-helia.js';
import type { IpfsStore } from '../../node/ipfs.js';
import { ControlServer, controlSocketPath } from '../../node/control.js';
import { buildDag, type BuiltDag } from '../../node/push-dag.js';
import { carStream, type Block } from '../../node/car.js';

let dir: string;
let repo: Repo;
let swarm: Swarm;
let store: IpfsStore;
let control: ControlServer;

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const c of it) out.push(c);
  return Buffer.concat(out);
}

/** POST bytes to the socket; the status and JSON answer. */
function post(socket: string, body: Uint8Array, path = '/v0/push', method = 'POST'): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers: { 'content-type': 'application/vnd.ipld.car' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function folder(name: string, files: Record<string, string>): Promise<BuiltDag> {
  const root = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return buildDag(root);
}

const car = (root: Block['cid'], blocks: Block[]) => collect(carStream(root, blocks));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ww-control-'));
  repo = await openRepo(join(dir, 'repo'));
  const privateKey = await generateKeyPair('Ed25519');
  swarm = await createSwarm({ privateKey, datastore: repo.datastore });
  store = await createHeliaStore({ swarm, blockstore: repo.blockstore, datastore: repo.datastore, privateKey, timeoutMs: 2_000 });
  control = new ControlServer({ socketPath: controlSocketPath(join(dir, 'run', 'host.json')), ipfs: store, maxPushBytes: 64 * 1024 });
  await control.start();
}, 60_000);

afterAll(async () => {
  await control?.close();
  await store?.stop();
  await swarm?.stop();
  await repo?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the control socket', () => {
  it('lives beside the host-state file as host.sock, mode 0600', () => {
    expect(control.path).toBe(join(dir, 'run', 'host.sock'));
    const s = statSync(control.path);
    expect(s.isSocket()).toBe(true);
    expect(s.mode & 0o777).toBe(0o600);
  });

  it('stores an honest push, pins its root and answers it', async () => {
    const dag = await folder('honest', { 'etc/init.d/10-a.glia': '(println "a")\n', 'README': 'honest\n' });
    const r = await post(control.path, await car(dag.root, dag.blocks));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ cid: dag.root.toString(), blocks: dag.blocks.length });
    expect(await store.isPinned(dag.root.toString())).toBe(true);
    expect(new TextDecoder().decode(await store.cat(`/ipfs/${dag.root}/README`))).toBe('honest\n');
  });

  it('refuses a block whose bytes do not hash to its CID, and keeps nothing under that CID', async () => {
    const dag = await folder('lie', { 'README': 'the truth\n' });
    const leaf = dag.blocks.find((b) => new TextDecoder().decode(b.bytes) === 'the truth\n')!;
    expect(leaf).toBeDefined();
    const forged = dag.blocks.map((b) => (b === leaf ? { cid: b.cid, bytes: new TextEncoder().encode('a lie!!!!\n') } : b));
    const r = await post(control.path, await car(dag.root, forged));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('node/bad-block');
    expect(r.body.message).toContain(`block ${leaf.cid} does not hash to its CID`);
    expect(await repo.blockstore.has(leaf.cid)).toBe(false);
    expect(await store.isPinned(dag.root.toString())).toBe(false);
  });

  it('refuses a DAG that lacks a block under its root, and does not pin it', async () => {
    const dag = await folder('partial', { 'a.txt': 'first file\n', 'b.txt': 'second file\n' });
    const rootBlock = dag.blocks.find((b) => b.cid.equals(dag.root))!;
    const r = await post(control.path, await car(dag.root, [rootBlock]));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('node/bad-car');
    expect(r.body.message).toContain(`the pushed DAG under ${dag.root} lacks a block`);
    expect(await store.isPinned(dag.root.toString())).toBe(false);
  });

  it('refuses bytes that are not a CAR, and a CAR with two roots', async () => {
    const garbage = await post(control.path, new TextEncoder().encode('this is not a CAR at all'));
    expect([garbage.status, garbage.body.code]).toEqual([400, 'node/bad-car']);
    const a = await folder('two-a', { 'x': 'x' });
    const b = await folder('two-b', { 'y': 'y' });
    const { CarWriter } = await import('@ipld/car');
    const { writer, out } = CarWriter.create([a.root, b.root]);
    const bytes = collect(out);
    for (const blk of [...a.blocks, ...b.blocks]) await writer.put(blk);
    await writer.close();
    const two = await post(control.path, await bytes);
    expect([two.status, two.body.code]).toEqual([400, 'node/bad-car']);
    expect(two.body.message).toMatch(/names 2 roots, not one/);
  });

  it('refuses a push over its byte limit with 413', async () => {
    const dag = await folder('big', { 'big.bin': 'z'.repeat(200 * 1024) });
    const r = await post(control.path, await car(dag.root, dag.blocks));
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('node/too-large');
    expect(r.body.message).toContain('over the 65536-byte limit');
    expect(await store.isPinned(dag.root.toString())).toBe(false);
  });

  it('answers 404 and 405 off its one route', async () => {
    expect((await post(control.path, new Uint8Array(), '/v0/other')).status).toBe(404);
    expect((await post(control.path, new Uint8Array(), '/v0/push', 'PUT')).status).toBe(405);
  });

  it('removes its socket when it closes', async () => {
    const other = new ControlServer({ socketPath: join(dir, 'other.sock'), ipfs: store });
    await other.start();
    expect(existsSync(join(dir, 'other.sock'))).toBe(true);
    await other.close();
    expect(existsSync(join(dir, 'other.sock'))).toBe(false);
  });
});
