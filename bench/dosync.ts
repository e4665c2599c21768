// dosync benchmark (`npm run bench -- dosync [--quick]`): transactions per
// second through ww/state's dosync on a node's own StateRef (a real node in
// this process: embedded IPFS for the version blocks, the datastore for
// the head), from Glia sessions grafted onto the node over Cap'n Proto, as
// a shell or MCP session is. The peer (the floor) is `swap!` on a local
// atom doing the same increment, in the same run.
//
//   clients=1   one session, no contention
//   clients=8   eight sessions incrementing the same counter at once:
//               each conflict runs a body again (retries=), and the
//               backoff spreads the clients out
//
// Each line: `bench dosync clients=N tx=... tx_per_s=... retries=...
// swap_per_s=... ratio=...`, ratio = swap!/s over dosync/s. Every run
// checks the counter: a lost update fails the bench.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Session, prStr } from '../glia/index.js';
import { Connection } from '../runtime/rpc/conn.js';
import { pipePair } from '../runtime/rpc/transport.js';
import { readGraft } from '../runtime/membrane/membrane.js';
import { GliaBridge, bindGraft } from '../runtime/membrane/glia-cap.js';
import { Membrane$Client } from '../schema/generated/membrane.js';
import { WetwareNode } from '../runtime/node/node.js';
import { silentLogger } from '../runtime/node/log.js';
import '../runtime/membrane/host-cap.js';

export interface Client { eval(src: string): Promise<string>; close(): void }

export interface BenchNode { node: WetwareNode; graft(): Promise<Client>; stop(): Promise<void> }

/** A node with an empty image on 127.0.0.1, its repo in a temporary folder. */
export async function benchNode(): Promise<BenchNode> {
  const home = mkdtempSync(join(tmpdir(), 'ww-bench-dosync-'));
  const image = mkdtempSync(join(tmpdir(), 'ww-bench-dosync-image-'));
  const node = await WetwareNode.start({
    layers: [image], listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], identityPath: join(home, 'identity'),
    httpListen: null, httpTimeoutMs: 10_000, adminListen: null, ipfsUrl: null, ipfsRepo: join(home, 'ipfs'),
    mdns: false, httpDial: [], hostStatePath: null, log: silentLogger, cacheDir: join(home, 'cache'),
  });
  const clients: Client[] = [];
  return {
    node,
    graft: async () => {
      const [a, b] = pipePair();
      const server = new Connection(a, { bootstrap: node.membrane.server() });
      const conn = new Connection(b);
      const m = new Membrane$Client(await conn.bootstrapClient() as any);
      const grafted = readGraft(await m.graft().promise());
      const bridge = new GliaBridge();
      const session = new Session({ capabilities: bindGraft(bridge, grafted) });
      bridge.session = session;
      const c: Client = { eval: async (src) => prStr(await session.evalString(src)), close: () => { conn.close(); server.close(); } };
      clients.push(c);
      return c;
    },
    stop: async () => {
      for (const c of clients) c.close();
      await node.stop();
      rmSync(home, { recursive: true, force: true });
      rmSync(image, { recursive: true, force: true });
    },
  };
}

export interface Result { clients: number; tx: number; txPerS: number; retries: number; swapPerS: number; ratio: number; final: number }

/** `clients` sessions each commit `each` increments of the ref `name`; then `swap!` does the same count on an atom. */
export async function measure(n: BenchNode, clients: number, each: number, name: string): Promise<Result> {
  const cs = await Promise.all(Array.from({ length: clients }, async () => {
    const c = await n.graft();
    await c.eval('(import "ww/state" :as st)');
    await c.eval(`(def counter (perform host :state-ref "${name}"))`);
    return c;
  }));
  const t0 = performance.now();
  await Promise.all(cs.map((c) => c.eval(`(dotimes [_ ${each}] (st/dosync counter (st/alter! [:n] (fnil inc 0))))`)));
  const seconds = (performance.now() - t0) / 1000;
  const tx = clients * each;
  const final = Number(/^\{:n (\d+)\}$/.exec(await cs[0]!.eval('(st/deref-state counter)'))?.[1] ?? NaN);
  if (final !== tx) throw new Error(`bench dosync: the counter is ${final} after ${tx} transactions (lost updates)`);
  const retries = (await Promise.all(cs.map((c) => c.eval('(:retries (st/stats))')))).reduce((s, r) => s + Number(r), 0);
  // The floor: the same increments as swap! on an atom, in a session of the same node.
  const swaps = Math.max(tx, 100_000);
  const s0 = performance.now();
  const swapped = await cs[0]!.eval(`(let [a (atom {:n 0})] (dotimes [_ ${swaps}] (swap! a update :n (fnil inc 0))) (:n @a))`);
  const swapSeconds = (performance.now() - s0) / 1000;
  if (Number(swapped) !== swaps) throw new Error(`bench dosync: swap! counted ${swapped} of ${swaps}`);
  const txPerS = tx / seconds, swapPerS = swaps / swapSeconds;
  return { clients, tx, txPerS, retries, swapPerS, ratio: swapPerS / txPerS, final };
}

export function line(r: Result): string {
  return `bench dosync clients=${r.clients} tx=${r.tx} tx_per_s=${r.txPerS.toFixed(1)} retries=${r.retries} swap_per_s=${Math.round(r.swapPerS)} ratio=${r.ratio.toFixed(2)}`;
}

export async function main(args: string[]): Promise<number> {
  const quick = args.includes('--quick');
  const n = await benchNode();
  try {
    for (const [clients, each] of quick ? [[1, 20], [8, 5]] : [[1, 200], [8, 50]]) {
      console.log(line(await measure(n, clients!, each!, `bench-${clients}`)));
    }
  } finally {
    await n.stop();
  }
  return 0;
}
