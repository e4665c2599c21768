// The node's admin HTTP server (`ww run --with-http-admin ADDR`, 2026 by
// convention): read-only facts for operators and scrapers.
//
//   GET /metrics     Prometheus text (runtime/node/metrics.ts)
//   GET /host/id     the peer id, text/plain
//   GET /host/addrs  the listen multiaddrs, one per line, text/plain
//   GET /healthz     "ok"
//
// Anything else is 404 (405 for another method on these paths). It binds
// to loopback unless given another address, and then says so in the log:
// the metrics and addresses are then on the network. A failing callback
// answers 500 with its message; a request never throws out of here.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeMetrics } from './metrics.js';
import { NodeError } from './errors.js';
import { bindError, isLoopbackHost, parseHttpAddr, type HttpAddr } from './http-addr.js';

export interface AdminOptions {
  metrics: Pick<NodeMetrics, 'text' | 'contentType'>;
  peerId: () => string | Promise<string>;
  addrs: () => readonly string[] | Promise<readonly string[]>;
  /** One line for the node's log (warnings about the bind address). */
  log?: (level: 'info' | 'warn', line: string) => void;
}

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
      const route = ROUTES[path];
      if (!route) return send(res, 404, 'text/plain; charset=utf-8', `no admin route ${path}; try /metrics, /host/id, /host/addrs, /healthz\n`);
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
