// The shared Glia engine (`ww build --engine`): one component, no program
// of its own; a spawn's first argument is the program. The same programs
// as same-trace.test.ts give the evaluator's values and traces through it,
// and std/status's source runs on it as is, with and without a grafted host.
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../../glia/eval/session.js';
import { prStr } from '../../../glia/values/printer.js';
import { runHttpCell } from '../../cell/cgi.js';
import type { Executor } from '../../cell/executor.js';
import { errorLine } from '../../cell/guest/error-line.js';
import { toHook } from '../../rpc/hooks.js';
import { Policy, allowOnly } from '../../membrane/policy.js';
import { Host$Server, Host$Client } from '../../../schema/generated/system.js';
import { collect, testRuntime } from '../cell/helpers.js';
import { assertBuilt, ROOT } from '../ww-process.js';
import { builtCell, type BuiltCell } from './built-cells.js';
import { PROGRAMS, programsCell } from './programs.js';

const t = testRuntime({ shared: true });
let built: BuiltCell;
let engine: Executor;
beforeAll(async () => {
  assertBuilt();
  const dir = join(tmpdir(), 'ww-engine-project');
  mkdirSync(dir, { recursive: true });
  built = await builtCell(dir, 'glia-engine', ['--engine']);
  engine = await t.rt.load(built.wasm, 'glia-engine.wasm');
}, 300_000);
afterAll(() => t.done());

const STATUS = readFileSync(join(ROOT, 'std', 'status', 'status.glia'), 'utf8');

describe('the shared Glia engine', () => {
  it('ww build --engine prints its CID', () => {
    expect(built.stdout).toMatch(/^bafkrei[a-z2-7]{52}  .*bin\/glia-engine\.wasm\n$/);
  });

  it('runs std/status from its source: no grant, host fields null', async () => {
    const r = await runHttpCell(engine, { method: 'GET', url: '/', headers: [] }, { args: [STATUS] });
    expect(r.status, new TextDecoder().decode(r.stderr)).toBe(200);
    expect(JSON.parse(new TextDecoder().decode(r.body))).toEqual({ status: 'ok', version: '0.1.0', peer_id: null, listen_addrs: null, peer_count: null });
  });

  it('runs std/status with a grafted host: the spawn\'s membrane decides what the program reaches', async () => {
    const HOST = Host$Client.interfaceId;
    const host = toHook(new Host$Server({
      id: async (_p, r) => { r.peerId = '12D3KooWengine'; },
      addrs: async (_p, r) => { r._initAddrs(1).set(0, '/ip4/127.0.0.1/tcp/2025'); },
      peers: async (_p, r) => { r._initPeers(3); },
      network: async () => { throw new Error('not here'); },
    }))!;
    const r = await runHttpCell(engine, { method: 'GET', url: '/', headers: [] }, {
      args: [STATUS], grants: [{ name: 'host', interfaceId: HOST, cap: host, policy: new Policy(allowOnly(HOST, [0, 2])) }],
    });
    expect(JSON.parse(new TextDecoder().decode(r.body))).toEqual({ status: 'ok', version: '0.1.0', peer_id: '12D3KooWengine', listen_addrs: null, peer_count: 3 });
    // A first spawn with grants starts a worker for a 25 MB component and its
    // membrane; on a loaded CI machine that took over the default 30 s once.
  }, 120_000);

  it('gives the evaluator\'s value and :stdout trace for every shared program', async () => {
    const source = programsCell();
    for (let i = 0; i < PROGRAMS.length; i++) {
      let trace = '';
      const s = new Session({ stdout: (x) => { trace += x; } });
      let want: object;
      try { const v = prStr(await s.evalString(PROGRAMS[i]!, '<program>')); want = { trace, value: v }; }
      catch (e) { want = { trace, error: errorLine(e).replace(/  --> .*$/, '') }; }
      const p = engine.spawn({ mode: 'raw', args: [source, String(i)] });
      p.stdin.end();
      const [out, err, code] = await Promise.all([collect(p.stdout), collect(p.stderr), p.wait()]);
      const text = out.toString('utf8');
      const got = code === 0
        ? { trace: text.slice(0, text.lastIndexOf('\u0000')), value: text.slice(text.lastIndexOf('\u0000') + 1) }
        : { trace: text, error: err.toString('utf8').trim().split('\n')[0]!.replace(/  --> .*$/, '') };
      expect(got, PROGRAMS[i]).toEqual(want);
    }
  }, 120_000);

  it('without a program, or with one that does not compile, fails with a coded error', async () => {
    const none = engine.spawn({ mode: 'raw' });
    none.stdin.end();
    const [err1, code1] = await Promise.all([collect(none.stderr), none.wait()]);
    expect(code1).toBe(2);
    expect(err1.toString()).toContain('error[cell/no-program]');
    const bad = engine.spawn({ mode: 'raw', args: ['(defn main [args] (undefined-fn))'] });
    bad.stdin.end();
    const [err2, code2] = await Promise.all([collect(bad.stderr), bad.wait()]);
    expect(code2).toBe(1);
    expect(err2.toString()).toMatch(/^error\[unbound-symbol\]: .*undefined-fn.*--> program\.glia:1:/);
  });
});
