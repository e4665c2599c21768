// A pid0 Glia cell (`:mode :pid0` in cell.edn), built with the real
// `ww build`: `(main args)` as in raw mode, with stdin/stdout carrying the
// Cap'n Proto connection to the cell's membrane, so its grants are grafted
// over stdio (println goes to stderr). Spawned through the host API
// (spawnCell) with a TypeScript Host server as its grant, attenuated, and
// with none: a call on a missing grant is a coded error, not a hang.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCell } from '../../cell/cell-session.js';
import type { Executor } from '../../cell/executor.js';
import { Policy, allowOnly } from '../../membrane/policy.js';
import { Host$Client } from '../../../schema/generated/system.js';
import { collect, testRuntime } from '../cell/helpers.js';
import { hostHook } from '../cell/host-fixture.js';
import { assertBuilt } from '../ww-process.js';
import { builtCell } from './built-cells.js';

const HOST = Host$Client.interfaceId;
const t = testRuntime({ shared: true });
let cell: Executor;
beforeAll(async () => {
  assertBuilt();
  const dir = join(tmpdir(), 'ww-pid0-project');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cell.edn'), '{:name "peer-info" :mode :pid0 :entry "peer-info.glia" :grants {host [:id :addrs]}}\n');
  writeFileSync(join(dir, 'peer-info.glia'), [
    ';; Prints what its host grant says and exits with (count id) + (count addrs).',
    '(defn main [args]',
    '  (if (= (first args) "stdin")',
    '    (perform :stdin)',
    '    (let [id (perform host :id)',
    '          addrs (perform host :addrs)]',
    '      (println "peer" id "addrs" (pr-str addrs) "args" (pr-str args))',
    '      (+ (count id) (count addrs)))))',
    '',
  ].join('\n'));
  cell = await t.rt.load((await builtCell(dir, 'peer-info')).wasm, 'peer-info.wasm');
}, 300_000);
afterAll(() => t.done());

async function run(s: ReturnType<typeof spawnCell>): Promise<{ err: string; code: number }> {
  const [err, code] = await Promise.all([collect(s.process.stderr), s.process.wait()]);
  return { err: err.toString('utf8'), code };
}

describe('a pid0 Glia cell: main, with its grants grafted over stdio', () => {
  it('calls its granted host and exits with a value derived from it', async () => {
    const s = spawnCell(cell, { args: ['a', 'b c'], grants: [{ name: 'host', interfaceId: HOST, cap: hostHook() }] });
    expect(s.mode).toBe('pid0');
    const r = await run(s);
    expect(r.err).toBe('peer 12D3KooWnode addrs ["/ip4/127.0.0.1/tcp/2025"] args ["a" "b c"]\n');
    expect(r.code).toBe(13); // "12D3KooWnode" is 12 characters, plus one address
  }, 60_000);

  it('a host attenuated to :id: the denied call is permission-denied, exit 1', async () => {
    const s = spawnCell(cell, { grants: [{ name: 'host', interfaceId: HOST, cap: hostHook(), policy: new Policy(allowOnly(HOST, [0])) }] });
    const r = await run(s);
    expect(r.err).toMatch(/^error\[permission-denied\]: host :addrs: permission-denied: Host\.addrs/);
    expect(r.code).toBe(1);
  }, 60_000);

  it('without the grant: a coded error, not a hang', async () => {
    const r = await run(spawnCell(cell, {}));
    expect(r.err).toMatch(/^error\[cap-call-failed\]: host :id: the host did not hand this cell its host grant/);
    expect(r.code).toBe(1);
  }, 60_000);

  it('stdin is the connection: (perform :stdin) fails with a coded error', async () => {
    const r = await run(spawnCell(cell, { args: ['stdin'] }));
    expect(r.err).toMatch(/^error\[cell\/no-stdin\]: in pid0 mode stdin carries/);
    expect(r.code).toBe(1);
  }, 60_000);

  it('vat mode is still refused: error[cell/unsupported-mode], exit 2', async () => {
    const r = await run(spawnCell(cell, { mode: 'vat' }));
    expect(r.err).toContain('error[cell/unsupported-mode]');
    expect(r.code).toBe(2);
  }, 60_000);
});
