// A real Ethereum dev chain for tests and the epoch bench: Hardhat's EDR
// (the Rust EVM and JSON-RPC provider Hardhat 3 runs on), started in this
// process and served on 127.0.0.1 over HTTP and WebSocket JSON-RPC, both on
// port 0. Blocks are mined on each transaction (automine) and on demand
// (mine(n)); evm_snapshot/evm_revert make reorgs. Over WebSocket,
// eth_subscribe works: EDR reports each subscription's events to one
// callback, which this server routes to the socket that subscribed.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  EdrContext, L1_CHAIN_TYPE, l1ProviderFactory, l1GenesisState, l1HardforkLatest, l1HardforkToString, MineOrdering, ContractDecoder,
  type Provider, type SubscriptionEvent,
} from '@nomicfoundation/edr';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';

// `ws` comes with viem (through isows); it has no types installed, so the
// little used here is described by hand.
interface WsSocket { readyState: number; send(data: string): void; close(): void; terminate(): void; on(ev: 'message', f: (data: Buffer) => void): void; on(ev: 'close', f: () => void): void }
interface WsServer { clients: Set<WsSocket>; on(ev: 'connection', f: (s: WsSocket) => void): void; close(cb?: () => void): void }
const { WebSocketServer } = createRequire(import.meta.url)('ws') as { WebSocketServer: new (o: { server: Server }) => WsServer };

/** Well-known dev keys (not secret): the Atom's owner, a stranger, and spares. */
const KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
] as const;

export interface DevChain {
  httpUrl: string;
  wsUrl: string;
  chainId: number;
  /** Funded accounts: [owner, stranger, spare]. */
  accounts: PrivateKeyAccount[];
  /** A JSON-RPC call straight to the provider; throws on a JSON-RPC error. */
  request(method: string, params?: unknown[]): Promise<unknown>;
  mine(blocks?: number): Promise<void>;
  setAutomine(on: boolean): Promise<void>;
  blockNumber(): Promise<bigint>;
  snapshot(): Promise<string>;
  revert(id: string): Promise<void>;
  /** How many WebSocket clients are connected now. */
  wsClients(): number;
  /** Closes the WebSocket server (and its sockets) only, so that a client falls back to HTTP. */
  closeWs(): Promise<void>;
  close(): Promise<void>;
}

// "Should only be called once" per process, says EDR: one context, many providers.
let context: Promise<EdrContext> | null = null;
function edrContext(): Promise<EdrContext> {
  context ??= (async () => {
    const ctx = new EdrContext();
    await ctx.registerProviderFactory(L1_CHAIN_TYPE, l1ProviderFactory());
    return ctx;
  })();
  return context;
}

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x));

export async function startDevChain(opts: { chainId?: number } = {}): Promise<DevChain> {
  const chainId = opts.chainId ?? 31337;
  const hardfork = l1HardforkLatest();
  const accounts = KEYS.map((k) => privateKeyToAccount(k));
  /** Subscription id (0x-hex) -> the socket that made it. */
  const subscribers = new Map<string, WsSocket>();
  const onEvent = (e: SubscriptionEvent) => {
    const id = `0x${e.filterId.toString(16)}`;
    const socket = subscribers.get(id);
    if (!socket || socket.readyState !== 1) return;
    // EDR hands over a block's logs as one array (empty for a block with
    // none); a node such as geth sends one notification per log, as Hardhat does.
    for (const result of Array.isArray(e.result) ? e.result : [e.result]) {
      socket.send(json({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: id, result } }));
    }
  };
  const provider: Provider = await (await edrContext()).createProvider(L1_CHAIN_TYPE, {
    allowBlocksWithSameTimestamp: false,
    allowUnlimitedContractSize: false,
    bailOnCallFailure: true, // a reverting eth_call is an error carrying the revert data, as on a real node
    bailOnTransactionFailure: false,
    chainId: BigInt(chainId),
    coinbase: new Uint8Array(20),
    defaultTransactionGasLimit: 16_000_000n, // under Osaka's 2^24 transaction gas cap
    genesisState: [
      ...l1GenesisState(hardfork),
      ...accounts.map((a) => ({ address: Buffer.from(a.address.slice(2), 'hex'), balance: 10n ** 24n })),
    ],
    hardfork: l1HardforkToString(hardfork),
    initialBaseFeePerGas: 1_000_000_000n,
    minGasPrice: 0n,
    mining: { autoMine: true, memPool: { order: MineOrdering.Priority } },
    network: { genesisBlockGasLimit: 60_000_000n },
    networkId: BigInt(chainId),
    observability: {},
    ownedAccounts: [],
    precompileOverrides: [],
  }, { enable: false, decodeConsoleLogInputsCallback: () => [], printLineCallback: () => {} }, { subscriptionCallback: onEvent }, new ContractDecoder());

  /** One JSON-RPC request object in, one response object out (never throws). */
  const handle = async (req: { id?: unknown; method?: unknown; params?: unknown }): Promise<Record<string, unknown>> => {
    const id = req?.id ?? null;
    try {
      const res = await provider.handleRequest(json({ jsonrpc: '2.0', id, method: req.method, params: req.params ?? [] }));
      const data = typeof res.data === 'string' ? JSON.parse(res.data) : res.data;
      return { ...data, jsonrpc: '2.0', id };
    } catch (e) {
      return { jsonrpc: '2.0', id, error: { code: -32603, message: (e as Error).message } };
    }
  };
  const handleBody = async (text: string): Promise<unknown> => {
    let body: unknown;
    try { body = JSON.parse(text); } catch { return { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } }; }
    return Array.isArray(body) ? Promise.all(body.map((r) => handle(r))) : handle(body as never);
  };

  const http = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { text += c; });
    req.on('end', () => {
      void handleBody(text).then((out) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(json(out));
      });
    });
  });
  const wsHttp = createServer((_req, res) => { res.writeHead(426); res.end(); });
  const wss = new WebSocketServer({ server: wsHttp });
  wss.on('connection', (socket) => {
    const mine = new Set<string>();
    socket.on('message', (data) => {
      void (async () => {
        let req: { id?: unknown; method?: unknown; params?: unknown };
        try { req = JSON.parse(data.toString('utf8')); } catch { socket.send(json({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } })); return; }
        const out = await handle(req);
        if (req.method === 'eth_subscribe' && typeof out.result === 'string') { subscribers.set(out.result, socket); mine.add(out.result); }
        if (req.method === 'eth_unsubscribe' && Array.isArray(req.params)) { subscribers.delete(String(req.params[0])); mine.delete(String(req.params[0])); }
        if (socket.readyState === 1) socket.send(json(out));
      })();
    });
    socket.on('close', () => {
      for (const id of mine) { subscribers.delete(id); void handle({ id: 0, method: 'eth_unsubscribe', params: [id] }); }
    });
  });
  const listen = (s: Server) => new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
  const [httpPort, wsPort] = await Promise.all([listen(http), listen(wsHttp)]);

  const request = async (method: string, params: unknown[] = []) => {
    const out = await handle({ id: 1, method, params });
    if (out.error) throw new Error(`${method}: ${(out.error as { message: string }).message}`);
    return out.result;
  };
  let wsClosed: Promise<void> | null = null;
  const closeWs = () => {
    wsClosed ??= new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => wsHttp.close(() => resolve()));
      wsHttp.closeAllConnections();
    });
    return wsClosed;
  };
  return {
    httpUrl: `http://127.0.0.1:${httpPort}`,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    chainId,
    accounts,
    request,
    async mine(blocks = 1) { await request('hardhat_mine', [`0x${blocks.toString(16)}`]); },
    async setAutomine(on) { await request('evm_setAutomine', [on]); },
    async blockNumber() { return BigInt(await request('eth_blockNumber') as string); },
    async snapshot() { return await request('evm_snapshot') as string; },
    async revert(id) {
      if (await request('evm_revert', [id]) !== true) throw new Error(`evm_revert ${id} failed`);
    },
    wsClients: () => wss.clients.size,
    closeWs,
    async close() {
      await closeWs();
      await new Promise<void>((resolve) => { http.close(() => resolve()); http.closeAllConnections(); });
    },
  };
}
