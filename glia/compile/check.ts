// The checker: everything Glia can say about a unit before running it.
// `checkSource` reads the text, analyses each top-level form (expanding
// macros, resolving names), infers effects (infer.ts), and compares them
// with the unit's context (contexts.ts). It also checks capability calls
// against the schemas, and warns about unused bindings and hidden
// capability names. `ww check` and the language server call it.
//
// It runs nothing of the unit, except to define the unit's own macros (and
// the functions before them, which a macro may call): a `defmacro` must
// exist before a call to it can be expanded. Imports are followed without
// running them: std modules come from the embedded sources, and other files
// through `CheckOptions.loadModule`; their functions' effects count at the
// call sites here.
//
// A CheckWorld holds a prepared session (the prelude, the std modules
// already seen, the effects of prelude functions) and is reused between
// checks; each check starts from a fresh `user` namespace.
import { Stack, List } from 'immutable';
import { read } from '../reader/read.js';
import { Session } from '../eval/session.js';
import { Namespace, type Var } from '../eval/namespace.js';
import { Analyzer } from './analyzer.js';
import type * as IR from './ir.js';
import { EffectInference, type Static, type FnSummary } from './infer.js';
import { lintNames, writtenAt } from './lint.js';
import { elementSpan } from './element-spans.js';
import {
  makeContext, parseHeader, contextForPath, verdict, describeAllowed, ContextError, DEFAULT_CONTEXT, GRAFTED, GRAFT_CONDITIONS, bindsGrafted,
  type Context, type ContextSpec,
} from './contexts.js';
import { capabilityInterface } from './capabilities.js';
import { gliaMethod } from './conveniences.js';
import { CELL_PROJECT_FILE } from './cell-project.js';
import { effectNames, isMarker, union, NO_EFFECTS, type EffectSet, type Origin } from './effects.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { Span } from '../span.js';
import { spanOf } from '../span.js';
import { Sym, isSymNamed } from '../values/symbol.js';
import { Keyword } from '../values/keyword.js';
import { SOURCES } from '../generated/sources.js';
import { walk } from './ir-walk.js';
import { declareTopLevel } from './declare.js';
import type { FormCache } from './form-cache.js';

export interface LoadedModule { source: string; file: string }

export interface CheckOptions {
  /** The file name spans carry; its folder may imply the context (init.d/). */
  file?: string;
  /** The context, overriding the header and the location: a name, a spec or a made context. */
  context?: string | ContextSpec | Context;
  /** Effects to allow on top of the context's own (`ww check --allow`): `:kw`, `name`, `name/:method`. */
  allow?: readonly string[];
  /** Reads a module that `(import "path")` names, relative to `fromFile`; undefined when there is none. */
  loadModule?: (path: string, fromFile: string) => LoadedModule | undefined;
  /**
   * The context of the Glia cell project whose entry this file is
   * (cellContextFor in cell-project.ts): below a header, above the folder.
   */
  project?: ContextSpec | null;
  /**
   * One document's analyses, kept between its checks (form-cache.ts): only
   * the forms that changed, and those that depend on what changed, are
   * analysed again. The result is the same as without it. A result shares
   * spans with the cache, which later checks move: use it before checking
   * the document again (the language server converts it at once).
   */
  cache?: FormCache;
  /**
   * What a session's earlier evaluations defined, for a unit the session
   * is about to run (runtime/session/evaluator.ts): those names resolve,
   * with nothing known of their values, so the rest of the unit is still
   * checked. Without it they are unbound-symbol.
   */
  session?: SessionNames;
}

/** The names a session's namespace has from its earlier evaluations. */
export interface SessionNames {
  /** Its vars (functions, values, capabilities it obtained): calling or performing on one is an unknown effect, left to the run-time checks. */
  vars: readonly string[];
  /** Its macros: a call of one is not analysed, since expanding it would run session code. */
  macros: readonly string[];
  /** Its aliases, each to a std module path (`ww/string`) or null for another module, whose names are not known. */
  aliases: ReadonlyMap<string, string | null>;
}

/** What a hover at a name shows. */
export interface SymbolInfo {
  /** Offsets of the name in the source, end exclusive. */
  offset: number;
  end: number;
  name: string;
  kind: 'global' | 'local' | 'method';
  /** `([x] [x & more])` for a function, the schema signature for a method. */
  signature?: string;
  doc?: string;
  /** The effects calling the function performs (for a method: the method's own). */
  effects?: string[];
  /** For a method: the interface. */
  interfaceName?: string;
}

/** A top-level form and what it performs; a def of a function also says what calling it performs. */
export interface FormEffects {
  span: Span;
  effects: string[];
  defines?: { name: string; signature: string; effects: string[]; macro: boolean };
}

export interface CheckResult {
  diagnostics: Diagnostic[];
  context: Context;
  /** Each top-level form (the parts of a top-level do separately) with its effects. */
  forms: FormEffects[];
  /** Names in the source with what the checker knows about them, in source order. */
  symbols: SymbolInfo[];
}

interface Unit {
  file: string;
  source: string;
  roots: IR.Node[];
  /** Top-level forms (after macro expansion of their heads) that are imports or ns forms. */
  importRoots: Set<IR.Node>;
}

/** A prepared session and what is known about the prelude and std modules. */
export class CheckWorld {
  readonly session = new Session({ stdout: () => {} });
  private readonly baseline = new Set<string>();
  /** Statics of vars outside the checked unit (prelude, std modules). */
  private readonly stdStatics = new Map<Var, Static>();
  private readonly stdModules = new Map<string, Namespace>();

  constructor() {
    for (const name of this.session.registry.namespaces.keys()) if (name !== 'user') this.baseline.add(name);
    const core = this.session.registry.core;
    this.staticModule(SOURCES['glia/prelude/core.glia']!, 'glia/prelude/core.glia', core);
  }

  /**
   * Infers the effects of a module's functions without running it. Its
   * `defmacro` forms are left out: a macro runs when code is expanded,
   * never as a call the checker follows, so its summary is never asked
   * for, and analysing the prelude's macros was most of the checker's
   * start (the module already ran, so its macros expand the other forms).
   */
  private staticModule(source: string, file: string, ns: Namespace): void {
    const registry = this.session.registry;
    const saved = registry.current;
    registry.current = ns;
    try {
      const forms = read(source, file).forms.filter((f) => !(Stack.isStack(f) && isSymNamed((f as Stack<any>).first(), 'defmacro')));
      const analyzer = new Analyzer(registry, this.session.runMacro, file);
      const roots = forms.map((f) => analyzer.analyzeTop(f));
      inferUnit(roots, (v) => this.stdStatics.get(v) ?? boundStatic(v), this.stdStatics, null, 4);
    } finally {
      registry.current = saved;
    }
  }

  /** A std module (ww/test, ww/string, ...), loaded once: run for its macros, analysed for its effects. */
  stdModule(path: string): Namespace | null {
    const hit = this.stdModules.get(path);
    if (hit) return hit;
    const registry = this.session.registry;
    if (path === 'ww/core') return registry.core;
    const source = SOURCES[`std/${path}.glia`];
    let ns: Namespace | undefined;
    if (source !== undefined) {
      const nsName = path.replace(/\//g, '.');
      const saved = registry.current;
      registry.current = registry.ensure(nsName);
      try { this.session.runSync(source, `std/${path}.glia`); }
      catch { return null; }
      finally { ns = registry.current; registry.current = saved; }
      this.staticModule(source, `std/${path}.glia`, ns);
    } else if (path.startsWith('ww/')) {
      ns = registry.namespaces.get(path.replace(/\//g, '.'));
    }
    if (!ns) return null;
    this.baseline.add(ns.name);
    this.stdModules.set(path, ns);
    return ns;
  }

  stdStatic(v: Var): Static | undefined { return this.stdStatics.get(v); }

  /** A namespace the world had before any unit was checked (glia.core, the std modules). */
  isBaseline(name: string): boolean { return this.baseline.has(name); }

  /** Forgets everything a previous check defined. */
  reset(): Namespace {
    const registry = this.session.registry;
    for (const name of [...registry.namespaces.keys()]) if (!this.baseline.has(name)) registry.namespaces.delete(name);
    const user = new Namespace('user');
    registry.namespaces.set('user', user);
    registry.current = user;
    return user;
  }
}

let sharedWorld: CheckWorld | null = null;
/** The process-wide world (made on first use; building it runs the prelude once). */
export function checkWorld(): CheckWorld { return (sharedWorld ??= new CheckWorld()); }

/** Resolves the context of a unit: the option, else its header, else its location, else eval. */
export function resolveContext(source: string, file: string, forced: CheckOptions['context'], extra?: readonly string[],
  project?: ContextSpec | null): { context: Context; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const withExtra = (spec: ContextSpec): ContextSpec => (extra?.length ? { ...spec, allow: [...(spec.allow ?? []), ...extra] } : spec);
  const fallback = () => makeContext(withExtra({ name: DEFAULT_CONTEXT }));
  if (forced !== undefined && typeof forced === 'object' && 'capabilities' in forced) return { context: forced, diagnostics };
  let header = null;
  try { header = parseHeader(source); }
  catch (e) {
    if (!(e instanceof ContextError)) throw e;
    const h = (e as any).header as { offset: number; end: number; line: number };
    diagnostics.push(diagnostic('unknown-context', headerSpan(file, source, h), e.message, e.hint ?? 'for example ;; glia: context=init.d (contexts: init.d, mcp, shell, pure, cell, eval)'));
  }
  // Strongest first: the caller, the header, the cell project whose entry
  // this is, the folder (init.d), else the default.
  const spec: ContextSpec | null = forced !== undefined ? (typeof forced === 'string' ? { name: forced } : forced as ContextSpec)
    : header ? header.spec : project ? project : contextForPath(file) ? { name: contextForPath(file)! } : null;
  if (!spec) return { context: fallback(), diagnostics };
  try {
    return { context: makeContext(withExtra(spec)), diagnostics };
  } catch (e) {
    if (!(e instanceof ContextError)) throw e;
    if (header && forced === undefined) {
      diagnostics.push(diagnostic('unknown-context', headerSpan(file, source, header), e.message, e.hint));
      return { context: fallback(), diagnostics };
    }
    if (project && spec === project) {
      diagnostics.push(diagnostic('unknown-context', headerSpan(file, source, { offset: 0, end: 0, line: 1 }), `${CELL_PROJECT_FILE}: ${e.message}`, e.hint));
      return { context: fallback(), diagnostics };
    }
    throw e;
  }
}

function headerSpan(file: string, source: string, h: { offset: number; end: number; line: number }): Span {
  const text = source.slice(h.offset, h.end).replace(/\r$/, '');
  return { file, line: h.line, col: 1, endLine: h.line, endCol: text.length + 1, offset: h.offset, endOffset: h.offset + text.length };
}

/**
 * Checks one unit of source. Never throws for bad input: every problem is a
 * diagnostic. Throws ContextError only when `opts.context` names no context.
 */
export function checkSource(source: string, opts: CheckOptions = {}, world: CheckWorld = checkWorld()): CheckResult {
  const file = opts.file ?? '<check>';
  const { context, diagnostics: contextDiags } = resolveContext(source, file, opts.context, opts.allow, opts.project);
  // The form cache keys a unit by its own text, not by what a session defined before it.
  const cache = opts.session ? undefined : opts.cache;
  const r = cache ? cache.reader.read(source, file) : read(source, file);
  const user = cache?.begin(world, r.forms, source, file, context, JSON.stringify([opts.allow ?? [], opts.project ?? null])) ?? world.reset();
  const caps = new Map<Var, Static>();
  for (const [name, ifaceName] of context.capabilities) {
    caps.set(user.intern(name), { kind: 'cap', owner: name, iface: capabilityInterface(ifaceName) ?? null });
  }
  // A Glia cell also finds its project's {:name :version :mode} bound as cell-info.
  if (context.name === 'cell') user.intern('cell-info');
  if (opts.session) declareSession(user, opts.session, world);
  const checker = new UnitChecker(world, opts, caps);
  const unit = checker.analyzeUnit(r.forms, source, file, r.diagnostics, true, cache);
  if (cache?.aborted) {
    // The unit did something the cache cannot follow: check it from scratch.
    cache.clear();
    return checkSource(source, opts, world);
  }
  const statics = checker.statics;
  const inference = inferUnit(unit.roots, (v) => checker.varStatic(v), statics, checker.host(source), 5);

  const diagnostics: Diagnostic[] = [...contextDiags, ...r.diagnostics, ...checker.diagnostics.map((d) => explainUnbound(d, context)), ...inference.diagnostics];
  diagnostics.push(...stalePureAssumptions(unit, inference));
  diagnostics.push(...contextViolations(unit, context, inference));
  // A form with a compile error lost the code around the error, so its
  // locals may look unused: only names in sound forms are reported.
  const errorAt = checker.diagnostics.filter((d) => d.severity === 'error').map((d) => d.span.offset);
  const sound = unit.roots.filter((n) => !n.span || !errorAt.some((o) => o >= n.span!.offset && o < n.span!.endOffset));
  diagnostics.push(...lintNames(sound, source, new Set(context.capabilities.keys())));
  // Hover data costs a walk and some lexing; only an editor asks for it.
  let symbols: SymbolInfo[] | null = null;
  let forms: FormEffects[] | null = null;
  // Reused IR is inferred again by later checks of the document: what this one found is kept here.
  const tops = cache ? topEffects(unit.roots) : null;
  const effectsOf = (n: IR.Node) => (tops ? tops.get(n) : n.effects);
  return {
    diagnostics: sortUnique(diagnostics),
    context,
    get forms() { return (forms ??= formEffects(unit, inference, effectsOf)); },
    get symbols() { return (symbols ??= collectSymbols(unit, inference, (v) => checker.varStatic(v))); },
  };
}

/** Analyses the forms of a unit (and the modules it imports) the way running it would. */
class UnitChecker {
  readonly diagnostics: Diagnostic[] = [];
  readonly statics = new Map<Var, Static>();
  private readonly loading = new Set<string>();
  /** The form cache of the unit being analysed (not of the modules it imports). */
  private cache: FormCache | undefined;

  constructor(readonly world: CheckWorld, readonly opts: CheckOptions, readonly caps: Map<Var, Static>) {}

  varStatic(v: Var): Static {
    return this.caps.get(v) ?? this.statics.get(v) ?? this.world.stdStatic(v) ?? boundStatic(v);
  }

  host(source: string) {
    return {
      varStatic: (v: Var) => this.varStatic(v),
      elementSpan: (span: Span | undefined, index: number) => (span && elementSpan(source, span, index)) ?? span,
    };
  }

  analyzeUnit(forms: any[], source: string, file: string, readDiags: Diagnostic[], report = true, cache?: FormCache): Unit {
    const session = this.world.session;
    const registry = session.registry;
    const analyzer = new Analyzer(registry, session.runMacro, file);
    const earlier = report ? this.opts.session : undefined;
    if (earlier) {
      // The session's macros and non-std aliases are opaque: a form using one is left to the run-time checks.
      analyzer.lenientAliases = true;
      for (const alias of earlier.aliases.keys()) if (!registry.current.aliases.has(alias)) analyzer.pendingAliases.add(alias);
    }
    const broken = readDiags.filter((d) => d.severity === 'error').map((d) => d.span.offset);
    declareTopLevel(registry.current, forms, (name) => registry.ensure(name));
    cache?.declared(registry, this.world);
    const outerCache = this.cache;
    if (cache) this.cache = cache;
    const unit: Unit = { file, source, roots: [], importRoots: new Set() };
    const pendingFns: any[] = [];
    let afterEval = false;
    const start = registry.current;
    try {
      for (const form of forms) {
        const span = spanOf(form);
        const isBroken = span !== undefined && broken.some((o) => o >= span.offset && o < span.endOffset);
        const mark = analyzer.diagnostics.length;
        const head = Stack.isStack(form) && (form as Stack<any>).size ? (form as Stack<any>).first() : null;
        const headName = head instanceof Sym && head.ns === null ? head.name : null;
        // An ns form switches namespace first, then imports into the new one.
        if (headName === 'ns') enterNamespace(form, registry);
        if (headName === 'import' || headName === 'ns') this.followImports(form, analyzer, file);
        if (headName === 'defmacro') this.defineMacro(form, pendingFns, file);
        if (cache && (headName === 'defmacro' || headName === 'in-ns')) cache.ineligible();
        // ns and import forms bind aliases as they are analysed: never reused.
        const key = cache && headName !== 'ns' && headName !== 'import' ? cache.keyOf(form, source, isBroken) : null;
        const reused = cache?.reuse(key, form);
        let node: IR.Node;
        if (reused) {
          node = reused.node;
          analyzer.diagnostics.push(...reused.diagnostics);
        } else {
          cache?.analysing(analyzer);
          node = analyzer.analyzeTop(form);
          if (headName === 'in-ns') enterNamespace(form, registry);
          if (isBroken) analyzer.diagnostics.length = mark;
          // eval may have defined what a later form uses (the session checks those forms when they run).
          else if (afterEval) analyzer.diagnostics.splice(mark, analyzer.diagnostics.length - mark, ...analyzer.diagnostics.slice(mark).filter((d) => d.code !== 'unbound-symbol'));
          if (!afterEval && mentionsEval(form)) { afterEval = true; cache?.ineligible(); }
          cache?.analysed(analyzer, key, form, node, analyzer.diagnostics.slice(mark));
        }
        if (headName === 'import' || headName === 'ns') unit.importRoots.add(node);
        if (node.op === 'def' && node.init?.op === 'fn' && !node.macro) pendingFns.push(form);
        unit.roots.push(node);
      }
    } finally {
      registry.current = start;
      this.cache = outerCache;
    }
    cache?.finish();
    if (report) this.diagnostics.push(...analyzer.diagnostics);
    return unit;
  }

  /** Makes the unit's macros (and the functions defined before them) exist, so calls expand. */
  private defineMacro(form: any, pendingFns: any[], file: string): void {
    const session = this.world.session;
    for (const f of pendingFns.splice(0)) { try { session.evalTop(f, file); } catch { /* reported by the analysis */ } }
    try { session.evalTop(form, file); } catch { /* reported by the analysis */ }
  }

  /** Resolves the modules an import or ns form names, and binds their aliases as running it would. */
  private followImports(form: any, analyzer: Analyzer, file: string): void {
    const registry = this.world.session.registry;
    for (const { path, alias, at } of importsOf(form)) {
      const ns = this.module(path, file);
      if (ns === undefined) {
        // No way to read it here (an editor without files): uses of the alias are not checked.
        analyzer.lenientAliases = true;
        analyzer.pendingAliases.add(alias);
        continue;
      }
      if (ns === null) {
        this.diagnostics.push(diagnostic('unknown-module', at, `no module ${path}`,
          path.startsWith('ww/') ? 'the std modules are ww/core, ww/string, ww/json, ww/coll, ww/test, ww/policy and ww/state' : 'the path is relative to this file'));
        analyzer.lenientAliases = true;
        analyzer.pendingAliases.add(alias);
        continue;
      }
      registry.current.aliases.set(alias, ns);
    }
  }

  /** The namespace of a module; null when it does not exist, undefined when it cannot be looked for. */
  private module(path: string, fromFile: string): Namespace | null | undefined {
    const std = this.world.stdModule(path);
    if (std) return std;
    if (path.startsWith('ww/')) return null;
    if (!this.opts.loadModule) return undefined;
    let loaded: LoadedModule | undefined;
    try { loaded = this.opts.loadModule(path, fromFile); } catch { loaded = undefined; }
    if (!loaded) return null;
    // A file's namespace is made again at each check; the cache cannot keep Vars into it.
    this.cache?.ineligible();
    const registry = this.world.session.registry;
    const nsName = loaded.file.replace(/\.glia$/, '').replace(/[/\\:]+/g, '.').replace(/^\.+/, '');
    if (this.loading.has(loaded.file)) return registry.ensure(nsName);
    this.loading.add(loaded.file);
    const saved = registry.current;
    registry.current = registry.ensure(nsName);
    try {
      const r = read(loaded.source, loaded.file);
      const unit = this.analyzeUnit(r.forms, loaded.source, loaded.file, r.diagnostics, false);
      const ns = registry.current;
      inferUnit(unit.roots, (v) => this.varStatic(v), this.statics, null, 4);
      return lastNamespace(r.forms, registry) ?? ns;
    } finally {
      registry.current = saved;
    }
  }
}

/**
 * Binds what a session defined before this unit, in the unit's namespace:
 * vars with no value (a call of one performs an unknown effect), macros
 * unbound (the analyzer leaves their calls unanalysed), and aliases of std
 * modules to the modules.
 */
function declareSession(user: Namespace, names: SessionNames, world: CheckWorld): void {
  for (const name of names.vars) user.intern(name);
  for (const name of names.macros) user.intern(name).macro = true;
  for (const [alias, path] of names.aliases) {
    const ns = path === null ? null : world.stdModule(path);
    if (ns) user.aliases.set(alias, ns);
  }
}

function mentionsEval(form: any, depth = 0): boolean {
  if (form instanceof Sym) return form.name === 'eval';
  if (depth > 64 || !(Stack.isStack(form) || List.isList(form))) return false;
  for (const x of form as Iterable<any>) if (mentionsEval(x, depth + 1)) return true;
  return false;
}

/** The namespace a module's ns form switches to, if it has one. */
function lastNamespace(forms: any[], registry: Session['registry']): Namespace | null {
  let ns: Namespace | null = null;
  for (const f of forms) {
    if (Stack.isStack(f) && (f as Stack<any>).first() instanceof Sym && ((f as Stack<any>).first() as Sym).name === 'ns') {
      const name = (f as Stack<any>).get(1);
      if (name instanceof Sym) ns = registry.ensure(name.fqn);
    }
  }
  return ns;
}

function enterNamespace(form: any, registry: Session['registry']): void {
  const items = (form as Stack<any>).toArray();
  let name = items[1];
  if (Stack.isStack(name) && (name as Stack<any>).first() instanceof Sym && ((name as Stack<any>).first() as Sym).name === 'quote') name = (name as Stack<any>).get(1);
  if (name instanceof Sym) registry.current = registry.ensure(name.fqn);
}

/** The imports an import or ns form makes: path, alias and where. */
function importsOf(form: any): Array<{ path: string; alias: string; at: Span }> {
  const items = (form as Stack<any>).toArray();
  const at = spanOf(form)!;
  const aliasOf = (path: string, rest: any[]): string => {
    for (let i = 0; i + 1 < rest.length; i += 2) if (rest[i] instanceof Keyword && rest[i].name === 'as' && rest[i + 1] instanceof Sym) return rest[i + 1].name;
    return path.replace(/\.glia$/, '').split('/').pop()!;
  };
  const head = items[0] as Sym;
  if (head.name === 'import') return typeof items[1] === 'string' ? [{ path: items[1], alias: aliasOf(items[1], items.slice(2)), at }] : [];
  const out: Array<{ path: string; alias: string; at: Span }> = [];
  for (const clause of items.slice(2)) {
    if (!Stack.isStack(clause)) continue;
    const kind = (clause as Stack<any>).first();
    if (!(kind instanceof Keyword) || (kind.name !== 'import' && kind.name !== 'require')) continue;
    for (const spec of (clause as Stack<any>).rest()) {
      const parts = List.isList(spec) ? (spec as List<any>).toArray() : [spec];
      if (!(parts[0] instanceof Sym) && typeof parts[0] !== 'string') continue;
      const path = typeof parts[0] === 'string' ? parts[0] : (parts[0] as Sym).fqn.replace(/\./g, '/');
      out.push({ path, alias: aliasOf(path, parts.slice(1)), at: spanOf(spec) ?? at });
    }
  }
  return out;
}

function boundStatic(v: Var): Static {
  if (!v.bound || typeof v.value !== 'function' || v.macro) return null;
  const f = v.value;
  return { kind: 'native', fn: f, name: f[Symbol.for('glia.fn')]?.name ?? v.name };
}

/**
 * Infers a unit's effects. One round is exact when no function of the unit
 * is used before its def; otherwise (a forward reference, recursion) rounds
 * repeat until the functions' summaries stop changing. With a host, the
 * last round's diagnostics are the result. `statics` receives what each
 * def defines.
 */
function inferUnit(roots: IR.Node[], varStatic: (v: Var) => Static, statics: Map<Var, Static>,
  host: { varStatic: (v: Var) => Static; elementSpan: (s: Span | undefined, i: number) => Span | undefined } | null, rounds: number): EffectInference {
  const unitVars = new Set<Var>();
  const collect = (n: IR.Node) => { if (n.op === 'do') { n.body.forEach(collect); collect(n.ret); } else if (n.op === 'def') unitVars.add(n.v); };
  roots.forEach(collect);
  const defined = new Set<Var>();
  let early = false;
  const lookup = host?.varStatic ?? varStatic;
  const h = {
    varStatic: (v: Var) => { if (unitVars.has(v) && !defined.has(v)) early = true; return lookup(v); },
    elementSpan: host?.elementSpan ?? ((s: Span | undefined) => s),
  };
  let last: string | null = null;
  let inference = new EffectInference(h);
  for (let round = 0; round < rounds; round++) {
    inference = new EffectInference(h);
    inference.report = !!host;
    defined.clear();
    early = false;
    const fingerprint = runRound(inference, roots, statics, defined);
    if (!early || fingerprint === last) break;
    last = fingerprint;
  }
  return inference;
}

function runRound(inference: EffectInference, roots: IR.Node[], statics: Map<Var, Static>, defined: Set<Var>): string {
  const parts: string[] = [];
  const visit = (n: IR.Node) => {
    // The parts of a top-level do are top-level forms (a def in one is seen by the next).
    if (n.op === 'do') { for (const b of n.body) visit(b); visit(n.ret); return; }
    try { inference.infer(n); } catch (e) { if (!(e instanceof RangeError)) throw e; }
    if (n.op === 'def') {
      const s = n.init ? inference.staticOf(n.init) : null;
      if (s) statics.set(n.v, s);
      else if (n.init) statics.delete(n.v);
      if (s?.kind === 'fn') parts.push(`${n.v.fqn}:${[...s.summary.effects.keys()].sort().join(',')}`);
      defined.add(n.v);
    }
  };
  for (const r of roots) visit(r);
  return parts.join(';');
}

/** Effects of top-level forms (and, where the context says so, of top-level functions) that the context does not allow. */
function contextViolations(unit: Unit, ctx: Context, inference: EffectInference): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const report = (effect: string, o: Origin, where: 'top' | string) => {
    if (o.maybeHandled) return;
    const v = verdict(ctx, effect);
    if (v !== 'denied') return;
    const span = o.span ?? o.root;
    if (!span) return;
    const key = `${effect}@${span.offset}:${span.endOffset}`;
    if (seen.has(key)) return;
    seen.add(key);
    // Where a function performs it, when that is in code the user wrote (not the prelude or std).
    const at = o.root && o.via.length && !/^(glia\/prelude|std)\//.test(o.root.file) ? ` (at ${o.root.file}:${o.root.line}:${o.root.col})` : '';
    const root = o.root;
    const inside = !!root && root.file === span.file && root.offset >= span.offset && root.endOffset <= span.endOffset;
    const via = o.via.length ? `calling ${o.via[0]} performs ${effect}${o.via.length > 1 ? ` (through ${o.via.slice(1).join(' -> ')})` : ''}${at}`
      : root && !inside ? `this macro call expands to code that performs ${effect}`
      : root && (root.offset !== span.offset || root.endOffset !== span.endOffset) ? `this form performs ${effect} through a function it runs (at ${root.file}:${root.line}:${root.col})`
      : `${effect} is performed here`;
    const inFn = where === 'top' ? '' : ` (in ${where}, which ${ctx.title} exports)`;
    // A cell project's grants are its to widen: say where.
    const grant = ctx.name === 'cell' && ctx.title.includes(CELL_PROJECT_FILE) ? /^([a-z][a-z0-9-]*)\/:([a-z][a-z0-9-]*)$/.exec(effect) : null;
    const widen = grant ? `, or declare it: add :${grant[2]} to ${grant[1]} in the :grants of ${CELL_PROJECT_FILE}` : ' or run the code where it is allowed';
    out.push(diagnostic('effect-not-allowed', span, `${via}, which ${ctx.title} does not allow${inFn}`,
      `${ctx.title} allows ${describeAllowed(ctx)}; handle it with (with-effect-handler ${handlerTarget(effect)} (fn [data resume] ...) ...)${widen}`));
  };
  const check = (n: IR.Node, where: 'top' | string) => {
    const effects = n.effects;
    if (!effects) return;
    for (const [effect, o] of effects) if (!isMarker(effect)) report(effect, o, where);
  };
  const topLevel = (n: IR.Node) => {
    if (ctx.importsAtTopLevel && unit.importRoots.has(n)) return;
    if (n.op === 'do') { n.body.forEach(topLevel); topLevel(n.ret); return; }
    check(n, 'top');
    if (ctx.checkDefinitions && n.op === 'def' && n.init?.op === 'fn') {
      const s = inference.summaryOf(n.init);
      if (s) for (const [effect, o] of s.effects) if (!isMarker(effect)) report(effect, o, n.v.name);
    }
  };
  for (const r of unit.roots) topLevel(r);
  return out;
}

/**
 * An unbound capability name: in a context that binds the grafted names,
 * one the node does not grant (say on what condition it would); elsewhere,
 * usually a file checked in the wrong context (say so).
 */
function explainUnbound(d: Diagnostic, ctx: Context): Diagnostic {
  if (d.code !== 'unbound-symbol') return d;
  const m = /^unable to resolve symbol '([^']+)'$/.exec(d.message);
  const name = m?.[1];
  if (!name || !(GRAFTED as readonly string[]).includes(name) || ctx.capabilities.has(name)) return d;
  const condition = GRAFT_CONDITIONS[name];
  if (bindsGrafted(ctx.name)) {
    const granted = [...ctx.capabilities.keys()];
    if (!granted.length) return { ...d, hint: `no node's capabilities are bound here, so neither is ${name}${condition ? `; ${condition}` : ''}` };
    return { ...d, hint: condition ? `${condition}; this node was started without it`
      : `this node does not grant ${name} (it grants ${granted.join(', ')})` };
  }
  return { ...d, hint: `${name} is a capability that init.d scripts and MCP sessions find bound, but this file is checked as ${ctx.title}; if it is one of those, start it with ;; glia: context=init.d${condition ? ` (${condition})` : ''}` };
}

/**
 * A function redefined to perform effects after other functions were
 * defined calling it: when the unit runs, those were compiled as pure calls
 * (the session warns about it then; this says it before running).
 */
function stalePureAssumptions(unit: Unit, inference: EffectInference): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pure = new Map<Var, boolean>();
  const callers = new Map<Var, string[]>();
  const defs: IR.DefNode[] = [];
  const flatten = (n: IR.Node) => { if (n.op === 'do') { n.body.forEach(flatten); flatten(n.ret); } else if (n.op === 'def') defs.push(n); };
  unit.roots.forEach(flatten);
  for (const d of defs) {
    const s = d.init?.op === 'fn' ? inference.summaryOf(d.init) : undefined;
    const performs = !!s && [...s.effects.keys()].some((k) => !isMarker(k));
    if (s && performs && pure.get(d.v) === true && callers.get(d.v)?.length) {
      const names = callers.get(d.v)!;
      out.push(diagnostic('stale-pure-assumption', (d.span && elementSpan(unit.source, d.span, 1)) ?? d.span!,
        `${d.v.fqn} now performs effects, but ${names.join(', ')} ${names.length === 1 ? 'was' : 'were'} defined earlier calling it while it did not`,
        `when this file runs, those calls were compiled assuming ${d.v.name} is pure; define ${d.v.name} once, before its callers`));
    }
    if (d.init) {
      walk(d.init, (n) => { if (n.op === 'var' && n.v !== d.v && pure.get(n.v) === true) callers.set(n.v, [...(callers.get(n.v) ?? []), d.v.name]); });
    }
    if (s) { pure.set(d.v, !performs); if (!performs) callers.set(d.v, []); }
  }
  return out.filter((d) => d.span);
}

function handlerTarget(effect: string): string {
  if (effect.startsWith(':')) return effect;
  const slash = effect.indexOf('/');
  return slash > 0 ? effect.slice(0, slash) : effect;
}

/** The effects of each top-level form (and of the parts of a top-level do). */
function topEffects(roots: IR.Node[]): Map<IR.Node, EffectSet | undefined> {
  const out = new Map<IR.Node, EffectSet | undefined>();
  const visit = (n: IR.Node) => { out.set(n, n.effects); if (n.op === 'do') { n.body.forEach(visit); visit(n.ret); } };
  roots.forEach(visit);
  return out;
}

function formEffects(unit: Unit, inference: EffectInference, effectsOf: (n: IR.Node) => EffectSet | undefined): FormEffects[] {
  const out: FormEffects[] = [];
  const visit = (n: IR.Node) => {
    if (n.op === 'do' && !unit.importRoots.has(n)) { n.body.forEach(visit); visit(n.ret); return; }
    if (!n.span) return;
    const effects = n.op === 'do' ? [...n.body, n.ret].reduce((acc, x) => union(acc, effectsOf(x) ?? NO_EFFECTS), NO_EFFECTS) : effectsOf(n);
    const f: FormEffects = { span: n.span, effects: effects ? effectNames(effects) : [] };
    if (n.op === 'def' && n.init?.op === 'fn') {
      const s = inference.summaryOf(n.init);
      if (s) f.defines = { name: n.v.name, signature: signatureOf(s), effects: effectNames(ownEffects(s)), macro: !!n.macro };
    }
    out.push(f);
  };
  unit.roots.forEach(visit);
  return out;
}

// ---- hovers -------------------------------------------------------------------------

function signatureOf(s: FnSummary): string {
  if (!s.arities.length) return s.info.variadic !== null || s.info.arities.length ? describeInfo(s.info) : '';
  const one = (a: { params: IR.Binding[]; rest: IR.Binding | null }) =>
    `[${[...a.params.map((p) => (p.name.includes('__') ? '_' : p.name)), ...(a.rest ? ['&', a.rest.name.includes('__') ? 'more' : a.rest.name] : [])].join(' ')}]`;
  return s.arities.length === 1 ? one(s.arities[0]!) : `(${s.arities.map(one).join(' ')})`;
}

function describeInfo(info: { arities: number[]; variadic: number | null }): string {
  const parts = [...info.arities].sort((a, b) => a - b).map((n) => `[${Array.from({ length: n }, (_, i) => `x${i + 1}`).join(' ')}]`);
  if (info.variadic !== null) parts.push(`[${[...Array.from({ length: info.variadic }, (_, i) => `x${i + 1}`), '&', 'more'].join(' ')}]`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(' ')})`;
}

function fnInfoOf(s: Static): Pick<SymbolInfo, 'signature' | 'doc' | 'effects'> | null {
  if (s?.kind === 'fn') {
    const r: Pick<SymbolInfo, 'signature' | 'doc' | 'effects'> = { signature: signatureOf(s.summary), effects: effectNames(ownEffects(s.summary)) };
    if (s.summary.doc) r.doc = s.summary.doc;
    return r;
  }
  if (s?.kind === 'native') {
    const info = s.fn[Symbol.for('glia.fn')];
    const r: Pick<SymbolInfo, 'signature' | 'doc' | 'effects'> = { effects: [] };
    if (info) { r.signature = describeInfo(info); if (info.doc) r.doc = info.doc; }
    return r;
  }
  return null;
}

function ownEffects(s: FnSummary): EffectSet {
  const out = new Map<string, Origin>();
  for (const [k, o] of s.effects) {
    if (!isMarker(k)) { out.set(k, o); continue; }
    // A call of a parameter shows as what it is: the effects of the function passed there.
    out.set(`(effects of ${o.param?.name ?? 'an argument'})`, o);
  }
  return out;
}

function collectSymbols(unit: Unit, inference: EffectInference, varStatic: (v: Var) => Static): SymbolInfo[] {
  const out: SymbolInfo[] = [];
  const src = unit.source;
  const add = (span: Span | undefined, name: string, kind: SymbolInfo['kind'], info: Partial<SymbolInfo> | null) => {
    if (!info || !writtenAt(src, span, name)) return;
    out.push({ offset: span.offset, end: span.endOffset, name, kind, ...info });
  };
  for (const root of unit.roots) {
    walk(root, (n) => {
      if (n.op === 'var') add(n.span, writtenName(src, n.span) ?? n.v.name, 'global', fnInfoOf(varStatic(n.v)));
      else if (n.op === 'local') add(n.span, n.binding.name, 'local', fnInfoOf(inference.localStatic(n.binding)));
      else if (n.op === 'def' && n.init && n.span) {
        const nameSpan = elementSpan(src, n.span, 1);
        add(nameSpan, n.v.name, 'global', fnInfoOf(inference.staticOf(n.init)));
      } else if (n.op === 'let') {
        for (const [b, init] of n.bindings) add(b.span, b.name, 'local', fnInfoOf(inference.staticOf(init)));
      } else if (n.op === 'perform' && !n.star && n.span) {
        const target = inference.staticOf(n.target);
        const first = n.args[0];
        if (target?.kind === 'cap' && target.iface && first?.op === 'const' && first.value instanceof Keyword) {
          const m = gliaMethod(target.iface, first.value.name);
          const at = elementSpan(src, n.span, 2);
          if (m && at) {
            out.push({
              offset: at.offset, end: at.endOffset, name: `:${m.name}`, kind: 'method', interfaceName: target.iface.name,
              signature: `(perform ${target.owner} :${m.name}${m.params.map((p) => ` ${p.name}`).join('')}) ; ${m.params.map((p) => `${p.name} :${p.type.text}`).join(', ') || 'no arguments'}${m.results.length ? ` -> ${m.results.map((r) => `${r.name} :${r.type.text}`).join(', ')}` : ''}`,
              doc: m.doc,
              effects: m.performs.map((p) => (p.includes('/') ? p : `${target.owner}/:${p}`)),
            });
          }
        }
      }
    });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** The symbol as written at `span` (`str/join` for an aliased var). */
function writtenName(src: string, span: Span | undefined): string | null {
  if (!span || span.endOffset - span.offset > 200) return null;
  return src.slice(span.offset, span.endOffset);
}

/** The innermost name at `offset` (inclusive of its end, where editors put the cursor after typing). */
export function symbolAt(result: CheckResult, offset: number): SymbolInfo | null {
  let best: SymbolInfo | null = null;
  for (const s of result.symbols) {
    if (s.offset <= offset && offset <= s.end && (!best || s.end - s.offset <= best.end - best.offset)) best = s;
  }
  return best;
}

function sortUnique(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of ds) {
    const key = `${d.code}@${d.span.offset}:${d.span.endOffset}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) => a.span.offset - b.span.offset || a.span.endOffset - b.span.endOffset);
}

