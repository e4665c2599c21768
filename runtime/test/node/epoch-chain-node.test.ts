// The on-chain epoch source wired into a real `ww run --stem`: an Atom
// contract on an in-process EDR dev chain (127.0.0.1), a node booted with
// --stem (head seq 0: it boots its own layer), an image pushed to it and
// set as the head, the blocks mined that confirm it. The node adopts the
// head as a new epoch with that image under its own layer: the old
// epoch's script sees its host go :stale-epoch, and the new image's
// init.d runs. (The source itself, reorgs and outages, is tested in
// epoch-chain.test.ts.)
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address } from 'viem';
import { startNode, cleanup, type NodeProcess, type LogLine } from './ww-node.js';
import { startDevChain, type DevChain } from './dev-chain.js';
import { deployAtom, setHead } from './atom-deploy.js';
import { BIN } from '../ww-process.js';

const HOLDER = `(def token (now-ms))
(println "holding" token)
(loop [] (when (try (perform host :id) true (catch :glia.error/stale-epoch e false)) (perform :sleep 20) (recur)))
(println "stale" token)
`;

let dir: string;
let chain: DevChain;
let atom: Address;
let node: NodeProcess;

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

const said = (what: string) => (l: LogLine) => l.script === 'etc/init.d/10-hold.glia' && l.msg.startsWith(`10-hold.glia: ${what} `);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ww-epoch-chain-node-'));
  chain = await startDevChain();
  atom = await deployAtom(chain, chain.accounts[0]!);
  mkdirSync(join(dir, 'a', 'etc', 'init.d'), { recursive: true });
  writeFileSync(join(dir, 'a', 'etc', 'init.d', '10-hold.glia'), HOLDER);
  mkdirSync(join(dir, 'b', 'etc', 'init.d'), { recursive: true });
  writeFileSync(join(dir, 'b', 'etc', 'init.d', '20-b.glia'), '(println "image B from chain")\n');
  node = startNode({ args: [join(dir, 'a'), '--stem', atom, '--rpc-url', chain.httpUrl, '--ws-url', chain.wsUrl, '--confirmation-depth', '2', '--http-listen', 'off'] });
  await node.waitFor(said('holding'), 90_000, 'the holder');
}, 150_000);

afterAll(async () => {
  await cleanup(node);
  await chain?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ww run --stem', () => {
  it('adopts a confirmed head as a new epoch: the old capabilities go stale, the head\'s image boots under the user\'s layer', async () => {
    const first = node.lines.find(said('holding'))!;
    expect(node.lines.some((l) => /^image: \S+a \(/.test(l.msg))).toBe(true);
    const cid = await push(join(dir, 'b'), node);
    await setHead(chain, atom, chain.accounts[0]!, `/ipfs/${cid}`);
    await chain.mine(1);
    const adopted = await node.waitFor((l) => l.msg.startsWith('epoch 1 adopted from chain'), 60_000, 'the adoption');
    expect(adopted).toMatchObject({ epoch_seq: '1', epoch_source: 'chain', epoch_image: `/ipfs/${cid}` });
    expect(adopted.epoch_reason).toMatch(/^HeadUpdated seq 1 by 0x/);
    const stale = await node.waitFor(said('stale'), 30_000, 'the old holder going stale');
    expect(stale.msg).toBe(`10-hold.glia: stale ${first.msg.split(' ')[2]}`);
    await node.waitFor((l) => l.msg === '20-b.glia: image B from chain', 60_000, 'the head\'s init.d');
    await node.waitFor((l) => said('holding')(l) && l !== first, 60_000, 'the holder again, under the new epoch');
  }, 150_000);
});
