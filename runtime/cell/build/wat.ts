// `ww build` of a project whose :entry is a .wat file: a raw WASM cell in
// the WebAssembly text format, made into a WASI 0.2 component with jco's
// wasm-tools (parse the text, embed the WIT of a world, `component new`),
// as the WAT test cells are. No Glia, no componentize-js: it takes a
// second or two of CPU, not the ten of a Glia cell. The world imports all of
// wasi:cli/imports and the membrane channel, so the component imports
// exactly what the module uses (and the node's load check holds it to the
// WASI surface, as any cell).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildError } from './errors.js';
import type { Project } from './project.js';

export const WAT_WORLD = `package ww:wat-cell;

// What a WAT cell may import: the WASI 0.2 command imports and the
// membrane channel. It exports wasi:cli/run.
world wat-cell {
  include wasi:cli/imports@0.2.12;
  import ww:cell/membrane@0.1.0;
  export wasi:cli/run@0.2.12;
}
`;

/** Whether a project's entry is WAT rather than Glia. */
export function isWatProject(p: Project): boolean {
  return p.entry.endsWith('.wat');
}

const WASI_PACKAGES = ['cli', 'clocks', 'filesystem', 'io', 'random', 'sockets'];

/**
 * WAT_WORLD with every package it refers to nested in one WIT source
 * (jco's wasm-tools runs sandboxed and cannot read a WIT folder): the WASI
 * 0.2.12 packages jco ships, from `jcoDir`, and membrane.wit.
 */
export function watWitSource(jcoDir: string, membraneWit: string): string {
  let wit = WAT_WORLD;
  const files = WASI_PACKAGES.map((p) => join(jcoDir, 'lib', 'wit', 'builtin', '0.2.12', `wasi-${p}`, 'package.wit'));
  for (const f of [...files, membraneWit]) {
    const src = readFileSync(f, 'utf8');
    const header = /^package ([^;]+);/m.exec(src);
    if (!header) throw new BuildError('build/componentize', `no package header in ${f}`);
    wit += `\npackage ${header[1]} {\n${src.replace(header[0], '')}\n}\n`;
  }
  return wit;
}

/** The component of a WAT project's entry (`source`), against `witSource` (watWitSource). */
export async function componentOfWat(p: Project, source: string, witSource: string): Promise<Uint8Array> {
  if (p.mode === 'vat') {
    throw new BuildError('build/bad-project', `cell.edn: a .wat cell's :mode is :raw, :http or :pid0 (:vat and :export are for Glia cells)`);
  }
  const { parse, componentEmbed, componentNew } = await import('@bytecodealliance/jco');
  let core: Uint8Array;
  try { core = await parse(source); }
  catch (e) {
    throw new BuildError('build/compile', `${p.entry} is not valid WebAssembly text: ${firstLine(e)}`, 'wasm-tools reports the line and column of the first mistake');
  }
  try {
    const embedded = await componentEmbed({ binary: core, witSource, world: 'wat-cell' });
    return await componentNew(embedded, []);
  } catch (e) {
    throw new BuildError('build/compile', `${p.entry} does not make a WASI 0.2 command: ${firstLine(e)}`,
      'a cell imports WASI 0.2.x functions (or ww:cell/membrane) only, and exports "wasi:cli/run@0.2.x#run" and cabi_realloc');
  }
}

function firstLine(e: unknown): string {
  const text = String((e as Error)?.message ?? e).trim();
  return text.split('\n').slice(0, 3).join(' ').replace(/\s+/g, ' ');
}
