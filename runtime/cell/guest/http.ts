// http mode inside a Glia cell: the CGI request (RFC 3875 meta-variables
// in the environment, the body on stdin) as a Glia map, and the map a
// `handle` function returns as a CGI response for stdout.
import { Map as IMap } from 'immutable';
import { fail } from '../../../glia/values/errors.js';
import { kw, Keyword } from '../../../glia/values/keyword.js';
import { prStr } from '../../../glia/values/printer.js';

/**
 * {:method "GET" :path "/x" :query "a=1" :script-name "/status"
 *  :headers {"content-type" "text/plain" ...} :body "..."}
 * Header names are lower case with dashes (HTTP_X_FOO -> "x-foo"); the
 * body is the request body decoded as UTF-8.
 */
export function requestMap(env: Map<string, string>, body: Uint8Array): IMap<any, any> {
  let headers = IMap<any, any>();
  for (const [k, v] of env) {
    if (k.startsWith('HTTP_')) headers = headers.set(k.slice(5).toLowerCase().replace(/_/g, '-'), v);
  }
  if (env.has('CONTENT_TYPE')) headers = headers.set('content-type', env.get('CONTENT_TYPE')!);
  if (env.has('CONTENT_LENGTH')) headers = headers.set('content-length', env.get('CONTENT_LENGTH')!);
  return IMap<any, any>([
    [kw('method'), env.get('REQUEST_METHOD') ?? 'GET'],
    [kw('path'), env.get('PATH_INFO') || '/'],
    [kw('query'), env.get('QUERY_STRING') ?? ''],
    [kw('script-name'), env.get('SCRIPT_NAME') ?? ''],
    [kw('headers'), headers],
    [kw('body'), new TextDecoder().decode(body)],
  ]);
}

const STATUS = kw('status');
const HEADERS = kw('headers');
const BODY = kw('body');
const enc = new TextEncoder();

/**
 * The CGI response for what `handle` returned: a map with :status
 * (default 200), :headers (string or keyword names) and :body (a string,
 * bytes or nil); a bare string is a 200 text/plain body. Anything else is
 * a type-mismatch, which the cell answers with 500.
 */
export function cgiResponse(res: any): Uint8Array {
  if (typeof res === 'string') res = IMap<any, any>([[BODY, res]]);
  if (!IMap.isMap(res)) fail('type-mismatch', `handle must return a response map {:status :headers :body} or a string, got ${prStr(res)}`);
  const m = res as IMap<any, any>;
  const status = m.get(STATUS) ?? 200;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    fail('type-mismatch', `:status must be an integer from 100 to 599, got ${prStr(status)}`);
  }
  const lines = [`Status: ${status}`];
  let hasType = false;
  const headers = m.get(HEADERS) ?? IMap();
  if (!IMap.isMap(headers)) fail('type-mismatch', `:headers must be a map of names to strings, got ${prStr(headers)}`);
  for (const [k, v] of headers as IMap<any, any>) {
    const name = k instanceof Keyword ? k.name : k;
    if (typeof name !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) fail('type-mismatch', `header name ${prStr(k)} is not an HTTP token`);
    const value = typeof v === 'string' ? v : prStr(v);
    if (/[\r\n]/.test(value)) fail('type-mismatch', `header ${name}'s value contains a line break`);
    if (name.toLowerCase() === 'status') continue; // :status says it
    if (name.toLowerCase() === 'content-type') hasType = true;
    lines.push(`${name}: ${value}`);
  }
  if (!hasType) lines.push('Content-Type: text/plain; charset=utf-8');
  const body = m.get(BODY) ?? '';
  let bytes: Uint8Array;
  if (typeof body === 'string') bytes = enc.encode(body);
  else if (body instanceof Uint8Array) bytes = body;
  else fail('type-mismatch', `:body must be a string, bytes or nil, got ${prStr(body)}`);
  const head = enc.encode(lines.join('\r\n') + '\r\n\r\n');
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head);
  out.set(bytes, head.length);
  return out;
}
