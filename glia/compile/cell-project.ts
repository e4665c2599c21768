// The checker's context for a Glia cell's source: the entry file a
// `cell.edn` names is checked as a `cell` (doc/language.md §13, "Contexts")
// with the grants the project declares, so `(perform host :id)` in a cell
// declaring `{host [:id]}` passes and `(perform host :network)` is an
// effect error naming the grant. The keyword effects are those the cell
// runtime answers in the project's mode (doc/cells.md, "What a Glia cell
// sees"): println everywhere, :exit where a run ends with a code, :stdin
// only in raw mode.
//
// Pure: the caller reads files (`ww check` from disk, the language server
// from its workspace). Paths are '/'-separated, as both give them.
import { List, Map as IMap } from 'immutable';
import { read } from '../reader/read.js';
import { Keyword } from '../values/keyword.js';
import { Sym } from '../values/symbol.js';
import type { ContextSpec } from './contexts.js';
import { capabilityInterfaceForBinding } from './capabilities.js';

export const CELL_PROJECT_FILE = 'cell.edn';

const MODE_EFFECTS: Record<string, string[]> = {
  raw: [':stdout', ':stdin', ':exit'],
  pid0: [':stdout', ':exit'],
  http: [':stdout', ':exit'],
  vat: [':stdout'],
};

/** A project file's mode and grants, or null when it is not a readable project map (`ww build` reports why). */
export function readCellProject(text: string): { name: string; mode: string; entry: string; grants: Array<{ name: string; methods: string[] }> } | null {
  const r = read(text, CELL_PROJECT_FILE);
  if (r.diagnostics.some((d) => d.severity === 'error') || r.forms.length !== 1 || !IMap.isMap(r.forms[0])) return null;
  const m = r.forms[0] as IMap<any, any>;
  const get = (k: string) => {
    for (const [key, v] of m) if (key instanceof Keyword && key.ns === null && key.name === k) return v;
    return undefined;
  };
  const name = get('name'), mode = get('mode'), entry = get('entry'), grants = get('grants');
  if (typeof name !== 'string' || !(mode instanceof Keyword) || !(mode.name in MODE_EFFECTS) || typeof entry !== 'string') return null;
  const out: Array<{ name: string; methods: string[] }> = [];
  if (grants !== undefined && grants !== null) {
    if (!IMap.isMap(grants)) return null;
    for (const [k, v] of grants as IMap<any, any>) {
      const g = k instanceof Sym && k.ns === null ? k.name : typeof k === 'string' ? k : null;
      if (g === null || !List.isList(v)) return null;
      const methods = (v as List<any>).toArray().filter((x) => x instanceof Keyword && x.ns === null).map((x: Keyword) => x.name);
      out.push({ name: g, methods });
    }
  }
  return { name, mode: mode.name, entry, grants: out };
}

/** The `cell` context spec for a project: its grants (each to its methods) and its mode's effects. */
export function cellContextSpec(project: NonNullable<ReturnType<typeof readCellProject>>): ContextSpec {
  // A name with no schema interface cannot be called in a cell either; left unbound.
  const grants = project.grants.filter((g) => capabilityInterfaceForBinding(g.name))
    .flatMap((g) => g.methods.map((m) => `${g.name}/:${m}`));
  return { name: 'cell', title: `the cell ${project.name} (${CELL_PROJECT_FILE})`, grants, allow: MODE_EFFECTS[project.mode] };
}

/**
 * The context spec for `file` when it is the entry of a Glia cell project:
 * the nearest folder above it with a cell.edn decides, and only its entry
 * is a cell (other files there are not compiled into the cell). Null
 * otherwise. `readText` gives a file's text, or undefined.
 */
export function cellContextFor(file: string, readText: (path: string) => string | undefined): ContextSpec | null {
  const target = normalize(file);
  if (!target.startsWith('/')) return null;
  let dir = target.slice(0, target.lastIndexOf('/'));
  for (let depth = 0; depth < 32; depth++) {
    const text = readText(`${dir || ''}/${CELL_PROJECT_FILE}`);
    if (text !== undefined) {
      const project = readCellProject(text);
      if (!project || normalize(project.entry.startsWith('/') ? project.entry : `${dir}/${project.entry}`) !== target) return null;
      return cellContextSpec(project);
    }
    if (dir === '') return null;
    dir = dir.slice(0, dir.lastIndexOf('/'));
  }
  return null;
}

/** An absolute '/'-path with `.` and `..` resolved (a relative one is returned as is). */
function normalize(p: string): string {
  if (!p.startsWith('/')) return p;
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop(); else out.push(part);
  }
  return '/' + out.join('/');
}
