// The node's admin HTTP server (`ww run --with-http-admin ADDR`, 2026 by
// convention): facts for operators and scrapers, and one action.
//
//   GET  /metrics        Prometheus text (runtime/node/metrics.ts)
//   GET  /host/id        the peer id, text/plain
//   GET  /host/addrs     the listen multiaddrs, one per line, text/plain
//   GET  /healthz        "ok"
//   POST /epoch/advance  a new epoch (the admin epoch source): every
//                        capability issued before fails stale-epoch and
//                        init.d runs again (doc/epochs.md). The body is
//                        optional, the reason as JSON {"reason": "..."} or
//                        as text, at most 4 KiB (413 beyond); the answer,
//                        once the node has adopted it, is JSON
//                        {seq, head, previous_head, source, reason}.
//
// Anything else is 404 (405 for another method on these paths). It binds
// to loopback unless given another address, and then says so in the log:
// the metrics, the addresses and the advance are then on the network. A
// failing callback answers 500 with its message; a request never throws
// out of here.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeMetrics } from './metrics.js';
import { NodeError } from './errors.js';
import { bindError, isLoopbackHost, parseHttpAddr, type HttpAddr } from './http-addr.js';
import { readBody } from '../cell/http-listener.js';

export interface AdminOptions {
  metrics: Pick<NodeMetrics, 'text' | 'contentType'>;
  peerId: () => string | Promise<string>;
  addrs: () => readonly string[] | Promise<readonly string[]>;
  /** One line for the node's log (warnings about the bind address). */
  log?: (level: 'info' | 'warn', line: string) => void;
  /** Adopts a new epoch with this reason; without it, /epoch/advance is 404. */
  advanceEpoch?: (reason: string) => Promise<AdvancedEpoch>;
}

/** What POST /epoch/advance answers. */
export interface AdvancedEpoch { seq: number; head: string; previous_head: string; source: string; reason: string }

/** The largest body POST /epoch/advance reads. */
export const MAX_ADVANCE_BODY = 4096;
const DEFAULT_REASON = 'POST /epoch/advance';

export const ADMIN_DEFAULT_HOST = '127.0.0.1';

export class AdminServer {
  private readonly server: Server;
  private bound: AddressInfo | null = null;

  constructor(private readonly opts: AdminOptions) {
    this.server = createServer((req, res) => { void this.handle(req, res); });
  }

  /** Binds: `addr` as given to --with-http-admin (HOST:PORT, [::1]:PORT, or a PORT on loopback). */
  async start(addr: string | HttpAddr): Promise<AddressInfo> {
    const a = typeof addr === 'string' ? parseHttpAddr(addr, '--with-http-admin') : addr;
    if (!a) throw new NodeError('node/http', 'the admin server was asked to start with address off', 'leave out --with-http-admin to run without it');
    try {
      this.bound = await new Promise<AddressInfo>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(a.port, a.host, () => { this.server.off('error', reject); resolve(this.server.address() as AddressInfo); });
      });
    } catch (e) { throw bindError(e, a, '--with-http-admin', 'the admin server'); }
    if (!isLoopbackHost(a.host)) {
      this.opts.log?.('warn', `admin HTTP listens on ${a.host}:${this.bound.port}, not loopback: /metrics and /host/* are reachable from the network`);
    }
    return this.bound;
  }

  address(): AddressInfo | null { return this.bound; }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) { resolve(); return; }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? '/').split('?', 1)[0]!;
      if (path === '/epoch/advance' && this.opts.advanceEpoch) return await this.advance(req, res, this.opts.advanceEpoch);
      const route = ROUTES[path];
      if (!route) return send(res, 404, 'text/plain; charset=utf-8', `no admin route ${path}; try /metrics, /host/id, /host/addrs, /healthz${this.opts.advanceEpoch ? ' or POST /epoch/advance' : ''}\n`);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return send(res, 405, 'text/plain; charset=utf-8', 'the admin routes answer GET\n');
      }
      const [type, body] = await route(this.opts);
      send(res, 200, type, body);
    } catch (e) {
      try { send(res, 500, 'text/plain; charset=utf-8', `error: ${(e as Error)?.message ?? e}\n`); }
      catch { res.destroy(); }
    }
  }

  private async advance(req: IncomingMessage, res: ServerResponse, advanceEpoch: (reason: string) => Promise<AdvancedEpoch>): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return send(res, 405, TEXT, '/epoch/advance answers POST, with an optional reason as the body\n');
    }
    const body = await readBody(req, MAX_ADVANCE_BODY);
    if (body === null) {
      res.setHeader('Connection', 'close');
      return sendJson(res, 413, { code: 'node/too-large', message: `the body of /epoch/advance is over ${MAX_ADVANCE_BODY} bytes`, hint: 'send a short reason, such as {"reason": "rotated keys"}' });
    }
    const reason = reasonOf(body, req.headers['content-type'] ?? '');
    if (typeof reason !== 'string') return sendJson(res, 400, reason);
    sendJson(res, 200, await advanceEpoch(reason || DEFAULT_REASON));
  }
}

/** The reason in a body: JSON {"reason": "..."} (by content type, or a body that starts with "{"), else the text; or why not. */
function reasonOf(body: Uint8Array, type: string): string | { code: string; message: string; hint: string } {
  const text = new TextDecoder().decode(body);
  if (/^application\/json\b/i.test(type) || text.trimStart().startsWith('{')) {
    const bad = { code: 'node/epoch', message: 'the body of /epoch/advance is not JSON of the form {"reason": "..."}', hint: 'send {"reason": "rotated keys"}, plain text, or nothing' };
    let v: unknown;
    try { v = JSON.parse(text); } catch { return bad; }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad;
    const r = (v as { reason?: unknown }).reason;
    if (r === undefined) return '';
    return typeof r === 'string' ? r.trim() : bad;
  }
  return text.trim();
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value) + '\n');
}

const TEXT = 'text/plain; charset=utf-8';

const ROUTES: Record<string, (o: AdminOptions) => Promise<[string, string]>> = {
  '/metrics': async (o) => [o.metrics.contentType, await o.metrics.text()],
  '/host/id': async (o) => [TEXT, `${await o.peerId()}\n`],
  '/host/addrs': async (o) => { const a = await o.addrs(); return [TEXT, a.length ? a.join('\n') + '\n' : '']; },
  '/healthz': async () => [TEXT, 'ok\n'],
};

function send(res: ServerResponse, status: number, type: string, text: string): void {
  if (res.headersSent) { res.destroy(); return; }
  const body = Buffer.from(text);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length });
  res.end(body);
}
