// End-to-end tests of `ww check` through the real bin (dist/, so run
// `npm run build` first). Each test spawns one ww process in a temporary
// project and checks everything it can about that run; the diagnostics
// themselves are covered by the golden cases (test/golden/checker).
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, describeRun, removeDir, tempDir, ww, TEST_TIMEOUT_MS } from './ww-process.js';

let dir: string;
let elsewhere: string;

beforeAll(() => {
  assertBuilt();
  dir = tempDir('check');
  mkdirSync(join(dir, 'etc', 'init.d'), { recursive: true });
  mkdirSync(join(dir, 'lib'));
  // An init.d script with one error of each kind the checker adds, and a warning.
  writeFileSync(join(dir, 'etc', 'init.d', '10-app.glia'), [
    '(import "../../lib/log" :as log)',
    '(log/info "booting")',
    '(perform host :idd)',
    '(perform :app/ready true)',
    '(let [x 1 unused 2] x)',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'lib', 'log.glia'), '(defn info [m] (println "info:" m))\n');
  writeFileSync(join(dir, 'clean.glia'), '(println "never printed by check")\n(defn f [x] x)\n');
  writeFileSync(join(dir, 'warn.glia'), '(let [a 1 b 2] a)\n');
  // Two raw cell projects whose entry sits in src/: a clean one (with a file
  // beside the entry that is not part of the cell), and one with two mistakes.
  const echo = '(defn main [_args] (println (perform host :id) (perform host :addrs) (perform :stdin) (:mode cell-info)) 0)\n';
  for (const [project, source] of [['cell', echo], ['cell-bad', echo + '(defn peers [] (perform host :network))\n(defn file [] (load "x"))\n']]) {
    mkdirSync(join(dir, project!, 'src'), { recursive: true });
    writeFileSync(join(dir, project!, 'cell.edn'), '{:name "echo" :mode :raw :entry "src/echo.glia" :grants {host [:id :addrs]}}\n');
    writeFileSync(join(dir, project!, 'src', 'echo.glia'), source!);
  }
  writeFileSync(join(dir, 'cell', 'src', 'helper.glia'), '(perform host :id)\n');
  // A decoy: if :import resolved against the working directory, the checker would read this.
  elsewhere = tempDir('check-cwd');
  mkdirSync(join(elsewhere, 'lib'));
  writeFileSync(join(elsewhere, 'lib', 'log.glia'), '(defn other [m] m)\n');
});

afterAll(() => {
  removeDir(dir);
  removeDir(elsewhere);
});

describe.concurrent('ww check', { timeout: TEST_TIMEOUT_MS }, () => {
  it('prints each diagnostic with a code frame and a summary, and exits 1 on errors; nothing runs', async ({ expect }) => {
    const r = await ww(['check', join(dir, 'etc'), join(dir, 'clean.glia')], { cwd: elsewhere });
    expect(r.code, describeRun(r)).toBe(1);
    // The clean file's println did not run.
    expect(r.stdout).toBe('');
    const file = join(dir, 'etc', 'init.d', '10-app.glia');
    expect(r.stderr).toContain(`error[unknown-method]: Host has no method :idd; did you mean :id?  --> ${file}:3:15`);
    // The code frame under it shows the line and underlines :idd.
    expect(r.stderr).toMatch(/\n3 \| \(perform host :idd\)\n {2}\| {15}\^{4}\n/);
    expect(r.stderr).toContain(`error[effect-not-allowed]: :app/ready is performed here, which an init.d script does not allow  --> ${file}:4:1`);
    expect(r.stderr).toContain(`warning[unused-binding]: 'unused' is bound but never used  --> ${file}:5:11`);
    // The module was found next to the script (lib/log.glia), not in the working directory,
    // and its :stdout is allowed in init.d: no error for line 2.
    expect(r.stderr).not.toContain(`${file}:2:`);
    expect(r.stderr).not.toContain('unknown-module');
    expect(r.stderr.trimEnd().split('\n').pop()).toBe('2 files checked: 2 errors, 1 warning');
  });

  it('--json prints [{code, severity, message, file, range, hint}] and nothing on stderr', async ({ expect }) => {
    const r = await ww(['check', '--json', join(dir, 'etc', 'init.d', '10-app.glia'), join(dir, 'warn.glia')], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toBe('');
    const ds = JSON.parse(r.stdout);
    expect(ds.map((d: any) => [d.code, d.severity])).toEqual([
      ['unknown-method', 'error'], ['effect-not-allowed', 'error'], ['unused-binding', 'warning'], ['unused-binding', 'warning'],
    ]);
    expect(ds[0]).toEqual({
      code: 'unknown-method', severity: 'error', message: 'Host has no method :idd; did you mean :id?',
      file: join(dir, 'etc', 'init.d', '10-app.glia'),
      range: { start: { line: 3, col: 15, offset: expect.any(Number) }, end: { line: 3, col: 19, offset: expect.any(Number) } },
      hint: 'the methods of Host are :id :addrs :peers :network :state-ref :listen :listen-stream :serve-vat :dial-vat :dial-stream',
    });
    expect(ds[0].range.end.offset - ds[0].range.start.offset).toBe(4);
    expect(ds[3]).toMatchObject({ file: join(dir, 'warn.glia'), message: "'b' is bound but never used" });
  });

  it('warnings alone exit 0; --context overrides the location; --allow adds effects', async ({ expect }) => {
    const warn = await ww(['check', 'warn.glia'], { cwd: dir });
    expect(warn.code, describeRun(warn)).toBe(0);
    expect(warn.stderr).toContain("warning[unused-binding]: 'b' is bound but never used  --> warn.glia:1:11");
    const pure = await ww(['check', '--context', 'pure', '--json', 'clean.glia'], { cwd: dir });
    expect(pure.code, describeRun(pure)).toBe(1);
    expect(JSON.parse(pure.stdout).map((d: any) => d.code)).toEqual(['effect-not-allowed']);
    const allowed = await ww(['check', '--context', 'pure', '--allow', ':stdout', 'clean.glia'], { cwd: dir });
    expect(allowed.code, describeRun(allowed)).toBe(0);
  });

  it('checks a cell project\'s entry as that cell: its declared grants and its mode\'s effects', async ({ expect }) => {
    const ok = await ww(['check', join('cell', 'src', 'echo.glia')], { cwd: dir });
    expect(ok.code, describeRun(ok)).toBe(0);
    // Only the entry is the cell: another file of the project is checked as eval, where host is unbound.
    const helper = await ww(['check', '--json', join('cell', 'src', 'helper.glia')], { cwd: dir });
    expect(JSON.parse(helper.stdout).map((d: any) => d.code)).toEqual(['unbound-symbol']);
    const bad = await ww(['check', '--json', join('cell-bad', 'src', 'echo.glia')], { cwd: dir });
    expect(bad.code, describeRun(bad)).toBe(1);
    const ds = JSON.parse(bad.stdout);
    expect(ds.map((d: any) => d.code)).toEqual(['effect-not-allowed', 'effect-not-allowed']);
    expect(ds[0].message).toBe('host/:network is performed here, which the cell echo (cell.edn) does not allow (in peers, which the cell echo (cell.edn) exports)');
    expect(ds[0].hint).toContain('allows :exit, :stdin, :stdout, host/:addrs, host/:id');
    expect(ds[0].hint).toContain('add :network to host in the :grants of cell.edn');
    expect(ds[1].message).toContain('calling load performs :load, which the cell echo (cell.edn) does not allow');
  });

  it('usage errors exit 2; a missing file is an io error and exit 1', async ({ expect }) => {
    const bad = await ww(['check', '--context', 'nope', 'clean.glia'], { cwd: dir });
    expect(bad.code, describeRun(bad)).toBe(2);
    expect(bad.stderr).toContain("error[usage]: no context named 'nope'; the contexts are init.d, mcp, shell, pure, cell, eval");
    const none = await ww(['check'], { cwd: dir });
    expect(none.code).toBe(2);
    const missing = await ww(['check', 'missing.glia'], { cwd: dir });
    expect(missing.code, describeRun(missing)).toBe(1);
    expect(missing.stderr).toContain('error[io]: cannot read missing.glia: no such file or directory');
  });
});
