// The on-chain epoch source (runtime/node/epochs/chain.ts) against a real
// EDR dev chain on 127.0.0.1: the boot head, adoption after N confirmations
// and never before, a reorg shallower than N, superseded and malformed
// heads, an RPC endpoint that is down, and the WebSocket path with its
// fallback to polling. "Not adopted" is asserted once the source reports
// (onTick) that it has looked at the tip where it would have been.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { createHook } from 'node:async_hooks';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Address } from 'viem';
import { startDevChain, type DevChain } from './dev-chain.js';
import { deployAtom, setHead } from './atom-deploy.js';
import { createChainSource, type ChainSourceOptions } from '../../node/epochs/chain.js';
import { DEFAULT_CONFIRMATION_DEPTH } from '../../node/epochs/chain-options.js';
import { NodeError } from '../../node/errors.js';
import type { EpochEvent, EpochSource } from '../../node/epochs/source.js';
import type { Logger } from '../../node/log.js';

const N = DEFAULT_CONFIRMATION_DEPTH;
const CID_A = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi';
const CID_B = 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4';
const CID_C = 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG';
const CID_D = 'bafkqaaa';
const WAIT_MS = 20_000;

let chain: DevChain;
const sources: EpochSource[] = [];

beforeAll(async () => { chain = await startDevChain(); }, 60_000);
afterEach(async () => { await Promise.all(sources.splice(0).map((s) => s.stop())); });
afterAll(async () => { await chain?.close(); });

/** A logger that keeps its lines, and waits for one. */
function recorder() {
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  const push = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {}, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
    for (const w of waiters.splice(0)) w();
  };
  const log: Logger = { info: push('info'), warn: push('warn'), error: push('error') };
  async function waitFor(re: RegExp, count = 1): Promise<string[]> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const hits = lines.filter((l) => re.test(l));
      if (hits.length >= count) return hits;
      if (Date.now() > deadline) throw new Error(`no ${count} log lines matching ${re} in:\n${lines.join('\n')}`);
      await new Promise<void>((r) => { const t = setTimeout(r, 200); waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }
  return { log, lines, waitFor };
}

/** A chain source that records what it adopts and which tips it has looked at. */
function source(atom: Address, extra: Partial<ChainSourceOptions> = {}) {
  const rec = recorder();
  const adopted: EpochEvent[] = [];
  let tip = -1n;
  const tickWaiters: Array<() => void> = [];
  const src = createChainSource({
    address: atom, rpcUrl: chain.httpUrl, confirmationDepth: N, log: rec.log,
    pollMs: 100, backoff: { minMs: 100, maxMs: 1000 }, initialAttempts: 2, requestTimeoutMs: 5000,
    onTick: (t) => { tip = t; for (const w of tickWaiters.splice(0)) w(); },
    ...extra,
  });
  sources.push(src);
  /** Resolves once the source has looked at block `block` or later. */
  async function seen(block: bigint): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (tip < block) {
      if (Date.now() > deadline) throw new Error(`the source never looked at block ${block} (last ${tip}):\n${rec.lines.join('\n')}`);
      await new Promise<void>((r) => { const t = setTimeout(r, 200); tickWaiters.push(() => { clearTimeout(t); r(); }); });
    }
  }
  async function adoptedCount(n: number): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (adopted.length < n) {
      if (Date.now() > deadline) throw new Error(`adopted ${adopted.length}, not ${n}:\n${rec.lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const start = () => src.start(async (e) => { adopted.push(e); });
  return { src, rec, adopted, seen, adoptedCount, start };
}

/** setHead by the owner, mined at once (automine); the block it landed in. */
async function set(atom: Address, text: string): Promise<bigint> {
  await setHead(chain, atom, chain.accounts[0]!, text);
  return chain.blockNumber();
}

describe('chain epoch source', () => {
  it('boots from head(): null before any setHead, then /ipfs/CID', async () => {
    const atom = await deployAtom(chain, chain.accounts[0]!);
    expect(await source(atom).src.initial()).toBeNull();
    await set(atom, CID_A);
    expect(await source(atom).src.initial()).toBe(`/ipfs/${CID_A}`);
    await set(atom, `/ipfs/${CID_C}/etc`);
    expect(await source(atom).src.initial()).toBe(`/ipfs/${CID_C}/etc`);
  });

  it(`adopts a new head once it has ${N} confirmations, not before, and only once`, async () => {
    const atom = await deployAtom(chain, chain.accounts[0]!);
    await set(atom, CID_A);
    const s = source(atom);
    expect(await s.src.initial()).toBe(`/ipfs/${CID_A}`);
    s.start();

    const b = await set(atom, CID_B); // its block is its first confirmation
    await chain.mine(N - 2);
    await s.seen(b + BigInt(N - 2));
    expect(s.adopted, `adopted with ${N - 1} confirmations`).toEqual([]);

    await chain.mine(1);
    await s.adoptedCount(1);
    expect(s.adopted[0]).toMatchObject({ source: 'chain', image: `/ipfs/${CID_B}` });
    expect(s.adopted[0]!.reason).toMatch(/HeadUpdated seq 2 by 0x[0-9a-fA-F]{40} in block \d+/);

    await chain.mine(3 * N);
    await s.seen(await chain.blockNumber());
    expect(s.adopted.map((e) => e.image)).toEqual([`/ipfs/${CID_B}`]);
  });

  it(`does not adopt a head that a reorg shallower than ${N} blocks removed`, async () => {
    const atom = await deployAtom(chain, chain.accounts[0]!);
    const s = source(atom);
    expect(await s.src.initial()).toBeNull();
    s.start();

    const snap = await chain.snapshot();
    const b = await set(atom, CID_A);
    await chain.mine(N - 2); // N-1 confirmations
    await s.seen(b + BigInt(N - 2));
    await chain.revert(snap);
    await chain.mine(3 * N); // a longer chain without the setHead
    await s.seen(await chain.blockNumber());
    expect(s.adopted).toEqual([]);

    // The same source adopts the next head that stays.
    await set(atom, CID_B);
    await chain.mine(N);
    await s.adoptedCount(1);
    expect(s.adopted.map((e) => e.image)).toEqual([`/ipfs/${CID_B}`]);
    expect(s.adopted[0]!.reason).toMatch(/seq 1 /);
  });

  it('skips a head that a newer one superseded before it was confirmed, and adopts in seq order', async () => {
    const atom = await deployAtom(chain, chain.accounts[0]!);
    const s = source(atom);
    await s.src.initial();
    s.start();
    await set(atom, CID_A);
    await set(atom, CID_B);
    await chain.mine(N);
    await s.adoptedCount(1);
    await set(atom, CID_C);
    await chain.mine(N);
    await s.adoptedCount(2);
    await s.seen(await chain.blockNumber());
    expect(s.adopted.map((e) => e.image)).toEqual([`/ipfs/${CID_B}`, `/ipfs/${CID_C}`]);
    expect(s.rec.lines.some((l) => /head seq 1 .* superseded by seq 2; not adopted/.test(l))).toBe(true);
  });

  it('does not adopt a confirmed log that head() no longer backs (a reorg deeper than N between the two reads)', async () => {
    const atom = await deployAtom(chain, chain.accounts[0]!);
    const proxy = await flakyProxy(chain.httpUrl);
    try {
      const s = source(atom, { rpcUrl: proxy.url });
      await s.src.initial();
      s.start();
      await s.seen(await chain.blockNumber());
      const snap = await chain.snapshot();
      // When the source, having read the confirmed log, asks head() about it, the chain first drops the log's block.
      proxy.before = async (body) => {
        if (!/"eth_call"/.test(body) || !proxy.before) return;
        proxy.before = null;
        await chain.revert(snap);
        await chain.mine(3 * N);
      };
      await set(atom, CID_A);
      await chain.mine(N);
      await s.rec.waitFor(/^warn chain: head seq 1 .* is no longer the contract's head \(head\(\) gives seq 0\); a reorg\? not adopted/);
      expect(proxy.before).toBeNull();
      expect(s.adopted).toEqual([]);

      // The seq the reorg took back is adopted when it is set for good.
      await set(atom, CID_B);
      await chain.mine(N);
      await s.adoptedCount(1);
      expect(s.adopted.map((e) => e.image)).toEqual([`/ipfs/${CID_B}`]);
      expect(s.adopted[0]!.reason).toMatch(/seq 1 /);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a malformed head with node/chain-head: at boot as an error, later as a logged one', async () => {
    const atom = await deployAtom(chain, chain.accounts[0]!);
    await set(atom, 'not a cid');
    const boot = source(atom).src.initial();
    await expect(boot).rejects.toBeInstanceOf(NodeError);
    await expect(boot).rejects.toMatchObject({ code: 'node/chain-head', message: expect.stringMatching(/"not a cid" is not a CID/) });

    await set(atom, CID_A);
    const s = source(atom);
    await s.src.initial();
    s.start();
    await set(atom, '/ipfs/bafy-garbage');
    await chain.mine(N);
    await s.rec.waitFor(/^error .*node\/chain-head/);
    await set(atom, CID_D);
    await chain.mine(N);
    await s.adoptedCount(1);
    expect(s.adopted.map((e) => e.image)).toEqual([`/ipfs/${CID_D}`]);
  });

  it('leaves no timer or socket of its own behind once stopped', async () => {
    const atom = await deployAtom(chain, chain.accounts[0]!);
    // Every timer made while the source lives, with where it was made.
    const live = new Map<number, string>();
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 40;
    const hook = createHook({
      init(id, type) { if (type === 'Timeout') live.set(id, new Error().stack ?? ''); },
      destroy(id) { live.delete(id); },
    }).enable();
    try {
      const s = source(atom, { wsUrl: chain.wsUrl, pollMs: 600_000, wsPollMs: 600_000 });
      await s.src.initial();
      s.start();
      await s.rec.waitFor(/following new blocks over ws:/);
      await s.seen(await chain.blockNumber());
      await new Promise((r) => setImmediate(r));
      expect([...live.values()].some((st) => /epochs\/chain\.ts/.test(st)), 'the source has a poll timer while running').toBe(true);
      await s.src.stop();
      for (let i = 0; i < 100 && chain.wsClients() > 0; i++) await new Promise((r) => setImmediate(r));
      expect(chain.wsClients(), 'its WebSocket is closed').toBe(0);
    } finally {
      hook.disable();
      Error.stackTraceLimit = limit;
    }
    // What may stay: fetch's shared keep-alive pool (undici) and the dev chain's HTTP server.
    const left = [...live.values()].filter((st) => !/undici|_http_server|internal\/http:/.test(st));
    expect(left, left.join('\n\n')).toEqual([]);
  });

  it('fails the boot with node/chain-stem when no Atom is at the address', async () => {
    const s = source('0x000000000000000000000000000000000000dEaD');
    await expect(s.src.initial()).rejects.toMatchObject({ code: 'node/chain-stem', message: expect.stringMatching(/has no Atom contract/) });
  });

  it('logs an unreachable RPC endpoint with its URL, retries with backoff, and recovers when it answers', async () => {
    const atom = await deployAtom(chain, chain.accounts[0]!);
    const proxy = await flakyProxy(chain.httpUrl);
    try {
      const s = source(atom, { rpcUrl: proxy.url });
      proxy.up = false;
      await expect(s.src.initial()).rejects.toMatchObject({ code: 'node/chain-rpc', message: expect.stringContaining(proxy.url) });
      expect(s.rec.lines.filter((l) => l.startsWith('warn') && l.includes(proxy.url))).toHaveLength(1);

      // Running, it keeps retrying through an outage, and catches up on what it missed.
      const t = source(atom, { rpcUrl: proxy.url });
      proxy.up = true;
      await t.src.initial();
      t.start();
      await t.seen(await chain.blockNumber());
      proxy.up = false;
      await t.rec.waitFor(new RegExp(`^warn chain: ${proxy.url}: .*retrying in \\d+ ms`), 3);
      await set(atom, CID_A);
      await chain.mine(N);
      expect(t.adopted).toEqual([]);
      proxy.up = true;
      await t.adoptedCount(1);
      expect(t.adopted.map((e) => e.image)).toEqual([`/ipfs/${CID_A}`]);
    } finally {
      await proxy.close();
    }
  });

  it('scans a long gap in windows, halving them when the endpoint refuses a wide eth_getLogs', async () => {
    const atom = await deployAtom(chain, chain.accounts[0]!);
    const proxy = await flakyProxy(chain.httpUrl);
    const ranges: Array<[number, number]> = [];
    try {
      const s = source(atom, { rpcUrl: proxy.url, windowBlocks: 2000 });
      await s.src.initial();
      // Like a provider that caps eth_getLogs at 300 blocks: a wider request is an error answer.
      proxy.before = async (body) => {
        const req = JSON.parse(body) as { method: string; params: Array<{ fromBlock: string; toBlock: string }> };
        if (req.method !== 'eth_getLogs') return;
        const [from, to] = [Number(req.params[0]!.fromBlock), Number(req.params[0]!.toBlock)];
        ranges.push([from, to]);
        if (to - from + 1 > 300) throw new Error('range too wide');
      };
      await chain.mine(1500);
      await set(atom, CID_A);
      await chain.mine(1500);
      s.start();
      await s.adoptedCount(1);
      expect(s.adopted.map((e) => e.image)).toEqual([`/ipfs/${CID_A}`]);
      const widths = ranges.map(([f, t]) => t - f + 1);
      expect(widths[0], 'the first request is one full window').toBe(2000);
      expect(widths.slice(1, 4), 'then halved after each refusal').toEqual([1000, 500, 250]);
      expect(Math.max(...widths.slice(4)), 'and kept small').toBeLessThanOrEqual(250);
      expect(s.rec.lines.some((l) => /^warn chain: .*retrying in/.test(l))).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('follows new blocks over WebSocket, and falls back to polling when the socket goes', async () => {
    const atom = await deployAtom(chain, chain.accounts[0]!);
    // A poll so slow that, while the socket is up, only its pushes can move the source.
    const s = source(atom, { wsUrl: chain.wsUrl, pollMs: 600_000, wsPollMs: 600_000 });
    await s.src.initial();
    s.start();
    await s.rec.waitFor(/following new blocks over ws:/);
    await s.seen(await chain.blockNumber());

    const b = await set(atom, CID_A);
    await s.rec.waitFor(new RegExp(`head seq 1 seen in block ${b}`));
    await chain.mine(N - 1);
    await s.adoptedCount(1);
    expect(s.adopted.map((e) => e.image)).toEqual([`/ipfs/${CID_A}`]);
    expect(chain.wsClients()).toBe(1);
    await s.src.stop();
    expect(s.adopted).toHaveLength(1);
    // stop() closes its socket (the server sees it go).
    for (let i = 0; i < 100 && chain.wsClients() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(chain.wsClients()).toBe(0);

    // A second source polls fast: when the WebSocket server goes away, it says so and keeps adopting.
    const t = source(atom, { wsUrl: chain.wsUrl, pollMs: 100, wsPollMs: 600_000 });
    await t.src.initial();
    t.start();
    await t.rec.waitFor(/following new blocks over ws:/);
    await chain.closeWs();
    await t.rec.waitFor(new RegExp(`^warn chain: ${chain.wsUrl}: .*polling ${chain.httpUrl}`));
    await set(atom, CID_B);
    await chain.mine(N);
    await t.adoptedCount(1);
    expect(t.adopted.map((e) => e.image)).toEqual([`/ipfs/${CID_B}`]);
    await t.rec.waitFor(new RegExp(`^warn chain: ${chain.wsUrl}: `), 2); // reconnecting, with backoff
  });
});

/**
 * An HTTP proxy to `target` that drops every connection while `up` is
 * false, and lets a test act (`before`) before a request is passed on, or
 * refuse it with a JSON-RPC error by throwing.
 */
async function flakyProxy(target: string): Promise<{ url: string; up: boolean; before: ((body: string) => Promise<void>) | null; close(): Promise<void> }> {
  const state = { up: true, before: null as ((body: string) => Promise<void>) | null };
  const server: Server = createServer((req, res) => {
    if (!state.up) { req.socket.destroy(); return; }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => {
      void (async () => {
        const reply = (status: number, text: string) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(text); };
        try {
          await state.before?.(body);
        } catch (e) {
          // `before` refused the request: a JSON-RPC error answer, as a provider gives.
          reply(200, JSON.stringify({ jsonrpc: '2.0', id: (JSON.parse(body) as { id?: unknown }).id ?? null, error: { code: -32005, message: (e as Error).message } }));
          return;
        }
        try {
          const r = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          reply(r.status, await r.text());
        } catch { req.socket.destroy(); }
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get up() { return state.up; },
    set up(v: boolean) { state.up = v; },
    get before() { return state.before; },
    set before(f) { state.before = f; },
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}
