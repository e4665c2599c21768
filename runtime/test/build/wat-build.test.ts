// `ww build` of a project whose :entry is a .wat file: the WebAssembly text
// becomes a WASI 0.2 component (jco's wasm-tools, no componentize-js) that
// the cell host loads and runs, with the project's ww:grants and ww:cell
// sections. Text that is not WebAssembly, and a :vat WAT cell, are coded
// build errors.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProject } from '../../cell/build/build.js';
import { BuildError } from '../../cell/build/errors.js';
import { declaredGrants } from '../../cell/grants.js';
import { testRuntime, collect } from '../cell/helpers.js';
import { ROOT } from '../ww-process.js';

const t = testRuntime();
const dirs: string[] = [];
afterAll(async () => { await t.done(); for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ww-wat-build-'));
  dirs.push(dir);
  for (const [p, text] of Object.entries(files)) writeFileSync(join(dir, p), text);
  return dir;
}

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('built'); }, (e) => e as BuildError);

describe('ww build of a .wat project', () => {
  it('makes a component of examples/echo that echoes its stdin, with the project\'s sections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ww-wat-echo-'));
    dirs.push(dir);
    cpSync(join(ROOT, 'examples', 'echo', 'cell.edn'), join(dir, 'cell.edn'));
    cpSync(join(ROOT, 'examples', 'echo', 'echo.wat'), join(dir, 'echo.wat'));
    writeFileSync(join(dir, 'cell.edn'), readFileSync(join(dir, 'cell.edn'), 'utf8').replace('{:name "echo"', '{:name "echo" :grants {host [:id]}'));
    const r = await buildProject(dir);
    expect(r.out).toBe(join(dir, 'bin', 'echo.wasm'));
    const bytes = new Uint8Array(readFileSync(r.out));
    expect(bytes.length).toBe(r.bytes);
    expect(declaredGrants(bytes)).toEqual([{ name: 'host', methods: ['id'] }]);
    const p = (await t.rt.load(bytes)).spawn({ mode: 'raw' });
    p.stdin.end('bytes through a WAT cell');
    const [out, code] = await Promise.all([collect(p.stdout), p.wait()]);
    expect(out.toString()).toBe('bytes through a WAT cell');
    expect(code).toBe(0);
  }, 60_000);

  it('text that is not WebAssembly is build/compile, naming the file', async () => {
    const dir = project({ 'cell.edn': '{:name "bad" :mode :raw :entry "bad.wat"}', 'bad.wat': '(module (func $f (i32.add)))' });
    const e = await failure(buildProject(dir));
    expect(e).toBeInstanceOf(BuildError);
    expect(e.code).toBe('build/compile');
    expect(e.message).toMatch(/^bad\.wat /);
  }, 60_000);

  it('a module that is not a WASI command (no wasi:cli/run) is build/compile', async () => {
    const dir = project({ 'cell.edn': '{:name "norun" :mode :raw :entry "norun.wat"}', 'norun.wat': '(module (func (export "hello")))' });
    const e = await failure(buildProject(dir));
    expect(e.code).toBe('build/compile');
    expect(e.message).toMatch(/does not make a WASI 0\.2 command/);
  }, 60_000);

  it('a :vat WAT cell is build/bad-project', async () => {
    const dir = project({ 'cell.edn': '{:name "v" :mode :vat :export v :entry "v.wat"}', 'v.wat': '(module)' });
    const e = await failure(buildProject(dir));
    expect(e.code).toBe('build/bad-project');
    expect(e.message).toMatch(/:raw, :http or :pid0/);
  }, 60_000);
});
