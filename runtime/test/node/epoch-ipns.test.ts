// Epochs from IPNS (`ww run --epoch-ipns self --epoch-poll-ms 500`), on a
// real node with the embedded Helia IPNS: the user's image (layer A) holds
// a script that publishes, under the node's own name, whatever path the
// test's HTTP server on 127.0.0.1 names (through the http-client
// capability). The test pushes image B with `ww push` and names it: the
// node adopts it as a new epoch, B's init.d runs, and A's files win over
// B's. A path whose image cannot be fetched is logged (node/epoch) and the
// old epoch stays. Booted again, the node resolves the name at boot and
// starts from B under A.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, cleanup, type NodeProcess, type LogLine } from './ww-node.js';
import { BIN } from '../ww-process.js';

let dir: string;
let imageA: string;
let imageB: string;
let server: Server;
let named = '';
let node: NodeProcess;
let cidB: string;

const publisher = (port: number) => `;; Publishes under this node's name the path the test's server names.
(def url "http://127.0.0.1:${port}/next")
(loop [last ""]
  (let [path (bytes->string (:body (perform http-client :get url [])))]
    (when (and (not= path "") (not= path last))
      (perform routing :publish "self" path)
      (println "published" path))
    (perform :sleep 100)
    (recur path)))
`;

function push(image: string, n: NodeProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', HOME: n.home, WW_HOST_STATE_PATH: n.hostState };
    delete env.NODE_OPTIONS;
    delete env.IPFS_API;
    const child = spawn(process.execPath, ['--stack-size=3800', BIN, 'push', image], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { err += c; });
    const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => { clearTimeout(t); if (code === 0) resolve(out.trim()); else reject(new Error(`ww push exited ${code}: ${err}`)); });
  });
}

const adoption = (seq: number) => (l: LogLine) => l.msg.startsWith(`epoch ${seq} adopted from ipns`);
const nodeArgs = () => [imageA, '--epoch-ipns', 'self', '--epoch-poll-ms', '500', '--http-dial', '127.0.0.1', '--layer-timeout-ms', '3000', '--http-listen', 'off'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ww-epoch-ipns-'));
  server = createServer((_req, res) => res.end(named));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  imageA = join(dir, 'a');
  mkdirSync(join(imageA, 'etc', 'init.d'), { recursive: true });
  writeFileSync(join(imageA, 'etc', 'init.d', '10-publish.glia'), publisher(port));
  imageB = join(dir, 'b');
  mkdirSync(join(imageB, 'etc', 'init.d'), { recursive: true });
  writeFileSync(join(imageB, 'etc', 'init.d', '20-b.glia'), '(println "image B runs" (load-string "/etc/b.txt"))\n');
  writeFileSync(join(imageB, 'etc', 'b.txt'), 'from B');
  // Shadowed by A's script of the same name: the user's layers win.
  writeFileSync(join(imageB, 'etc', 'init.d', '10-publish.glia'), '(println "B\'s publisher ran")\n');
  node = startNode({ args: nodeArgs() });
  await node.waitFor((l) => typeof l.control === 'string', 60_000, 'its control socket');
}, 120_000);

afterAll(async () => {
  await cleanup(node);
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('--epoch-ipns', () => {
  it('boots without the name when it does not resolve yet, saying so', async () => {
    const warn = await node.waitFor((l) => /epoch source ipns \/ipns\/12D3KooW\S+ does not resolve yet/.test(l.msg), 30_000, 'the unresolved name');
    expect(warn.level).toBe('warn');
    await node.waitFor((l) => /^epoch source: ipns /.test(l.msg), 30_000, 'the source starting');
  });

  it('adopts a newly published image as the next epoch: B\'s init.d runs, A\'s files win', async () => {
    cidB = await push(imageB, node);
    named = `/ipfs/${cidB}`;
    const published = await node.waitFor((l) => l.msg === `10-publish.glia: published ${named}`, 60_000, 'B published');
    const adopted = await node.waitFor(adoption(1), 60_000, 'the adoption of B');
    expect(adopted).toMatchObject({ epoch_seq: '1', epoch_source: 'ipns', epoch_image: named });
    expect(adopted.epoch_head).toMatch(/^bafkrei/);
    expect(adopted.epoch_reason).toMatch(/^\/ipns\/12D3KooW\S+ now points at \/ipfs\/bafy/);
    // For the report, not an assertion: how long from the publish to the adoption (polls of 500 ms).
    console.log(`ipns adoption: ${Date.parse(adopted.time) - Date.parse(published.time)} ms after the publish`);
    await node.waitFor((l) => l.msg === '20-b.glia: image B runs from B', 60_000, 'B\'s script');
    await node.waitFor((l) => l.msg.startsWith('image: /ipfs/') && l.msg.includes(` + ${imageA}`), 10_000, 'the merged image');
    // A's publisher ran again under the new epoch (it republishes the same path: no new epoch).
    expect(node.lines.some((l) => /B's publisher ran/.test(l.msg))).toBe(false);
  }, 150_000);

  it('keeps the old epoch when the named image cannot be fetched (node/epoch)', async () => {
    // A CID nobody has: its fetch runs out of --layer-timeout-ms.
    named = '/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
    const bogus = await node.waitFor((l) => l.msg === `10-publish.glia: published ${named}`, 60_000, 'the bogus path published');
    const err = await node.waitFor((l) => l.code === 'node/epoch', 60_000, 'the failed adoption');
    expect(err.level).toBe('error');
    expect(err.msg).toMatch(/^epoch from ipns not adopted: its image \/ipfs\/bafkrei\S+ did not load: error\[node\/not-found\]: .*; epoch 1 stays$/);
    expect(node.lines.some(adoption(2))).toBe(false);
    expect(node.child.exitCode).toBe(null);
    // Named again, B is what the node runs already: no new epoch.
    named = `/ipfs/${cidB}`;
    await node.waitFor((l) => l.msg === `10-publish.glia: published ${named}` && node.lines.indexOf(l) > node.lines.indexOf(bogus), 60_000, 'B published again');
  }, 120_000);

  it('booted again, resolves the name at boot and starts from its image under the user\'s', async () => {
    await node.stop();
    const home = node.home;
    node = startNode({ home, args: nodeArgs() });
    const resolved = await node.waitFor((l) => /^epoch source ipns \S+: resolves to/.test(l.msg), 60_000, 'the name resolved at boot');
    expect(resolved.epoch_image).toBe(`/ipfs/${cidB}`);
    const image = await node.waitFor((l) => l.msg.startsWith('image: '), 60_000, 'its image');
    expect(image.msg).toMatch(new RegExp(`^image: /ipfs/${cidB} \\+ ${imageA.replace(/[/.]/g, '\\$&')} \\(`));
    await node.waitFor((l) => l.msg === '20-b.glia: image B runs from B', 60_000, 'B\'s script at boot');
    expect(node.lines.some((l) => /^epoch \d+ adopted/.test(l.msg))).toBe(false);
  }, 150_000);
});
