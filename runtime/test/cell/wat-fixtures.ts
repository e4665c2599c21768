// Builds the WAT test cells (runtime/test/cell/fixtures/*.wat) into real
// WASI 0.2 components with jco's wasm-tools API: parse the core module,
// embed the WIT of the world it targets, `component new`. The WIT is the
// WASI 0.2.12 release that ships inside jco, wrapped as nested packages,
// and the world imports all of wasi:cli/imports, so each component ends up
// importing exactly what its module uses, as a real toolchain's output does.
//
// Building costs about a second (wasm-tools warms up, the WIT is parsed),
// so the results are kept in the temp directory under the hash of all
// inputs, and written by rename so test files building at once do not
// see each other's half-written files. Nothing here is committed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));
const WASI_VERSION = '0.2.12';
const PACKAGES = ['io', 'cli', 'clocks', 'filesystem', 'random', 'sockets'];

function jcoDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@bytecodealliance/jco')), '..');
}

/** All WASI packages as one WIT source, plus the fixtures' world. */
export function fixtureWit(): string {
  let wit = `package ww:fixtures;\n\nworld cell {\n  include wasi:cli/imports@${WASI_VERSION};\n  export wasi:cli/run@${WASI_VERSION};\n}\n`;
  for (const p of PACKAGES) {
    const src = readFileSync(join(jcoDir(), 'lib', 'wit', 'builtin', WASI_VERSION, `wasi-${p}`, 'package.wit'), 'utf8');
    const header = /^package ([^;]+);/m.exec(src);
    if (!header) throw new Error(`no package header in wasi-${p}`);
    wit += `\npackage ${header[1]} {\n${src.replace(header[0], '')}\n}\n`;
  }
  return wit;
}

let built: Promise<Map<string, Uint8Array>> | undefined;

/** Every fixture's component bytes, by name (file name without .wat). */
export function watFixtures(): Promise<Map<string, Uint8Array>> {
  return (built ??= buildAll());
}

export async function watFixture(name: string): Promise<Uint8Array> {
  const b = (await watFixtures()).get(name);
  if (!b) throw new Error(`no fixture ${name}.wat`);
  return b;
}

async function buildAll(): Promise<Map<string, Uint8Array>> {
  const names = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.wat')).map((f) => f.slice(0, -4)).sort();
  const wit = fixtureWit();
  const jcoVersion = JSON.parse(readFileSync(join(jcoDir(), 'package.json'), 'utf8')).version;
  const h = createHash('sha256').update(wit).update(jcoVersion);
  for (const n of names) h.update(n).update(readFileSync(join(FIXTURE_DIR, `${n}.wat`)));
  const dir = join(tmpdir(), 'ww-cell-fixtures', h.digest('hex').slice(0, 20));
  if (!existsSync(join(dir, 'done'))) {
    const { parse, componentEmbed, componentNew } = await import('@bytecodealliance/jco');
    const tmp = `${dir}.${process.pid}.${Date.now()}`;
    mkdirSync(tmp, { recursive: true });
    for (const n of names) {
      const core = await parse(readFileSync(join(FIXTURE_DIR, `${n}.wat`), 'utf8'));
      const embedded = await componentEmbed({ binary: core, witSource: wit, world: 'cell' });
      writeFileSync(join(tmp, `${n}.wasm`), await componentNew(embedded));
    }
    writeFileSync(join(tmp, 'done'), '');
    try { renameSync(tmp, dir); } catch { rmSync(tmp, { recursive: true, force: true }); }
  }
  return new Map(names.map((n) => [n, new Uint8Array(readFileSync(join(dir, `${n}.wasm`)))]));
}
