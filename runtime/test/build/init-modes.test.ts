// `ww init NAME --mode MODE` for the modes besides http (build.test.ts
// builds the http scaffold): each scaffold passes `ww check` as the cell
// its cell.edn declares, builds with the real `ww build` (once per input,
// built-cells.ts), runs as its mode runs, and `(describe cell)` reads back
// the project the build recorded.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../../glia/index.js';
import { prStr } from '../../../glia/values/printer.js';
import { kw } from '../../../glia/values/keyword.js';
import { spawnCell } from '../../cell/cell-session.js';
import { GliaBridge, GLIA_CAP_INTERFACE_ID } from '../../membrane/glia-cap.js';
import { Host$Client } from '../../../schema/generated/system.js';
import { collect, testRuntime } from '../cell/helpers.js';
import { hostHook } from '../cell/host-fixture.js';
import { assertBuilt, CELL_RUN_TIMEOUT_MS, describeRun, ww } from '../ww-process.js';
import { builtCell, type BuiltCell } from './built-cells.js';

const BUILD_MS = 300_000;
const t = testRuntime({ shared: true });
const tmp = mkdtempSync(join(tmpdir(), 'ww-init-modes-'));
afterAll(async () => { await t.done(); rmSync(tmp, { recursive: true, force: true }); });

/** Scaffolds `name` in `mode`, checks it, builds it. */
async function scaffolded(name: string, mode: string): Promise<BuiltCell> {
  const init = await ww(['init', name, '--mode', mode], { cwd: tmp });
  expect(init.code, describeRun(init)).toBe(0);
  expect(init.stdout).toContain(`a ${mode} cell`);
  const check = await ww(['check', join(name, `${name}.glia`)], { cwd: tmp });
  expect(check.code, describeRun(check)).toBe(0);
  expect(check.stderr).toContain('1 file checked: 0 errors, 0 warnings');
  return builtCell(join(tmp, name), name);
}

async function describeOf(wasm: Uint8Array, keys: string): Promise<string> {
  return prStr(await new Session({ capabilities: { w: wasm } }).evalString(`(select-keys (describe (cell w)) ${keys})`));
}

describe('ww init --mode raw', { timeout: 180_000 }, () => {
  let built: BuiltCell;
  beforeAll(async () => { assertBuilt(); built = await scaffolded('raw-cell', 'raw'); }, BUILD_MS);

  it('runs main with the arguments and prints on stdout', async () => {
    const run = await ww(['cell', 'run', built.path, '--arg', 'you'], { timeoutMs: CELL_RUN_TIMEOUT_MS });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toBe('hello, you from raw-cell\n');
  });

  it('describe reads back the project ww build recorded', async () => {
    expect(await describeOf(built.wasm, '[:name :version :mode :declares]')).toBe('{:name "raw-cell", :version "0.1.0", :mode :raw, :declares nil}');
  });
});

describe('ww init --mode pid0', { timeout: 180_000 }, () => {
  let built: BuiltCell;
  beforeAll(async () => { assertBuilt(); built = await scaffolded('pid0-cell', 'pid0'); }, BUILD_MS);

  it('as pid0, calls its host grant over stdio and prints on stderr', async () => {
    const cell = await t.rt.load(built.wasm, 'pid0-cell.wasm');
    const s = spawnCell(cell, { args: ['a', 'b'], grants: [{ name: 'host', interfaceId: Host$Client.interfaceId, cap: hostHook() }] });
    const [err, code] = await Promise.all([collect(s.process.stderr), s.process.wait()]);
    expect(code).toBe(0);
    expect(err.toString()).toBe('pid0-cell running as 12D3KooWnode with 2 arguments\n');
  });

  it('with ww cell run (no grants), main says so and exits 0', async () => {
    const run = await ww(['cell', 'run', built.path, '--arg', 'a'], { timeoutMs: CELL_RUN_TIMEOUT_MS });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/^pid0-cell running as no host: .*the host did not hand this cell its host grant.* with 1 arguments\n$/);
  });

  it('declares its host grant, and describe shows it', async () => {
    expect(readFileSync(join(tmp, 'pid0-cell', 'cell.edn'), 'utf8')).toContain(':grants {host [:id]}');
    expect(await describeOf(built.wasm, '[:mode :declares]')).toBe('{:mode :pid0, :declares {"host" [:id]}}');
  });
});

describe('ww init --mode vat', { timeout: 180_000 }, () => {
  let built: BuiltCell;
  beforeAll(async () => { assertBuilt(); built = await scaffolded('vat-cell', 'vat'); }, BUILD_MS);

  it('serves its greeter to the peer that spawns it, keeping state for the spawn', async () => {
    const cell = await t.rt.load(built.wasm, 'vat-cell.wasm');
    const s = spawnCell(cell, { mode: 'vat' });
    const greeter = new GliaBridge().capOfId(s.bootstrap(), GLIA_CAP_INTERFACE_ID);
    expect(await greeter.invoke(kw('greet'), ['you'])).toBe('hello, you from vat-cell');
    expect(await greeter.invoke(kw('greet'), ['me'])).toBe('hello, me from vat-cell');
    expect(await greeter.invoke(kw('count'), [])).toBe(2);
    s.conn!.close();
    expect(await s.process.wait()).toBe(0);
  });

  it('describe names the capability it exports', async () => {
    expect(await describeOf(built.wasm, '[:mode :export]')).toBe('{:mode :vat, :export greeter}');
  });
});

describe('ww init --mode: usage', () => {
  it('an unknown mode is a usage error that lists the modes', async () => {
    const r = await ww(['init', 'x', '--mode', 'wasi'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[usage]: --mode must be http, raw, pid0, vat, not "wasi"');
    expect(r.stderr).toContain("run 'ww init --help' for usage");
  });
});
