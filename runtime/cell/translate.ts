// Component bytes -> what a worker needs to instantiate the cell: jco's
// glue module (transpiled with async instantiation, so the host supplies
// every import and nothing is read from preview2-shim), the core modules
// with the memory guard built in, and the list of interfaces the glue
// reads. This is the slow step (a second or more for a JS component), run
// once per CID; runtime/cell/cache.ts keeps the result.
//
// Every import the component declares is checked against the WASI surface
// here, before anything runs: a component that imports something we do
// not provide never loads, and the error names each such import.
import { CellError } from './errors.js';
import { WasmFormatError } from './wasm/bytes.js';
import { guardMemory, type GuardedMemory } from './wasm/memory-guard.js';
import { WASI_SURFACE, isSupportedVersion, isSurfaceVersion, splitVersion } from './wasi/surface.js';

/** Bumped whenever translation output changes shape; part of the cache key. */
export const TRANSLATION_VERSION = 2;

export interface CoreModule {
  /** The name the glue asks getCoreModule for. */
  file: string;
  bytes: Uint8Array;
  memories: GuardedMemory[];
}

export interface CellArtifacts {
  /** The jco glue: an ES module exporting `instantiate(getCoreModule, imports, instantiateCore)`. */
  glue: string;
  cores: CoreModule[];
  /** The import object keys the glue reads, exactly as it spells them. */
  importKeys: string[];
  /** The export key of wasi:cli/run (e.g. 'wasi:cli/run@0.2.3'). */
  entry: string;
}

const COMPONENT_LAYER = [0x0d, 0x00, 0x01, 0x00];
const CORE_VERSION = [0x01, 0x00, 0x00, 0x00];
const GLUE_NAME = 'component';

/** Refuses, with a hint, bytes that are not a component before jco sees them. */
export function checkHeader(bytes: Uint8Array): void {
  const isWasm = bytes.length >= 8 && bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
  if (!isWasm) {
    throw new CellError('cell/invalid', bytes.length < 8 ? `not WebAssembly: only ${bytes.length} bytes` : 'not WebAssembly: the file does not start with \\0asm',
      { size: bytes.length });
  }
  const v = [...bytes.subarray(4, 8)];
  if (v.every((b, i) => b === CORE_VERSION[i])) {
    throw new CellError('cell/invalid', 'this is a core WebAssembly module, not a component', {},
      'cells are WASI 0.2 components: build for wasm32-wasip2, or wrap a preview1 module with `wasm-tools component new --adapt`');
  }
  if (!v.every((b, i) => b === COMPONENT_LAYER[i])) {
    throw new CellError('cell/invalid', `unsupported WebAssembly version/layer ${v.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
  }
}

/** jco, loaded on the first translation only: a warm cache never needs it, and it is slow to load. */
const jco = () => import('@bytecodealliance/jco');

export async function translate(bytes: Uint8Array): Promise<CellArtifacts> {
  checkHeader(bytes);
  const { transpile } = await jco();
  let out: Awaited<ReturnType<typeof transpile>>;
  try {
    out = await transpile(bytes, {
      name: GLUE_NAME,
      instantiation: 'async',
      noTypescript: true,
      quiet: true,
      // Keep every core module a separate file, so each can be guarded, cached and compiled once.
      base64Cutoff: 0,
    });
  } catch (e) {
    throw new CellError('cell/invalid', `not a valid component: ${firstLine(e)}`);
  }
  const glue = withoutJspiThrows(new TextDecoder().decode(out.files[`${GLUE_NAME}.js`]));
  checkImports([...new Set([...out.imports, ...await declaredImports(bytes)])], glue);
  const entry = out.exports.map(([name]) => name).find((n) => {
    const [base, version] = splitVersion(n);
    return base === 'wasi:cli/run' && isSupportedVersion(version);
  });
  if (!entry) {
    throw new CellError('cell/no-entry', 'the component does not export wasi:cli/run (0.2.x)',
      { exports: out.exports.map(([n]) => n) }, 'a cell is a WASI command: export wasi:cli/run (a wasm32-wasip2 binary does)');
  }
  const cores: CoreModule[] = [];
  for (const [file, content] of Object.entries(out.files)) {
    if (!file.endsWith('.wasm')) continue;
    try {
      const g = guardMemory(content);
      cores.push({ file, bytes: g.bytes, memories: g.memories });
    } catch (e) {
      if (e instanceof WasmFormatError) throw new CellError('cell/invalid', `core module ${file}: ${e.message}`);
      throw e;
    }
  }
  return { glue, cores, importKeys: [...out.imports], entry };
}

/**
 * jco's glue wraps a few core exports with `WebAssembly.promising` (JSPI)
 * inside a try, and falls back to the export itself when that throws, as
 * it does on Node 20, which has no JSPI. Each throw is a TypeError whose
 * message ("... is not a function") V8 builds by parsing the calling
 * function again, and the caller is the glue's 10,000-line instantiation
 * generator: three throws cost 10-40 ms of every instantiation (measured
 * on std/status). So the glue calls a stand-in that is JSPI's own function
 * where there is one and otherwise returns the export, which is what the
 * fallback gives, without the throw.
 */
export function withoutJspiThrows(glue: string): string {
  if (!glue.includes('WebAssembly.promising(')) return glue;
  return 'const _wwPromising = typeof WebAssembly.promising === \'function\' ? WebAssembly.promising : (f) => f;\n'
    + glue.replaceAll('WebAssembly.promising(', '_wwPromising(');
}

/**
 * Every import the component declares, used or not, from the world that
 * wasm-tools prints for it. (jco's own list leaves out imports that no
 * core function uses; a cell still may not declare them.)
 */
export async function declaredImports(bytes: Uint8Array): Promise<string[]> {
  const { componentWit } = await jco();
  let wit: string;
  try { wit = await componentWit(bytes); } catch (e) { throw new CellError('cell/invalid', `not a valid component: ${firstLine(e)}`); }
  const world = /^world root \{\n([\s\S]*?)^\}/m.exec(wit);
  if (!world) throw new CellError('cell/invalid', 'the component\'s world could not be read');
  // `  import wasi:cli/stdin@0.2.3;` for an interface, `  import log: func(...)` for anything else.
  return [...world[1]!.matchAll(/^  import (.+?)(?:;|: )/gm)].map((m) => m[1]!);
}

/**
 * Checks every imported function against the surface. The glue names each
 * function it lowers in a marker (`[iface="wasi:cli/stdin@0.2.3",
 * function="get-stdin"]`), with the interface's version, which the list of
 * import keys lacks; both are checked, so an interface whose functions
 * are never called is still refused if we do not provide it.
 */
export function checkImports(importKeys: string[], glue: string): void {
  const denied = new Map<string, Set<string>>();
  const deny = (iface: string, fn?: string) => {
    let s = denied.get(iface);
    if (!s) denied.set(iface, (s = new Set()));
    if (fn) s.add(fn);
  };
  for (const key of importKeys) {
    const [base, version] = splitVersion(key);
    if (!(base in WASI_SURFACE) || (version !== undefined && !isSurfaceVersion(base, version))) deny(key);
  }
  const marker = /\[iface="([^"]+)", function="([^"]+)"\] \[Instruction::CallInterface\]/g;
  for (const m of glue.matchAll(marker)) {
    const [iface, fn] = [m[1]!, m[2]!];
    const [base, version] = splitVersion(iface);
    const provided = WASI_SURFACE[base];
    if (!provided || !isSurfaceVersion(base, version)) deny(iface, fn);
    else if (!provided.includes(fn)) deny(iface, fn);
  }
  if (denied.size === 0) return;
  // An interface denied by its versionless key and again by its versioned marker is one denial.
  for (const key of [...denied.keys()]) {
    if (!key.includes('@') && [...denied.keys()].some((k) => k.startsWith(key + '@'))) denied.delete(key);
  }
  const list = [...denied].map(([iface, fns]) => fns.size ? `${iface} (${[...fns].sort().join(', ')})` : iface);
  throw new CellError('cell/denied-import',
    `the component imports what cells are not given: ${list.join('; ')}`,
    { imports: [...denied].flatMap(([iface, fns]) => fns.size ? [...fns].sort().map((f) => `${iface}#${f}`) : [iface]) },
    'cells get WASI 0.2 stdio, environment, clocks, random and an empty filesystem; sockets, HTTP and other imports are refused');
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 3).join(': ');
}
