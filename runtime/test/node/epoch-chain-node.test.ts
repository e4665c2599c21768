// The on-chain epoch source wired into a real `ww run --stem`, end to end:
// an Atom contract on an in-process EDR dev chain (HTTP and WebSocket on
// 127.0.0.1), a node with --stem --rpc-url --ws-url --confirmation-depth 3
// and no layers of its own, so that every image it runs comes from the
// chain's head.
//
// How the images reach IPFS: image A (the boot head) is `ww push`ed with no
// node running into the repo the node then opens (--ipfs-repo in its home),
// as a user would before the first boot; the later images (B, C, D) are
// `ww push`ed into the running node through its control socket. No second
// node and no bitswap: the node holds every block it needs, so what is
// tested is the chain and the adoption, not fetching.
//
//   1. Boot: head() is /ipfs/A; the node boots A and A's init.d script runs
//      and holds a capability, calling it in a loop.
//   2. setHead(/ipfs/B) and blocks up to N - 1 confirmations (the setHead
//      block is one): nothing is adopted; one more block: the node adopts
//      B as epoch 1, A's holder sees :glia.error/stale-epoch, B's init.d
//      runs, A's does not run again.
//   3. A reorg shallower than N: evm_snapshot, setHead(/ipfs/C) (the node
//      sees its log over the WebSocket), one more block (N - 1
//      confirmations) left a few seconds, evm_revert, then more blocks
//      than N. C is never adopted. How the test knows the node has looked past where C would
//      have been adopted: it then sets /ipfs/D and confirms it; the source
//      scans blocks in order, once each, so the next adoption (epoch 2)
//      comes after every block C's could have been confirmed in, and it
//      must be D, and no line may name C as adopted.
// The source's own behaviour (outages, windows, deep reorgs) is tested in
// epoch-chain.test.ts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAddress, type Address } from 'viem';
import { startNode, cleanup, type NodeProcess, type LogLine } from './ww-node.js';
import { startDevChain, type DevChain } from './dev-chain.js';
import { deployAtom, setHead } from './atom-deploy.js';
import { BIN } from '../ww-process.js';

const DEPTH = 3;
/**
 * How long the test leaves the node with a head N - 1 blocks deep before it
 * moves on. Over the WebSocket the node looks at each new block within
 * milliseconds; this only gives a wrong node time to be wrong (a correct
 * one passes whatever it is).
 */
const SETTLE_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const HOLDER = `(def token (now-ms))
(println "holding" token)
(loop [] (when (try (perform host :id) true (catch :glia.error/stale-epoch e false)) (perform :sleep 20) (recur)))
(println "stale" token)
`;

let dir: string;
let chain: DevChain;
let atom: Address;
let home: string;
let cidA: string;
let cidB: string;
let node: NodeProcess;

/** `ww push FOLDER` with `env` (a home, its host-state file): the CID it prints. */
function push(folder: string, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
    delete e.NODE_OPTIONS;
    delete e.IPFS_API;
    const child = spawn(process.execPath, ['--stack-size=3800', BIN, 'push', folder, ...extra], { env: e, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { err += c; });
    const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(t); if (code === 0) resolve(out.trim()); else reject(new Error(`ww push exited ${code}: ${err}`)); });
  });
}
const pushToNode = (folder: string) => push(folder, { HOME: node.home, WW_HOST_STATE_PATH: node.hostState });

/** An image folder with one init.d script. */
function image(name: string, script: string, text: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'etc', 'init.d'), { recursive: true });
  writeFileSync(join(root, 'etc', 'init.d', script), text);
  return root;
}

const held = (what: string) => (l: LogLine) => l.script === 'etc/init.d/10-hold.glia' && l.msg.startsWith(`10-hold.glia: ${what} `);
const adoptedLines = () => node.lines.filter((l) => / adopted from chain/.test(l.msg));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ww-epoch-chain-node-'));
  home = mkdtempSync(join(tmpdir(), 'ww-node-'));
  chain = await startDevChain();
  atom = getAddress(await deployAtom(chain, chain.accounts[0]!)); // as the node logs it
  const a = image('a', '10-hold.glia', HOLDER);
  // No node runs in this home yet: the push writes the repo the node will open.
  cidA = await push(a, { HOME: home, WW_HOST_STATE_PATH: join(home, 'host.json') }, ['--ipfs-repo', join(home, 'ipfs')]);
  await setHead(chain, atom, chain.accounts[0]!, `/ipfs/${cidA}`); // automine: seq 1 in its own block
  node = startNode({ home, args: ['--stem', atom, '--rpc-url', chain.httpUrl, '--ws-url', chain.wsUrl, '--confirmation-depth', String(DEPTH), '--http-listen', 'off'] });
  await node.waitFor(held('holding'), 90_000, 'image A\'s holder');
}, 150_000);

afterAll(async () => {
  await cleanup(node);
  await chain?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ww run --stem on a dev chain', () => {
  it('boots the image head() names, and runs its init.d', () => {
    expect(node.lines.some((l) => l.msg.startsWith(`chain: ${atom} head seq 1 at block `))).toBe(true);
    expect(node.lines.some((l) => l.msg.startsWith(`image: /ipfs/${cidA} (`))).toBe(true);
    expect(node.lines.some((l) => l.msg.startsWith(`epoch source: chain ${atom} on ${chain.httpUrl}`))).toBe(true);
    expect(adoptedLines()).toEqual([]);
  });

  it('adopts a head N blocks deep as a new epoch: the old epoch\'s capability goes stale, the head\'s init.d runs', async () => {
    const first = node.lines.find(held('holding'))!;
    cidB = await pushToNode(image('b', '20-b.glia', '(println "image B from chain")\n'));
    await setHead(chain, atom, chain.accounts[0]!, `/ipfs/${cidB}`);
    await chain.mine(DEPTH - 2); // N - 1 confirmations: not yet
    await sleep(SETTLE_MS);
    expect(adoptedLines()).toEqual([]);
    await chain.mine(1); // N
    const adopted = await node.waitFor((l) => l.msg.startsWith('epoch 1 adopted from chain'), 60_000, 'the adoption of B');
    expect(adopted).toMatchObject({ epoch_seq: '1', epoch_source: 'chain', epoch_image: `/ipfs/${cidB}` });
    expect(adopted.epoch_reason).toMatch(/^HeadUpdated seq 2 by 0x/);
    const stale = await node.waitFor(held('stale'), 30_000, 'A\'s holder seeing stale-epoch');
    expect(stale.msg).toBe(`10-hold.glia: stale ${first.msg.split(' ')[2]}`);
    await node.waitFor((l) => l.msg === '20-b.glia: image B from chain', 60_000, 'B\'s init.d');
    await node.waitFor((l) => l.msg.startsWith('epoch 1: init.d started again'), 60_000, 'init.d under epoch 1');
    // B alone is the image now (no user layers): A's holder is not started again.
    expect(node.lines.filter(held('holding'))).toHaveLength(1);
  }, 120_000);

  it('does not adopt a head that a reorg shallower than N removed', async () => {
    const cidC = await pushToNode(image('c', '30-c.glia', '(println "image C from chain")\n'));
    const cidD = await pushToNode(image('d', '40-d.glia', '(println "image D from chain")\n'));
    const snap = await chain.snapshot();
    await setHead(chain, atom, chain.accounts[0]!, `/ipfs/${cidC}`);
    // The node has seen C's log: not adopting it below is its choice, not ignorance.
    await node.waitFor((l) => l.msg.startsWith('chain: head seq 3 seen in block '), 30_000, 'C\'s log over the WebSocket');
    await chain.mine(DEPTH - 2); // N - 1 confirmations
    await sleep(SETTLE_MS);
    await chain.revert(snap);
    await chain.mine(DEPTH + 2); // past where C's block would have been N deep
    // After the revert head() is seq 2 again, so D is seq 3 too, in a later block than any C was in.
    await setHead(chain, atom, chain.accounts[0]!, `/ipfs/${cidD}`);
    await chain.mine(DEPTH - 1);
    const next = await node.waitFor((l) => l.msg.startsWith('epoch 2 adopted from chain'), 60_000, 'the adoption of D');
    expect(next.epoch_image).toBe(`/ipfs/${cidD}`);
    expect(adoptedLines().map((l) => l.epoch_image)).toEqual([`/ipfs/${cidB}`, `/ipfs/${cidD}`]);
    expect(node.lines.filter((l) => l.msg.includes(cidC) && /adopt/.test(l.msg) && !/ seen in block /.test(l.msg))).toEqual([]);
    expect(node.lines.some((l) => l.msg === '30-c.glia: image C from chain')).toBe(false);
    await node.waitFor((l) => l.msg === '40-d.glia: image D from chain', 60_000, 'D\'s init.d');
  }, 120_000);
});
