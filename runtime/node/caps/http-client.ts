// The HttpClient capability a node serves (schema/http.capnp): outbound
// GET and POST through Node's fetch, only to the hosts `--http-dial`
// names. The allowlist is checked on the URL and again on every redirect,
// so an allowed host cannot bounce a request to one that is not: fetch is
// told not to follow redirects, and this file follows them itself, at most
// MAX_REDIRECTS times. Every request has one deadline for the whole chain
// (5 s by default), and a response body over the cap fails instead of
// being cut short.
//
// Response headers are as fetch gives them: names in lower case, in
// fetch's (sorted) order, a repeated header joined with ", " except
// set-cookie, which keeps one entry per cookie.
import { HttpClient$Server, type Header, type Response as HttpResponse } from '../../../schema/generated/http.js';
import { toHook, type Hook } from '../../rpc/hooks.js';
import type * as $ from 'capnp-es';
import { NodeError } from '../errors.js';
import { guarded, MAX_RESULT_BYTES } from './guard.js';

export const DEFAULT_HTTP_TIMEOUT_MS = 5_000;
export const MAX_REDIRECTS = 5;

export interface HttpClientOptions {
  /** Hosts that may be reached: exact (`api.example.com`, `127.0.0.1`), `*.example.com` (its subdomains) or `*`. */
  allow: readonly string[];
  timeoutMs?: number;
  /** The largest response body returned (default and ceiling: what fits in one RPC message). */
  maxBodyBytes?: number;
}

/** Whether `host` (a URL's hostname) is on the allowlist. */
export function hostAllowed(allow: readonly string[], host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return allow.some((pattern) => {
    const p = pattern.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (p === '*') return true;
    if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
    return h === p;
  });
}

function denied(host: string): NodeError {
  const labels = host.split('.');
  // A wildcard only makes sense for a domain name, not an IP address.
  const wild = /[a-z]/i.test(host) && !host.includes(':') && labels.length > 2 ? ` (or --http-dial '*.${labels.slice(-2).join('.')}')` : '';
  return new NodeError('node/http-denied', `http-client may not reach ${host}: it is not on this node's --http-dial allowlist`,
    `start the node with --http-dial ${host}${wild}`);
}

function parseUrl(url: string, base?: URL): URL {
  let u: URL;
  try { u = new URL(url, base); } catch {
    throw new NodeError('node/http-request', `${JSON.stringify(url)} is not a URL`, 'write it like https://example.com/path');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new NodeError('node/http-request', `${u.protocol} URLs are not served (${url})`, 'use http:// or https://');
  }
  return u;
}

interface Req { method: 'GET' | 'POST'; url: string; headers: Array<[string, string]>; body?: Uint8Array }
interface Res { status: number; headers: Array<[string, string]>; body: Uint8Array }

/** One request, redirects followed within the allowlist, under one deadline and the body cap. */
export async function request(opts: HttpClientOptions, req: Req): Promise<Res> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const cap = Math.min(opts.maxBodyBytes ?? MAX_RESULT_BYTES, MAX_RESULT_BYTES);
  const signal = AbortSignal.timeout(timeoutMs);
  let url = parseUrl(req.url);
  let method: string = req.method;
  let body = req.body;
  try {
    for (let hop = 0; ; hop++) {
      if (!hostAllowed(opts.allow, url.hostname)) throw denied(url.hostname);
      const res = await fetch(url, {
        method, redirect: 'manual', signal,
        // A redirect that turned a POST into a GET drops the body, and its content-type with it.
        headers: req.headers.filter(([n]) => body !== undefined || n.toLowerCase() !== 'content-type'),
        ...(body !== undefined ? { body } : {}),
      });
      const location = res.headers.get('location');
      if ([301, 302, 303, 307, 308].includes(res.status) && location) {
        await res.body?.cancel().catch(() => {});
        if (hop >= MAX_REDIRECTS) throw new NodeError('node/http-request', `${req.url} redirected more than ${MAX_REDIRECTS} times`, 'request the final URL directly');
        url = parseUrl(location, url);
        // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
        if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) { method = 'GET'; body = undefined; }
        continue;
      }
      const headers: Array<[string, string]> = [];
      res.headers.forEach((v, n) => { if (n !== 'set-cookie') headers.push([n, v]); });
      for (const c of res.headers.getSetCookie()) headers.push(['set-cookie', c]);
      return { status: res.status, headers, body: await readCapped(res, cap, url) };
    }
  } catch (e) {
    if (e instanceof NodeError) throw e;
    if (signal.aborted) throw new NodeError('node/http-timeout', `${req.method} ${req.url} did not finish within ${timeoutMs / 1000} s`, 'the server is slow or unreachable; try again later');
    const cause = (e as { cause?: Error }).cause;
    throw new NodeError('node/http-request', `${req.method} ${url.href} failed: ${cause?.message ?? (e as Error).message}`, 'check the URL and that the server is up');
  }
}

async function readCapped(res: globalThis.Response, cap: number, url: URL): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  const tooBig = () => new NodeError('node/http-too-large', `the response from ${url.host} is over the ${cap}-byte body cap`, 'ask for less (a range, a page), or fetch it outside the node');
  if (declared > cap) { await res.body?.cancel().catch(() => {}); throw tooBig(); }
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let n = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > cap) { await reader.cancel().catch(() => {}); throw tooBig(); }
    chunks.push(value);
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

function headersOf(l: $.List<Header>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < l.length; i++) { const h = l.get(i); out.push([h.name, h.value]); }
  return out;
}

function writeResponse(r: HttpResponse, res: Res): void {
  r.status = res.status;
  const hs = r._initHeaders(res.headers.length);
  res.headers.forEach(([n, v], i) => { const h = hs.get(i); h.name = n; h.value = v; });
  r._initBody(res.body.length).copyBuffer(res.body);
}

export function httpClientHook(opts: HttpClientOptions): Hook {
  return toHook(new HttpClient$Server({
    get: guarded(async (p, r) => {
      writeResponse(r._initResponse(), await request(opts, { method: 'GET', url: p.url, headers: headersOf(p.headers) }));
    }),
    post: guarded(async (p, r) => {
      const body = new Uint8Array(p.body.toUint8Array());
      writeResponse(r._initResponse(), await request(opts, { method: 'POST', url: p.url, headers: headersOf(p.headers), body }));
    }),
  }))!;
}
