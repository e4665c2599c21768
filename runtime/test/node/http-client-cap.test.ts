// The HttpClient capability (runtime/node/caps/http-client.ts) against a
// real node:http server on 127.0.0.1: the allowlist on the URL and on
// every redirect, the deadline, the body cap, and POST. `localhost` plays
// the host that is not allowed: it is never contacted, since the check
// comes before the request.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient$Client } from '../../../schema/generated/http.js';
import { httpClientHook, hostAllowed, request } from '../../node/caps/http-client.js';
import { NodeError } from '../../node/errors.js';
import { graftedSession, type GraftedSession } from './cap-session.js';

let server: Server;
let base: string;
let port: number;
const hits: string[] = [];
let s: GraftedSession;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.headers.host} ${req.url}`);
    const url = req.url ?? '/';
    if (url === '/hello') { res.setHeader('X-Thing', 'yes'); res.setHeader('Set-Cookie', ['a=1', 'b=2']); res.end('hi'); return; }
    if (url === '/redirect-same') { res.writeHead(302, { location: '/hello' }); res.end(); return; }
    if (url === '/redirect-away') { res.writeHead(302, { location: `http://localhost:${port}/hello` }); res.end(); return; }
    if (url === '/loop') { res.writeHead(307, { location: '/loop' }); res.end(); return; }
    if (url === '/slow') { return; } // never answers
    if (url === '/big') { res.end(Buffer.alloc(2000, 120)); return; }
    if (url === '/big-chunked') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let n = 0;
      const t = setInterval(() => { res.write(Buffer.alloc(500, 121)); if (++n === 6) { clearInterval(t); res.end(); } }, 1);
      return;
    }
    if (url === '/see-other') { req.resume(); res.writeHead(303, { location: '/hello' }); res.end(); return; }
    if (url === '/echo') {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => { res.writeHead(201, { 'content-type': 'text/plain' }); res.end(`${req.headers['content-type']}|${Buffer.concat(chunks)}`); });
      return;
    }
    res.writeHead(404); res.end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  s = await graftedSession([{ name: 'http-client', interfaceId: HttpClient$Client.interfaceId, cap: httpClientHook({ allow: ['127.0.0.1'], timeoutMs: 1000, maxBodyBytes: 1000 }) }]);
});

afterAll(async () => { s?.close(); server.closeAllConnections(); await new Promise((r) => server.close(r)); });

const opts = { allow: ['127.0.0.1'], timeoutMs: 1000, maxBodyBytes: 1000 };

describe('the allowlist', () => {
  it('matches exact hosts, *.domain subdomains and *', () => {
    expect(hostAllowed(['api.example.com'], 'api.example.com')).toBe(true);
    expect(hostAllowed(['api.example.com'], 'API.Example.com')).toBe(true);
    expect(hostAllowed(['api.example.com'], 'evil.com')).toBe(false);
    expect(hostAllowed(['*.example.com'], 'a.b.example.com')).toBe(true);
    expect(hostAllowed(['*.example.com'], 'example.com')).toBe(false);
    expect(hostAllowed(['*.example.com'], 'badexample.com')).toBe(false);
    expect(hostAllowed(['*'], 'anything.org')).toBe(true);
    expect(hostAllowed(['::1'], '[::1]')).toBe(true);
    expect(hostAllowed([], '127.0.0.1')).toBe(false);
  });

  it('a refusal names the host and the flag that would allow it', async () => {
    const e = await request({ allow: [] }, { method: 'GET', url: 'https://api.example.com/x', headers: [] }).then(() => null, (x) => x);
    expect(e).toMatchObject({ code: 'node/http-denied', message: "http-client may not reach api.example.com: it is not on this node's --http-dial allowlist" });
    expect(e.hint).toBe("start the node with --http-dial api.example.com (or --http-dial '*.example.com')");
    const ip = await request({ allow: [] }, { method: 'GET', url: 'http://10.1.2.3/', headers: [] }).then(() => null, (x) => x);
    expect(ip.hint).toBe('start the node with --http-dial 10.1.2.3');
  });
});

describe('HttpClient over RPC from Glia', () => {
  it('GETs an allowed host: status, lower-case headers, body', async () => {
    const r = await s.eval(`(let [r (perform http-client :get "${base}/hello" [])] [(:status r) (bytes->string (:body r)) (filter #(#{"x-thing" "set-cookie"} (:name %)) (:headers r))])`);
    expect(r).toBe('[200 "hi" ({:name "x-thing", :value "yes"} {:name "set-cookie", :value "a=1"} {:name "set-cookie", :value "b=2"})]');
  });

  it('follows a redirect on the allowed host', async () => {
    expect(await s.eval(`(bytes->string (:body (perform http-client :get "${base}/redirect-same" [])))`)).toBe('"hi"');
  });

  it('refuses a host not on the list, naming it and the flag', async () => {
    const msg = JSON.parse(await s.eval(`(try (perform http-client :get "http://localhost:${port}/hello" []) (catch :glia.error/permission-denied e (:glia.error/message e)))`));
    expect(msg).toContain('http-client may not reach localhost');
    expect(msg).toContain('--http-dial');
  });

  it('refuses a redirect to a host not on the list, without contacting it', async () => {
    hits.length = 0;
    const msg = JSON.parse(await s.eval(`(try (perform http-client :get "${base}/redirect-away" []) (catch :glia.error/permission-denied e (:glia.error/message e)))`));
    expect(msg).toContain('may not reach localhost');
    expect(hits).toEqual([`GET 127.0.0.1:${port} /redirect-away`]);
  });

  it('POSTs a body with its content-type; 303 continues as GET', async () => {
    expect(await s.eval(`(let [r (perform http-client :post "${base}/echo" [{:name "content-type" :value "text/plain"}] (bytes "ping"))] [(:status r) (bytes->string (:body r))])`))
      .toBe('[201 "text/plain|ping"]');
    hits.length = 0;
    expect(await s.eval(`(bytes->string (:body (perform http-client :post "${base}/see-other" [] (bytes "x"))))`)).toBe('"hi"');
    expect(hits).toEqual([`POST 127.0.0.1:${port} /see-other`, `GET 127.0.0.1:${port} /hello`]);
  });

  it('a server that does not answer is node/http-timeout', async () => {
    expect(await s.eval(`(try (perform http-client :get "${base}/slow" []) (catch :node/http-timeout e :timeout))`)).toBe(':timeout');
  });

  it('a body over the cap is node/http-too-large, with or without content-length', async () => {
    expect(await s.eval(`(try (perform http-client :get "${base}/big" []) (catch :node/http-too-large e :big))`)).toBe(':big');
    expect(await s.eval(`(try (perform http-client :get "${base}/big-chunked" []) (catch :node/http-too-large e :big))`)).toBe(':big');
  });
});

describe('request errors', () => {
  it('too many redirects, bad URLs and other schemes are node/http-request', async () => {
    await expect(request(opts, { method: 'GET', url: `${base}/loop`, headers: [] })).rejects.toMatchObject({ code: 'node/http-request', message: expect.stringContaining('redirected more than 5 times') });
    await expect(request(opts, { method: 'GET', url: 'not a url', headers: [] })).rejects.toMatchObject({ code: 'node/http-request' });
    await expect(request({ allow: ['*'] }, { method: 'GET', url: 'file:///etc/passwd', headers: [] })).rejects.toMatchObject({ code: 'node/http-request' });
  });

  it('a refused connection is node/http-request naming the URL', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const p = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const e = await request(opts, { method: 'GET', url: `http://127.0.0.1:${p}/`, headers: [] }).then(() => null, (x) => x);
    expect(e).toBeInstanceOf(NodeError);
    expect(e.code).toBe('node/http-request');
    expect(e.message).toContain(`127.0.0.1:${p}`);
  });
});
