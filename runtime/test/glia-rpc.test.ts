// Glia end to end over RPC: vat A serves a Host and an Executor (TypeScript
// servers for the real schema) and a `defcap` from its own Glia session,
// all through a Membrane graft; vat B grafts them into a Glia session and
// uses them with `perform`. Attenuation from Glia is a real membrane policy:
// it holds when B hands the capability back to A.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Session } from '../../glia/index.js';
import { Connection } from '../rpc/conn.js';
import { pipePair } from '../rpc/transport.js';
import { toHook } from '../rpc/hooks.js';
import { Membrane, readGraft } from '../membrane/membrane.js';
import { PolicyHook } from '../membrane/policy.js';
import { GliaBridge, bindGraft, RpcCap, GLIA_CAP_INTERFACE_ID } from '../membrane/glia-cap.js';
import { Membrane$Client } from '../../schema/generated/membrane.js';
import { Host$Server, Host$Client, Executor$Server, Executor$Client, Process$Server } from '../../schema/generated/system.js';

const spawned: Array<{ args: string[]; env: string[]; wallClockMs: bigint }> = [];

function hostServer() {
  return new Host$Server({
    id: async (_p, r) => { r.peerId = '12D3KooWvatA'; },
    addrs: async (_p, r) => { const l = r._initAddrs(2); l.set(0, '/ip4/127.0.0.1/tcp/2020'); l.set(1, '/ip6/::1/tcp/2020'); },
    peers: async (_p, r) => {
      const l = r._initPeers(1);
      l.get(0).peerId = '12D3KooWpeer';
      const a = l.get(0)._initAddrs(1); a.set(0, '/ip4/10.0.0.2/tcp/2020');
    },
    network: async () => { throw new Error('not in this test'); },
  });
}

function executorServer() {
  return new Executor$Server({
    spawn: async (p, r) => {
      const args = [...Array(p.args.length).keys()].map((i) => p.args.get(i));
      const env = [...Array(p.env.length).keys()].map((i) => p.env.get(i));
      spawned.push({ args, env, wallClockMs: p._hasLimits() ? p.limits.wallClockMs : 0n });
      r.process = new (Process$Server as any)({
        wait: async (_q: any, s: any) => { s.exitCode = args.length; },
      }).client();
    },
    cid: async (_p, r) => { r.cid = 'bafkreitest'; },
  } as any);
}

let sessionA: Session;
let sessionB: Session;
let client: Connection;
let bridgeA: GliaBridge;

beforeAll(async () => {
  // Vat A: a Glia session with a defcap, and TypeScript servers.
  bridgeA = new GliaBridge();
  sessionA = new Session();
  bridgeA.session = sessionA;
  await sessionA.evalString(`
    (def total (atom 0))
    (defcap counter
      :inc (fn [n] (swap! total + n))
      :get (fn [] @total)
      :boom (fn [] (throw (ex-info "no" {:type :counter/boom}))))
    ;; Calls back a capability it is given (to check restrictions hold in A).
    (defcap relay :addrs-of (fn [h] (perform h :addrs)))`);
  const counter = await sessionA.evalString('counter');
  const relay = await sessionA.evalString('relay');
  const membrane = new Membrane(() => [
    { name: 'host', interfaceId: Host$Client.interfaceId, cap: toHook(hostServer())! },
    { name: 'executor', interfaceId: Executor$Client.interfaceId, cap: toHook(executorServer())! },
    { name: 'counter', interfaceId: GLIA_CAP_INTERFACE_ID, cap: bridgeA.hookOf(counter) },
    { name: 'relay', interfaceId: GLIA_CAP_INTERFACE_ID, cap: bridgeA.hookOf(relay) },
  ]);
  const [a, b] = pipePair();
  new Connection(a, { bootstrap: membrane.server() });
  client = new Connection(b);
  // Vat B: grafts and binds the exports by name.
  const m = new Membrane$Client(await client.bootstrapClient());
  const grafted = readGraft(await m.graft().promise());
  const bridgeB = new GliaBridge();
  sessionB = new Session({ capabilities: bindGraft(bridgeB, grafted) });
  bridgeB.session = sessionB;
});

afterAll(() => client?.close());

const evalB = async (src: string) => {
  const { prStr } = await import('../../glia/index.js');
  return prStr(await sessionB.evalString(src));
};

describe('perform on Cap\'n Proto capabilities from Glia', () => {
  it('calls schema methods: a single result comes back bare, lists as vectors, structs as maps', async () => {
    expect(await evalB('(perform host :id)')).toBe('"12D3KooWvatA"');
    expect(await evalB('(perform host :addrs)')).toBe('["/ip4/127.0.0.1/tcp/2020" "/ip6/::1/tcp/2020"]');
    expect(await evalB('(perform host :peers)')).toBe('[{:peer-id "12D3KooWpeer", :addrs ["/ip4/10.0.0.2/tcp/2020"]}]');
    expect(await evalB('(capability? host)')).toBe('true');
    expect(await evalB('(methods host)')).toBe('[:addrs :id :network :peers :state-ref]');
  });

  it('takes trailing arguments as keyword options, keeps argv intact, and returns capabilities', async () => {
    spawned.length = 0;
    expect(await evalB(`(let [p (perform executor :spawn :args ["serve" "a b" ""] :env ["K=V"] :limits {:wall-clock-ms 5000})]
                         (perform p :wait))`)).toBe('3');
    expect(spawned).toEqual([{ args: ['serve', 'a b', ''], env: ['K=V'], wallClockMs: 5000n }]);
    expect(await evalB('(perform executor :spawn ["x"])')).toMatch(/^#<cap Process>$/);
  });

  it('reports unknown methods, wrong arity and wrong types as coded Glia errors', async () => {
    const err = async (src: string) => evalB(`(try ${src} (catch _ e [(:glia.error/type e) (:glia.error/message e)]))`);
    expect(await err('(perform host :idd)')).toMatch(/^\[:glia.error\/unknown-method "Host has no method :idd; did you mean :id\?"\]$/);
    expect(await err('(perform host :id 1)')).toMatch(/:glia.error\/arity-mismatch "Host :id takes 0 arguments/);
    expect(await err('(perform executor :spawn 42)')).toMatch(/:glia.error\/type-mismatch "Executor :spawn argument args must be List\(Text\), got number 42"/);
  });

  it('attenuate builds a membrane policy that holds in the serving vat', async () => {
    await sessionB.evalString('(def h (attenuate host [:id]))');
    const h = await sessionB.evalString('h');
    expect(h).toBeInstanceOf(RpcCap);
    expect((h as RpcCap).hook).toBeInstanceOf(PolicyHook);
    expect(await evalB('(perform h :id)')).toBe('"12D3KooWvatA"');
    expect(await evalB('(try (perform h :addrs) (catch :glia.error/permission-denied e (:glia.error/message e)))'))
      .toMatch(/Host :addrs: Host.addrs \(@1\) is not allowed by this capability's policy/);
    // Handed to vat A (a defcap there calls it): A sees the restriction too.
    expect(await evalB('(try (perform relay :addrs-of h) (catch :glia.error/permission-denied e :denied-in-a))')).toBe(':denied-in-a');
    expect(await evalB('(perform relay :addrs-of host)')).toBe('["/ip4/127.0.0.1/tcp/2020" "/ip6/::1/tcp/2020"]');
    // Attenuating again intersects.
    expect(await evalB('(try (perform (attenuate h [:addrs]) :id) (catch :glia.error/permission-denied e :none-left))')).toBe(':none-left');
  });

  it('calls a defcap served by another vat, attenuates it, and keeps its error types', async () => {
    expect(await evalB('[(perform counter :inc 5) (perform counter :inc 2) (perform counter :get)]')).toBe('[5 7 7]');
    expect(await sessionA.evalString('@total')).toBe(7);
    expect(await evalB('(try (perform (attenuate counter [:get]) :inc 1) (catch :glia.error/permission-denied e :denied))')).toBe(':denied');
    expect(await evalB('(perform (attenuate counter [:get]) :get)')).toBe('7');
    expect(await evalB('(try (perform counter :boom) (catch :counter/boom e (:glia.error/message e)))')).toBe('"no"');
  });

  it('with-effect-handler on a remote capability still interposes locally', async () => {
    expect(await evalB('(with-effect-handler host (fn [call k] (k [:mocked call])) (perform host :id))')).toBe('[:mocked (:id)]');
    expect(await evalB('(with-effect-handler counter (fn [call k] (k :local)) (perform counter :inc 100))')).toBe(':local');
    expect(await sessionA.evalString('@total')).toBe(7);
  });
});
