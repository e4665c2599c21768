// HttpListener over real HTTP on 127.0.0.1: routes by path prefix, one
// cell per request, gateway errors for cells that fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpListener } from '../../cell/http-listener.js';
import { testRuntime } from './helpers.js';
import { watFixture } from './wat-fixtures.js';

const t = testRuntime();
const listener = new HttpListener({ maxBodyBytes: 100_000 });
let base: string;
let port: number;

beforeAll(async () => {
  listener.route('/cgi', await t.rt.load(await watFixture('cgi')));
  listener.route('/echo/', await t.rt.load(await watFixture('echo')));
  listener.route('/slow', await t.rt.load(await watFixture('loop')), { timeoutMs: 400 });
  ({ port } = await listener.listen(0));
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => { await listener.close(); await t.done(); });

function envOf(text: string): Record<string, string> {
  const head = text.split('--\n')[0]!;
  return Object.fromEntries(head.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('HttpListener', () => {
  it('serves a request with the cell for its prefix, CGI in and out', async () => {
    const r = await fetch(`${base}/cgi/items/9?x=1`, { method: 'POST', body: 'payload', headers: { 'X-Hello': 'there' } });
    expect(r.status).toBe(201);
    expect(r.headers.get('x-cell')).toBe('wat');
    expect(r.headers.get('content-type')).toBe('text/plain');
    const text = await r.text();
    expect(envOf(text)).toMatchObject({
      SCRIPT_NAME: '/cgi', PATH_INFO: '/items/9', QUERY_STRING: 'x=1', REQUEST_METHOD: 'POST', REMOTE_ADDR: '127.0.0.1',
      SERVER_PORT: String(port), HTTP_X_HELLO: 'there', CONTENT_LENGTH: '7', WW_CELL_MODE: 'http', SERVER_PROTOCOL: 'HTTP/1.1',
    });
    expect(text.endsWith('--\npayload')).toBe(true);
  });

  it('passes status, repeated headers and a binary body back', async () => {
    const body = Buffer.concat([Buffer.from('Status: 207\r\nContent-Type: application/octet-stream\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nConnection: upgrade\r\n\r\n'), Buffer.from([0, 1, 2, 255])]);
    const r = await fetch(`${base}/echo`, { method: 'POST', body });
    expect(r.status).toBe(207);
    expect(r.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(r.headers.get('connection')).not.toBe('upgrade');
    expect([...new Uint8Array(await r.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('matches prefixes at path segments and answers 404 elsewhere', async () => {
    expect((await fetch(`${base}/cgix`)).status).toBe(404);
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/cgi`)).status).toBe(201);
  });

  it('answers 504 for a cell that runs out of time, 502 for one whose answer is not CGI, while others are served', async () => {
    const [slow, bad, ...good] = await Promise.all([
      fetch(`${base}/slow`),
      fetch(`${base}/echo`, { method: 'POST', body: 'not a CGI response' }),
      ...Array.from({ length: 6 }, (_, i) => fetch(`${base}/cgi/${i}`)),
    ]);
    expect(slow.status).toBe(504);
    expect(slow.headers.get('x-cell-error')).toBe('cell/timeout');
    expect(await slow.text()).toMatch(/^error\[cell\/timeout\]/);
    expect(bad.status).toBe(502);
    expect(bad.headers.get('x-cell-error')).toBe('cell/bad-cgi');
    for (const [i, r] of good.entries()) {
      expect(r.status).toBe(201);
      expect(envOf(await r.text()).PATH_INFO).toBe(`/${i}`);
    }
  });

  it('refuses a body over the limit with 413 and spawns nothing for it', async () => {
    const r = await fetch(`${base}/cgi`, { method: 'POST', body: 'x'.repeat(200_000) });
    expect(r.status).toBe(413);
  });

  it('refuses route prefixes that are not paths', () => {
    expect(() => listener.route('cgi', null as any)).toThrow(/route prefix/);
    expect(() => listener.route('/a?b', null as any)).toThrow(/route prefix/);
  });
});
