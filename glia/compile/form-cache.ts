// Incremental checking of one document: the analysis of each top-level form
// (macro expansion and name resolution, most of a check's time) is kept and
// reused by the next check of the same document when nothing it depended on
// changed. Effect inference, the context check and the lints still run over
// every form at each check, so what a changed definition performs reaches
// its callers at once.
//
// Reusing an analysis is only sound when the next check would analyse the
// form in the same state. The state a form's analysis reads is:
//   - its own text: the key of an entry is the text from the end of the
//     previous form to its end (without the blank space before it), and the
//     column it starts at. Spans are
//     absolute, so an entry reused where the text moved (an edit above it)
//     has every span in its IR and diagnostics moved by the same offset and
//     lines (a walk, far cheaper than analysing again);
//   - the names the unit declares, its ns and import forms, its context and
//     its file: together the "environment key"; when it changes, the check
//     starts from scratch;
//   - what earlier forms' analyses left on the unit's vars: the arities of a
//     defn (`Var.declared`, for the arity check of its callers) and
//     privateness. Each entry records the state of every unit var its
//     analysis resolved, and is reused only when those states are the same;
//     what a form's analysis wrote is written again when it is reused.
// To keep the same Var objects (the IR holds them), the unit's namespaces
// are kept between checks and put back into the world's registry.
//
// Units this cannot follow exactly are always checked from scratch: a
// defmacro (it runs code), in-ns, a mention of eval, an import of a file
// that is not a std module, a namespace the world already had, and analysis
// that interns names the unit does not declare at top level. When a check
// that reuses analyses meets one of these, it is thrown away and the unit is
// checked from scratch (`aborted`). Tests: glia/test/form-cache.test.ts and
// test/property/incremental-check.test.ts (random edits, compared with a
// fresh check).
import { Stack } from 'immutable';
import type { Span } from '../span.js';
import { Var as VarClass } from '../eval/namespace.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Namespace, Var } from '../eval/namespace.js';
import type { Registry } from './registry.js';
import type * as IR from './ir.js';
import { spanOf } from '../span.js';
import { Sym } from '../values/symbol.js';
import { kw } from '../values/keyword.js';
import { metaOf } from '../values/meta.js';
import type { Analyzer } from './analyzer.js';
import type { Context } from './contexts.js';
import { ReadCache } from './read-cache.js';

/** Heads whose whole text is part of the environment key. */
const STRUCTURAL = new Set(['ns', 'in-ns', 'import', 'declare', 'defmacro']);
/** Heads that declare their second element (as declareTopLevel does). */
const DEFINING = new Set(['def', 'defn', 'defn-', 'defonce', 'defcap', 'deftest']);

interface Entry {
  /** Where the form was when its spans were last set. */
  offset: number;
  line: number;
  end: number;
  /** The span objects of its IR and diagnostics, found at its first move. */
  spans: Span[] | null;
  node: IR.Node;
  diagnostics: Diagnostic[];
  /** The state of each unit var the analysis resolved, before the form. */
  reads: Map<Var, string>;
  /** What the analysis left on unit vars. */
  writes: Array<[Var, Var['declared'], boolean]>;
}

/** What a world must offer: its registry and which namespaces it had before any unit. */
export interface CacheWorld {
  readonly session: { readonly registry: Registry };
  isBaseline(name: string): boolean;
}

export class FormCache {
  /** The document's text is read through this: unchanged top-level chunks are not read again. */
  readonly reader = new ReadCache();
  private world: CacheWorld | null = null;
  private envKey: string | null = null;
  private entries = new Map<string, Entry[]>();
  private next = new Map<string, Entry[]>();
  private file = '';
  /** The unit's namespaces (by name) and the one it starts in. */
  private namespaces: Namespace[] = [];
  private start: Namespace | null = null;
  private unitVars: Var[] = [];
  private unitVarSet = new Set<Var>();
  private varCount = 0;
  /** This check reuses earlier analyses. */
  private incremental = false;
  private eligible = true;
  /** Set when a check that reused analyses met something it cannot follow. */
  aborted = false;
  private pendingKey: string | null = null;
  private prevEnd = 0;
  private reads: Map<Var, string> | null = null;
  private before: Array<[Var, Var['declared'], boolean]> = [];
  /** How many forms the last check analysed and reused (for tests and benchmarks). */
  stats = { analysed: 0, reused: 0, moved: 0 };

  /** Drops everything: the next check starts from scratch. */
  clear(): void {
    this.world = null;
    this.envKey = null;
    this.entries.clear();
    this.namespaces = [];
    this.start = null;
  }

  /**
   * Starts a check. Returns the namespace to start in, with the unit's
   * namespaces back in the registry, when earlier analyses can be reused;
   * otherwise null (the caller resets the world and checks from scratch).
   */
  begin(world: CacheWorld, forms: readonly unknown[], source: string, file: string, context: Context, extra: string): Namespace | null {
    this.aborted = false;
    this.eligible = true;
    this.next = new Map();
    this.prevEnd = 0;
    this.stats = { analysed: 0, reused: 0, moved: 0 };
    this.file = file;
    const key = `${file}\u0000${contextKey(context)}\u0000${extra}\u0000${environmentKey(forms, source)}`;
    this.pendingKey = key;
    this.incremental = this.world === world && this.envKey === key && this.start !== null;
    // A unit that enters a namespace the world already had would change it for every later check.
    if (namespacesNamed(forms).some((n) => world.isBaseline(n))) { this.eligible = false; this.incremental = false; }
    if (!this.incremental) {
      this.entries.clear();
      this.world = world;
      return null;
    }
    const registry = world.session.registry;
    for (const name of [...registry.namespaces.keys()]) if (!world.isBaseline(name)) registry.namespaces.delete(name);
    for (const ns of this.namespaces) {
      registry.namespaces.set(ns.name, ns);
      ns.aliases.clear();
    }
    // As a fresh check finds them: no arities known, nothing private yet.
    for (const v of this.unitVars) { v.declared = undefined; v.privateVar = false; }
    registry.current = this.start!;
    return this.start;
  }

  /** The unit's names are declared (called before its first form is analysed). */
  declared(registry: Registry, world: CacheWorld): void {
    if (this.incremental) return;
    this.namespaces = [...registry.namespaces.values()].filter((ns) => !world.isBaseline(ns.name));
    if (!this.namespaces.includes(registry.current)) this.eligible = false;
    this.start = registry.current;
    this.unitVars = this.namespaces.flatMap((ns) => [...ns.vars.values()]);
    this.unitVarSet = new Set(this.unitVars);
    this.varCount = this.unitVars.length;
  }

  /** Something in the unit cannot be followed incrementally. */
  ineligible(): void {
    this.eligible = false;
    if (this.incremental) this.aborted = true;
  }

  /** The key of a top-level form, or null for one without a span (always analysed). */
  keyOf(form: unknown, source: string, broken: boolean): string | null {
    const span = spanOf(form);
    if (!span) return null;
    // What lies between the previous form and this one (comments, a discarded form, metadata) is part of the key; blank space around it is not.
    const key = `${span.col}:${broken ? 1 : 0}:${source.slice(this.prevEnd, span.offset).trim()}\u0000${source.slice(span.offset, span.endOffset)}`;
    this.prevEnd = span.endOffset;
    return key;
  }

  /** The earlier analysis of a form, when it still holds; its writes to vars are made again. */
  reuse(key: string | null, form: unknown): { node: IR.Node; diagnostics: Diagnostic[] } | null {
    if (!this.incremental || key === null) return null;
    const list = this.entries.get(key);
    if (!list?.length) return null;
    const e = list[0]!;
    for (const [v, state] of e.reads) if (fingerprint(v) !== state) return null;
    // Two forms with the same text take one entry each.
    list.shift();
    const span = spanOf(form)!;
    if (span.offset !== e.offset || span.line !== e.line) { this.move(e, span); this.stats.moved++; }
    for (const [v, declared, priv] of e.writes) { v.declared = declared; v.privateVar = priv; }
    clearTopEffects(e.node);
    this.keep(key, e);
    this.stats.reused++;
    return e;
  }

  private keep(key: string, e: Entry): void {
    const list = this.next.get(key);
    if (list) list.push(e); else this.next.set(key, [e]);
  }

  /** Moves every span of an entry's form to where the form now starts. */
  private move(e: Entry, to: Span): void {
    const dOffset = to.offset - e.offset, dLine = to.line - e.line;
    e.spans ??= spansIn(e, this.file);
    for (const s of e.spans) {
      (s as { offset: number }).offset += dOffset;
      (s as { endOffset: number }).endOffset += dOffset;
      (s as { line: number }).line += dLine;
      (s as { endLine: number }).endLine += dLine;
    }
    e.offset = to.offset; e.line = to.line; e.end = to.endOffset;
  }

  /** A form is about to be analysed: record what it reads. */
  analysing(analyzer: Analyzer): void {
    const reads = new Map<Var, string>();
    this.reads = reads;
    analyzer.onResolve = (v) => { if (this.unitVarSet.has(v) && !reads.has(v)) reads.set(v, fingerprint(v)); };
    this.before = this.unitVars.map((v) => [v, v.declared, v.privateVar]);
  }

  /** A form was analysed: keep its analysis under `key`. */
  analysed(analyzer: Analyzer, key: string | null, form: unknown, node: IR.Node, diagnostics: Diagnostic[]): void {
    analyzer.onResolve = null;
    this.stats.analysed++;
    const reads = this.reads!;
    this.reads = null;
    if (key === null) return;
    const writes: Entry['writes'] = [];
    for (const [v, declared, priv] of this.before) if (v.declared !== declared || v.privateVar !== priv) writes.push([v, v.declared, v.privateVar]);
    const span = spanOf(form)!;
    this.keep(key, { offset: span.offset, line: span.line, end: span.endOffset, spans: null, node, diagnostics, reads, writes });
  }

  /** The unit's forms are analysed: keep the entries when the unit can be followed. */
  finish(): void {
    const count = this.namespaces.reduce((n, ns) => n + ns.vars.size, 0);
    if (count !== this.varCount) this.ineligible();
    if (this.aborted) return;
    if (!this.eligible) { this.clear(); return; }
    this.entries = this.next;
    this.next = new Map();
    this.envKey = this.pendingKey;
  }
}

/** A var's state as the analyzer reads it. */
function fingerprint(v: Var): string {
  const d = v.declared;
  return `${v.privateVar ? 'p' : ''}${v.macro ? 'm' : ''}${v.bound ? 'b' : ''}|${d ? `${d.arities.join(',')}/${d.variadic}` : ''}`;
}

/** What the unit declares and imports, in order: a change here means a check from scratch. */
function environmentKey(forms: readonly unknown[], source: string): string {
  const parts: string[] = [];
  for (const f of forms) {
    if (!Stack.isStack(f) || (f as Stack<any>).size === 0) continue;
    const head = (f as Stack<any>).first();
    if (!(head instanceof Sym) || head.ns !== null) continue;
    if (STRUCTURAL.has(head.name)) {
      const span = spanOf(f);
      parts.push(span ? `${span.offset}:${source.slice(span.offset, span.endOffset)}` : `?${head.name}`);
    } else if (DEFINING.has(head.name)) {
      const name = (f as Stack<any>).get(1);
      parts.push(name instanceof Sym ? `${head.name} ${name.fqn}${metaOf(name)?.get(kw('private')) === true ? ' private' : ''}` : head.name);
    }
  }
  return parts.join('\u0001');
}

function namespacesNamed(forms: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const f of forms) {
    if (!Stack.isStack(f)) continue;
    const head = (f as Stack<any>).first();
    const name = (f as Stack<any>).get(1);
    if (head instanceof Sym && head.ns === null && head.name === 'ns' && name instanceof Sym) out.push(name.fqn);
  }
  return out;
}

function contextKey(c: Context): string {
  return JSON.stringify(c, (_k, v) => (v instanceof Map ? [...v] : v instanceof Set ? [...v] : v));
}

/**
 * The span objects an entry's IR and diagnostics hold that lie in its form
 * (spans of other files, such as a prelude macro's template, are shared and
 * stay). Var objects, values and effect sets are not entered.
 */
function spansIn(e: Entry, file: string): Span[] {
  const found = new Set<Span>();
  const seen = new Set<object>();
  const isSpan = (x: any): x is Span => typeof x.offset === 'number' && typeof x.endOffset === 'number' && typeof x.line === 'number' && typeof x.file === 'string';
  const visit = (x: unknown): void => {
    if (typeof x !== 'object' || x === null || seen.has(x)) return;
    seen.add(x);
    if (isSpan(x)) {
      if (x.file === file && x.offset >= e.offset && x.endOffset <= e.end) found.add(x);
      return;
    }
    if (Array.isArray(x)) { for (const y of x) visit(y); return; }
    if (x instanceof VarClass || x instanceof Map || x instanceof Set) return;
    const proto = Object.getPrototypeOf(x);
    // IR nodes, bindings, arities and recur targets are plain objects; values (collections, symbols, functions' info) are not walked.
    if (proto !== Object.prototype && proto !== null) return;
    for (const k in x) if (k !== 'value' && k !== 'effects') visit((x as any)[k]);
  };
  visit(e.node);
  for (const d of e.diagnostics) visit(d);
  return [...found];
}

/** A reused form is inferred again; effects a failed inference would not set must not linger. */
function clearTopEffects(n: IR.Node): void {
  n.effects = undefined;
  if (n.op === 'do') { n.body.forEach(clearTopEffects); clearTopEffects(n.ret); }
}

