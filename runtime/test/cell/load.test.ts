// Loading a cell: what is refused and how, and the two caches. A load
// translates a component once per CID (disk), compiles it once per
// process (memory), and never trusts a damaged cache entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@bytecodealliance/jco';
import { CellRuntime } from '../../cell/runtime.js';
import { CellError } from '../../cell/errors.js';
import { cidOf } from '../../cell/cid.js';
import { DiskCache } from '../../cell/cache.js';
import { toGliaError } from '../../cell/glia-error.js';
import { translate, withoutJspiThrows } from '../../cell/translate.js';
import { collect, tempCacheDir, testRuntime } from './helpers.js';
import { watFixture } from './wat-fixtures.js';

const t = testRuntime();
let echo: Uint8Array;
beforeAll(async () => { echo = await watFixture('echo'); });
afterAll(() => t.done());

async function loadError(bytes: Uint8Array, rt = t.rt): Promise<CellError> {
  try { await rt.load(bytes); } catch (e) { expect(e).toBeInstanceOf(CellError); return e as CellError; }
  throw new Error('the load succeeded');
}

async function runEcho(rt: CellRuntime, bytes: Uint8Array): Promise<string> {
  const p = (await rt.load(bytes)).spawn();
  p.stdin.end('ping');
  const [out] = await Promise.all([collect(p.stdout), p.wait()]);
  return out.toString();
}

describe('loading refuses what is not a runnable component, with a coded error', () => {
  it('garbage, empty input and text', async () => {
    for (const bytes of [new Uint8Array(0), Uint8Array.of(1, 2, 3), new TextEncoder().encode('(component)')]) {
      const e = await loadError(bytes);
      expect(e.code).toBe('cell/invalid');
      expect(e.message).toMatch(/not WebAssembly/);
    }
  });

  it('a core module, with a hint about components', async () => {
    const e = await loadError(await parse('(module)'));
    expect(e.code).toBe('cell/invalid');
    expect(e.message).toMatch(/core WebAssembly module, not a component/);
    expect(e.hint).toMatch(/wasip2/);
  });

  it('a truncated component, at every length from the header on', async () => {
    // 8 bytes is a whole (empty) component.
    for (const n of [9, 20, Math.floor(echo.length / 2), echo.length - 1]) {
      const e = await loadError(echo.slice(0, n));
      expect(e.code, `length ${n}`).toBe('cell/invalid');
    }
  });

  it('a component with no wasi:cli/run export', async () => {
    const e = await loadError(await parse('(component)'));
    expect(e.code).toBe('cell/no-entry');
    expect(e.message).toMatch(/wasi:cli\/run/);
  });

  it('a component importing wasi:sockets: the error names the import', async () => {
    const e = await loadError(await watFixture('socket'));
    expect(e.code).toBe('cell/denied-import');
    expect(e.message).toContain('wasi:sockets/tcp-create-socket@0.2.12 (create-tcp-socket)');
    expect(e.details.imports).toContain('wasi:sockets/tcp-create-socket@0.2.12#create-tcp-socket');
    // The same error, as Glia sees it.
    const g = toGliaError(e);
    expect(String(g.value.get(g.value.keySeq().find((k: any) => k.name === 'type')))).toBe(':cell/denied-import');
  });

  it('a component importing a host interface that does not exist', async () => {
    const wat = `(component
      (import "evil:host/files" (instance $f (export "read" (func (param "path" string) (result string)))))
      (core module $m (func (export "run") (result i32) (i32.const 0)))
      (core instance $i (instantiate $m))
      (func $run (result (result)) (canon lift (core func $i "run")))
      (instance $r (export "run" (func $run)))
      (export "wasi:cli/run@0.2.12" (instance $r)))`;
    const e = await loadError(await parse(wat));
    expect(e.code).toBe('cell/denied-import');
    expect(e.message).toContain('evil:host/files');
    // Neither is a plain function import, even one no code calls.
    const plain = await parse(wat.replace(/\(import "evil:host\/files"[^\n]*\n/, '(import "log" (func (param "msg" string)))\n'));
    const e2 = await loadError(plain);
    expect(e2.code).toBe('cell/denied-import');
    expect(e2.details.imports).toEqual(['log']);
  });
});

describe('the glue', () => {
  it('calls no WebAssembly.promising that would throw without JSPI; the export itself stands in, as jco\'s fallback gives', async () => {
    const glue = withoutJspiThrows('let x; const f = () => 1; try { x = WebAssembly.promising(f); } catch (e) { x = null; } return [x, f];');
    expect(glue).not.toContain('WebAssembly.promising(');
    const [x, f] = new Function(glue)();
    if (typeof (WebAssembly as any).promising === 'function') expect(typeof x).toBe('function');
    else expect(x).toBe(f); // Node 20: no throw, and what the catch would have assigned
    // A real translation's glue (componentize-js's are the ones with these calls) is rewritten the same way.
    expect((await translate(echo)).glue).not.toContain('WebAssembly.promising(');
  });
});

describe('the cache', () => {
  it('compiles a cell once per runtime: a second load of the same bytes is a memory hit', async () => {
    const { rt, done } = testRuntime();
    try {
      await rt.load(echo);
      const after = { ...rt.stats };
      expect(after.translations).toBe(1);
      const ex = await rt.load(echo);
      expect(rt.stats.compiles).toBe(after.compiles);
      expect(rt.stats.translations).toBe(1);
      expect(rt.stats.memoryHits).toBe(1);
      expect(ex.cid).toBe(cidOf(echo));
    } finally { await done(); }
  });

  it('a second runtime on the same directory translates nothing: it reads the disk entry', async () => {
    const dir = tempCacheDir();
    const a = new CellRuntime({ cacheDir: dir }), b = new CellRuntime({ cacheDir: dir });
    try {
      expect(await runEcho(a, echo)).toBe('ping');
      expect(a.stats.translations).toBe(1);
      expect(await runEcho(b, echo)).toBe('ping');
      expect(b.stats).toMatchObject({ translations: 0, diskHits: 1, corrupt: 0 });
      expect(b.stats.compiles).toBeGreaterThan(0);
    } finally {
      await a.close(); await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('detects a damaged entry (changed, truncated or missing file, garbage manifest), rebuilds it and runs the cell', async () => {
    const dir = tempCacheDir();
    const cid = cidOf(echo);
    const entry = new DiskCache(dir).entryDir(cid);
    const damage: Array<[string, () => void]> = [
      ['a flipped bit in a core module', () => {
        const f = join(entry, readdirSync(entry).find((n) => n.endsWith('.core.wasm'))!);
        const b = readFileSync(f); b[b.length - 1]! ^= 1; writeFileSync(f, b);
      }],
      ['a truncated glue module', () => { const f = join(entry, 'glue.mjs'); writeFileSync(f, readFileSync(f).subarray(0, 100)); }],
      ['a deleted core module', () => rmSync(join(entry, readdirSync(entry).find((n) => n.endsWith('.wasm'))!))],
      ['a garbage manifest', () => writeFileSync(join(entry, 'manifest.json'), '{"cid": 1')],
    ];
    try {
      await runEcho(new CellRuntime({ cacheDir: dir, warmWorkers: 0 }), echo);
      for (const [what, hurt] of damage) {
        hurt();
        const rt = new CellRuntime({ cacheDir: dir, warmWorkers: 0 });
        try {
          expect(await runEcho(rt, echo), what).toBe('ping');
          expect(rt.stats, what).toMatchObject({ corrupt: 1, translations: 1, diskHits: 0 });
        } finally { await rt.close(); }
        // The rebuilt entry is whole again.
        expect((await new DiskCache(dir).read(cid)).kind, what).toBe('hit');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
