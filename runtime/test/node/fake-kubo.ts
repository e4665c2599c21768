// A stand-in for Kubo's HTTP RPC, for the Kubo-mode tests: no Kubo daemon
// can be installed or run on the test machines, so this serves the subset
// of /api/v0 that kubo-rpc-client calls for the node's IpfsStore (id, add,
// cat, ls, files/stat, pin/ls, routing/provide, name/publish,
// name/resolve, dag/import for ww push, and block/put, block/get and
// pin/add for state versions), backed by a real Helia (in memory, offline) with
// @helia/unixfs and @helia/ipns. Errors come back as Kubo sends them:
// HTTP 500 with {"Message", "Code", "Type": "error"}.
import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHeliaLight, type Helia } from 'helia';
import { unixfs, type UnixFS } from '@helia/unixfs';
import { ipns as createIpns, type IPNS } from '@helia/ipns';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { CID } from 'multiformats/cid';
import { base36 } from 'multiformats/bases/base36';
import { CarReader } from '@ipld/car';
import * as dagCbor from '@ipld/dag-cbor';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';

export interface FakeKubo { url: string; calls: string[]; close(): Promise<void> }

export async function startFakeKubo(): Promise<FakeKubo> {
  const helia = createHeliaLight({ codecs: [dagCbor] } as never) as unknown as Helia;
  await helia.start();
  const fs = unixfs(helia);
  const names = createIpns({ ...(helia as any).components, routing: helia.routing, keychain: helia.keychain, events: helia.events } as any);
  const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
  const calls: string[] = [];

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://kubo');
    const cmd = url.pathname.replace(/^\/api\/v0\//, '');
    calls.push(cmd);
    handle(cmd, url.searchParams, req, res).catch(async (e) => {
      // Kubo does not fail on a block it lacks: it keeps searching the
      // network until the client gives up. So does this stand-in.
      if (/not found|offline so cannot fetch/i.test((e as Error).message) && !/no link/i.test((e as Error).message) && ['cat', 'ls', 'files/stat'].includes(cmd)) {
        await new Promise((r) => res.on('close', r));
        return;
      }
      if (res.headersSent) { res.destroy(); return; }
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Message: (e as Error).message, Code: 0, Type: 'error' }));
    });
  });

  /** /ipfs/CID/sub, /ipns/NAME/sub or CID, to the CID and sub path (IPNS resolved locally). */
  async function target(arg: string): Promise<{ cid: CID; sub: string }> {
    let parts = arg.split('/').filter(Boolean);
    if (parts[0] === 'ipns') {
      let value = '';
      for await (const r of names.resolve(CID.parse(parts[1]!, base36), { offline: true })) value = r.value;
      parts = [...value.split('/').filter(Boolean), ...parts.slice(2)];
    }
    if (parts[0] === 'ipfs') parts.shift();
    return { cid: CID.parse(parts[0]!), sub: parts.slice(1).join('/') };
  }

  const json = (res: ServerResponse, v: unknown) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(v)); };
  const ndjson = (res: ServerResponse, vs: unknown[]) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(vs.map((v) => JSON.stringify(v) + '\n').join('')); };

  async function handle(cmd: string, q: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arg = q.get('arg') ?? '';
    const offline = { offline: true };
    switch (cmd) {
      case 'id': return json(res, { ID: peerId, Addresses: [], AgentVersion: 'fake-kubo', Protocols: [] });
      case 'add': {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': req.headers['content-type']! } }).formData();
        const candidates: Array<{ path: string; content?: Uint8Array }> = [];
        for (const [, v] of form.entries()) {
          const file = v as File;
          const path = decodeURIComponent(file.name);
          candidates.push(file.type === 'application/x-directory' ? { path } : { path, content: new Uint8Array(await file.arrayBuffer()) });
        }
        const opts = { cidVersion: Number(q.get('cid-version') ?? 0) as 0 | 1, rawLeaves: q.get('raw-leaves') === 'true', wrapWithDirectory: q.get('wrap-with-directory') === 'true' };
        const out: unknown[] = [];
        let last: CID | undefined;
        for await (const r of fs.addAll(candidates, opts)) {
          out.push({ Name: r.path || r.cid.toString(), Hash: r.cid.toString(), Size: String(r.size) });
          last = r.cid;
        }
        if (last && q.get('pin') !== 'false') for await (const _ of helia.pins.add(last)) { /* walk */ }
        return ndjson(res, out);
      }
      case 'dag/import': {
        // One CAR per form part; every block stored, then the roots pinned (pin-roots defaults to true, as in Kubo).
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': req.headers['content-type']! } }).formData();
        const out: unknown[] = [];
        for (const [, v] of form.entries()) {
          const car = await CarReader.fromBytes(new Uint8Array(await (v as File).arrayBuffer()));
          for await (const b of car.blocks()) await helia.blockstore.put(b.cid, b.bytes);
          for (const root of await car.getRoots()) {
            let pinError = '';
            if (q.get('pin-roots') !== 'false' && !(await helia.pins.isPinned(root))) {
              try { for await (const _ of helia.pins.add(root, offline as object)) { /* walk */ } } catch (e) { pinError = (e as Error).message; }
            }
            out.push({ Root: { Cid: { '/': root.toString() }, PinErrorMsg: pinError } });
          }
        }
        return ndjson(res, out);
      }
      case 'cat': {
        const t = await target(arg);
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        for await (const c of fs.cat(t.cid, { ...(t.sub ? { path: t.sub } : {}), ...offline })) res.write(c);
        res.end();
        return;
      }
      case 'files/stat': {
        const t = await target(arg);
        const s = await fs.stat(t.cid, { ...(t.sub ? { path: t.sub } : {}), ...offline });
        const dir = s.type === 'directory';
        return json(res, { Hash: s.cid.toString(), Size: dir ? 0 : Number(s.size), CumulativeSize: Number(s.size), Type: dir ? 'directory' : 'file', Blocks: 1 });
      }
      case 'ls': {
        const t = await target(arg);
        const links: unknown[] = [];
        for await (const e of fs.ls(t.cid, { ...(t.sub ? { path: t.sub } : {}), ...offline })) {
          const s = await fs.stat(e.cid, offline);
          links.push({ Name: e.name, Hash: e.cid.toString(), Size: s.type === 'directory' ? 0 : Number(s.size), Type: s.type === 'directory' ? 1 : 2, Target: '' });
        }
        return ndjson(res, [{ Objects: [{ Hash: arg, Links: links }] }]);
      }
      case 'block/put': {
        // One block per form part, hashed with sha2-256 under --cid-codec (raw by default), as Kubo does.
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': req.headers['content-type']! } }).formData();
        const out: unknown[] = [];
        for (const [, v] of form.entries()) {
          const bytes = new Uint8Array(await (v as File).arrayBuffer());
          const codec = q.get('cid-codec') ?? 'raw';
          if (codec !== 'raw' && codec !== 'dag-cbor') throw new Error(`unknown cid-codec ${codec}`);
          const cid = CID.createV1(codec === 'raw' ? raw.code : dagCbor.code, await sha256.digest(bytes));
          await helia.blockstore.put(cid, bytes);
          if (q.get('pin') === 'true') for await (const _ of helia.pins.add(cid, offline as object)) { /* walk */ }
          out.push({ Key: cid.toString(), Size: bytes.length });
        }
        return ndjson(res, out);
      }
      case 'block/get': {
        const cid = CID.parse(arg);
        if (!(await helia.blockstore.has(cid))) {
          // Offline, Kubo says so at once; online it searches until the client gives up.
          if (q.get('offline') === 'true') throw new Error(`block was not found locally (offline): ipld: could not find ${cid}`);
          await new Promise((r) => res.on('close', r));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        for await (const c of helia.blockstore.get(cid, offline as never)) res.write(c);
        res.end();
        return;
      }
      case 'pin/add': {
        const cid = CID.parse(arg.replace(/^\/ipfs\//, ''));
        if (!(await helia.pins.isPinned(cid))) {
          for await (const _ of helia.pins.add(cid, { ...offline, ...(q.get('recursive') === 'false' ? { depth: 0 } : {}) } as object)) { /* walk */ }
        }
        return json(res, { Pins: [cid.toString()] });
      }
      case 'pin/ls': {
        const cid = CID.parse(arg.replace(/^\/ipfs\//, ''));
        if (!(await helia.pins.isPinned(cid))) throw new Error(`path '${arg}' is not pinned`);
        return ndjson(res, [{ Cid: cid.toString(), Type: 'recursive' }]);
      }
      case 'routing/provide': {
        await target(arg); // a malformed CID fails as Kubo's does
        return ndjson(res, []);
      }
      case 'name/publish': {
        const key = q.get('key') ?? 'self';
        if (key !== 'self') throw new Error('no key by the given name was found');
        const r = await names.publish('self', arg, offline);
        return json(res, { Name: r.publicKey.toCID().toString(base36), Value: arg });
      }
      case 'name/resolve': {
        const name = arg.replace(/^\/ipns\//, '');
        let value = '';
        try { for await (const r of names.resolve(CID.parse(name, base36), offline)) value = r.value; } catch {
          throw new Error(`could not resolve name: ${name}`);
        }
        return ndjson(res, [{ Path: value }]);
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('404 page not found');
    }
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)); await helia.stop(); },
  };
}
