// Capabilities inside a Glia cell's grant calls, both ways, and keyword
// options in those calls, run in the shared Glia engine (`ww build
// --engine`, the same build engine.test.ts uses) with two grants: a
// TypeScript `runtime` written here, whose Executor.spawn reads the caps it
// is given and calls them back, and a Host. The cell
//   - gets an Executor and a Process back in results and calls them;
//   - passes options by name, in any order (:env before :args);
//   - passes its own host grant (it goes back to the host as the host's
//     own capability) and a defcap of its own (exported by the cell and
//     called by the host while the cell waits for the spawn's answer);
//   - in that defcap's GliaCap values, receives a capability of the host's
//     and calls it, and returns a capability (itself), which the host calls.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '../../cell/executor.js';
import { spawnCell } from '../../cell/cell-session.js';
import { capOfPointer, toHook } from '../../rpc/hooks.js';
import { GliaBridge, GLIA_CAP_INTERFACE_ID, type RpcCap } from '../../membrane/glia-cap.js';
import { kw } from '../../../glia/values/keyword.js';
import { Runtime$Server, Runtime$Client, Executor$Server, Executor$Client, Process$Server, Process$Client, Host$Client } from '../../../schema/generated/system.js';
import { collect, testRuntime } from '../cell/helpers.js';
import { hostHook } from '../cell/host-fixture.js';
import { assertBuilt } from '../ww-process.js';
import { builtCell } from './built-cells.js';

const t = testRuntime({ shared: true });
let engine: Executor;
beforeAll(async () => {
  assertBuilt();
  const dir = join(tmpdir(), 'ww-engine-project');
  mkdirSync(dir, { recursive: true });
  engine = await t.rt.load((await builtCell(dir, 'glia-engine', ['--engine'])).wasm, 'glia-engine.wasm');
}, 300_000);
afterAll(() => t.done());

/** What the fake Executor.spawn saw, for the assertions. */
interface Seen { args: string[]; env: string[]; caps: Array<{ name: string; answer: unknown }> }

/** A Runtime whose load gives an Executor whose spawn calls back every capability it is handed. */
function fakeRuntime(seen: Seen[]) {
  const bridge = new GliaBridge();
  return toHook(new Runtime$Server({
    load: async (_p, r) => {
      r.executor = new Executor$Client(toHook(new Executor$Server({
        spawn: async (p, r2) => {
          const s: Seen = { args: [], env: [], caps: [] };
          for (let i = 0; i < p.args.length; i++) s.args.push(p.args.get(i));
          for (let i = 0; i < p.env.length; i++) s.env.push(p.env.get(i));
          for (let i = 0; i < p.caps.length; i++) {
            const e = p.caps.get(i);
            const hook = capOfPointer(e.cap);
            // The cell's host grant comes back as a Host; anything else the cell made is a GliaCap.
            let answer: unknown;
            if (e.name === 'host') answer = await bridge.capOfId(hook, Host$Client.interfaceId).invoke(kw('id'), []);
            else {
              // The cell's defcap, called by name with data, with a capability of ours
              // (which the cell then calls), and returning a capability (itself).
              const g = bridge.capOfId(hook, GLIA_CAP_INTERFACE_ID);
              const me = await g.invoke(kw('me'), []) as RpcCap;
              answer = [
                await g.invoke(kw('get'), [2]),
                await g.invoke(kw('ask'), [bridge.capOfId(hostHook('12D3KooWother'), Host$Client.interfaceId)]),
                await me.invoke(kw('get'), [5]),
              ];
            }
            s.caps.push({ name: e.name, answer });
          }
          seen.push(s);
          r2.process = new Process$Client(toHook(new Process$Server({
            wait: async (_q, r3) => { r3.exitCode = 40 + s.caps.length; },
            stdin: async () => { throw new Error('no'); }, stdout: async () => { throw new Error('no'); },
            stderr: async () => { throw new Error('no'); }, kill: async () => { throw new Error('no'); },
            bootstrap: async () => { throw new Error('no'); },
          } as any)) as any);
        },
        cid: async (_q, r2) => { r2.cid = 'bafkreifake'; },
      } as any)) as any);
    },
  } as any))!;
}

const PROGRAM = `
(defcap doubler :get (fn [n] (* 2 n)) :ask (fn [h] (perform h :id)) :me (fn [] doubler))
(defn main [args]
  (let [ex (perform runtime :load (bytes [0 97 115 109]))
        p (perform ex :spawn :env ["K=V"] :args args :caps [{:name "host" :cap host} {:name "twice" :cap doubler}])
        code (perform p :wait)]
    (println (type ex) (type p) (perform ex :cid) code)
    (println (try (perform ex :spawn :argz []) (catch :glia.error/type-mismatch e :no-such-option)))
    0))
`;

describe('capabilities in a Glia cell\'s grant calls', () => {
  it('results, options by name, its grant and its own defcap in params, called back while it waits', async () => {
    const seen: Seen[] = [];
    const s = spawnCell(engine, {
      args: [PROGRAM, 'x', 'y'], env: [['WW_CELL_MODE', 'raw']],
      grants: [
        { name: 'runtime', interfaceId: Runtime$Client.interfaceId, cap: fakeRuntime(seen) },
        { name: 'host', interfaceId: Host$Client.interfaceId, cap: hostHook() },
      ],
    });
    const [out, err, code] = await Promise.all([collect(s.process.stdout), collect(s.process.stderr), s.process.wait()]);
    expect(code, err.toString()).toBe(0);
    expect(out.toString()).toBe(':capability :capability bafkreifake 42\n:no-such-option\n');
    expect(seen).toEqual([{ args: ['x', 'y'], env: ['K=V'], caps: [{ name: 'host', answer: '12D3KooWnode' }, { name: 'twice', answer: [4, '12D3KooWother', 10] }] }]);
  }, 180_000);
});
