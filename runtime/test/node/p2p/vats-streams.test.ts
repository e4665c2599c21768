// Vats and streams over libp2p between real nodes in this process (real
// swarms on 127.0.0.1, real Cap'n Proto on libp2p streams, real WASM
// cells), driven from Glia through a grafted Host: serving and dialing a
// capability, attenuation that composes across a relay, names, epochs that
// end registrations, a raw stream echoed by a WAT cell, a vat served by a
// cell per connection, and a peer that goes away mid-call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host$Client, Host$Server } from '../../../../schema/generated/system.js';
import { capOfPointer, toHook } from '../../../rpc/hooks.js';
import * as $ from 'capnp-es';
import { testRuntime } from '../../cell/helpers.js';
import { watFixture } from '../../cell/wat-fixtures.js';
import { rpcFixture } from '../../cell/rpc-fixture.js';
import { p2pNode, connect, type P2pNode } from './p2p-node.js';

const t = testRuntime({ shared: true });
let a: P2pNode, b: P2pNode, c: P2pNode;

beforeAll(async () => {
  a = await p2pNode(t.rt);
  const boot = [a.swarm.getMultiaddrs()[0]!.toString()];
  b = await p2pNode(t.rt, { bootstrap: boot });
  c = await p2pNode(t.rt, { bootstrap: boot, dialTimeoutMs: 8000 });
  await connect(b, a); await connect(c, a);
}, 60_000);

afterAll(async () => {
  for (const n of [a, b, c]) await n?.stop();
  await t.done();
});

const caught = (n: P2pNode, src: string) => n.glia.eval(`(try ${src} nil (catch _ e [(:glia.error/type e) (:glia.error/message e)]))`);

describe('vats', () => {
  it('a capability served on one node is called from another, and its attenuation composes across a relay', async () => {
    await a.glia.eval('(def n (atom 0))');
    await a.glia.eval('(defcap counter :get (fn [] @n) :inc (fn [] (swap! n inc)) :reset (fn [] (reset! n 0)))');
    await a.glia.eval('(swap! n + 41)');
    await a.glia.eval('(def reg (perform host :serve-vat (attenuate counter [:get :inc]) "counter"))');
    // B dials A, calls, and serves what it received, narrowed again, as "relay".
    await b.glia.eval(`(def ctr (perform host :dial-vat "${a.id}" "counter"))`);
    expect(await b.glia.eval('(perform ctr :inc)')).toBe('42');
    expect(await caught(b, '(perform ctr :reset)')).toMatch(/^\[:glia\.error\/permission-denied /);
    await b.glia.eval('(perform host :serve-vat (attenuate ctr [:get]) "relay")');
    // C has no connection to B: the dial finds B through the DHT.
    expect(c.swarm.getConnections(b.swarm.peerId)).toHaveLength(0);
    await c.glia.eval(`(def relay (perform host :dial-vat "${b.id}" "relay"))`);
    expect(await c.glia.eval('(perform relay :get)')).toBe('42');
    expect(await caught(c, '(perform relay :inc)')).toMatch(/^\[:glia\.error\/permission-denied /);
    expect(await caught(c, '(perform relay :reset)')).toMatch(/^\[:glia\.error\/permission-denied /);
    expect(await a.glia.eval('@n')).toBe('42');
  }, 60_000);

  it('a node capability keeps its interface across nodes, so it is called by method name', async () => {
    await a.glia.eval('(perform host :serve-vat (attenuate host [:id]) "host-id")');
    await b.glia.eval(`(def ah (perform host :dial-vat "${a.id}" "host-id"))`);
    expect(await b.glia.eval('(perform ah :id)')).toBe(JSON.stringify(a.id));
    expect(await caught(b, '(perform ah :addrs)')).toMatch(/^\[:glia\.error\/permission-denied /);
  }, 30_000);

  it('a dial to this node itself gives the served capability', async () => {
    await a.glia.eval('(defcap hello :hi (fn [w] (str "hi " w)))');
    await a.glia.eval('(perform host :serve-vat hello "hello")');
    expect(await a.glia.eval(`(perform (perform host :dial-vat "${a.id}" "hello") :hi "me")`)).toBe('"hi me"');
  }, 30_000);

  it('names are one segment, a live name cannot be served twice, and a cancelled one can', async () => {
    expect(await caught(a, '(perform host :serve-vat host "")')).toMatch(/^\[:node\/bad-name "a vat name must not be empty/);
    expect(await caught(a, '(perform host :serve-vat host "a/b")')).toMatch(/^\[:node\/bad-name "the vat name \\"a\/b\\" contains a slash/);
    await a.glia.eval('(def once (perform host :serve-vat host "once"))');
    expect(await caught(a, '(perform host :serve-vat host "once")')).toMatch(/^\[:node\/name-taken "this node already serves the vat \\"once\\"/);
    await a.glia.eval('(perform once :cancel)');
    expect(await a.glia.eval('(do (perform host :serve-vat host "once") :again)')).toBe(':again');
  }, 30_000);

  it('dialing a name the peer does not serve, or a peer nobody knows, fails naming the peer and the protocol', async () => {
    const [type, msg] = JSON.parse((await caught(b, `(perform host :dial-vat "${a.id}" "nobody")`)).replace(/^\[:(\S+) /, '["$1", ').replace(/\]$/, ']'));
    expect(type).toBe('glia.error/cap-call-failed');
    expect(msg).toContain(a.id);
    expect(msg).toContain('/ww/0.1.0/vat/nobody');
    expect(msg).toMatch(/does not serve/);
    // A well-formed peer id that no node has: C's dial gives up (bounded at 8 s here, 30 s by default).
    const stranger = '12D3KooWLZLZ6kVNHcuG4RvHqHoUkUwqMgYZ7VMsKXb9X1P2q7Bz';
    const r = await caught(c, `(perform host :dial-vat "${stranger}" "x")`);
    expect(r).toMatch(/^\[:glia\.error\/cap-call-failed "Host :dial-vat: dialing 12D3KooWLZLZ6kVN\S* on \/ww\/0\.1\.0\/vat\/x: /);
    expect(await caught(c, '(perform host :dial-vat "not-a-peer" "x")')).toMatch(/^\[:node\/bad-peer-id /);
  }, 40_000);

  it('a vat-mode cell per connection serves its bootstrap (VatListener.listen)', async () => {
    const rpc = await rpcFixture();
    // Through the schema, over RPC: the cell's bootstrap is a Host (the RPC test cell's), not a Glia value.
    const net = await new Host$Client(a.host as any).network().promise();
    const spec = { args: ['serve', '/ip4/10.0.0.9/tcp/1', 'two'] };
    const reg = await net.vatListener.listen((p: any) => {
      const cell = p._initCell();
      cell._initWasm(rpc.length).copyBuffer(rpc);
      const args = cell._initArgs(spec.args.length);
      spec.args.forEach((x, i) => args.set(i, x));
      p.name = 'cell-vat';
    }).promise();
    expect(reg.registration).toBeTruthy();
    const bnet = await new Host$Client(b.host as any).network().promise();
    const r = await bnet.vatClient.dial((p: any) => { p.peerId = a.id; p.name = 'cell-vat'; }).promise();
    const remote = new Host$Client(capOfPointer(r.cap as any) as any);
    expect((await remote.id().promise()).peerId).toBe('vat-cell');
    // A second connection gets a cell of its own; cancelling stops new ones.
    const r2 = await bnet.vatClient.dial((p: any) => { p.peerId = a.id; p.name = 'cell-vat'; }).promise();
    expect((await new Host$Client(capOfPointer(r2.cap as any) as any).id().promise()).peerId).toBe('vat-cell');
    expect(a.log.filter((l) => l.startsWith('vat cell-vat: cell '))).toHaveLength(2);
    // A dial from A itself gets a cell of its own too, without libp2p; releasing it ends that cell.
    const anet = await new Host$Client(a.host as any).network().promise();
    const own = await anet.vatClient.dial((p: any) => { p.peerId = a.id; p.name = 'cell-vat'; }).promise();
    const ownCap = capOfPointer(own.cap as any)!;
    expect((await new Host$Client(ownCap as any).id().promise()).peerId).toBe('vat-cell');
    expect(a.log.filter((l) => l.startsWith('vat cell-vat: cell ') && l.endsWith('for this node'))).toHaveLength(1);
    ownCap.close();
    await reg.registration.cancel().promise();
    await expect(anet.vatClient.dial((p: any) => { p.peerId = a.id; p.name = 'cell-vat'; }).promise()).rejects.toThrow(/serves no vat named "cell-vat"/);
    await expect(bnet.vatClient.dial((p: any) => { p.peerId = a.id; p.name = 'cell-vat'; }).promise()).rejects.toThrow(/does not serve \/ww\/0\.1\.0\/vat\/cell-vat/);
  }, 300_000);
});

describe('epochs', () => {
  it('once the epoch ends, remote holders get stale-epoch, the name stops accepting, and the re-run registers it again', async () => {
    await a.glia.eval('(defcap ep :ping (fn [] :pong))');
    await a.glia.eval('(perform host :serve-vat ep "ep")');
    await b.glia.eval(`(def ep (perform host :dial-vat "${a.id}" "ep"))`);
    expect(await b.glia.eval('(perform ep :ping)')).toBe(':pong');
    a.epoch.advance('', 'test', 'admin');
    expect(await caught(b, '(perform ep :ping)')).toMatch(/^\[:glia\.error\/stale-epoch /);
    expect(await caught(b, `(perform host :dial-vat "${a.id}" "ep")`)).toMatch(/does not serve \/ww\/0\.1\.0\/vat\/ep/);
    // A's own graft is stale too; a fresh graft (init.d re-run) serves the name again.
    expect(await caught(a, '(perform host :id)')).toMatch(/^\[:glia\.error\/stale-epoch /);
    await a.regraft();
    await a.glia.eval('(defcap ep :ping (fn [] :pong-2))');
    await a.glia.eval('(perform host :serve-vat ep "ep")');
    expect(await b.glia.eval(`(perform (perform host :dial-vat "${a.id}" "ep") :ping)`)).toBe(':pong-2');
  }, 60_000);
});

describe('streams', () => {
  it('a raw stream is echoed by a WAT cell started per stream, and :close half-closes', async () => {
    const echo = await watFixture('echo');
    await a.glia.eval(`(def echo-wasm (bytes [${[...echo].join(' ')}]))`);
    await a.glia.eval('(perform host :listen-stream (cell echo-wasm) "echo")');
    await b.glia.eval(`(def s (perform host :dial-stream "${a.id}" "echo"))`);
    await b.glia.eval('(perform s :write (bytes "hello over libp2p"))');
    await b.glia.eval('(perform s :close)');
    const got = await b.glia.eval(`(loop [acc ""] (let [{:keys [data eof]} (perform s :read 4)] (let [acc (str acc (bytes->string data))] (if eof acc (recur acc)))))`);
    expect(got).toBe('"hello over libp2p"');
    expect(await caught(b, `(perform host :dial-stream "${a.id}" "no-such")`)).toMatch(/^\[:glia\.error\/cap-call-failed .*does not serve \/ww\/0\.1\.0\/stream\/no-such/);
  }, 120_000);
});

describe('a peer that goes away', () => {
  it('a call in flight fails :glia.error/disconnected, and does not hang', async () => {
    const d = await p2pNode(t.rt);
    await connect(b, d);
    // A Host whose id() never answers, served by d through VatListener.serve.
    let asked!: () => void;
    const wasAsked = new Promise<void>((res) => { asked = res; });
    const stuck = toHook(new Host$Server({
      id: () => { asked(); return new Promise<void>(() => {}); },
      addrs: async () => {}, peers: async () => {}, network: async () => {},
    }))!;
    const net = await new Host$Client(d.host as any).network().promise();
    await net.vatListener.serve((p: any) => {
      p.name = 'stuck';
      p.interfaceId = Host$Client.interfaceId;
      $.utils.setInterfacePointer(p.segment.message.addCap(stuck), $.utils.getPointer(0, p));
    }).promise();
    await b.glia.eval(`(def st (perform host :dial-vat "${d.id}" "stuck"))`);
    const pending = caught(b, '(perform st :id)');
    await wasAsked;
    await d.swarm.stop();
    expect(await pending).toMatch(/^\[:glia\.error\/disconnected /);
    await d.stop().catch(() => {});
  }, 60_000);
});
