// A Session is one Glia world: its namespaces, its host effects and its
// compiled code. It reads source, expands and analyses each top-level form,
// emits JS for it and runs it — pure code as plain calls, resumable code on
// the effect driver. The embedding (CLI, REPL, cell, tests) supplies the
// host effects; glia/ itself touches no files, network or process.
import { List, Stack, Map as IMap } from 'immutable';
import { read } from '../reader/read.js';
import { Analyzer } from '../compile/analyzer.js';
import { declareTopLevel } from '../compile/declare.js';
import { Registry, CORE_NS } from '../compile/registry.js';
import { emitTopLevel } from '../emit/js.js';
import { rt, setFallbackHost, runtimeWarnings } from './rt.js';
import { drive, isGenerator, NOT_HANDLED, type Host, type Capability } from './driver.js';
import { isControlSignal } from './ops.js';
import { registerUnit, gliaFrames } from './stack.js';
import { toGliaError } from './convert-error.js';
import { InterruptWaiter } from './interrupt.js';
import { Namespace, Var } from './namespace.js';
import { type Diagnostic, hasErrors } from '../diagnostics.js';
import { GliaError, gliaError, ERR_SPAN, ERR_CODE } from '../values/errors.js';
import { Keyword, kw } from '../values/keyword.js';
import { Sym, isSymNamed } from '../values/symbol.js';
import { GEN, FN_INFO } from '../values/fn.js';
import { prStr, registerPrinter } from '../values/printer.js';
import { spanOf, type Span } from '../span.js';
import { buildCoreLibrary } from '../core/library.js';
import { setCallableOf, Library } from '../core/define.js';
import { CapabilityBase } from '../values/capability.js';
import { CellValue } from '../values/cell.js';
import { asBytes } from '../values/bytes.js';
import { SOURCES } from '../generated/sources.js';
import { defineStdNatives } from '../core/std-natives.js';
import { PRELUDE_IMAGES } from '../generated/prelude-image.js';
import { PRELUDE_FILE, preludeUnits, type PreludeImage } from './prelude-image.js';

export type Tier = 'auto' | 'resumable';

export interface LoadedSource { source: string; file: string }

/** A host effect handler: gets the effect's data, returns a value or a promise. */
export type EffectHandler = (data: any, session: Session) => any;

export interface SessionOptions {
  tier?: Tier;
  /** Keyword effects the embedding answers, by name (without the colon). */
  effects?: Record<string, EffectHandler>;
  /**
   * Reads a module's source for :import of a file path (relative to
   * `fromFile`); returns the text, or the text and the resolved file name
   * (which then names the module in errors and anchors its relative paths).
   */
  loadSource?: (path: string, fromFile: string) => string | LoadedSource | Promise<string | LoadedSource>;
  /** Called for :stdout when no `stdout` effect is given. */
  stdout?: (text: string) => void;
  /** Capabilities bound by name in the user namespace (the graft). */
  capabilities?: Record<string, any>;
  /**
   * Where the prelude comes from: `image` (the default when the build made
   * one) runs it precompiled (prelude-image.ts); `source` compiles
   * glia/prelude/core.glia, as the image builder and its tests do.
   */
  prelude?: 'image' | 'source';
  /** Called with each unit compiled for the prelude from source (the image builder records them). */
  recordPrelude?: (unit: { source: string; consts: any[]; resumable: boolean }) => void;
  /**
   * A flag another thread sets to stop a running evaluation (Ctrl-C in the
   * shell, an MCP timeout): while element 0 is non-zero, code raises
   * :glia.error/interrupted at its next loop iteration or driver step.
   * Without it, compiled code checks nothing.
   */
  interrupt?: Int32Array;
  /**
   * Compiled units shared between sessions, by their generated source: a
   * session given the same map reuses the JS function another compiled for
   * the same code, so the engine compiles that code once for both. A Glia
   * cell warms its code at build time this way (runtime/cell/guest/warm-up.ts):
   * a scratch session runs it, and the cell's own session finds it compiled.
   * Each session still makes its own closures and constants from it.
   */
  factories?: Map<string, (rt: any, k: any[]) => () => any>;
}

/** Raised for read and compile errors: nothing in the unit ran. */
export class StaticError extends GliaError {
  constructor(readonly diagnostics: Diagnostic[]) {
    const d = diagnostics.find((x) => x.severity === 'error')!;
    const type = d.code.startsWith('read/') ? 'read' : d.code;
    super(gliaError(type, d.message, { code: d.code }, d.hint).value.set(ERR_SPAN, spanToMap(d.span)).set(ERR_CODE, d.code));
    this.span = d.span;
  }
}

export function spanToMap(s: Span): IMap<any, any> {
  return IMap<any, any>([[kw('file'), s.file], [kw('line'), s.line], [kw('col'), s.col]]);
}

let printersRegistered = false;
function registerPrinters(): void {
  if (printersRegistered) return;
  printersRegistered = true;
  registerPrinter((x) => (x instanceof Var ? `#'${x.fqn}` : undefined));
  registerPrinter((x) => (x instanceof Namespace ? `#<ns ${x.name}>` : undefined));
  registerPrinter((x) => (x instanceof CapabilityBase ? `#<cap ${x.interfaceName}>` : undefined));
  registerPrinter((x) => (x instanceof CellValue ? `#<cell ${x.wasm.length} bytes${x.grants ? `, grants ${[...x.grants.keys()].join(' ')}` : ''}>` : undefined));
}

export class Session {
  readonly registry = new Registry();
  readonly tier: Tier;
  readonly warnings: string[] = [];
  output = '';
  private readonly effects = new Map<string, EffectHandler>();
  private readonly modules = new Map<string, Namespace>();
  private readonly loading = new Set<string>();
  readonly host: Host;
  /** The file whose code is running (for relative :load and :import). */
  currentFile = '<eval>';
  private recording: SessionOptions['recordPrelude'] | null = null;

  constructor(readonly opts: SessionOptions = {}) {
    registerPrinters();
    this.tier = opts.tier ?? 'auto';
    this.host = { perform: (target, data) => this.performHost(target, data) };
    if (opts.interrupt) {
      const waiter = new InterruptWaiter(opts.interrupt);
      this.host.interrupt = opts.interrupt;
      this.host.whenInterrupted = () => waiter.promise();
    }
    this.installCore();
    for (const [k, f] of Object.entries(opts.effects ?? {})) this.effects.set(k, f);
    if (!this.effects.has('stdout')) {
      this.effects.set('stdout', (data) => {
        const text = typeof data === 'string' ? data : prStr(data);
        if (opts.stdout) opts.stdout(text); else this.output += text;
        return null;
      });
    }
    for (const [name, cap] of Object.entries(opts.capabilities ?? {})) this.registry.current.intern(name).set(cap);
  }

  private performHost(target: any, data: any): any {
    if (target instanceof Keyword && target.ns === null) {
      const h = this.effects.get(target.name);
      if (h) return fromHost(h(data, this));
      if (target.name === 'import') return this.importModule(data);
    }
    return NOT_HANDLED;
  }

  // ---- core setup -----------------------------------------------------------

  private installCore(): void {
    const lib = buildCoreLibrary();
    this.defineSessionBuiltins(lib);
    const core = this.registry.core;
    for (const [name, f] of lib.entries) core.intern(name).set(f);
    for (const [nsName, entries] of lib.modules) {
      const ns = this.registry.ensure(nsName);
      for (const [name, f] of entries) ns.intern(name).set(f);
    }
    setCallableOf(rt.fnOf);
    // The prelude (macros and functions written in Glia) lives in glia.core too.
    const saved = this.registry.current;
    this.registry.current = core;
    const image = this.opts.prelude === 'source' ? null : PRELUDE_IMAGES?.[this.tier] ?? null;
    try {
      if (image) this.runImage(image);
      else {
        this.recording = this.opts.recordPrelude ?? null;
        this.runSync(SOURCES[PRELUDE_FILE]!, PRELUDE_FILE);
      }
    } finally { this.registry.current = saved; this.recording = null; }
  }

  /** Runs the precompiled prelude: the same units, in the same order, as compiling it would give. */
  private runImage(image: PreludeImage): void {
    for (const thunk of preludeUnits(image, this.registry, rt).map((t, i) => ({ thunk: t, resumable: image.resumable[i]! }))) {
      if (this.run(thunk, undefined) instanceof Promise) throw gliaError('internal', `${PRELUDE_FILE}: asynchronous effect while loading the prelude`);
    }
    this.warnings.push(...image.warnings);
  }

  private defineSessionBuiltins(lib: Library): void {
    const session = this;
    lib.fn('-in-ns', (name: string) => { session.registry.current = session.registry.ensure(name); return null; }, [1]);
    lib.fn('in-ns', (name: any) => { session.registry.current = session.registry.ensure(name instanceof Sym ? name.fqn : String(name)); return null; }, [1]);
    lib.fn('-import', (alias: string, mod: any) => {
      if (!(mod instanceof Namespace)) throw gliaError('type-mismatch', `:import must give a module, got ${prStr(mod)}`);
      session.registry.current.aliases.set(alias, mod);
      return mod;
    }, [2]);
    lib.fn('read-string', (s: any) => {
      if (typeof s !== 'string') throw gliaError('type-mismatch', `read-string expects a string, got ${prStr(s)}`);
      const r = read(s, '<read-string>');
      if (hasErrors(r.diagnostics)) throw new StaticError(r.diagnostics);
      return r.forms.length ? r.forms[0] : null;
    }, [1]);
    lib.effectful('eval', function* (form: any) {
      const unit = session.compile(form, '<eval>');
      if (unit.resumable) return yield unit.thunk();
      return unit.thunk();
    }, [1], null, 'Evaluates a form in the current handler context.');
    lib.effectful('reperform', function* (target: any, data: any) {
      return yield target instanceof Keyword ? rt.perform(target, [data]) : rt.performStar(target, data);
    }, [2], null, 'Performs an effect again with the data a handler received, reaching the next outer handler.');
    lib.fn('macroexpand-1', (form: any) => {
      const a = new Analyzer(session.registry, session.runMacro, '<macroexpand>');
      return a.macroexpandOnce(form);
    }, [1]);
    lib.fn('macroexpand', (form: any) => new Analyzer(session.registry, session.runMacro, '<macroexpand>').macroexpand(form), [1]);
    lib.fn('find-var', (s: any) => {
      const a = new Analyzer(session.registry, session.runMacro, '<find-var>');
      return s instanceof Sym ? a.resolveVarQuiet(s) : null;
    }, [1]);
    lib.fn('ns-name', () => session.registry.current.name, [0]);
    lib.fn('-current-file', () => session.currentFile, [0]);
    lib.effectful('-with-file', function* (file: any, thunk: any) {
      // Runs thunk with :load and :import resolving relative to file (a test's own file).
      const saved = session.currentFile;
      session.currentFile = typeof file === 'string' ? file : saved;
      try { return thunk[GEN] ? yield thunk[GEN]() : thunk(); } finally { session.currentFile = saved; }
    }, [2]);
    lib.fn('doc', (x: any) => {
      if (x instanceof Var) return x.doc ?? (x.value?.[FN_INFO]?.doc ?? null);
      if (typeof x === 'function') return x[FN_INFO]?.doc ?? null;
      if (x instanceof CapabilityBase) return `capability ${x.interfaceName}: ${(x.methods() ?? []).map(prStr).join(' ')}`;
      return null;
    }, [1]);
    defineStdNatives(lib);
  }

  // ---- compile and run -------------------------------------------------------

  readonly runMacro = (fn: any, args: any[]): any => {
    if (fn[GEN]) {
      const r = drive(fn[GEN](...args), this.host);
      if (r instanceof Promise) throw gliaError('macro-error', 'a macro performed an asynchronous effect');
      return r;
    }
    return fn(...args);
  };

  /** Analyses and emits one form. Throws StaticError on compile errors. */
  compile(form: any, file: string): { thunk: () => any; resumable: boolean; warnings: Diagnostic[] } {
    const analyzer = new Analyzer(this.registry, this.runMacro, file);
    const node = analyzer.analyzeTop(form);
    if (hasErrors(analyzer.diagnostics)) throw new StaticError(analyzer.diagnostics);
    const unit = emitTopLevel(node, { forceResumable: this.tier === 'resumable', ...(this.opts.interrupt && !this.recording ? { interrupt: this.opts.interrupt } : {}) });
    this.recording?.(unit);
    let factory = this.opts.factories?.get(unit.source);
    if (!factory) {
      try {
        factory = new Function('rt', 'k', `${unit.source}\n//# sourceURL=${registerUnit(file, unit.source)}`) as (rt: any, k: any[]) => () => any;
      } catch (e) {
        throw gliaError('internal', `generated code did not compile: ${(e as Error).message}`);
      }
      this.opts.factories?.set(unit.source, factory);
    }
    const thunk = factory(rt, unit.consts);
    for (const v of analyzer.assumedPure) v.pureAssumers.add(file);
    return { thunk, resumable: unit.resumable, warnings: analyzer.diagnostics };
  }

  /** Reads and declares a unit: the whole file is read before anything runs. */
  private prepare(source: string, file: string): any[] {
    const r = read(source, file);
    if (hasErrors(r.diagnostics)) throw new StaticError(r.diagnostics);
    declareTopLevel(this.registry.current, r.forms, (name) => this.registry.ensure(name));
    if (r.forms.length > 1) this.checkUnit(r.forms, file);
    return r.forms;
  }

  /**
   * Checks a whole unit before any of it runs, so a mistake on the last line
   * is reported without running the first. Forms are analysed in order until
   * one whose meaning depends on running earlier code: a call to a macro the
   * unit itself defines or imports. Those forms are checked again, exactly,
   * when they are compiled to run.
   */
  private checkUnit(forms: any[], file: string): void {
    const diagnostics = this.analyzeUnit(forms, file);
    if (hasErrors(diagnostics)) throw new StaticError(diagnostics);
  }

  /**
   * The static diagnostics of a source text (reader, then analyzer), without
   * running any of it. The same checks `evalString` makes before it runs.
   */
  check(source: string, file = '<check>'): Diagnostic[] {
    const r = read(source, file);
    if (hasErrors(r.diagnostics)) return r.diagnostics;
    declareTopLevel(this.registry.current, r.forms, (name) => this.registry.ensure(name));
    return [...r.diagnostics, ...this.analyzeUnit(r.forms, file)];
  }

  private analyzeUnit(forms: any[], file: string): Diagnostic[] {
    const analyzer = new Analyzer(this.registry, this.runMacro, file);
    analyzer.lenientAliases = true;
    for (const f of forms) for (const a of importedAliases(f)) analyzer.pendingAliases.add(a);
    const saved = this.registry.current;
    try {
      for (const f of forms) {
        if (Stack.isStack(f) && (f as Stack<any>).size) {
          const head = (f as Stack<any>).first();
          if (head instanceof Sym) {
            if (head.ns === null && (head.name === 'import' || head.name === 'in-ns')) continue;
            if (head.ns === null && head.name === 'ns') {
              const name = (f as Stack<any>).get(1);
              if (name instanceof Sym) this.registry.current = this.registry.ensure(name.fqn);
              continue;
            }
            if (head.ns !== null && !analyzer.resolveVarQuiet(head) && analyzer.pendingAliases.has(head.ns)) break;
            const v = analyzer.resolveVarQuiet(head);
            if (v && v.macro && (!v.bound || v.ns !== CORE_NS)) break;
          }
        }
        analyzer.analyzeTop(f);
        // eval can define vars the check cannot see; later forms are checked when they run.
        if (mentions(f, 'eval')) break;
      }
    } finally {
      this.registry.current = saved;
    }
    return analyzer.diagnostics;
  }

  /** Evaluates all forms of `source`; resolves to the last value. `onValue` sees each top-level form's value (a REPL prints them all). */
  async evalString(source: string, file = '<eval>', onValue?: (value: any) => void): Promise<any> {
    const forms = this.prepare(source, file);
    let last: any = null;
    for (const f of forms) { last = await this.evalTop(f, file); onValue?.(last); }
    return last;
  }

  /** Synchronous evaluation (no asynchronous host effects allowed). */
  runSync(source: string, file: string): any {
    const forms = this.prepare(source, file);
    let last: any = null;
    this.syncDepth++;
    try {
      for (const f of forms) {
        last = this.evalTop(f, file);
        if (last instanceof Promise) throw gliaError('internal', `${file}: asynchronous effect during synchronous evaluation`);
      }
    } finally { this.syncDepth--; }
    return last;
  }

  /** How many runSync calls are under way: a module imported inside one is run synchronously too (loadModule). */
  private syncDepth = 0;

  /** Evaluates one top-level form; returns a value or a promise of one. */
  evalTop(form: any, file: string): any {
    const expanded = Stack.isStack(form) && (form as Stack<any>).size ? this.expandHead(form, file) : form;
    if (Stack.isStack(expanded) && isSymNamed((expanded as Stack<any>).first(), 'do')) {
      // A top-level do: each subform is top-level, so a def or import in it
      // is visible to the next one's compilation.
      const subs = (expanded as Stack<any>).rest().toArray();
      let last: any = null;
      const step = (i: number): any => {
        for (; i < subs.length; i++) {
          last = this.evalTop(subs[i], file);
          if (last instanceof Promise) return last.then((v) => { last = v; return step(i + 1); });
        }
        return last;
      };
      return step(0);
    }
    const unit = this.compile(expanded, file);
    for (const w of unit.warnings) this.warnings.push(formatWarning(w));
    return this.run(unit, spanOf(form));
  }

  private expandHead(form: any, file: string): any {
    const a = new Analyzer(this.registry, this.runMacro, file);
    const out = a.macroexpand(form);
    if (hasErrors(a.diagnostics)) throw new StaticError(a.diagnostics);
    return out;
  }

  private run(unit: { thunk: () => any; resumable: boolean }, span: Span | undefined): any {
    const prevHost = setFallbackHost(this.host);
    const warnMark = runtimeWarnings.length;
    const done = (v: any) => { this.collectWarnings(warnMark); setFallbackHost(prevHost); return v; };
    const failed = (e: any) => {
      this.collectWarnings(warnMark); setFallbackHost(prevHost);
      throw isControlSignal(e) ? e : locate(toGliaError(e), span);
    };
    try {
      const r = unit.resumable ? drive(unit.thunk(), this.host) : unit.thunk();
      if (r instanceof Promise) return r.then(done, failed);
      return done(r);
    } catch (e) {
      return failed(e);
    }
  }

  /**
   * Answers a call on a Glia capability from outside Glia (a call that
   * arrived over RPC for a `defcap`): runs the method on this session's
   * host, so its effects reach this session's handlers. Returns the value,
   * or a promise of it; throws (or rejects with) a GliaError.
   */
  invokeCapability(cap: Capability, method: Keyword, args: any[]): any {
    return this.run({
      thunk: () => {
        const r = cap.invoke(method, args);
        return isGenerator(r) ? r : (function* () { return r; })();
      },
      resumable: true,
    }, undefined);
  }

  private collectWarnings(mark: number): void {
    for (const w of runtimeWarnings.splice(mark)) this.warnings.push(w);
  }

  // ---- modules -----------------------------------------------------------------

  /**
   * The :import effect's default answer: std modules, then files through
   * loadSource. A file module is cached by its resolved file, runs with that
   * file as its current file (so its own :load and :import resolve next to
   * it), and is the namespace it ends in (its own ns form, if it has one).
   */
  importModule(path: any): any {
    if (typeof path !== 'string') throw gliaError('type-mismatch', `:import expects a module path string, got ${prStr(path)}`);
    const cached = this.modules.get(path);
    if (cached) return cached;
    const std = SOURCES[`std/${path}.glia`];
    if (std !== undefined) return this.loadModule(std, `std/${path}.glia`, path.replace(/\//g, '.'), path);
    const native = path.startsWith('ww/') ? this.registry.namespaces.get(path.replace(/\//g, '.')) : undefined;
    if (native) { this.modules.set(path, native); return native; }
    if (path === 'ww/core') { this.modules.set(path, this.registry.core); return this.registry.core; }
    if (!this.opts.loadSource) throw gliaError('unknown-module', `no module ${path}`, null, 'the std modules are ww/core, ww/string, ww/json, ww/coll, ww/test, ww/policy and ww/state');
    const got = (r: string | LoadedSource): any => {
      const { source, file } = typeof r === 'string' ? { source: r, file: path } : r;
      const hit = this.modules.get(file);
      if (hit) return hit;
      // The default namespace is named after the whole resolved path, so two
      // files with the same name in different folders stay apart.
      return this.loadModule(source, file, file.replace(/\.glia$/, '').replace(/[/\\:]+/g, '.').replace(/^\.+/, ''), file);
    };
    const src = this.opts.loadSource(path, this.currentFile);
    return src instanceof Promise ? src.then(got) : got(src);
  }

  private loadModule(source: string, file: string, defaultNs: string, cacheKey: string): Namespace | Promise<Namespace> {
    if (this.loading.has(file)) throw gliaError('illegal-argument', `circular import of ${file}`);
    this.loading.add(file);
    const saved = this.registry.current;
    const savedFile = this.currentFile;
    this.registry.current = this.registry.ensure(defaultNs);
    this.currentFile = file;
    let ended: Namespace | null = null;
    const finish = () => {
      ended = this.registry.current;
      this.registry.current = saved; this.currentFile = savedFile; this.loading.delete(file);
    };
    try {
      if (this.syncDepth > 0) {
        // Imported by code run with runSync (a Glia cell's top level, which
        // runs at build time): the module's forms run synchronously as well,
        // so a cell can import the std modules written in Glia (ww/coll,
        // ww/state, ...). A module that performs something asynchronous fails
        // as runSync does.
        this.runSync(source, file);
        finish();
        this.modules.set(cacheKey, ended!);
        return ended!;
      }
      return this.evalString(source, file).then(
        () => { finish(); this.modules.set(cacheKey, ended!); return ended!; },
        (e) => { finish(); throw e; });
    } catch (e) { if (this.loading.has(file)) finish(); throw e; }
  }
}

/** The aliases an import or ns form introduces (as the analyzer derives them). */
function importedAliases(form: any): string[] {
  if (!Stack.isStack(form)) return [];
  const items = (form as Stack<any>).toArray();
  const head = items[0];
  if (!(head instanceof Sym) || head.ns !== null) return [];
  const aliasOf = (path: any, rest: any[]): string => {
    for (let i = 0; i + 1 < rest.length; i += 2) if (rest[i] instanceof Keyword && rest[i].name === 'as' && rest[i + 1] instanceof Sym) return rest[i + 1].name;
    return String(path).replace(/\.glia$/, '').split(/[/.]/).pop()!;
  };
  if (head.name === 'import' && typeof items[1] === 'string') return [aliasOf(items[1], items.slice(2))];
  if (head.name !== 'ns') return [];
  const out: string[] = [];
  for (const clause of items.slice(2)) {
    if (!Stack.isStack(clause)) continue;
    for (const spec of (clause as Stack<any>).rest()) {
      const parts = List.isList(spec) ? (spec as List<any>).toArray() : [spec];
      if (parts[0] instanceof Sym || typeof parts[0] === 'string') out.push(aliasOf(parts[0] instanceof Sym ? parts[0].fqn : parts[0], parts.slice(1)));
    }
  }
  return out;
}

function mentions(form: any, name: string, depth = 0): boolean {
  if (form instanceof Sym) return form.name === name;
  if (depth > 64 || typeof form !== 'object' || form === null || typeof form[Symbol.iterator] !== 'function') return false;
  if (!(Stack.isStack(form) || List.isList(form) || IMap.isMap(form) || Array.isArray(form))) return false;
  for (const x of form) if (mentions(x, name, depth + 1)) return true;
  return false;
}

/** Host results enter Glia as Glia values: plain Uint8Arrays become Bytes. */
function fromHost(v: any): any {
  if (v instanceof Promise) return v.then(fromHost);
  return v instanceof Uint8Array ? asBytes(v) : v;
}

function formatWarning(d: Diagnostic): string {
  return `warning[${d.code}]: ${d.message}  --> ${d.span.file}:${d.span.line}:${d.span.col}`;
}

/** Gives an error without a location the span of the top-level form it escaped. */
function locate(e: GliaError, span: Span | undefined): GliaError {
  if (!e.gliaStack.length && !(e instanceof StaticError)) {
    e.gliaStack = gliaFrames((e as any).cause?.stack ?? e.stack);
  }
  if (!e.span) e.span = e.gliaStack.find((f) => f.span)?.span ?? span;
  return e;
}

