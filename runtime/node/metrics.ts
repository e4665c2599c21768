// The node's Prometheus metrics (served as /metrics by runtime/node/admin.ts):
//
//   ww_http_requests_total{route,code}       WAGI requests, by registered prefix ("none": no route, 404)
//   ww_rpc_calls_total{interface,method}     calls answered by capability servers in this process
//   ww_cells_spawned_total                   cells started by the node's CellRuntime
//   ww_cell_failures_total{code}             cells stopped by an error, and WAGI answers that were not CGI
//   ww_peers                                 connected libp2p peers, read at each scrape
//   process_*, nodejs_*                      prom-client's default process metrics
//
// Every label has a bounded set of values: routes are registered prefixes,
// never raw paths; interfaces and methods come from the schemas; codes
// from the catalogs and HTTP.
//
// RPC calls are counted on the hot path by a plain integer per method (a
// WeakMap lookup on the server's method descriptor) and handed to
// prom-client only when it scrapes, so counting costs no label hashing per
// call. The observer sees every local server in the process: two nodes in
// one process (as in tests) count each other's calls.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { observeServerCalls, type MethodDesc } from '../rpc/hooks.js';
import type { CellObserver } from '../cell/executor.js';
import type { HttpListenerObserver } from '../cell/http-listener.js';

export interface NodeMetricsOptions {
  /** The number of connected peers, read at each scrape. */
  peers?: () => number;
  /** prom-client's process metrics (default true). */
  processMetrics?: boolean;
  /** Count RPC calls (default true). */
  rpc?: boolean;
}

interface CallSlot { labels: { interface: string; method: string }; n: number; reported: number }

export class NodeMetrics {
  readonly registry = new Registry();
  /** Give to the WAGI gateway (WagiOptions.observer). */
  readonly wagi: HttpListenerObserver;
  /** Give to the node's CellRuntime (CellRuntimeOptions.observer). */
  readonly cells: CellObserver;
  private readonly httpRequests: Counter<'route' | 'code'>;
  private readonly cellsSpawned: Counter;
  private readonly cellFailures: Counter<'code'>;
  private peers: (() => number) | undefined;
  private readonly slots = new WeakMap<object, CallSlot>();
  private readonly slotsByLabel = new Map<string, CallSlot>();
  private stopRpc: (() => void) | null = null;

  constructor(opts: NodeMetricsOptions = {}) {
    const registers = [this.registry];
    this.peers = opts.peers;
    this.httpRequests = new Counter({
      name: 'ww_http_requests_total', help: 'WAGI requests answered, by route (the registered prefix; "none" for no route) and status code',
      labelNames: ['route', 'code'], registers,
    });
    const slots = this.slotsByLabel;
    new Counter({
      name: 'ww_rpc_calls_total', help: 'Cap\'n Proto calls answered by capability servers in this process, by interface and method',
      labelNames: ['interface', 'method'], registers,
      collect() {
        for (const s of slots.values()) {
          if (s.n > s.reported) { this.inc(s.labels, s.n - s.reported); s.reported = s.n; }
        }
      },
    });
    this.cellsSpawned = new Counter({ name: 'ww_cells_spawned_total', help: 'Cells started by this node', registers });
    this.cellFailures = new Counter({
      name: 'ww_cell_failures_total', help: 'Cells stopped by an error (limit, trap, kill), and WAGI answers that were not CGI, by error code',
      labelNames: ['code'], registers,
    });
    const self = this;
    new Gauge({
      name: 'ww_peers', help: 'Connected libp2p peers', registers,
      collect() {
        try { const n = self.peers?.(); if (typeof n === 'number' && Number.isFinite(n)) this.set(n); } catch { /* a scrape never fails on it */ }
      },
    });
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    if (opts.rpc !== false) this.stopRpc = observeServerCalls((m) => this.rpcCall(m));
    this.wagi = {
      request: (route, status, errorCode) => {
        this.httpRequests.inc({ route: route ?? 'none', code: String(status) });
        // Other cell errors are the runtime's to count (cells); a response that is not CGI is only seen here.
        if (errorCode === 'cell/bad-cgi') this.cellFailures.inc({ code: errorCode });
      },
    };
    this.cells = {
      spawned: () => this.cellsSpawned.inc(),
      failed: (_cid, code) => this.cellFailures.inc({ code }),
    };
  }

  /** Sets where the peer count comes from. */
  setPeers(peers: () => number): void { this.peers = peers; }

  /** The metrics in Prometheus text format. */
  text(): Promise<string> { return this.registry.metrics(); }

  get contentType(): string { return this.registry.contentType; }

  /** Stops counting RPC calls (the observer is process-wide). */
  close(): void { this.stopRpc?.(); this.stopRpc = null; }

  private rpcCall(m: MethodDesc): void {
    let s = this.slots.get(m);
    if (!s) {
      const labels = { interface: shortName(m.interfaceName) ?? `0x${m.interfaceId.toString(16)}`, method: m.methodName ?? `@${m.methodId}` };
      const key = `${labels.interface}.${labels.method}`;
      s = this.slotsByLabel.get(key);
      if (!s) { s = { labels, n: 0, reported: 0 }; this.slotsByLabel.set(key, s); }
      this.slots.set(m, s);
    }
    s.n++;
  }
}

/** `system.capnp:Host` -> `Host`. */
function shortName(name: string | undefined): string | undefined {
  return name === undefined ? undefined : name.slice(name.lastIndexOf(':') + 1);
}
