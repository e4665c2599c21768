// The on-chain epoch source (`ww run --stem ADDRESS --rpc-url URL`): an
// Atom contract (contracts/Atom.sol) holds the image's head. The node boots
// from head() and adopts each later head once it is N blocks deep.
//
// The loop counts blocks, not logs: a HeadUpdated log is only read once the
// block holding it has N confirmations (tip - block + 1 >= N), so a reorg
// shallower than N never reaches it, and blocks are scanned once each, in
// bounded windows, from the block the boot head was read at. Before adopting,
// the log is checked against head() at that moment: a head that is no longer
// current (superseded, or gone in a deeper reorg) is logged, not adopted.
//
// Polling eth_blockNumber over HTTP drives the loop. With --ws-url, new
// blocks (eth_subscribe newHeads) and HeadUpdated logs wake it at once and
// the poll slows to a safety net; when the socket fails the source polls at
// the normal rate and reconnects with backoff. Every RPC failure is logged
// with its URL and retried with backoff; none escapes to the node.
import {
  createPublicClient, http, webSocket, BaseError, ContractFunctionRevertedError, ContractFunctionZeroDataError, RpcRequestError,
  hexToBytes, type Address, type Hex, type PublicClient,
} from 'viem';
import { NodeError } from '../errors.js';
import type { Logger } from '../log.js';
import { ATOM_READ_ABI } from './atom-abi.js';
import type { StemOptions } from './chain-options.js';
import { headToPath } from './head-path.js';
import type { EpochEvent, EpochSource } from './source.js';

export interface ChainSourceOptions extends StemOptions {
  log: Logger;
  /** How often eth_blockNumber is polled when no WebSocket is live (default 4000 ms). */
  pollMs?: number;
  /** The safety poll while the WebSocket is live (default 30000 ms). */
  wsPollMs?: number;
  /** The most blocks one eth_getLogs asks for (default 2000; halved each time the endpoint refuses it). */
  windowBlocks?: number;
  /** Backoff after a failure: doubles from minMs up to maxMs (default 500 ms to 30 s). */
  backoff?: { minMs: number; maxMs: number };
  /** How many times initial() tries before the boot fails (default 5). */
  initialAttempts?: number;
  /** Per request (default 10000 ms). */
  requestTimeoutMs?: number;
  /**
   * Called after each pass with the tip it read, once every head confirmed
   * at that tip has been adopted or refused: how tests and the bench know
   * that a block has been looked at.
   */
  onTick?: (tip: bigint) => void;
}

interface HeadLog {
  seq: bigint;
  cid: Hex;
  writer: Address;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
}

let instances = 0;

export function createChainSource(opts: ChainSourceOptions): EpochSource {
  return new ChainEpochSource(opts);
}

export class ChainEpochSource implements EpochSource {
  readonly name: string;
  private readonly depth: bigint;
  private readonly pollMs: number;
  private readonly wsPollMs: number;
  private readonly window: bigint;
  private readonly backoff: { minMs: number; maxMs: number };
  private readonly timeoutMs: number;
  private readonly abort = new AbortController();
  private readonly client: PublicClient;
  /** A socket client of its own (viem shares sockets by key, and stop() closes ours). */
  private readonly wsKey = `ww-epochs-chain-${++instances}`;

  /** The seq of the head the node runs (the boot head, then each adopted one); null before the anchor. */
  private lastSeq: bigint | null = null;
  /** The blocks one eth_getLogs covers: the window, or less once the endpoint refused a wider one. */
  private span: bigint;
  /** Every block up to this one has been scanned. */
  private scannedTo = -1n;

  private adopt: ((event: EpochEvent) => Promise<void>) | null = null;
  private loop: Promise<void> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private woken = false;
  private failures = 0;
  private ws: { close(): void } | null = null;
  private wsTimer: NodeJS.Timeout | null = null;
  private wsFailures = 0;

  constructor(private readonly opts: ChainSourceOptions) {
    this.name = `chain ${opts.address} on ${opts.rpcUrl}`;
    this.depth = BigInt(opts.confirmationDepth);
    this.pollMs = opts.pollMs ?? 4000;
    this.wsPollMs = opts.wsPollMs ?? 30_000;
    this.window = BigInt(opts.windowBlocks ?? 2000);
    this.span = this.window;
    this.backoff = opts.backoff ?? { minMs: 500, maxMs: 30_000 };
    this.timeoutMs = opts.requestTimeoutMs ?? 10_000;
    // viem retries nothing itself: the loop's backoff does, and logs each failure.
    this.client = createPublicClient({
      transport: http(opts.rpcUrl, { retryCount: 0, timeout: this.timeoutMs, fetchOptions: { signal: this.abort.signal } }),
    });
  }

  async initial(signal?: AbortSignal): Promise<string | null> {
    const attempts = this.opts.initialAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.anchor();
      } catch (e) {
        if (e instanceof NodeError && e.code !== 'node/chain-rpc') throw e;
        const msg = describe(e);
        if (attempt >= attempts || signal?.aborted || this.stopped) {
          throw new NodeError('node/chain-rpc', `could not read the Atom's head from ${this.opts.rpcUrl} after ${attempt} attempts: ${msg}`,
            'check that --rpc-url is the chain\'s JSON-RPC endpoint and that it is up');
        }
        const delay = this.delay(attempt);
        this.opts.log.warn(`chain: reading head() from ${this.opts.rpcUrl} failed: ${msg}; retrying in ${delay} ms`, { code: 'node/chain-rpc', url: this.opts.rpcUrl, attempt });
        await sleep(delay, signal);
        if (signal?.aborted) throw new NodeError('node/chain-rpc', `reading the Atom's head from ${this.opts.rpcUrl} was cancelled`);
      }
    }
  }

  start(adopt: (event: EpochEvent) => Promise<void>): void {
    if (this.loop || this.stopped) return;
    this.adopt = adopt;
    this.loop = this.run();
    if (this.opts.wsUrl) void this.connectWs();
  }

  async stop(): Promise<void> {
    if (this.stopped) { await this.loop; return; }
    this.stopped = true;
    this.abort.abort();
    if (this.wsTimer) { clearTimeout(this.wsTimer); this.wsTimer = null; }
    this.closeWs();
    this.wake?.();
    await this.loop;
  }

  /**
   * Reads head() at the current block and remembers both: blocks up to it
   * hold no head newer than the one returned. The boot image, or null when
   * the head was never set.
   */
  private async anchor(): Promise<string | null> {
    const tip = await this.rpc(() => this.client.getBlockNumber({ cacheTime: 0 }));
    const [seq, cid] = await this.readHead(tip);
    this.lastSeq = seq;
    this.scannedTo = tip;
    this.opts.log.info(`chain: ${this.opts.address} head seq ${seq} at block ${tip}`, { url: this.opts.rpcUrl, seq, block: tip });
    if (seq === 0n) return null;
    return headToPath(hexToBytes(cid), `the head (seq ${seq}) of ${this.opts.address}`);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let delay: number;
      try {
        if (this.lastSeq === null) await this.anchor().catch((e) => { if (e instanceof NodeError && e.code === 'node/chain-head') return null; throw e; });
        await this.tick();
        this.failures = 0;
        delay = this.ws ? this.wsPollMs : this.pollMs;
      } catch (e) {
        if (this.stopped) break;
        this.failures++;
        delay = this.delay(this.failures);
        this.opts.log.warn(`chain: ${this.opts.rpcUrl}: ${describe(e)}; retrying in ${delay} ms`, { code: e instanceof NodeError ? e.code : 'node/chain-rpc', url: this.opts.rpcUrl, attempt: this.failures });
      }
      await this.sleepOrWake(delay);
    }
  }

  /** Scans the newly confirmed blocks and adopts what they hold. */
  private async tick(): Promise<void> {
    const tip = await this.rpc(() => this.client.getBlockNumber({ cacheTime: 0 }));
    const confirmed = tip - this.depth + 1n;
    while (this.scannedTo < confirmed && !this.stopped) {
      const from = this.scannedTo + 1n;
      const to = min(from + this.span - 1n, confirmed);
      let logs: HeadLog[];
      try {
        logs = await this.headLogs(from, to);
      } catch (e) {
        // Many providers cap the blocks (or logs) one eth_getLogs may cover,
        // and say so in an error answer: from then on, ask for half as many.
        // A request that got no answer (down, timed out) leaves the span be.
        if (to > from && e instanceof BaseError && e.walk((c) => c instanceof RpcRequestError)) this.span = (to - from + 1n) / 2n;
        throw e;
      }
      // Progress: the next failure backs off from the start again.
      this.failures = 0;
      for (const log of logs) {
        if (this.stopped) return;
        await this.consider(log);
      }
      this.scannedTo = to;
    }
    if (!this.stopped) this.opts.onTick?.(tip);
  }

  private async headLogs(fromBlock: bigint, toBlock: bigint): Promise<HeadLog[]> {
    const logs = await this.rpc(() => this.client.getContractEvents({
      address: this.opts.address, abi: ATOM_READ_ABI, eventName: 'HeadUpdated', fromBlock, toBlock, strict: true,
    }));
    return logs
      .filter((l) => l.blockNumber !== null && l.logIndex !== null && !l.removed)
      .map((l) => ({ seq: l.args.seq, cid: l.args.cid, writer: l.args.writer, blockNumber: l.blockNumber!, logIndex: l.logIndex!, transactionHash: l.transactionHash! }))
      .sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1));
  }

  /** A confirmed HeadUpdated log: adopted if it is newer than the node's head and still the contract's head. */
  private async consider(log: HeadLog): Promise<void> {
    if (this.lastSeq !== null && log.seq <= this.lastSeq) return;
    const where = `seq ${log.seq} (block ${log.blockNumber}, tx ${log.transactionHash})`;
    const [seq, cid] = await this.readHead();
    if (this.stopped) return;
    if (seq > log.seq) {
      this.opts.log.info(`chain: head ${where} is superseded by seq ${seq}; not adopted`, { seq: log.seq, block: log.blockNumber });
      this.lastSeq = log.seq;
      return;
    }
    if (seq !== log.seq || cid.toLowerCase() !== log.cid.toLowerCase()) {
      // The log is N blocks deep, yet head() disagrees: a reorg deeper than N.
      this.opts.log.warn(`chain: head ${where} is no longer the contract's head (head() gives seq ${seq}); a reorg? not adopted`, { seq: log.seq, block: log.blockNumber, head_seq: seq });
      return;
    }
    let image: string;
    try { image = headToPath(hexToBytes(log.cid), `head ${where} of ${this.opts.address}`); }
    catch (e) {
      this.lastSeq = log.seq;
      const err = e as NodeError;
      this.opts.log.error(`chain: ${err.message}; not adopted`, { code: err.code, seq: log.seq });
      return;
    }
    this.lastSeq = log.seq;
    if (this.stopped || !this.adopt) return;
    this.opts.log.info(`chain: adopting head ${where}: ${image}`, { seq: log.seq, block: log.blockNumber, image });
    try {
      await this.adopt({ source: 'chain', reason: `HeadUpdated seq ${log.seq} by ${log.writer} in block ${log.blockNumber} (tx ${log.transactionHash})`, image });
    } catch (e) {
      this.opts.log.error(`chain: adopting head seq ${log.seq} (${image}) failed: ${describe(e)}`, { seq: log.seq, image });
    }
  }

  /** head() now, or at `blockNumber`; an address without an Atom is node/chain-stem. */
  private async readHead(blockNumber?: bigint): Promise<readonly [bigint, Hex]> {
    try {
      return await this.rpc(() => this.client.readContract({
        address: this.opts.address, abi: ATOM_READ_ABI, functionName: 'head', ...(blockNumber !== undefined ? { blockNumber } : {}),
      }));
    } catch (e) {
      if (e instanceof BaseError && e.walk((c) => c instanceof ContractFunctionZeroDataError || c instanceof ContractFunctionRevertedError)) {
        throw new NodeError('node/chain-stem', `${this.opts.address} on ${this.opts.rpcUrl} has no Atom contract (head() ${e.walk((c) => c instanceof ContractFunctionZeroDataError) ? 'returned no data' : 'reverted'})`,
          'check --stem against the deployed Atom\'s address, and that --rpc-url is the chain it was deployed on');
      }
      throw e;
    }
  }

  /** Runs one request; once stopped, its result or failure no longer matters. */
  private async rpc<T>(f: () => Promise<T>): Promise<T> {
    if (this.stopped) throw new Stopped();
    try { return await f(); }
    catch (e) { if (this.stopped) throw new Stopped(); throw e; }
  }

  private delay(attempt: number): number {
    return Math.min(this.backoff.maxMs, this.backoff.minMs * 2 ** Math.min(attempt - 1, 20));
  }

  private sleepOrWake(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.woken) { this.woken = false; return Promise.resolve(); }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() { clearTimeout(timer); self.wake = null; self.woken = false; resolve(); }
      this.wake = done;
    });
  }

  /** A new block or log: look now (or right after the tick under way). */
  private poke(): void {
    if (this.wake) this.wake(); else this.woken = true;
  }

  private async connectWs(): Promise<void> {
    const url = this.opts.wsUrl!;
    if (this.stopped) return;
    const client = createPublicClient({ transport: webSocket(url, { key: this.wsKey, reconnect: false, retryCount: 0, timeout: this.timeoutMs }) });
    let unwatch: Array<() => void> = [];
    let socket: { close(): void } | null = null;
    const close = () => {
      for (const u of unwatch) { try { u(); } catch { /* the socket is gone */ } }
      unwatch = [];
      // Closing also drops it from viem's socket cache, so a reconnect opens a fresh one.
      try { socket?.close(); } catch { /* already closed */ }
      socket = null;
    };
    try {
      // Opens the socket now, so that a refused connection fails here.
      socket = await client.transport.getRpcClient();
      if (this.stopped) { close(); return; }
      const onError = (e: Error) => this.wsFailed(url, e, close);
      // Over a webSocket transport, viem's watchers subscribe (eth_subscribe) rather than poll.
      unwatch.push(client.watchBlockNumber({ onBlockNumber: () => this.poke(), onError }));
      unwatch.push(client.watchContractEvent({
        address: this.opts.address, abi: ATOM_READ_ABI, eventName: 'HeadUpdated', strict: true, onError,
        onLogs: (logs) => {
          for (const l of logs) {
            // Only news: the scan reads the same log again once it is confirmed, so one that is odd here is skipped.
            if (typeof l.args?.seq !== 'bigint') continue;
            this.opts.log.info(`chain: head seq ${l.args.seq} seen in block ${l.blockNumber}; adopting it after ${this.depth} confirmations`, { seq: l.args.seq, block: l.blockNumber });
          }
          this.poke();
        },
      }));
      this.ws = { close };
      if (this.wsFailures) this.opts.log.info(`chain: ${url} is back; following new blocks over it`, { url });
      else this.opts.log.info(`chain: following new blocks over ${url}`, { url });
      this.wsFailures = 0;
      this.poke();
    } catch (e) {
      this.wsFailed(url, e, close);
    }
  }

  private wsFailed(url: string, e: unknown, close: () => void): void {
    close();
    if (this.ws?.close === close) this.ws = null;
    if (this.stopped || this.wsTimer) return;
    this.wsFailures++;
    const delay = this.delay(this.wsFailures);
    this.opts.log.warn(`chain: ${url}: ${describe(e)}; polling ${this.opts.rpcUrl} every ${this.pollMs} ms, reconnecting in ${delay} ms`, { code: 'node/chain-rpc', url, attempt: this.wsFailures });
    this.poke();
    this.wsTimer = setTimeout(() => { this.wsTimer = null; void this.connectWs(); }, delay);
  }

  private closeWs(): void {
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }
}

class Stopped extends Error {
  constructor() { super('stopped'); }
}

function min(a: bigint, b: bigint): bigint { return a < b ? a : b; }

/** One line for the log: viem's short message (no docs links or request dumps). */
function describe(e: unknown): string {
  if (e instanceof NodeError) return e.message;
  if (e instanceof BaseError) return e.shortMessage + (e.details && !e.shortMessage.includes(e.details) ? ` (${e.details})` : '');
  return (e as Error)?.message ?? String(e);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) { resolve(); return; }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); resolve(); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
