// http mode: CGI in (environment and stdin), CGI out (parsed strictly).
import { afterAll, describe, expect, it } from 'vitest';
import { cgiEnvironment, parseCgiResponse, runHttpCell, MAX_CGI_HEADER_BYTES } from '../../cell/cgi.js';
import { CellError } from '../../cell/errors.js';
import { testRuntime } from './helpers.js';
import { watFixture } from './wat-fixtures.js';

const t = testRuntime();
afterAll(() => t.done());
const enc = (s: string) => new TextEncoder().encode(s);

function cgiError(out: Uint8Array | string): CellError {
  try { parseCgiResponse(typeof out === 'string' ? enc(out) : out); } catch (e) { expect(e).toBeInstanceOf(CellError); return e as CellError; }
  throw new Error('parsed');
}

describe('CGI responses', () => {
  it('parse status, headers and body, with CRLF or LF line ends', () => {
    const r = parseCgiResponse(enc('Status: 404 Not Found\r\nContent-Type: text/plain\r\nX-A: 1\r\nX-A: 2\r\n\r\nno\r\n\r\nsuch'));
    expect(r.status).toBe(404);
    expect(r.headers).toEqual([['Content-Type', 'text/plain'], ['X-A', '1'], ['X-A', '2']]);
    expect(new TextDecoder().decode(r.body)).toBe('no\r\n\r\nsuch');
    const lf = parseCgiResponse(enc('Content-Type: text/html\n\n<p>'));
    expect(lf.status).toBe(200);
    expect(new TextDecoder().decode(lf.body)).toBe('<p>');
    expect(parseCgiResponse(enc('Location: https://example.org/\n\n')).status).toBe(302);
    expect(parseCgiResponse(enc('Status: 204\n\n')).body.length).toBe(0);
  });

  it('keep binary bodies intact', () => {
    const body = Uint8Array.from({ length: 256 }, (_, i) => i);
    const out = new Uint8Array([...enc('Content-Type: application/octet-stream\r\n\r\n'), ...body]);
    expect([...parseCgiResponse(out).body]).toEqual([...body]);
  });

  it('refuse what is not CGI, saying what is wrong', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /wrote nothing/],
      ['hello world\n', /no empty line ends the headers/],
      ['hello world\n\nbody', /has no name/],
      ['Content Type: x\n\n', /invalid header name/],
      ['X-Only: 1\n\n', /none of Content-Type, Location or Status/],
      ['Status: 99 Odd\n\n', /invalid Status/],
      ['Status: 200\nStatus: 201\n\n', /two Status headers/],
      ['Status: abc\n\n', /invalid Status/],
    ];
    for (const [out, why] of cases) {
      const e = cgiError(out);
      expect(e.code, JSON.stringify(out)).toBe('cell/bad-cgi');
      expect(e.message, JSON.stringify(out)).toMatch(why);
    }
    expect(cgiError('X: ' + 'a'.repeat(MAX_CGI_HEADER_BYTES + 10)).message).toMatch(/no end of headers/);
  });
});

describe('CGI requests', () => {
  it('put the request in RFC 3875 meta-variables, headers as HTTP_*, without Proxy', () => {
    const env = new Map(cgiEnvironment({
      method: 'POST', url: '/app/a%20b/c?x=1&y=2', scriptName: '/app',
      headers: [['Host', 'node.local:2080'], ['Content-Type', 'text/plain'], ['X-Trace', 'a'], ['x-trace', 'b'], ['Proxy', 'evil:1']],
      body: enc('12345'), remoteAddr: '127.0.0.1', serverPort: 2080,
    }));
    expect(Object.fromEntries(env)).toMatchObject({
      REQUEST_METHOD: 'POST', SCRIPT_NAME: '/app', PATH_INFO: '/a b/c', X_RAW_PATH_INFO: '/a%20b/c', QUERY_STRING: 'x=1&y=2',
      CONTENT_TYPE: 'text/plain', CONTENT_LENGTH: '5', SERVER_NAME: 'node.local', SERVER_PORT: '2080',
      REMOTE_ADDR: '127.0.0.1', GATEWAY_INTERFACE: 'CGI/1.1', HTTP_HOST: 'node.local:2080', HTTP_X_TRACE: 'a, b',
      X_MATCHED_ROUTE: '/app', X_FULL_URL: 'http://node.local:2080/app/a%20b/c?x=1&y=2',
    });
    expect(env.has('HTTP_PROXY')).toBe(false);
    expect(env.has('HTTP_CONTENT_TYPE')).toBe(false);
  });
});

describe('a cell in http mode', () => {
  it('gets the request metadata in its environment and the body on stdin, and its CGI answer is parsed', async () => {
    const cell = await t.rt.load(await watFixture('cgi'));
    const r = await runHttpCell(cell, { method: 'PUT', url: '/x/y?q=1', scriptName: '/x', headers: [['X-Hello', 'there']], body: enc('the body') });
    expect(r.status).toBe(201);
    expect(r.headers).toEqual([['Content-Type', 'text/plain'], ['X-Cell', 'wat']]);
    const [envText, body] = new TextDecoder().decode(r.body).split('--\n');
    const env = Object.fromEntries(envText!.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(env).toMatchObject({ WW_CELL_MODE: 'http', REQUEST_METHOD: 'PUT', PATH_INFO: '/y', QUERY_STRING: 'q=1', HTTP_X_HELLO: 'there', CONTENT_LENGTH: '8' });
    expect(body).toBe('the body');
    expect(r.exitCode).toBe(0);
  });

  it('gets an empty, closed stdin for a request without a body (it does not wait for one)', async () => {
    const cell = await t.rt.load(await watFixture('cgi'));
    const r = await runHttpCell(cell, { method: 'GET', url: '/', headers: [] }, { limits: { timeoutMs: 5000 } });
    expect(r.status).toBe(201);
    expect(new TextDecoder().decode(r.body).endsWith('--\n')).toBe(true);
  });

  it('that answers with something other than CGI gives :cell/bad-cgi', async () => {
    const echo = await t.rt.load(await watFixture('echo'));
    await expect(runHttpCell(echo, { method: 'POST', url: '/', headers: [], body: enc('just some text') }))
      .rejects.toMatchObject({ code: 'cell/bad-cgi' });
    // The same cell, handed a valid CGI response as its body, echoes it back as its answer.
    const ok = await runHttpCell(echo, { method: 'POST', url: '/', headers: [], body: enc('Status: 418\r\nContent-Type: text/plain\r\n\r\nteapot') });
    expect(ok.status).toBe(418);
    expect(new TextDecoder().decode(ok.body)).toBe('teapot');
  });
});
