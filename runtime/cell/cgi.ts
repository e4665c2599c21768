// http mode (WAGI): an HTTP request becomes a CGI invocation of a cell.
// The request's metadata goes in the environment (RFC 3875 meta-variables,
// plus WAGI's X_MATCHED_ROUTE, X_FULL_URL and X_RAW_PATH_INFO), the body
// on stdin, and the cell answers with a CGI response on stdout: header
// lines, a blank line, the body. Everything the cell writes is parsed
// strictly; a response that is not valid CGI is :cell/bad-cgi, with what
// was wrong, never passed through half-read.
import { CellError } from './errors.js';
import type { CellLimits } from './limits.js';
import type { Executor } from './executor.js';
import type { ExportSpec } from '../membrane/membrane.js';
import type { Epoch } from '../membrane/epoch.js';
import { spawnCell, type CellSpawnOptions } from './cell-session.js';

export interface CgiRequest {
  method: string;
  /** The request target as received: path and query, e.g. '/status/x?y=1'. */
  url: string;
  /** Header name/value pairs as received (names in any case). */
  headers: ReadonlyArray<readonly [string, string]>;
  body?: Uint8Array;
  /** The route prefix that matched ('' when the cell serves everything): SCRIPT_NAME. */
  scriptName?: string;
  remoteAddr?: string;
  serverName?: string;
  serverPort?: number;
  protocol?: string;
  scheme?: 'http' | 'https';
}

export interface CgiResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

/** The whole reply of a cell run in http mode: the parsed response, and what else it said. */
export interface HttpCellResult extends CgiResponse {
  exitCode: number;
  stderr: Uint8Array;
}

/** The longest header section a response may have. */
export const MAX_CGI_HEADER_BYTES = 64 * 1024;

/** Request headers a CGI program must not see as HTTP_*: their values already are meta-variables, or (Proxy) they enable httpoxy. */
const WITHHELD = new Set(['content-type', 'content-length', 'proxy']);

export function cgiEnvironment(req: CgiRequest): Array<[string, string]> {
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q + 1);
  const script = req.scriptName ?? '';
  const rawPathInfo = rawPath.startsWith(script) ? rawPath.slice(script.length) : rawPath;
  const header = (name: string) => req.headers.find(([k]) => k.toLowerCase() === name)?.[1];
  const host = req.serverName ?? header('host')?.replace(/:\d+$/, '') ?? 'localhost';
  const port = String(req.serverPort ?? 80);
  const env: Array<[string, string]> = [
    ['GATEWAY_INTERFACE', 'CGI/1.1'],
    ['SERVER_SOFTWARE', 'wetware/0.1.0'],
    ['SERVER_PROTOCOL', req.protocol ?? 'HTTP/1.1'],
    ['SERVER_NAME', host],
    ['SERVER_PORT', port],
    ['REQUEST_METHOD', req.method],
    ['SCRIPT_NAME', script],
    ['PATH_INFO', decodePath(rawPathInfo)],
    ['QUERY_STRING', query],
    ['REMOTE_ADDR', req.remoteAddr ?? ''],
    ['X_MATCHED_ROUTE', script || '/'],
    ['X_RAW_PATH_INFO', rawPathInfo],
    ['X_FULL_URL', `${req.scheme ?? 'http'}://${header('host') ?? `${host}:${port}`}${req.url}`],
  ];
  const type = header('content-type');
  if (type !== undefined) env.push(['CONTENT_TYPE', type]);
  if (req.body && req.body.length > 0) env.push(['CONTENT_LENGTH', String(req.body.length)]);
  const seen = new Map<string, number>();
  for (const [k, v] of req.headers) {
    if (WITHHELD.has(k.toLowerCase())) continue;
    const name = 'HTTP_' + k.toUpperCase().replace(/-/g, '_');
    if (!/^HTTP_[A-Z0-9_]+$/.test(name) || v.includes('\0')) continue;
    // Repeated headers are joined, as HTTP allows for lists.
    const at = seen.get(name);
    if (at !== undefined) env[at]![1] += `, ${v}`;
    else { seen.set(name, env.length); env.push([name, v]); }
  }
  return env;
}

function decodePath(p: string): string {
  try { return decodeURIComponent(p); } catch { return p; }
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses a CGI response (RFC 3875 section 6). */
export function parseCgiResponse(out: Uint8Array): CgiResponse {
  const bad = (why: string, hint?: string) => new CellError('cell/bad-cgi', `the cell's response is not valid CGI: ${why}`, {}, hint
    ?? 'an http-mode cell writes header lines (at least Content-Type, Location or Status), an empty line, then the body');
  if (out.length === 0) return badEmpty();
  // The header section ends at the first empty line (CRLF or LF endings).
  let end = -1, bodyStart = -1;
  const limit = Math.min(out.length, MAX_CGI_HEADER_BYTES + 4);
  for (let i = 0; i < limit; i++) {
    if (out[i] !== 0x0a) continue;
    if (out[i + 1] === 0x0a) { end = i; bodyStart = i + 2; break; }
    if (out[i + 1] === 0x0d && out[i + 2] === 0x0a) { end = i; bodyStart = i + 3; break; }
  }
  if (end < 0) {
    throw out.length > MAX_CGI_HEADER_BYTES
      ? bad(`no end of headers in the first ${MAX_CGI_HEADER_BYTES} bytes`)
      : bad('no empty line ends the headers');
  }
  const head = new TextDecoder('utf-8', { fatal: false }).decode(out.subarray(0, end));
  const headers: Array<[string, string]> = [];
  let status: number | undefined;
  for (const raw of head.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue; // only possible before the first header: a response that starts with its blank line
    const colon = line.indexOf(':');
    if (colon <= 0) throw bad(`header line ${JSON.stringify(line.slice(0, 80))} has no name`);
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (!HEADER_NAME.test(name)) throw bad(`invalid header name ${JSON.stringify(name.slice(0, 80))}`);
    if (/[\0\r\n]/.test(value)) throw bad(`invalid value for header ${name}`);
    if (name.toLowerCase() === 'status') {
      const m = /^([1-5]\d\d)(?:\s.*)?$/.exec(value);
      if (!m || Number(m[1]) < 100) throw bad(`invalid Status ${JSON.stringify(value.slice(0, 80))}`);
      if (status !== undefined) throw bad('two Status headers');
      status = Number(m[1]);
    } else {
      headers.push([name, value]);
    }
  }
  const has = (n: string) => headers.some(([k]) => k.toLowerCase() === n);
  if (status === undefined && !has('content-type') && !has('location')) {
    throw bad('it has none of Content-Type, Location or Status');
  }
  // A Location without a Status is a redirect (a client redirect: local CGI redirects are not followed).
  return { status: status ?? (has('location') ? 302 : 200), headers, body: out.slice(bodyStart) };
}

function badEmpty(): never {
  throw new CellError('cell/bad-cgi', "the cell's response is not valid CGI: it wrote nothing", {},
    'an http-mode cell writes header lines (at least Content-Type, Location or Status), an empty line, then the body');
}

/** Runs one request through a cell in http mode and parses its answer. */
export async function runHttpCell(executor: Executor, req: CgiRequest,
  opts: { limits?: Partial<CellLimits>; args?: string[]; grants?: readonly ExportSpec[]; epoch?: Epoch; env?: ReadonlyArray<readonly [string, string]>; signal?: AbortSignal } = {}): Promise<HttpCellResult> {
  const cgi = cgiEnvironment(req);
  // The route's own environment goes first; the request's meta-variables win a clash.
  const env = opts.env ? [...opts.env.filter(([k]) => !cgi.some(([c]) => c === k)), ...cgi] : cgi;
  const spawn: CellSpawnOptions = { mode: 'http', env };
  if (opts.limits) spawn.limits = opts.limits;
  if (opts.args) spawn.args = opts.args;
  // With grants, the cell reaches its membrane over the ww:cell/membrane channel.
  if (opts.grants) spawn.grants = opts.grants;
  if (opts.epoch) spawn.epoch = opts.epoch;
  const p = spawnCell(executor, spawn).process;
  // A caller that gives up (a gateway timeout) kills the cell; the result is then :cell/killed.
  if (opts.signal) {
    if (opts.signal.aborted) p.kill();
    else opts.signal.addEventListener('abort', () => p.kill(), { once: true });
  }
  p.stdin.end(req.body ?? new Uint8Array(0));
  const [stdout, stderr, status] = await Promise.all([collect(p.stdout), collect(p.stderr), p.result()]);
  if ('error' in status) throw status.error;
  if (status.code !== 0 && stdout.length === 0) {
    throw new CellError('cell/bad-cgi', `the cell exited with code ${status.code} without writing a response`, { exitCode: status.code });
  }
  return { ...parseCgiResponse(stdout), exitCode: status.code, stderr };
}

async function collect(s: AsyncIterable<unknown>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const c of s) chunks.push(c as Uint8Array);
  return Buffer.concat(chunks);
}
