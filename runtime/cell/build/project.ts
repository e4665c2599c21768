// A Glia cell project: a folder with a `cell.edn` project file (one Glia
// map, read with the Glia reader) and the entry source it names.
//
//   {:name    "status"            ; bin/<name>.wasm; lower case, digits, dashes
//    :version "0.1.0"             ; optional (default "0.0.0"); the cell sees it in cell-info
//    :mode    :http               ; :http (handle), :raw (main), :pid0 (main, grants over stdio)
//                                 ; or :vat (serves the defcap named by :export, e.g. :export counter)
//    :entry   "status.glia"       ; relative to the project folder
//    :grants  {host [:id :addrs :peers]}}   ; optional: name -> the methods it will call
//
// :grants becomes the component's `ww:grants` section (doc/cells.md).
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { List, Map as IMap } from 'immutable';
import { read } from '../../../glia/reader/read.js';
import { Keyword } from '../../../glia/values/keyword.js';
import { Sym } from '../../../glia/values/symbol.js';
import { prStr } from '../../../glia/values/printer.js';
import { capabilityInterfaceForBinding, capabilityMethod, capabilityMethods } from '../../../glia/compile/capabilities.js';
import { formatReport, diagnosticReport, formatError } from '../../cli/report.js';
import { readSourceSync, InputError } from '../../cli/read-input.js';
import { BuildError } from './errors.js';

export const PROJECT_FILE = 'cell.edn';
const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const KEYS = ['name', 'version', 'mode', 'entry', 'grants', 'export'];

export interface Project {
  dir: string;
  name: string;
  version: string;
  mode: 'raw' | 'http' | 'pid0' | 'vat';
  /** vat: the name of the defcap the cell serves. */
  export?: string;
  /** The entry as the project file names it (errors point at it). */
  entry: string;
  entryPath: string;
  grants: { name: string; methods: string[] }[];
}

export function readProject(path: string): Project {
  const dir = resolve(path);
  const file = join(dir, PROJECT_FILE);
  if (!existsSync(file) || !statSync(dir).isDirectory()) {
    throw new BuildError('build/no-project', `no ${PROJECT_FILE} in ${path}`,
      `a Glia cell project is a folder with a ${PROJECT_FILE}; 'ww init NAME' makes one`);
  }
  const text = readBuildSource(file, PROJECT_FILE, 'build/bad-project');
  const r = read(text, PROJECT_FILE);
  const err = r.diagnostics.find((d) => d.severity === 'error');
  if (err) throw new BuildError('build/bad-project', err.message, undefined, formatReport(diagnosticReport(err), new Map([[PROJECT_FILE, text]]), err.span));
  const bad = (message: string, hint?: string): never => { throw new BuildError('build/bad-project', `${PROJECT_FILE}: ${message}`, hint); };
  if (r.forms.length !== 1 || !IMap.isMap(r.forms[0])) bad('must hold one map, such as {:name "hello" :mode :http :entry "hello.glia"}');
  const m = r.forms[0] as IMap<any, any>;
  const get = (k: string) => {
    for (const [key, v] of m) if (key instanceof Keyword && key.ns === null && key.name === k) return v;
    return undefined;
  };
  for (const key of m.keys()) {
    if (!(key instanceof Keyword) || key.ns !== null || !KEYS.includes(key.name)) bad(`unknown key ${prStr(key)}`, `the keys are ${KEYS.map((k) => ':' + k).join(' ')}`);
  }
  const name = get('name');
  if (typeof name !== 'string' || !NAME.test(name)) bad(`:name must be a string of lower-case letters, digits and dashes, got ${prStr(name ?? null)}`);
  const version = get('version') ?? '0.0.0';
  if (typeof version !== 'string') bad(`:version must be a string, got ${prStr(version)}`);
  const mode = get('mode');
  if (!(mode instanceof Keyword) || !['http', 'raw', 'pid0', 'vat'].includes(mode.name) || mode.ns !== null) {
    bad(`:mode must be :http, :raw, :pid0 or :vat, got ${prStr(mode ?? null)}`);
  }
  const exp = get('export');
  if (exp !== undefined) {
    if (mode.name !== 'vat') bad(':export is for :vat cells: it names the defcap the cell serves');
    if (!(exp instanceof Sym) || exp.ns !== null) bad(`:export must be the symbol naming a defcap, such as counter, got ${prStr(exp)}`);
  } else if (mode.name === 'vat') {
    bad('a :vat cell needs :export, the name of the defcap it serves', 'add :export counter for (defcap counter ...)');
  }
  const entry = get('entry');
  if (typeof entry !== 'string' || entry === '') bad(`:entry must name the cell's .glia (or .wat) file, got ${prStr(entry ?? null)}`);
  const entryPath = resolve(dir, entry);
  if (!existsSync(entryPath)) throw new BuildError('build/no-entry', `${PROJECT_FILE} names ${entry} as its entry, and there is no such file`, `create ${entry}, or point :entry at the cell's source`);
  return { dir, name, version, mode: (mode as Keyword).name as Project['mode'], entry, entryPath, grants: readGrants(get('grants')),
    ...(exp !== undefined ? { export: (exp as Sym).name } : {}) };
}

function readGrants(g: any): { name: string; methods: string[] }[] {
  if (g === undefined || g === null) return [];
  const bad = (message: string, hint?: string): never => { throw new BuildError('build/bad-grant', `${PROJECT_FILE}: ${message}`, hint); };
  if (!IMap.isMap(g)) bad(`:grants must be a map of names to method vectors, such as {host [:id]}, got ${prStr(g)}`);
  const out: { name: string; methods: string[] }[] = [];
  for (const [k, v] of g as IMap<any, any>) {
    const name = k instanceof Sym && k.ns === null ? k.name : typeof k === 'string' ? k : null;
    if (name === null || !NAME.test(name)) bad(`a grant's name must be a kebab-case symbol such as host, got ${prStr(k)}`);
    if (!List.isList(v) || (v as List<any>).size === 0) bad(`grant ${name} needs a vector of the methods the cell calls, such as [:id], got ${prStr(v)}`, 'a grant with no methods would be useless; leave it out instead');
    const methods: string[] = [];
    const iface = capabilityInterfaceForBinding(name!);
    for (const x of v as List<any>) {
      if (!(x instanceof Keyword) || x.ns !== null) bad(`grant ${name}: methods are keywords such as :id, got ${prStr(x)}`);
      if (iface && !capabilityMethod(iface, x.name)) {
        bad(`grant ${name}: ${iface.name} has no method :${x.name}`, `its methods are ${capabilityMethods(iface).map((mm) => ':' + mm.name).join(' ')}`);
      }
      if (!methods.includes(x.name)) methods.push(x.name);
    }
    out.push({ name: name!, methods });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A project's text file (cell.edn, the entry), bounded and strict UTF-8
 * like every source ww reads (runtime/cli/read-input.ts); a failure is a
 * BuildError with `code`, showing the bad byte's place for bad UTF-8.
 */
export function readBuildSource(path: string, shown: string, code: 'build/bad-project' | 'build/compile'): string {
  try { return readSourceSync(path, shown).text; }
  catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new BuildError(code, e.message.replace(path, shown), e.hint, e.diagnostic ? formatError(e, new Map()) : undefined);
  }
}
