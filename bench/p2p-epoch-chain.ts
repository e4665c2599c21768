// On-chain epoch adoption latency (`npm run bench -- p2p-epoch-chain
// [--runs N]`): on an in-process EDR dev chain (runtime/test/node/dev-chain.ts,
// 127.0.0.1, port 0), the owner calls the Atom's setHead, then the blocks
// that give it N confirmations are mined; the time is taken from the moment
// the Nth confirmation's block is mined (hardhat_mine returns) to the
// chain source calling adopt(). Measured with --ws-url (new blocks pushed:
// the latency of the source itself) and with HTTP polling alone (every
// 4000 ms, the default: about half the poll on average, since each run's last
// block is mined at a random point of the poll's cycle). Each figure is the
// median of its runs. This is the source's share of the issue's
// "setHead confirmation to first stale-epoch"; the node's adoption (loading
// the image, re-running init.d) comes after it.
import { performance } from 'node:perf_hooks';
import { createChainSource, type ChainSourceOptions } from '../runtime/node/epochs/chain.js';
import { DEFAULT_CONFIRMATION_DEPTH } from '../runtime/node/epochs/chain-options.js';
import { silentLogger } from '../runtime/node/log.js';
import { startDevChain, type DevChain } from '../runtime/test/node/dev-chain.js';
import { deployAtom, setHead } from '../runtime/test/node/atom-deploy.js';
import { median } from './stats.js';

const N = DEFAULT_CONFIRMATION_DEPTH;
const CIDS = ['bafkqaaa', 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi', 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG', 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4'];

/** Milliseconds from each head's Nth confirmation to adopt(), one per run. */
async function measure(chain: DevChain, runs: number, extra: Partial<ChainSourceOptions>): Promise<number[]> {
  const owner = chain.accounts[0]!;
  const atom = await deployAtom(chain, owner);
  let adopted: (() => void) | null = null;
  const source = createChainSource({ address: atom, rpcUrl: chain.httpUrl, confirmationDepth: N, log: silentLogger, ...extra });
  await source.initial();
  source.start(async () => { adopted?.(); });
  const times: number[] = [];
  try {
    // Let a WebSocket settle before the first run.
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < runs; i++) {
      await setHead(chain, atom, owner, `/ipfs/${CIDS[i % CIDS.length]}/run-${i}`);
      await chain.mine(N - 2);
      // At a random point of the poll's cycle, as a head would come in use (else every run lands just after a poll).
      await new Promise((r) => setTimeout(r, Math.random() * (extra.wsUrl ? 200 : extra.pollMs ?? 4000)));
      const done = new Promise<number>((resolve) => { adopted = () => resolve(performance.now()); });
      await chain.mine(1);
      const t0 = performance.now();
      const t1 = await Promise.race([done, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`run ${i}: no adoption within 60 s`)), 60_000).unref())]);
      times.push(t1 - t0);
      adopted = null;
    }
  } finally {
    await source.stop();
  }
  return times;
}


export async function main(args: string[]): Promise<number> {
  const i = args.indexOf('--runs');
  const runs = i >= 0 ? Number(args[i + 1]) : 9;
  if (!Number.isInteger(runs) || runs < 1) { console.error('bench p2p-epoch-chain: --runs takes a whole number from 1'); return 2; }
  const chain = await startDevChain();
  try {
    const ws = await measure(chain, runs, { wsUrl: chain.wsUrl, pollMs: 4000, wsPollMs: 30_000 });
    const http = await measure(chain, Math.min(runs, 5), { pollMs: 4000 });
    const f = (x: number) => x.toFixed(1);
    console.log(`bench p2p-epoch-chain adopt_ms_p50=${f(median(ws))} adopt_ms_max=${f(Math.max(...ws))} runs=${ws.length} depth=${N} transport=ws http_poll_4000ms_adopt_ms_p50=${f(median(http))} http_runs=${http.length}`);
    return 0;
  } finally {
    await chain.close();
  }
}
