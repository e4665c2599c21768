// A vat Glia cell (`:mode :vat :export counter` in cell.edn), built with
// the real `ww build`: the defcap the project names is the cell's
// bootstrap capability, served as GliaCap (schema/glia.capnp) on stdio by
// the cell's synchronous endpoint; the host calls it through the spawn's
// bootstrap (what Process.bootstrap returns). Its methods may call the
// cell's own grants over the same connection.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCell } from '../../cell/cell-session.js';
import type { Executor } from '../../cell/executor.js';
import { GliaBridge, GLIA_CAP_INTERFACE_ID } from '../../membrane/glia-cap.js';
import { kw } from '../../../glia/values/keyword.js';
import { GliaError, errorType, messageOf } from '../../../glia/values/errors.js';
import { GliaCap$Client } from '../../../schema/generated/glia.js';
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
  const dir = join(tmpdir(), 'ww-vat-project');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cell.edn'), '{:name "counter" :mode :vat :export counter :entry "counter.glia" :grants {host [:id]}}\n');
  writeFileSync(join(dir, 'counter.glia'), [
    ';; Served to the host as the cell\'s bootstrap capability.',
    '(def total (atom 0))',
    '(defcap counter',
    '  :add (fn [n] (swap! total + n))',
    '  :peer (fn [] (str "via " (perform host :id)))',
    '  :fail (fn [] (throw (ex-info "no such thing" {:type :app/nope}))))',
    '',
  ].join('\n'));
  cell = await t.rt.load((await builtCell(dir, 'counter')).wasm, 'counter.wasm');
}, 300_000);
afterAll(() => t.done());

describe('a vat Glia cell: its defcap is its bootstrap capability', () => {
  it('the host calls the defcap through the bootstrap; state lives as long as the cell; it ends with the connection', async () => {
    const s = spawnCell(cell, { mode: 'vat', grants: [{ name: 'host', interfaceId: HOST, cap: hostHook() }] });
    const counter = new GliaBridge().capOfId(s.bootstrap(), GLIA_CAP_INTERFACE_ID);
    expect(await counter.invoke(kw('add'), [40])).toBe(40);
    expect(await counter.invoke(kw('add'), [2])).toBe(42);
    // A method that calls the cell's own grant, over the same connection.
    expect(await counter.invoke(kw('peer'), [])).toBe('via 12D3KooWnode');
    // A Glia error in the method fails that call; the cell serves on.
    const e = await counter.invoke(kw('fail'), []).catch((x: unknown) => x);
    expect(errorType((e as GliaError).value)?.fqn).toBe('app/nope');
    expect(messageOf((e as GliaError).value)).toMatch(/no such thing/);
    const d = await new GliaCap$Client(s.bootstrap() as any).describe().promise();
    expect([d.methods.get(0), d.methods.get(1), d.methods.get(2)]).toEqual(['add', 'fail', 'peer']);
    expect(await counter.invoke(kw('add'), [1])).toBe(43);
    s.conn!.close();
    const [, code] = await Promise.all([collect(s.process.stderr), s.process.wait()]);
    expect(code).toBe(0);
  }, 60_000);

  it('without the grant, a method that calls it fails with a coded error, not a hang', async () => {
    const s = spawnCell(cell, { mode: 'vat' });
    const counter = new GliaBridge().capOfId(s.bootstrap(), GLIA_CAP_INTERFACE_ID);
    const e = await counter.invoke(kw('peer'), []).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GliaError);
    expect(errorType((e as GliaError).value)?.fqn).toBe('glia.error/cap-call-failed');
    expect(messageOf((e as GliaError).value)).toMatch(/the host did not hand this cell its host grant/);
    s.conn!.close();
    expect(await s.process.wait()).toBe(0);
  }, 60_000);

  it('in pid0 mode it has no main: error[cell/no-entry-fn], exit 2', async () => {
    const s = spawnCell(cell, {});
    const [err, code] = await Promise.all([collect(s.process.stderr), s.process.wait()]);
    expect(err.toString()).toContain('error[cell/no-entry-fn]');
    expect(code).toBe(2);
  }, 60_000);
});
