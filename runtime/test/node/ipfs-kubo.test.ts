// The Kubo-backed IpfsStore (runtime/node/ipfs-kubo.ts) through the real
// kubo-rpc-client. No Kubo daemon can run on the test machines, so the
// endpoint is fake-kubo.ts: the subset of Kubo's HTTP RPC the store calls,
// served over a real Helia. A refused Kubo URL is tested for real.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import { createKuboStore } from '../../node/ipfs-kubo.js';
import type { IpfsStore } from '../../node/ipfs.js';
import { NodeError } from '../../node/errors.js';
import { Ipfs$Client } from '../../../schema/generated/system.js';
import { ipfsHook } from '../../node/caps/ipfs.js';
import { startFakeKubo, type FakeKubo } from './fake-kubo.js';
import { graftedSession } from './cap-session.js';

let kubo: FakeKubo;
let store: IpfsStore;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ww-kubo-'));
  kubo = await startFakeKubo();
  store = await createKuboStore({ url: kubo.url, timeoutMs: 5_000 });
});
afterAll(async () => { await kubo?.close(); await rm(dir, { recursive: true, force: true }); });

describe('IpfsStore on Kubo', () => {
  it('adds bytes (CIDv1, pinned) and reads them back by /ipfs/ path and bare CID', async () => {
    const cid = await store.addBytes(new TextEncoder().encode('through kubo'));
    expect(CID.parse(cid).version).toBe(1);
    expect(await store.isPinned(cid)).toBe(true);
    expect(new TextDecoder().decode(await store.cat(`/ipfs/${cid}`))).toBe('through kubo');
    expect(new TextDecoder().decode(await store.cat(cid))).toBe('through kubo');
    await expect(store.cat(cid, { maxBytes: 3 })).rejects.toMatchObject({ code: 'node/too-large' });
    const missing = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
    await expect(store.cat(missing, { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'node/not-found', message: expect.stringContaining(missing) });
    await store.provide(cid);
    expect(kubo.calls).toContain('routing/provide');
  });

  it('adds a folder as one UnixFS folder and walks it', async () => {
    const src = join(dir, 'image');
    await mkdir(join(src, 'etc', 'init.d'), { recursive: true });
    await writeFile(join(src, 'etc', 'init.d', '05-status.glia'), '(println "hi")\n');
    await writeFile(join(src, 'README'), 'an image\n');
    const seen: string[] = [];
    const root = await store.addDirectory(src, (p) => seen.push(p.path));
    expect(seen.sort()).toEqual(['README', 'etc/init.d/05-status.glia']);
    expect(await store.isPinned(root)).toBe(true);
    expect((await store.ls(`/ipfs/${root}`)).map((e) => [e.name, e.type])).toEqual([['README', 'file'], ['etc', 'directory']]);
    expect(await store.stat(`/ipfs/${root}/README`)).toMatchObject({ type: 'file', size: 9 });
    expect(new TextDecoder().decode(await store.cat(`/ipfs/${root}/etc/init.d/05-status.glia`))).toBe('(println "hi")\n');
    await expect(store.cat(`/ipfs/${root}/etc`)).rejects.toMatchObject({ code: 'node/bad-key' });
    await expect(store.cat(`/ipfs/${root}/nope`)).rejects.toMatchObject({ code: 'node/not-found' });
  });

  it('publishes and resolves IPNS names through Kubo', async () => {
    const cid = await store.addBytes(new TextEncoder().encode('named in kubo'));
    const name = await store.publishName('self', `/ipfs/${cid}`);
    expect(name.startsWith('/ipns/k51')).toBe(true);
    expect(await store.resolveName(name)).toBe(`/ipfs/${cid}`);
    expect(new TextDecoder().decode(await store.cat(name))).toBe('named in kubo');
    await expect(store.publishName('nokey', `/ipfs/${cid}`)).rejects.toMatchObject({ code: 'node/ipns', message: expect.stringContaining('no key by the given name') });
  });

  it('serves the Ipfs capability as the embedded store does', async () => {
    const s = await graftedSession([{ name: 'ipfs', interfaceId: Ipfs$Client.interfaceId, cap: ipfsHook({ store }) }]);
    try {
      const cid = JSON.parse(await s.eval('(perform ipfs :add "cap over kubo")'));
      expect(await s.eval(`(bytes->string (perform ipfs :read "/ipfs/${cid}"))`)).toBe('"cap over kubo"');
    } finally { s.close(); }
  });
});

describe('a Kubo that is not there', () => {
  it('a refused URL is one node/kubo-unreachable line naming it', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const e = await createKuboStore({ url: `http://127.0.0.1:${port}` }).then(() => null, (x) => x);
    expect(e).toBeInstanceOf(NodeError);
    expect(e.code).toBe('node/kubo-unreachable');
    expect(e.message).toBe(`Kubo at http://127.0.0.1:${port}/ refused the connection (ECONNREFUSED)`);
    expect(e.message).not.toContain('\n');
    expect(e.hint).toContain('--ipfs-url');
  });

  it('a URL that is not one is refused before any request', async () => {
    await expect(createKuboStore({ url: 'localhost 5001' })).rejects.toMatchObject({ code: 'node/kubo-unreachable' });
  });
});
