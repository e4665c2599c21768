// The production HttpListener capability and Glia's `(perform host :listen
// ...)`, end to end: vat A is the node (a Host server whose network()
// returns the HttpListener over a real WAGI gateway and CellRuntime, and
// its Runtime), served through a Membrane; vat B is a Glia session with
// the graft bound by name; vat C serves an Executor of its own, which B
// hands to A's listener, so each request's spawn crosses two connections.
// Real HTTP on 127.0.0.1 answered by real WAT cells.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as $ from 'capnp-es';
import { Session, prStr } from '../../../glia/index.js';
import { Connection } from '../../rpc/conn.js';
import { pipePair } from '../../rpc/transport.js';
import { toHook, type Hook } from '../../rpc/hooks.js';
import { Membrane, readGraft } from '../../membrane/membrane.js';
import { Epoch } from '../../membrane/epoch.js';
import { GliaBridge, bindGraft } from '../../membrane/glia-cap.js';
import { HostCap } from '../../membrane/host-cap.js';
import '../../membrane/runtime-cap.js';
import { Membrane$Client } from '../../../schema/generated/membrane.js';
import {
  Host$Server, Host$Client, Runtime$Client, Executor$Client, HttpListener$Client, StreamListener$Client, StreamDialer$Client,
  VatListener$Client, VatClient$Client, HttpListener_Listen$Results,
} from '../../../schema/generated/system.js';
import { CellRuntime } from '../../cell/runtime.js';
import { cidOf } from '../../cell/cid.js';
import { executorHook, runtimeServer } from '../../cell/servers.js';
import { WagiGateway } from '../../node/wagi.js';
import { httpListenerHook } from '../../node/caps/http-listener.js';
import { BrokenHook } from '../../rpc/hooks.js';
import { RpcError } from '../../rpc/errors.js';
import { watFixture } from '../cell/wat-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ww-listener-cap-'));
const rt = new CellRuntime({ cacheDir: dir });
const farRt = new CellRuntime({ cacheDir: dir, warmWorkers: 0 });
const epoch = new Epoch();
const gateway = new WagiGateway({ timeoutMs: 20_000 });
const listenerHook = httpListenerHook(gateway, rt, { epoch });
const conns: Connection[] = [];
let session: Session;
let base: string;
let cgiCid: string;

function hostServer(): Host$Server {
  return new Host$Server({
    id: async (_p, r) => { r.peerId = '12D3KooWnode'; },
    addrs: async (_p, r) => { r._initAddrs(1).set(0, '/ip4/127.0.0.1/tcp/2025'); },
    peers: async (_p, r) => { r._initPeers(0); },
    network: async (_p, r) => {
      r.httpListener = new HttpListener$Client(listenerHook as any);
      // This test serves HTTP only; the libp2p endpoints are tested in p2p/.
      const off = new BrokenHook(new RpcError('failed', 'not in this test'));
      r.streamListener = new StreamListener$Client(off as any);
      r.streamDialer = new StreamDialer$Client(off as any);
      r.vatListener = new VatListener$Client(off as any);
      r.vatClient = new VatClient$Client(off as any);
    },
  });
}

/** A capability served by a vat of its own, as the importing side sees it. */
async function overRpc(exports: Array<{ name: string; interfaceId: bigint; cap: Hook }>, ep?: Epoch) {
  const membrane = new Membrane(() => exports, ep);
  const [a, b] = pipePair();
  conns.push(new Connection(a, { bootstrap: membrane.server() }));
  const client = new Connection(b);
  conns.push(client);
  return readGraft(await new Membrane$Client(await client.bootstrapClient() as any).graft().promise());
}

beforeAll(async () => {
  const cgi = await watFixture('cgi');
  cgiCid = cidOf(cgi);
  const { port } = await gateway.start({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${port}`;
  // Vat A, the node.
  const fromNode = await overRpc([
    { name: 'host', interfaceId: Host$Client.interfaceId, cap: toHook(hostServer())! },
    { name: 'runtime', interfaceId: Runtime$Client.interfaceId, cap: toHook(runtimeServer(rt))! },
  ], epoch);
  // Vat C: an Executor for the cgi cell, from a runtime of its own.
  const fromFar = await overRpc([{ name: 'far-executor', interfaceId: Executor$Client.interfaceId, cap: executorHook(await farRt.load(cgi)) }]);
  const bridge = new GliaBridge();
  session = new Session({
    capabilities: {
      ...bindGraft(bridge, [...fromNode, ...fromFar]),
      'cgi-wasm': cgi,
      'trap-wasm': await watFixture('trap'),
    },
  });
  bridge.session = session;
}, 120_000);
afterAll(async () => {
  for (const c of conns) c.close();
  await gateway.close();
  await rt.close();
  await farRt.close();
  rmSync(dir, { recursive: true, force: true });
});

const ev = async (src: string) => prStr(await session.evalString(src));
/** The error type and message a Glia try catches from `src`. */
const caught = (src: string) => ev(`(try ${src} nil (catch _ e [(:glia.error/type e) (:glia.error/message e)]))`);

function envOf(text: string): Record<string, string> {
  const head = text.split('--\n')[0]!;
  return Object.fromEntries(head.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('(perform host :listen ...) from Glia', () => {
  it('the host is a HostCap with the conveniences among its methods', async () => {
    expect(await session.evalString('host')).toBeInstanceOf(HostCap);
    expect(await ev('(methods host)')).toBe('[:addrs :dial-stream :dial-vat :id :listen :listen-stream :network :peers :serve-vat :state-ref]');
  });

  it('serves a cell value under its prefix, answers with X-Wetware-Cell, and :cancel removes the route', async () => {
    expect(await ev('(def reg (perform host :listen (cell cgi-wasm) "/glia"))')).toMatch(/reg/);
    expect(await ev('reg')).toBe('#<cap Registration>');
    const r = await fetch(`${base}/glia/items?q=1`, { method: 'POST', body: 'hello' });
    expect(r.status).toBe(201);
    expect(r.headers.get('x-wetware-cell')).toBe(cgiCid);
    const text = await r.text();
    expect(envOf(text)).toMatchObject({ SCRIPT_NAME: '/glia', PATH_INFO: '/items', QUERY_STRING: 'q=1', WW_CELL_MODE: 'http' });
    expect(text.endsWith('--\nhello')).toBe(true);
    expect((await fetch(`${base}/gliax`)).status).toBe(404);
    expect(await ev('(perform reg :cancel)')).toBe('nil');
    expect((await fetch(`${base}/glia/items`)).status).toBe(404);
    expect(await ev('(perform reg :cancel)')).toBe('nil');
  });

  it('a cell value with explicit grants, and the bare component bytes, serve too', async () => {
    await ev('(def g (perform host :listen (cell cgi-wasm {"host" (attenuate host [:id])}) "/granted"))');
    await ev('(def b (perform host :listen cgi-wasm "/bare"))');
    for (const p of ['/granted', '/bare/x']) {
      const r = await fetch(base + p);
      expect(r.status).toBe(201);
      expect(r.headers.get('x-wetware-cell')).toBe(cgiCid);
    }
    await ev('(perform g :cancel)');
    await ev('(perform b :cancel)');
  });

  it('refuses a taken prefix, a prefix that is not a path, bytes that are not a component, and a non-cell, each with its code', async () => {
    await ev('(def held (perform host :listen (cell cgi-wasm) "/held"))');
    expect(await caught('(perform host :listen (cell cgi-wasm) "/held/")')).toBe('[:node/route-taken "the WAGI route /held is taken"]');
    expect(await caught('(perform host :listen (cell cgi-wasm) "held")')).toMatch(/^\[:node\/bad-route /);
    expect(await caught('(perform host :listen (bytes [1 2 3]) "/junk")')).toMatch(/^\[:cell\/invalid /);
    expect(await caught('(perform host :listen 42 "/x")')).toMatch(/^\[:glia.error\/type-mismatch "Host :listen serves a cell value, a component's bytes or an Executor, got number/);
    expect(await caught('(perform host :listen (cell cgi-wasm))')).toMatch(/^\[:glia.error\/arity-mismatch /);
    expect(gateway.routes()).not.toContain('/junk');
    expect((await fetch(`${base}/held`)).status).toBe(201);
    await ev('(perform held :cancel)');
  });

  it('an attenuated host: without :network (or :listen) it refuses :listen; (attenuate host [:listen]) serves', async () => {
    expect(await caught('(perform (attenuate host [:id]) :listen (cell cgi-wasm) "/att")')).toMatch(/^\[:glia.error\/permission-denied "Host :listen: Host.network \(@3\) is not allowed/);
    expect(gateway.routes()).not.toContain('/att');
    await ev('(def att (perform (attenuate host [:listen]) :listen (cell cgi-wasm) "/att"))');
    expect((await fetch(`${base}/att`)).status).toBe(201);
    // What :listen returns is confined to the calls :listen makes, so this Registration cannot cancel.
    expect(await caught('(perform att :cancel)')).toMatch(/^\[:glia.error\/permission-denied .*Registration.cancel \(@0\) is not allowed/);
    expect((await fetch(`${base}/att`)).status).toBe(201);
  });
});

describe('CellSpec.executor: every spawn goes through the Executor capability', () => {
  it('serves with an executor from another vat: the spawn crosses two connections', async () => {
    await ev('(def far (perform host :listen far-executor "/far"))');
    const r = await fetch(`${base}/far/p?z=9`, { method: 'PUT', body: 'over rpc' });
    expect(r.status).toBe(201);
    expect(r.headers.get('x-wetware-cell')).toBe(cgiCid);
    const text = await r.text();
    expect(envOf(text)).toMatchObject({ SCRIPT_NAME: '/far', PATH_INFO: '/p', QUERY_STRING: 'z=9', REQUEST_METHOD: 'PUT', WW_CELL_MODE: 'http' });
    expect(text.endsWith('--\nover rpc')).toBe(true);
    // A body larger than one ByteStream write goes in whole.
    const big = Buffer.alloc(3 * 1024 * 1024 + 5, 0x62);
    const rb = await fetch(`${base}/far/big`, { method: 'POST', body: big });
    expect(rb.status).toBe(201);
    expect((await rb.text()).endsWith('--\n' + big.toString())).toBe(true);
    await ev('(perform far :cancel)');
  }, 60_000);

  it('an executor loaded through the node\'s Runtime capability serves too, and its cell errors keep their code', async () => {
    await ev('(def t (perform host :listen (perform runtime :load trap-wasm) "/trap-exec"))');
    const r = await fetch(`${base}/trap-exec`);
    expect([r.status, r.headers.get('x-cell-error')]).toEqual([502, 'cell/trap']);
    expect(await r.text()).toMatch(/^error\[cell\/trap\]/);
    await ev('(perform t :cancel)');
  });

  it('an attenuated executor: the policy refuses each spawn (502), or the listen when :cid is withheld', async () => {
    await ev('(def d (perform host :listen (attenuate far-executor [:cid]) "/denied"))');
    const r = await fetch(`${base}/denied`);
    expect([r.status, r.headers.get('x-cell-error'), r.headers.get('x-wetware-cell')]).toEqual([502, 'rpc/permission-denied', cgiCid]);
    expect(await r.text()).toMatch(/Executor\.spawn \(@0\) is not allowed/);
    await ev('(perform d :cancel)');
    expect(await caught('(perform host :listen (attenuate far-executor [:spawn]) "/no-cid")')).toMatch(/^\[:cell\/bad-spawn "the CellSpec's executor did not give its CID \(permission-denied: Executor.cid \(@1\) is not allowed/);
    expect(gateway.routes()).not.toContain('/no-cid');
  });
});

describe('the HttpListener capability directly', () => {
  it('refuses a CellSpec with neither executor nor wasm, and a bad env entry', async () => {
    const listen = (fill: (p: any) => void) => listenerHook.call({ method: HttpListener$Client.methods[0]!, paramsFunc: fill }).struct();
    await expect(listen((p) => { p.prefix = '/empty'; p._initCell(); })).rejects.toThrow(/cell\/bad-spawn: the CellSpec has neither an executor nor/);
    const cgi = await watFixture('cgi');
    await expect(listen((p) => { p.prefix = '/env'; const c = p._initCell(); c._initWasm(cgi.length).copyBuffer(cgi); c._initEnv(1).set(0, 'NOEQUALS'); }))
      .rejects.toThrow(/env entry 0 is not KEY=VALUE/);
    // With env and limits: the cell sees the env; the CGI meta-variables win a clash.
    const s = await listen((p) => {
      p.prefix = '/envd';
      const c = p._initCell();
      c._initWasm(cgi.length).copyBuffer(cgi);
      const e = c._initEnv(2); e.set(0, 'GREETING=hi'); e.set(1, 'REQUEST_METHOD=forged');
      c._initLimits().wallClockMs = 10_000n;
    });
    const res = await fetch(`${base}/envd`);
    expect(envOf(await res.text())).toMatchObject({ GREETING: 'hi', REQUEST_METHOD: 'GET' });
    const reg = $.utils.getAs(HttpListener_Listen$Results, s).registration;
    await reg.cancel().promise();
    expect((await fetch(`${base}/envd`)).status).toBe(404);
  });

  it('caps what a cell may answer at the gateway\'s maxResponseBytes, for wasm and executor specs alike', async () => {
    const small = new WagiGateway({ maxResponseBytes: 16 * 1024 });
    const hook = httpListenerHook(small, rt);
    const { port } = await small.start('127.0.0.1:0');
    try {
      const cgi = await watFixture('cgi');
      const far = await farRt.load(cgi);
      const listen = (prefix: string, fill: (c: any) => void) => hook.call({
        method: HttpListener$Client.methods[0]!, paramsFunc: (p: any) => { p.prefix = prefix; fill(p._initCell()); },
      }).struct();
      await listen('/local', (c) => { c._initWasm(cgi.length).copyBuffer(cgi); c._initLimits().outputBytes = 1n << 30n; });
      await listen('/remote', (c) => { c.executor = new Executor$Client(executorHook(far) as any); });
      for (const p of ['/local', '/remote']) {
        expect((await fetch(`http://127.0.0.1:${port}${p}`, { method: 'POST', body: 'small' })).status).toBe(201);
        const big = await fetch(`http://127.0.0.1:${port}${p}`, { method: 'POST', body: Buffer.alloc(20 * 1024, 0x63) });
        expect([big.status, big.headers.get('x-cell-error')], p).toEqual([502, 'cell/output-limit']);
      }
    } finally { await small.close(); }
  });

  it('routes end with the epoch they were made in (and the registration is stale)', async () => {
    await ev('(def e (perform host :listen (cell cgi-wasm) "/epoch"))');
    expect((await fetch(`${base}/epoch`)).status).toBe(201);
    epoch.advance('head-2', 'test');
    expect((await fetch(`${base}/epoch`)).status).toBe(404);
    expect(await caught('(perform e :cancel)')).toMatch(/^\[:glia.error\/stale-epoch /);
  });
});
