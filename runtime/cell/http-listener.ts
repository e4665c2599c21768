// HttpListener: a WAGI server. Path prefixes map to executors; each
// request spawns one cell in http mode (runtime/cell/cgi.ts) and its CGI
// answer becomes the HTTP response. The node puts one on port 2080; the
// Glia form `(perform host :listen cell "/prefix")` will add routes.
//
// Failures are the gateway's, so they answer as a gateway does: a cell
// that runs out of time is 504, one that traps, exceeds a limit or
// answers with something other than CGI is 502, each with the cell error
// code in X-Cell-Error and `error[code]: message` as the body. The
// listener itself never throws on a request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runHttpCell, type CgiRequest } from './cgi.js';
import { CellError, type CellErrorCode } from './errors.js';
import type { Executor } from './executor.js';
import type { CellLimits } from './limits.js';
import type { ExportSpec } from '../membrane/membrane.js';

export interface HttpListenerOptions {
  /** Largest request body accepted, in bytes (413 past it). Default 10 MiB. */
  maxBodyBytes?: number;
  /** Requests served at once; more get 503. Default 64. */
  maxConcurrent?: number;
  /** Limits for every cell spawned, unless its route sets its own. */
  limits?: Partial<CellLimits>;
}

interface Route { prefix: string; executor: Executor; limits?: Partial<CellLimits>; grants?: readonly ExportSpec[] }

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
    this.server = createServer((req, res) => { void this.handle(req, res); });
  }

  /**
   * Serves `prefix` (and every path under it) with `executor`; replaces an
   * existing route for it. Each request's cell gets `grants` through its
   * membrane channel.
   */
  route(prefix: string, executor: Executor, limits?: Partial<CellLimits>, grants?: readonly ExportSpec[]): void {
    const p = normalizePrefix(prefix);
    this.unroute(p);
    const r: Route = { prefix: p, executor };
    if (limits) r.limits = limits;
    if (grants) r.grants = grants;
    this.routes.push(r);
    // Longest prefix first, so /a/b wins over /a.
    this.routes.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  unroute(prefix: string): boolean {
    const p = normalizePrefix(prefix);
    const i = this.routes.findIndex((r) => r.prefix === p);
    if (i >= 0) this.routes.splice(i, 1);
    return i >= 0;
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

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private match(path: string): Route | undefined {
    return this.routes.find((r) => r.prefix === '/' || path === r.prefix || path.startsWith(r.prefix + '/'));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = req.url ?? '/';
      const path = url.split('?', 1)[0]!;
      const route = this.match(path);
      if (!route) return plain(res, 404, `no cell serves ${path}\n`);
      if (this.active >= this.maxConcurrent) return plain(res, 503, 'too many requests in flight\n');
      this.active++;
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
        const limits = route.limits ?? this.opts.limits;
        const r = await runHttpCell(route.executor, cgi, { ...(limits ? { limits } : {}), ...(route.grants ? { grants: route.grants } : {}) });
        const grouped = new Map<string, { name: string; values: string[] }>();
        for (const [k, v] of r.headers) {
          if (HOP_BY_HOP.has(k.toLowerCase())) continue;
          const g = grouped.get(k.toLowerCase());
          if (g) g.values.push(v); else grouped.set(k.toLowerCase(), { name: k, values: [v] });
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
      const err = e instanceof CellError ? e : new CellError('cell/host-failure', `the listener failed: ${(e as Error)?.message ?? e}`);
      res.setHeader('X-Cell-Error', err.code);
      plain(res, STATUS_FOR[err.code] ?? 502, err.format() + '\n');
    }
  }
}

function normalizePrefix(prefix: string): string {
  if (typeof prefix !== 'string' || !prefix.startsWith('/') || /[?#\s]/.test(prefix)) {
    throw new CellError('cell/bad-spawn', `a route prefix is a path starting with /, not ${JSON.stringify(prefix)}`);
  }
  return prefix.length > 1 ? prefix.replace(/\/+$/, '') || '/' : prefix;
}

function plain(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(text);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

/** The whole body, or null once it passes `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | null> {
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
    req.on('error', reject);
  });
}
