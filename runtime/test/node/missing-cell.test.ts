// A script that loads a cell the image lacks is told what builds it: when
// a local layer has a cell project (cell.edn) where the missing
// bin/NAME.wasm would come from, the hint names `ww build DIR`; the std
// image's unbuilt status cell names `npm run build:std`. Real folders,
// merged as `ww run` merges them.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeLayers } from '../../node/layers.js';
import { NodeError } from '../../node/errors.js';
import { missingCellHint, cellProjectFor } from '../../node/missing-cell.js';
import { ww } from '../ww-process.js';

const root = mkdtempSync(join(tmpdir(), 'ww-missing-cell-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function layer(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [p, text] of Object.entries(files)) { mkdirSync(join(dir, p, '..'), { recursive: true }); writeFileSync(join(dir, p), text); }
  return dir;
}

async function readError(layers: string[], path: string, opts = {}): Promise<NodeError> {
  const image = await mergeLayers(layers, opts);
  const e = await image.read(path).then(() => null, (x) => x);
  expect(e).toBeInstanceOf(NodeError);
  expect(e.code).toBe('node/not-found');
  return e;
}

describe('a missing cell', () => {
  it('with a cell project where it would be built: the hint names ww build of that folder', async () => {
    const app = layer('app', { 'cell.edn': '{:name "counter" :mode :http :entry "counter.glia"}', 'etc/init.d/10.glia': '' });
    const e = await readError([app], '/bin/counter.wasm');
    expect(e.message).toBe('/bin/counter.wasm is not in the image');
    expect(e.hint).toBe(`bin/counter.wasm is what \`ww build ${app}\` makes of the cell project there: run it, then start the node again`);
  });

  it('a project in a sub-folder of a layer, and the later layer of two', async () => {
    const base = layer('base', { 'cells/echo/cell.edn': '{:name "echo" :mode :raw :entry "echo.wat"}' });
    const top = layer('top', { 'cells/echo/cell.edn': '{:name "echo" :mode :raw :entry "echo.wat"}', 'cells/echo/echo.wat': '' });
    expect((await readError([base, top], 'cells/echo/bin/echo.wasm')).hint).toContain(`ww build ${join(top, 'cells', 'echo')}`);
    expect((await readError([base], 'cells/echo/bin/echo.wasm')).hint).toContain(`ww build ${join(base, 'cells', 'echo')}`);
  });

  it('a project of another name, no project, or not a cell: the hint names the layers, as before', async () => {
    const other = layer('other', { 'cell.edn': '{:name "greeter" :mode :vat :export greeter :entry "g.glia"}' });
    expect((await readError([other], '/bin/counter.wasm')).hint).toBe(`the image merges ${other}`);
    expect(missingCellHint('bin/counter.wasm', [join(root, 'nowhere')])).toBeNull();
    expect(missingCellHint('etc/data.json', [other])).toBeNull();
    expect(missingCellHint('bin/greeter.wasm', ['/ipfs/bafkqaaa'])).toBeNull();
    expect(missingCellHint('bin/greeter.wasm', [other])).toContain(`ww build ${other}`);
  });

  it('a hint the image was given for a path (the std image\'s status cell) comes first', async () => {
    const std = layer('std', { 'etc/init.d/05-status.glia': '' });
    const e = await readError([std], '/bin/status.wasm', { missingHints: new Map([['bin/status.wasm', 'run `npm run build:std`']]) });
    expect(e.hint).toBe('run `npm run build:std`');
  });

  it('ww cell run of a project\'s unbuilt bin/NAME.wasm names the ww build to run', async () => {
    const app = layer('cli-app', { 'cell.edn': '{:name "hello" :mode :raw :entry "hello.glia"}' });
    expect(cellProjectFor('bin/hello.wasm', [app])).toBe(app);
    const r = await ww(['cell', 'run', join(app, 'bin', 'hello.wasm')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error[io]: cannot read ${join(app, 'bin', 'hello.wasm')}: no such file or directory\n`
      + `hint: it is what \`ww build ${app}\` makes of the cell project there: run that first\n`);
    // Not a project's output: the error alone, as before.
    const other = await ww(['cell', 'run', join(root, 'nowhere', 'bin', 'hello.wasm')]);
    expect(other.stderr).toBe(`error[io]: cannot read ${join(root, 'nowhere', 'bin', 'hello.wasm')}: no such file or directory\n`);
  }, 60_000);
});
