// HttpListener: a WAGI server. Path prefixes map to cells; each request
// spawns one cell in http mode (runtime/cell/cgi.ts) and its CGI answer
// becomes the HTTP response. A route's cell is a CgiTarget: a local
// Executor (executorTarget, below), or anything else that can run one CGI
// request, such as an Executor capability (runtime/cell/cgi-remote.ts).
// The node's gateway (runtime/node/wagi.ts) puts one on port 2080 with its
// own defaults and registration rules.
//
// Prefixes match at path segment boundaries (`/status` serves `/status`
// and `/status/x`, never `/statusx`), and the longest one wins.
//
// Failures are the gateway's, so they answer as a gateway does: a cell
// that runs out of time (its own wall clock, or the listener's timeoutMs)
// is 504, one that traps, exceeds a limit or answers with something other
// than CGI is 502, each with the error code in X-Cell-Error and
// `error[code]: message` as the body. Every answer from a route, good or
// bad, names the component in X-Wetware-Cell (its CID). The listener
// itself never throws on a request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runHttpCell, type CgiRequest, type CgiResponse } from './cgi.js';
import { CellError, type CellErrorCode } from './errors.js';
import { Executor } from './executor.js';
import type { CellLimits } from './limits.js';
import type { ExportSpec } from '../membrane/membrane.js';
import type { Epoch } from '../membrane/epoch.js';
import { RpcError } from '../rpc/errors.js';

/** A cell that answers requests: what a route serves. */
export interface CgiTarget {
  /** The component's CID (CIDv1, raw, sha2-256), sent as X-Wetware-Cell. */
  readonly cid: string;
  /** Runs one request through a fresh cell. When `signal` aborts, the cell is stopped. */
  run(req: CgiRequest, signal: AbortSignal): Promise<CgiResponse>;
}

/** How a local Executor's cells are spawned for each request. */
export interface ExecutorTargetOptions {
  limits?: Partial<CellLimits>;
  grants?: readonly ExportSpec[];
  args?: string[];
  /** The cell's environment besides the CGI meta-variables (which win a clash). */
  env?: ReadonlyArray<readonly [string, string]>;
  epoch?: Epoch;
}

/** A route target that spawns `executor` in this process for each request. */
export function executorTarget(executor: Executor, opts: ExecutorTargetOptions = {}): CgiTarget {
  return {
    cid: executor.cid,
    run: (req, signal) => runHttpCell(executor, req, { ...opts, signal }),
  };
}

/** Told of every request answered (the node's metrics). */
export interface HttpListenerObserver {
  /**
   * `route` is the prefix that matched (null when none did: 404), so its
   * values are bounded by the routes registered, not by the paths asked.
   * `errorCode` is the cell or gateway error behind a 5xx answer.
   */
  request(route: string | null, status: number, errorCode: string | null): void;
}

export interface HttpListenerOptions {
  /** Largest request body accepted, in bytes (413 past it). Default 10 MiB. */
  maxBodyBytes?: number;
  /** Requests served at once; more get 503. Default 64. */
  maxConcurrent?: number;
  /** Limits for every cell spawned from an Executor route, unless the route sets its own. */
  limits?: Partial<CellLimits>;
  /** Gateway timeout: a request with no answer after this many ms gets 504 and its cell is stopped. Default: none (the cell's own wall clock). */
  timeoutMs?: number;
  observer?: HttpListenerObserver;
}

/** A route once added; remove() takes out this route only (not one that replaced it). */
export interface RouteHandle {
  readonly prefix: string;
  remove(): boolean;
}

interface Route {
  prefix: string;
  target: CgiTarget;
  /** False once the route has ended by itself (its epoch is over): it is then dropped. */
  alive?: () => boolean;
}

/** Hop-by-hop headers belong to one connection; a cell does not set them for ours. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'content-length']);

const STATUS_FOR: Partial<Record<CellErrorCode, number>> = { 'cell/timeout': 504, 'cell/bad-spawn': 500, 'cell/host-failure': 500 };

export class HttpListener {
  private readonly routes: Route[] = [];
  private readonly server: Server;
  private active = 0;
  private readonly maxBodyBytes: number;
  private readonly maxConcurrent: number;

  constructor(private readonly opts: HttpListenerOptions = {}) {
    this.maxBodyBytes = opts.maxBodyBytes ?? 10 * 1024 * 1024;
    this.maxConcurrent = opts.maxConcurrent ?? 64;
    if (opts.timeoutMs !== undefined && !(Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0)) {
      throw new CellError('cell/bad-spawn', `the listener's timeout must be a positive number of ms, not ${String(opts.timeoutMs)}`);
    }
    this.server = createServer((req, res) => { void this.handle(req, res); });
  }

  /**
   * Serves `prefix` (and every path under it) with `target`; replaces an
   * existing route for it. An Executor is spawned here for each request,
   * with `limits` (else the listener's) and `grants` through its membrane
   * channel.
   */
  route(prefix: string, target: Executor | CgiTarget, limits?: Partial<CellLimits>, grants?: readonly ExportSpec[]): RouteHandle {
    if (target instanceof Executor) {
      const l = limits ?? this.opts.limits;
      target = executorTarget(target, { ...(l ? { limits: l } : {}), ...(grants ? { grants } : {}) });
    }
    return this.add(prefix, target);
  }

  /** Adds a route for a target, replacing one for the same prefix; `alive` ends it when it turns false. */
  add(prefix: string, target: CgiTarget, opts: { alive?: () => boolean } = {}): RouteHandle {
    const p = normalizePrefix(prefix);
    this.unroute(p);
    const r: Route = { prefix: p, target };
    if (opts.alive) r.alive = opts.alive;
    this.routes.push(r);
    // Longest prefix first, so /a/b wins over /a.
    this.routes.sort((a, b) => b.prefix.length - a.prefix.length);
    return {
      prefix: p,
      remove: () => {
        const i = this.routes.indexOf(r);
        if (i >= 0) this.routes.splice(i, 1);
        return i >= 0;
      },
    };
  }

  /** Whether a live route serves exactly `prefix` (after normalizing it). */
  has(prefix: string): boolean {
    const p = normalizePrefix(prefix);
    return this.routes.some((r) => r.prefix === p && this.live(r));
  }

  unroute(prefix: string): boolean {
    const p = normalizePrefix(prefix);
    const i = this.routes.findIndex((r) => r.prefix === p);
    if (i >= 0) this.routes.splice(i, 1);
    return i >= 0;
  }

  /** The prefixes served now, longest first. */
  prefixes(): string[] {
    return this.routes.filter((r) => this.live(r)).map((r) => r.prefix);
  }

  listen(port = 0, host = '127.0.0.1'): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  address(): AddressInfo | null {
    const a = this.server.address();
    return a && typeof a === 'object' ? a : null;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) { resolve(); return; }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** A route whose epoch has ended is dropped the first time it is looked at. */
  private live(r: Route): boolean {
    if (!r.alive || r.alive()) return true;
    const i = this.routes.indexOf(r);
    if (i >= 0) this.routes.splice(i, 1);
    return false;
  }

  private match(path: string): Route | undefined {
    for (const r of [...this.routes]) {
      if ((r.prefix === '/' || path === r.prefix || path.startsWith(r.prefix + '/')) && this.live(r)) return r;
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let route: Route | undefined;
    let errorCode: string | null = null;
    try {
      const url = req.url ?? '/';
      const path = url.split('?', 1)[0]!;
      route = this.match(path);
      if (!route) return plain(res, 404, `no cell serves ${path}\n`);
      res.setHeader('X-Wetware-Cell', route.target.cid);
      if (this.active >= this.maxConcurrent) return plain(res, 503, 'too many requests in flight\n');
      this.active++;
      const stop = new AbortController();
      // A client that leaves before its answer takes its cell with it.
      res.once('close', () => { if (!res.writableEnded) stop.abort(); });
      try {
        const body = await readBody(req, this.maxBodyBytes);
        if (body === null) { res.setHeader('Connection', 'close'); return plain(res, 413, `request body over ${this.maxBodyBytes} bytes\n`); }
        const headers: Array<[string, string]> = [];
        for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
        const local = req.socket.localPort;
        const cgi: CgiRequest = {
          method: req.method ?? 'GET', url, headers, body,
          scriptName: route.prefix === '/' ? '' : route.prefix,
          remoteAddr: req.socket.remoteAddress ?? '',
          protocol: `HTTP/${req.httpVersion}`,
        };
        if (local !== undefined) cgi.serverPort = local;
        const r = await this.withTimeout(route.target.run(cgi, stop.signal), stop);
        const grouped = new Map<string, { name: string; values: string[] }>();
        for (const [k, v] of r.headers) {
          const lower = k.toLowerCase();
          if (HOP_BY_HOP.has(lower) || lower === 'x-wetware-cell') continue;
          const g = grouped.get(lower);
          if (g) g.values.push(v); else grouped.set(lower, { name: k, values: [v] });
        }
        for (const { name, values } of grouped.values()) res.setHeader(name, values.length === 1 ? values[0]! : values);
        res.setHeader('Content-Length', r.body.length);
        res.writeHead(r.status);
        res.end(r.body);
      } finally {
        this.active--;
      }
    } catch (e) {
      if (res.headersSent) { res.destroy(); return; }
      const { status, code, text } = failure(e);
      errorCode = code;
      res.setHeader('X-Cell-Error', code);
      plain(res, status, text + '\n');
    } finally {
      try { this.opts.observer?.request(route?.prefix ?? null, res.statusCode, errorCode); } catch { /* an observer never breaks a request */ }
    }
  }

  /** The run, or a :cell/timeout once the listener's timeout passes (the cell is then stopped). */
  private withTimeout<T>(run: Promise<T>, stop: AbortController): Promise<T> {
    const ms = this.opts.timeoutMs;
    if (ms === undefined) return run;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        stop.abort();
        reject(new CellError('cell/timeout', `the cell did not answer within the listener's timeout of ${ms} ms`, { timeoutMs: ms },
          'a WAGI cell answers each request within the timeout (ww run --http-timeout-ms)'));
      }, ms);
    });
    run.catch(() => {}); // its failure after a timeout has nobody left to tell
    return Promise.race([run, late]).finally(() => clearTimeout(timer));
  }
}

/** A failed request as a gateway answer: status, the error's code and its one-line form. */
function failure(e: unknown): { status: number; code: string; text: string } {
  if (e instanceof CellError) return { status: STATUS_FOR[e.code] ?? 502, code: e.code, text: e.format() };
  // An Executor capability that refused or went away (permission-denied, disconnected, ...).
  if (e instanceof RpcError) return { status: 502, code: `rpc/${e.code}`, text: `error[rpc/${e.code}]: ${e.message}` };
  const err = new CellError('cell/host-failure', `the listener failed: ${(e as Error)?.message ?? e}`);
  return { status: 500, code: err.code, text: err.format() };
}

/** A prefix as routes hold it: starts with '/', no trailing '/' (except '/' itself). */
export function normalizePrefix(prefix: string): string {
  if (typeof prefix !== 'string' || !prefix.startsWith('/') || /[?#\s]/.test(prefix)) {
    throw new CellError('cell/bad-spawn', `a route prefix is a path starting with /, not ${JSON.stringify(prefix)}`, {}, 'such as "/status"');
  }
  return prefix.length > 1 ? prefix.replace(/\/+$/, '') || '/' : prefix;
}

function plain(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(text);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

/** The whole body, or null once it passes `max` bytes (the rest is drained, not kept). The admin server reads its bodies with it too. */
export function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) { req.resume(); return Promise.resolve(null); }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) { req.removeAllListeners('data'); req.resume(); resolve(null); return; }
      chunks.push(c);
    });
    req.on('end', () => { if (size <= max) resolve(Buffer.concat(chunks)); });
    // A client that leaves mid-body fails the request here ('aborted'): no cell is started for half a request.
    req.on('error', reject);
  });
}
