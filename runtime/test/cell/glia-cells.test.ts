// Cells from Glia, end to end: vat A serves the real Runtime (and a Host)
// through a Membrane; vat B is a Glia session with the graft bound by
// name. `(perform runtime :load wasm)`, `(perform runtime :run ...)` and
// `(cell wasm ...)` grants (explicit, and from the component's ww:grants
// section, attenuated to what it declares) run real components; cell
// errors arrive as their own Glia types; an attenuated runtime refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../../glia/index.js';
import { Connection } from '../../rpc/conn.js';
import { pipePair } from '../../rpc/transport.js';
import { toHook } from '../../rpc/hooks.js';
import { Membrane, readGraft } from '../../membrane/membrane.js';
import { GliaBridge, bindGraft } from '../../membrane/glia-cap.js';
import '../../membrane/runtime-cap.js';
import { Membrane$Client } from '../../../schema/generated/membrane.js';
import { Runtime$Client, Host$Client } from '../../../schema/generated/system.js';
import { runtimeServer } from '../../cell/servers.js';
import { withGrantsSection } from '../../cell/grants.js';
import { testRuntime } from './helpers.js';
import { watFixture } from './wat-fixtures.js';
import { rpcFixture } from './rpc-fixture.js';
import { hostHook } from './host-fixture.js';

const t = testRuntime({ shared: true });
let session: Session;
let client: Connection;

beforeAll(async () => {
  const membrane = new Membrane(() => [
    { name: 'host', interfaceId: Host$Client.interfaceId, cap: hostHook() },
    { name: 'runtime', interfaceId: Runtime$Client.interfaceId, cap: toHook(runtimeServer(t.rt))! },
  ]);
  const [a, b] = pipePair();
  new Connection(a, { bootstrap: membrane.server() });
  client = new Connection(b);
  const grafted = readGraft(await new Membrane$Client(await client.bootstrapClient() as any).graft().promise());
  const bridge = new GliaBridge();
  const rpc = await rpcFixture();
  session = new Session({
    capabilities: {
      ...bindGraft(bridge, grafted),
      'exit-wasm': await watFixture('exit'),
      'loop-wasm': await watFixture('loop'),
      'rpc-wasm': rpc,
      // The RPC cell declaring `host` with only :id.
      'granted-wasm': withGrantsSection(rpc, [{ name: 'host', methods: ['id'] }]),
      'greedy-wasm': withGrantsSection(rpc, [{ name: 'ipfs', methods: ['read'] }]),
    },
  });
  bridge.session = session;
}, 300_000);
afterAll(async () => { client.close(); await t.done(); });

const ev = (src: string) => session.evalString(src);

describe('runtime from Glia', () => {
  it(':load returns an executor, whose :cid is the component\'s CID', async () => {
    expect(await ev('(perform (perform runtime :load exit-wasm) :cid)')).toBe((await t.rt.load(await watFixture('exit'))).cid);
  });

  it(':run spawns, waits and returns the exit code, with argv intact', async () => {
    expect(await ev('(perform runtime :run exit-wasm :args ["h\u00e9llo w\u00f6rld"] :env {"WW_CELL_MODE" "raw"})')).toBe(Buffer.byteLength('h\u00e9llo w\u00f6rld'));
    expect(await ev('(perform runtime :run exit-wasm :args [] :env ["WW_CELL_MODE=raw"])')).toBe(1);
  });

  it('a cell that runs out of time is a :cell/timeout a try catches', async () => {
    expect(await ev(`(try (perform runtime :run loop-wasm :env {"WW_CELL_MODE" "raw"} :limits {:wall-clock-ms 200})
                       (catch :cell/timeout e [:timed-out (ex-message e)]))`))
      .toEqual(expect.objectContaining({ size: 2 }));
    expect(String(await ev(`(try (perform runtime :run loop-wasm :env {"WW_CELL_MODE" "raw"} :limits {:wall-clock-ms 200})
                       (catch :cell/timeout e (ex-message e)))`))).toMatch(/wall-clock budget of 200 ms/);
    expect(String(await ev('(try (perform runtime :load (bytes [1 2 3])) (catch :cell/invalid e :invalid))'))).toBe(':invalid');
  });

  it('an attenuated runtime without :load refuses :load and :run', async () => {
    for (const call of ['(perform r :load exit-wasm)', '(perform r :run exit-wasm :env {"WW_CELL_MODE" "raw"})']) {
      expect(String(await ev(`(let [r (attenuate runtime [])] (try ${call} (catch :glia.error/permission-denied e (ex-message e))))`)))
        .toMatch(/Runtime\.load \(@0\) is not allowed/);
    }
  });
});

describe('attenuating runtime to its :run convenience', () => {
  it('(attenuate runtime [:run]) runs a cell: the policy allows the load, spawn and wait :run makes', async () => {
    expect(await ev('(perform (attenuate runtime [:run]) :run exit-wasm :args ["abc"] :env {"WW_CELL_MODE" "raw"})')).toBe(3);
    // Attenuating again intersects: :run with :run keeps it.
    expect(await ev('(perform (attenuate (attenuate runtime [:run :load]) [:run]) :run exit-wasm :args ["ab"] :env {"WW_CELL_MODE" "raw"})')).toBe(2);
  });

  it('without :run, a runtime attenuated to :load refuses :run at the spawn, and other Executor methods stay refused', async () => {
    expect(String(await ev(`(try (perform (attenuate runtime [:load]) :run exit-wasm :env {"WW_CELL_MODE" "raw"})
                              (catch :glia.error/permission-denied e (ex-message e)))`))).toMatch(/Executor\.spawn .* is not allowed/);
    // :run allows what it performs and nothing more: the executor it loads has no :cid.
    expect(String(await ev(`(try (perform (perform (attenuate runtime [:run]) :load exit-wasm) :cid)
                              (catch :glia.error/permission-denied e (ex-message e)))`))).toMatch(/Executor\.cid .* is not allowed/);
  });

  it('an unknown method in the list is still unknown-method', async () => {
    expect(String(await ev('(try (attenuate runtime [:runn]) (catch :glia.error/unknown-method e (ex-message e)))'))).toMatch(/did you mean :run/);
  });
});

describe('cell values and their grants', () => {
  it('(cell wasm {"host" cap}) grants exactly the map, attenuation included', async () => {
    // The RPC cell exits with the number of its calls that failed.
    expect(await ev('(perform runtime :run (cell rpc-wasm {"host" (attenuate host [:id])}) :args ["graft" "call:host:id"])')).toBe(0);
    expect(await ev('(perform runtime :run (cell rpc-wasm {"host" (attenuate host [:id])}) :args ["graft" "call:host:id" "call:host:addrs" "call:host:peers"])')).toBe(2);
    expect(await ev('(perform runtime :run (cell rpc-wasm {"h2" host}) :args ["call:host:id"])')).toBe(1);
    expect(await ev('(perform runtime :run (cell rpc-wasm {"host" host}) :args ["graft" "call:host:addrs"])')).toBe(0);
  });

  it('(cell wasm) takes the declared grants from scope, attenuated to the declared methods', async () => {
    expect(await ev('(perform runtime :run (cell granted-wasm) :args ["graft" "call:host:id"])')).toBe(0);
    expect(await ev('(perform runtime :run (cell granted-wasm) :args ["graft" "call:host:addrs"])')).toBe(1);
    // A local binding shadows the session's.
    expect(await ev('(let [host (attenuate host [:addrs])] (perform runtime :run (cell granted-wasm) :args ["graft" "call:host:id"]))')).toBe(1);
    // No section: no grants at all.
    expect(await ev('(perform runtime :run (cell rpc-wasm) :args ["graft" "call:host:id"])')).toBe(1);
    // A declared grant that is not in scope is an error, not a silent omission.
    expect(String(await ev('(try (perform runtime :run (cell greedy-wasm)) (catch :cell/bad-grants e (ex-message e)))')))
      .toMatch(/declares the grant ipfs, but no ipfs is in scope/);
  });
});
