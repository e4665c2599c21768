// The node's WAGI gateway (`ww run --http-listen`, 127.0.0.1:2080 by
// default): the cell host's HttpListener (runtime/cell/http-listener.ts)
// with the node's defaults and the registration rules of the schema's
// HttpListener.listen:
// - a body over 16 MiB gets 413; a request not answered within the
//   gateway timeout (--http-timeout-ms, 30 s) gets 504 and its cell is
//   stopped;
// - registering a prefix that is taken fails (node/route-taken); cancel()
//   removes the route, and a registration may end by itself (`alive`, the
//   epoch it was made in);
// - every request is reported to the observer (the node's metrics) with
//   the registered prefix as its route.
// The route targets are built by runtime/node/caps/http-listener.ts
// (from a CellSpec) or directly with executorTarget.
import type { AddressInfo } from 'node:net';
import { HttpListener, normalizePrefix, type CgiTarget, type HttpListenerObserver } from '../cell/http-listener.js';
import { NodeError } from './errors.js';
import { bindError, parseHttpAddr, type HttpAddr } from './http-addr.js';

export const WAGI_DEFAULTS = {
  listen: '127.0.0.1:2080',
  timeoutMs: 30_000,
  maxBodyBytes: 16 * 1024 * 1024,
  maxConcurrent: 64,
  /** A cell's response (stdout and stderr together), the cells' default output limit. */
  maxResponseBytes: 64 * 1024 * 1024,
} as const;

export interface WagiOptions {
  /** Gateway timeout in ms (--http-timeout-ms). Default 30000. */
  timeoutMs?: number;
  /** Largest request body, in bytes. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Requests served at once; more get 503. Default 64. */
  maxConcurrent?: number;
  /**
   * The most a cell may write in answer to one request, stdout and stderr
   * together (its output limit, lowered to this; read up to this from an
   * Executor capability). Default 64 MiB. With maxConcurrent, it bounds
   * the memory responses can hold.
   */
  maxResponseBytes?: number;
  /** Told of every request (the node's metrics). */
  observer?: HttpListenerObserver;
}

export interface WagiRegistration {
  readonly prefix: string;
  /** The CID the route's responses carry in X-Wetware-Cell. */
  readonly cid: string;
  /** Removes the route; cells already running finish. Twice does nothing. */
  cancel(): void;
  readonly cancelled: boolean;
}

export class WagiGateway {
  readonly listener: HttpListener;
  readonly maxResponseBytes: number;
  private bound: AddressInfo | null = null;

  constructor(opts: WagiOptions = {}) {
    const timeoutMs = opts.timeoutMs ?? WAGI_DEFAULTS.timeoutMs;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new NodeError('node/http', `the WAGI timeout must be a positive number of ms, not ${String(opts.timeoutMs)}`, 'such as --http-timeout-ms 30000');
    }
    this.maxResponseBytes = opts.maxResponseBytes ?? WAGI_DEFAULTS.maxResponseBytes;
    if (!Number.isSafeInteger(this.maxResponseBytes) || this.maxResponseBytes <= 0) {
      throw new NodeError('node/http', `the WAGI response cap must be a positive number of bytes, not ${String(opts.maxResponseBytes)}`);
    }
    this.listener = new HttpListener({
      timeoutMs,
      maxBodyBytes: opts.maxBodyBytes ?? WAGI_DEFAULTS.maxBodyBytes,
      maxConcurrent: opts.maxConcurrent ?? WAGI_DEFAULTS.maxConcurrent,
      ...(opts.observer ? { observer: opts.observer } : {}),
    });
  }

  /**
   * Serves `prefix` with `target`. Fails node/bad-route for a prefix that
   * is not a path, node/route-taken when a live route has it.
   */
  register(prefix: string, target: CgiTarget, opts: { alive?: () => boolean } = {}): WagiRegistration {
    const p = this.assertFree(prefix);
    const handle = this.listener.add(p, target, opts);
    let cancelled = false;
    return {
      prefix: p,
      cid: target.cid,
      cancel: () => { if (!cancelled) { cancelled = true; handle.remove(); } },
      get cancelled() { return cancelled; },
    };
  }

  /** The prefix, normalized, if a registration could take it now; else the error register() would fail with. */
  assertFree(prefix: string): string {
    const p = routePrefix(prefix);
    if (this.listener.has(p)) {
      throw new NodeError('node/route-taken', `the WAGI route ${p} is taken`, 'cancel the registration that holds it, or choose another prefix');
    }
    return p;
  }

  /** The prefixes served now, longest first. */
  routes(): string[] { return this.listener.prefixes(); }

  /** Binds the server: `addr` as given to --http-listen (HOST:PORT, [::1]:PORT, PORT), or parsed. */
  async start(addr: string | HttpAddr = WAGI_DEFAULTS.listen): Promise<AddressInfo> {
    const a = typeof addr === 'string' ? parseHttpAddr(addr, '--http-listen') : addr;
    if (!a) throw new NodeError('node/http', 'the WAGI server is off (--http-listen off)', 'give --http-listen HOST:PORT to serve');
    try { this.bound = await this.listener.listen(a.port, a.host); }
    catch (e) { throw bindError(e, a, '--http-listen', 'the WAGI server'); }
    return this.bound;
  }

  /** Where it listens, once started. */
  address(): AddressInfo | null { return this.bound; }

  close(): Promise<void> { return this.listener.close(); }
}

function routePrefix(prefix: string): string {
  try { return normalizePrefix(prefix); }
  catch { throw new NodeError('node/bad-route', `a WAGI route prefix is a path starting with /, not ${JSON.stringify(prefix)}`, 'such as "/status"'); }
}
