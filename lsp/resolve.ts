// What a symbol in a file refers to: a local, a definition in this or
// another file (the std modules and the prelude included), a builtin with
// no source, a special form, or a module alias. Hover, go-to-definition,
// references, rename and completion all start here.
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { FN_INFO, type Definition, type FnInfo, type LocalBinding, type Occurrence } from '../glia/index.js';
import type { FileAnalysis } from './file-analysis.js';
import type { Workspace } from './workspace.js';
import type { Checker } from './checker.js';
import { PRELUDE_KEY } from './std-sources.js';
import { pathToUri, uriToPath, canonicalUri } from './uri.js';

export const CORE_NS = 'glia.core';

export type Target =
  | { kind: 'local'; uri: string; binding: LocalBinding }
  | { kind: 'def'; uri: string; def: Definition; ns: string; std: boolean }
  | { kind: 'native'; ns: string; name: string; info?: FnInfo; macro: boolean; doc?: string }
  | { kind: 'special'; name: string }
  | { kind: 'module'; module: ModuleRef; alias: string }
  | { kind: 'unresolved'; ns: string | null; name: string };

export type ModuleRef =
  | { kind: 'source'; path: string; uri: string; ns: string; std: boolean }
  | { kind: 'native'; path: string; ns: string };

/** A name that identifies what a target is, the same from every file that refers to it. */
export function targetKey(t: Target): string | null {
  switch (t.kind) {
    case 'local': return t.binding.offset < 0 ? null : `local ${t.uri} ${t.binding.offset}`;
    case 'def': return `def ${t.uri} ${t.def.name}`;
    case 'native': return `native ${t.ns}/${t.name}`;
    case 'module': return t.module.kind === 'source' ? `module ${t.module.uri}` : `module ${t.module.ns}`;
    default: return null;
  }
}

export interface Member {
  name: string;
  target: Target;
}

export class Resolver {
  constructor(private readonly ws: Workspace, private readonly checker: Checker) {}

  private get registry() { return this.checker.registry; }

  /** The namespace a file's code runs in: its ns form, a std module's own, or user. */
  nsOf(file: FileAnalysis): string {
    if (file.ns) return file.ns;
    const key = this.ws.std.keyOf(file.uri);
    if (key === PRELUDE_KEY) return CORE_NS;
    if (key) return key.replace(/^std\//, '').replace(/\.glia$/, '').replace(/\//g, '.');
    return 'user';
  }

  async resolve(file: FileAnalysis, occ: Occurrence): Promise<Target> {
    switch (occ.role) {
      case 'binding': case 'local': {
        const b = occ.binding !== undefined ? file.localAt(occ.binding) : undefined;
        if (b) return { kind: 'local', uri: file.uri, binding: b };
        return { kind: 'unresolved', ns: null, name: occ.name };
      }
      case 'special': return { kind: 'special', name: occ.name };
      case 'def': {
        const d = file.definitionAt(occ.offset) ?? file.definition(occ.name);
        if (d) return this.defTarget(file.uri, d, this.nsOf(file));
        return { kind: 'unresolved', ns: null, name: occ.name };
      }
      case 'alias': {
        const spec = file.imports.find((i) => i.offset === occ.offset);
        const mod = spec && this.module(spec.path, file.uri);
        return mod ? { kind: 'module', module: mod, alias: occ.name } : { kind: 'unresolved', ns: null, name: occ.name };
      }
      case 'global': return this.global(file, occ.ns, occ.name);
    }
  }

  /** A global name as written in a file: `name` or `ns/name`. */
  async global(file: FileAnalysis, ns: string | null, name: string): Promise<Target> {
    if (ns === null) {
      const own = file.definition(name);
      if (own) return this.defTarget(file.uri, own, this.nsOf(file));
      return this.coreName(name) ?? { kind: 'unresolved', ns, name };
    }
    const mod = this.moduleFor(file, ns);
    if (mod) return (await this.member(mod, name)) ?? { kind: 'unresolved', ns, name };
    return { kind: 'unresolved', ns, name };
  }

  /** The module an alias or namespace name stands for in a file. */
  moduleFor(file: FileAnalysis, nsOrAlias: string): ModuleRef | undefined {
    const spec = [...file.imports].reverse().find((i) => i.alias === nsOrAlias);
    if (spec) return this.module(spec.path, file.uri);
    if (nsOrAlias === CORE_NS) return { kind: 'native', path: 'ww/core', ns: CORE_NS };
    return this.module(nsOrAlias.replace(/\./g, '/'), file.uri, true);
  }

  /** Resolves an import path as the session does: std modules first, then files next to the importer. */
  module(path: string, fromUri: string, stdOnly = false): ModuleRef | undefined {
    const std = this.ws.std.moduleKey(path);
    if (std) return { kind: 'source', path, uri: this.ws.std.uriOf(std), ns: path.replace(/\//g, '.'), std: true };
    if (path === 'ww/core') return { kind: 'native', path, ns: CORE_NS };
    const nativeNs = path.replace(/\//g, '.');
    if (path.startsWith('ww/') && this.registry.namespaces.has(nativeNs)) return { kind: 'native', path, ns: nativeNs };
    if (stdOnly) return this.moduleByNs(path.replace(/\//g, '.'));
    const from = uriToPath(fromUri);
    const rel = path.endsWith('.glia') ? path : `${path}.glia`;
    if (!from && !isAbsolute(rel)) return undefined;
    const full = isAbsolute(rel) ? rel : resolvePath(dirname(from!), rel);
    const uri = pathToUri(full);
    return { kind: 'source', path, uri, ns: full.replace(/\.glia$/, '').replace(/[/\\:]+/g, '.').replace(/^\.+/, ''), std: false };
  }

  /** A workspace file whose ns form names `ns`. Only files already analysed are searched. */
  private moduleByNs(ns: string): ModuleRef | undefined {
    for (const uri of this.ws.fileUris()) {
      const a = this.ws.cachedAnalysis(uri);
      if (a?.ns === ns) return { kind: 'source', path: ns.replace(/\./g, '/'), uri, ns, std: false };
    }
    return undefined;
  }

  async member(mod: ModuleRef, name: string): Promise<Target | undefined> {
    if (mod.kind === 'native') {
      if (mod.ns === CORE_NS) return this.coreName(name);
      const v = this.registry.namespaces.get(mod.ns)?.vars.get(name);
      return v ? this.nativeTarget(mod.ns, name, v) : undefined;
    }
    const a = await this.ws.analysis(mod.uri);
    const d = a?.definition(name);
    return a && d ? this.defTarget(a.uri, d, this.nsOf(a)) : undefined;
  }

  /** Every public name of a module, for completion after `alias/`. */
  async members(mod: ModuleRef): Promise<Member[]> {
    if (mod.kind === 'native') {
      const ns = this.registry.namespaces.get(mod.ns);
      if (!ns) return [];
      const out: Member[] = [];
      for (const name of ns.vars.keys()) {
        if (name.startsWith('-')) continue;
        const t = mod.ns === CORE_NS ? this.coreName(name) : this.nativeTarget(mod.ns, name, ns.vars.get(name)!);
        if (t) out.push({ name, target: t });
      }
      return out;
    }
    const a = await this.ws.analysis(mod.uri);
    if (!a) return [];
    const ns = this.nsOf(a);
    const seen = new Set<string>();
    const out: Member[] = [];
    for (const d of a.definitions) {
      if (d.private || seen.has(d.name)) continue;
      seen.add(d.name);
      out.push({ name: d.name, target: this.defTarget(a.uri, a.definition(d.name) ?? d, ns) });
    }
    return out;
  }

  /** A name in glia.core: written in the prelude (with a source location) or a builtin. */
  coreName(name: string): Target | undefined {
    const v = this.registry.core.vars.get(name);
    if (!v) return undefined;
    const prelude = this.ws.cachedAnalysis(this.ws.std.uriOf(PRELUDE_KEY));
    const d = prelude?.definition(name);
    if (d) return this.defTarget(prelude!.uri, d, CORE_NS);
    return this.nativeTarget(CORE_NS, name, v);
  }

  /** Names visible everywhere without an alias: glia.core, minus its internals. */
  coreNames(): string[] {
    return [...this.registry.core.vars.keys()].filter((n) => !n.startsWith('-'));
  }

  /**
   * What a global name is, without loading anything (semantic tokens ask
   * for every symbol of a file): a function, a macro or another var, and
   * whether it is Glia's own. Undefined when it is not known.
   */
  classify(file: FileAnalysis, ns: string | null, name: string): { kind: 'function' | 'macro' | 'variable'; library: boolean } | undefined {
    const ofDef = (d: Definition | undefined, library: boolean) => d && {
      kind: d.kind === 'defmacro' ? 'macro' as const : d.arglists.length || d.kind === 'defn' || d.kind === 'defn-' ? 'function' as const : 'variable' as const,
      library,
    };
    const ofVar = (v: any) => v && { kind: v.macro ? 'macro' as const : typeof v.value === 'function' ? 'function' as const : 'variable' as const, library: true };
    if (ns === null) return ofDef(file.definition(name), false) ?? ofVar(this.registry.core.vars.get(name));
    const mod = this.moduleFor(file, ns);
    if (!mod) return undefined;
    if (mod.kind === 'native') return ofVar(this.registry.namespaces.get(mod.ns)?.vars.get(name));
    const a = this.ws.cachedAnalysis(mod.uri);
    return a ? ofDef(a.definition(name), mod.std) : { kind: 'function', library: mod.std };
  }

  private nativeTarget(ns: string, name: string, v: any): Target {
    const info: FnInfo | undefined = typeof v.value === 'function' ? v.value[FN_INFO] : undefined;
    return { kind: 'native', ns, name, info, macro: !!v.macro, doc: v.doc ?? info?.doc };
  }

  private defTarget(uri: string, def: Definition, ns: string): Target {
    return { kind: 'def', uri: canonicalUri(uri), def, ns, std: !!this.ws.std.keyOf(uri) };
  }
}
