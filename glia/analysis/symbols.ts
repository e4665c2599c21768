// Where each symbol of a unit is bound and used: the query behind an
// editor's go-to-definition, references, rename, completion of locals and
// the symbol outline. It walks the forms the reader returned, expanding the
// macros the session knows (defn, when-let, for, ...) so that bindings made
// by macros are seen, and records only symbols written in the source: a
// symbol a macro builds has no place in the text to point at.
//
// It is forgiving by design. Forms that do not have the shape a special form
// needs are walked as plain expressions; nothing here reports errors (the
// analyzer does that), so half-typed code still yields an index.
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import { Analyzer, SPECIAL_FORMS } from '../compile/analyzer.js';
import type { Registry } from '../compile/registry.js';
import { spanOf } from '../span.js';
import { Sym, isSymNamed } from '../values/symbol.js';
import { Keyword, kw } from '../values/keyword.js';
import { metaOf } from '../values/meta.js';
import { isSeqObject, toArray } from '../values/seq.js';
import { prStr } from '../values/printer.js';

export type OccurrenceRole =
  /** A local is bound here (let, fn params, loop, catch, match ...). */
  | 'binding'
  /** A use of a local; `binding` is the offset of its binding site. */
  | 'local'
  /** The name of a top-level definition (def, defn, defmacro ...). */
  | 'def'
  /** A use of a global name (a var of this unit, of glia.core, or of a module through an alias). */
  | 'global'
  /** A special form in head position (if, let, fn, perform ...). */
  | 'special'
  /** An alias an import introduces (`str` in `(import "ww/string" :as str)`). */
  | 'alias';

export interface Occurrence {
  /** Offsets of the symbol in the text that was read; end exclusive. */
  offset: number;
  end: number;
  role: OccurrenceRole;
  /** The symbol's namespace part as written (`str` in `str/join`), or null. */
  ns: string | null;
  name: string;
  /** For 'binding' and 'local': the offset of the binding site, which identifies the local. */
  binding?: number;
  /** The symbol is the head of a call form. */
  head?: boolean;
}

export interface LocalBinding {
  name: string;
  offset: number;
  end: number;
  /** Offsets of the form in which the local is visible. */
  scopeStart: number;
  scopeEnd: number;
}

export interface Definition {
  name: string;
  /** The head that defined it: def, defn, defn-, defmacro, defcap, defonce, declare, deftest ... */
  kind: string;
  offset: number;
  end: number;
  /** The whole defining form. */
  formStart: number;
  formEnd: number;
  doc?: string;
  /** Parameter vectors as written, one per arity: "[x]", "[x & more]". */
  arglists: string[];
  private: boolean;
}

export interface ImportSpec {
  alias: string;
  /** The module path as `import` takes it: "ww/string", "lib/util.glia". */
  path: string;
  /** The import (or ns) form. */
  formStart: number;
  formEnd: number;
  /** Where the alias (or, without :as, the path) is written. */
  offset: number;
  end: number;
}

export interface SymbolIndex {
  occurrences: Occurrence[];
  locals: LocalBinding[];
  definitions: Definition[];
  imports: ImportSpec[];
  /** The namespace an `ns` form names, if the unit has one. */
  ns: string | null;
}

/** What the walk needs from a session: its namespaces (for macros) and a way to run them. */
export interface MacroEnv {
  registry: Registry;
  runMacro: (fn: any, args: any[], span: any) => any;
}

/** Heads whose second form is the name they define. */
const DEF_HEADS = new Set(['def', 'defn', 'defn-', 'defmacro', 'defonce', 'defcap', 'deftest', 'defmulti', 'declare']);

/** Bounds the walk, so a macro that expands into itself cannot hang it. */
const MAX_WALK_DEPTH = 600;
const MAX_EXPANSIONS = 20_000;

type Scope = ReadonlyMap<string, number>;

export function indexSymbols(forms: readonly any[], env: MacroEnv): SymbolIndex {
  return new Walker(forms, env).run();
}

class Walker {
  private readonly source = new WeakSet<object>();
  private readonly occ = new Map<number, Occurrence>();
  private readonly locals: LocalBinding[] = [];
  private readonly defs = new Map<number, Definition>();
  private readonly imports: ImportSpec[] = [];
  private ns: string | null = null;
  private depth = 0;
  private expansions = 0;
  private readonly expander: Analyzer;

  constructor(private readonly forms: readonly any[], env: MacroEnv) {
    this.expander = new Analyzer(env.registry, env.runMacro, '<index>');
    for (const f of forms) this.markSource(f, 0);
  }

  run(): SymbolIndex {
    for (const f of this.forms) this.walk(f, new Map(), spanOf(f)?.endOffset ?? 0);
    const occurrences = [...this.occ.values()].sort((a, b) => a.offset - b.offset);
    return { occurrences, locals: this.locals, definitions: [...this.defs.values()], imports: this.imports, ns: this.ns };
  }

  /** Remembers every symbol object the reader made, so expansions can be told apart from source. */
  private markSource(x: any, depth: number): void {
    if (depth > MAX_WALK_DEPTH) return;
    if (x instanceof Sym) { this.source.add(x); return; }
    if (Stack.isStack(x) || List.isList(x) || ISet.isSet(x)) for (const i of x as any) this.markSource(i, depth + 1);
    else if (IMap.isMap(x)) for (const [k, v] of x as any) { this.markSource(k, depth + 1); this.markSource(v, depth + 1); }
  }

  /**
   * A symbol written in the text. The heads the reader makes for 'x, `x, ~x
   * and @x have the span of their one character, not their name: they are
   * not written as symbols, so they are left out.
   */
  private isSource(s: any): s is Sym {
    if (!(s instanceof Sym) || !this.source.has(s)) return false;
    const sp = spanOf(s);
    return !!sp && sp.endOffset - sp.offset === s.fqn.length;
  }

  private record(s: Sym, role: OccurrenceRole, extra: Partial<Occurrence> = {}): void {
    const sp = spanOf(s)!;
    if (this.occ.has(sp.offset)) return;
    this.occ.set(sp.offset, { offset: sp.offset, end: sp.endOffset, role, ns: s.ns, name: s.name, ...extra });
  }

  // ---- expressions ----------------------------------------------------------

  /** `end` is the end offset of the innermost enclosing source form, for scopes of macro-built forms. */
  private walk(x: any, scope: Scope, end: number): void {
    if (this.depth > MAX_WALK_DEPTH) return;
    this.depth++;
    try {
      if (isSeqObject(x)) x = Stack(toArray(x));
      if (x instanceof Sym) this.ref(x, scope, false);
      else if (Stack.isStack(x)) this.list(x as Stack<any>, scope, end);
      else if (List.isList(x) || ISet.isSet(x)) for (const i of x as any) this.walk(i, scope, end);
      else if (IMap.isMap(x)) for (const [k, v] of x as any) { this.walk(k, scope, end); this.walk(v, scope, end); }
    } finally {
      this.depth--;
    }
  }

  private ref(s: Sym, scope: Scope, head: boolean): void {
    if (!this.isSource(s)) return;
    const extra = head ? { head: true } : {};
    if (s.ns === null) {
      const b = scope.get(s.name);
      if (b !== undefined) { this.record(s, 'local', { binding: b, ...extra }); return; }
      if (SPECIAL_FORMS.has(s.name)) { this.record(s, 'special', extra); return; }
      if (s.name === '&') return;
    }
    this.record(s, 'global', extra);
  }

  /** `qualifiedOk`: in `{:keys [a/b]}` the symbol a/b binds the local b. */
  private bind(s: Sym, scope: Map<string, number>, scopeStart: number, scopeEnd: number, qualifiedOk = false): void {
    if (!(s instanceof Sym) || (s.ns !== null && !qualifiedOk) || s.name === '&') return;
    const sp = spanOf(s);
    if (!this.isSource(s) || !sp) {
      // A name a macro made up (a gensym): bound, but not in the text.
      scope.set(s.name, -1);
      return;
    }
    scope.set(s.name, sp.offset);
    this.record(s, 'binding', { binding: sp.offset });
    this.locals.push({ name: s.name, offset: sp.offset, end: sp.endOffset, scopeStart, scopeEnd });
  }

  private list(form: Stack<any>, scope: Scope, outerEnd: number): void {
    const items = form.toArray();
    const sp = spanOf(form);
    // Forms a macro built carry the span of the macro call, which is the scope they live in.
    const end = sp?.endOffset ?? outerEnd;
    const start = sp?.offset ?? 0;
    const head = items[0];
    if (head instanceof Sym && !(head.ns === null && scope.has(head.name))) {
      if (head.ns === null && SPECIAL_FORMS.has(head.name)) {
        this.ref(head, scope, true);
        this.special(head.name, form, items, scope, start, end);
        return;
      }
      if (DEF_HEADS.has(head.name)) this.definition(form, items);
      const v = this.expander.resolveVarQuiet(head);
      if (v && v.macro && v.bound && this.expansions < MAX_EXPANSIONS) {
        this.ref(head, scope, true);
        this.expansions++;
        let out: any = form;
        try { out = this.expander.macroexpandOnce(form); } catch { out = form; }
        this.expander.diagnostics.length = 0;
        if (out !== form) { this.walk(out, scope, end); return; }
        for (const a of items.slice(1)) this.walk(a, scope, end);
        return;
      }
    }
    if (head instanceof Sym) this.ref(head, scope, true);
    else this.walk(head, scope, end);
    for (const a of items.slice(1)) this.walk(a, scope, end);
  }

  private special(name: string, form: Stack<any>, items: any[], scope: Scope, start: number, end: number): void {
    const rest = items.slice(1);
    const walkAll = (xs: any[], sc: Scope = scope) => { for (const x of xs) this.walk(x, sc, end); };
    switch (name) {
      case 'quote': return;
      case 'syntax-quote': this.template(items[1], scope, end); return;
      case 'def': case 'defmacro': case 'defcap': {
        this.definition(form, items);
        if (items[1] instanceof Sym && this.isSource(items[1])) this.record(items[1], 'def');
        if (name === 'def' || name === 'defcap') { walkAll(items.slice(2)); return; }
        let i = 2;
        if (typeof items[i] === 'string' && items.length > i + 1) i++;
        if (IMap.isMap(items[i]) && items.length > i + 1) i++;
        this.arities(items.slice(i), new Map(scope), start, end);
        return;
      }
      case 'fn': case 'fn*': {
        const inner = new Map(scope);
        let i = 1;
        if (items[i] instanceof Sym) { this.bind(items[i], inner, start, end); i++; }
        if (typeof items[i] === 'string' && items.length > i + 1) i++;
        this.arities(items.slice(i), inner, start, end);
        return;
      }
      case 'let': case 'let*': case 'loop': case 'loop*': {
        const inner = new Map(scope);
        const vec = items[1];
        if (List.isList(vec)) {
          const pairs = (vec as List<any>).toArray();
          for (let i = 0; i < pairs.length; i += 2) {
            if (i + 1 < pairs.length) this.walk(pairs[i + 1], inner, end);
            this.pattern(pairs[i], inner, spanOf(pairs[i])?.offset ?? start, end);
          }
        } else this.walk(vec, scope, end);
        walkAll(items.slice(2), inner);
        return;
      }
      case 'letfn': {
        const inner = new Map(scope);
        const specs = List.isList(items[1]) ? (items[1] as List<any>).toArray() : [];
        for (const f of specs) if (Stack.isStack(f) && (f as Stack<any>).first() instanceof Sym) this.bind((f as Stack<any>).first(), inner, start, end);
        for (const f of specs) {
          if (Stack.isStack(f)) {
            const fs = spanOf(f);
            this.arities((f as Stack<any>).rest().toArray(), new Map(inner), fs?.offset ?? start, fs?.endOffset ?? end);
          } else this.walk(f, inner, end);
        }
        walkAll(items.slice(2), inner);
        return;
      }
      case 'catch': {
        // (catch :type e body...): the type is a keyword or _, not an expression.
        const inner = new Map(scope);
        if (items[2] instanceof Sym) this.bind(items[2], inner, start, end);
        walkAll(items.slice(3), inner);
        return;
      }
      case 'match': this.match(items, scope, start, end); return;
      case 'import': this.importForm(form, items); return;
      case 'ns': this.nsForm(form, items); return;
      default: walkAll(rest);
    }
  }

  /** Arities of fn or defmacro: `[params] body...` or `([params] body...) ...`. */
  private arities(xs: any[], scope: Map<string, number>, start: number, end: number): void {
    const one = (params: any, body: any[], s: number, e: number) => {
      const inner = new Map(scope);
      if (List.isList(params)) for (const p of params as List<any>) this.pattern(p, inner, s, e);
      else this.walk(params, scope, e);
      for (const b of body) this.walk(b, inner, e);
    };
    if (List.isList(xs[0])) { one(xs[0], xs.slice(1), start, end); return; }
    for (const a of xs) {
      if (Stack.isStack(a)) {
        const as = spanOf(a);
        one((a as Stack<any>).first(), (a as Stack<any>).rest().toArray(), as?.offset ?? start, as?.endOffset ?? end);
      } else this.walk(a, scope, end);
    }
  }

  /** Binds the names of a destructuring pattern; walks the expressions in it (:or defaults, lookup keys). */
  private pattern(p: any, scope: Map<string, number>, start: number, end: number): void {
    if (p instanceof Sym) { this.bind(p, scope, start, end); return; }
    if (List.isList(p)) {
      const xs = (p as List<any>).toArray();
      for (let i = 0; i < xs.length; i++) {
        if (xs[i] instanceof Keyword && xs[i].fqn === 'as') { if (xs[i + 1] instanceof Sym) this.bind(xs[i + 1], scope, start, end); i++; continue; }
        this.pattern(xs[i], scope, start, end);
      }
      return;
    }
    if (IMap.isMap(p)) {
      let defaults: IMap<any, any> | null = null;
      for (const [k, v] of p as IMap<any, any>) {
        if (k instanceof Keyword && (k.name === 'keys' || k.name === 'strs' || k.name === 'syms') && List.isList(v)) {
          for (const s of v as List<any>) if (s instanceof Sym) this.bind(s, scope, start, end, true);
        } else if (k instanceof Keyword && k.fqn === 'as') {
          if (v instanceof Sym) this.bind(v, scope, start, end);
        } else if (k instanceof Keyword && k.fqn === 'or') {
          if (IMap.isMap(v)) defaults = v as IMap<any, any>;
        } else {
          this.walk(v, scope, end);
          this.pattern(k, scope, start, end);
        }
      }
      // Defaults are expressions; the names they key are the bindings just made.
      if (defaults) for (const [k, v] of defaults) { if (k instanceof Sym) this.ref(k, scope, false); this.walk(v, scope, end); }
    }
  }

  private match(items: any[], scope: Scope, start: number, end: number): void {
    this.walk(items[1], scope, end);
    for (let i = 2; i < items.length; i += 2) {
      const pat = items[i];
      const inner = new Map(scope);
      const ps = spanOf(pat)?.offset ?? start;
      if (Stack.isStack(pat) && isSymNamed((pat as Stack<any>).first(), 'effect')) {
        for (const x of (pat as Stack<any>).rest().toArray().slice(1)) if (x instanceof Sym) this.bind(x, inner, ps, end);
      } else this.matchPattern(pat, inner, ps, end);
      if (i + 1 < items.length) this.walk(items[i + 1], inner, end);
    }
  }

  private matchPattern(p: any, scope: Map<string, number>, start: number, end: number): void {
    if (p instanceof Sym) { if (p.name !== '_' && p.name !== '&') this.bind(p, scope, start, end); return; }
    if (Stack.isStack(p)) return; // 'literal
    if (List.isList(p)) { for (const q of p as List<any>) this.matchPattern(q, scope, start, end); return; }
    if (IMap.isMap(p)) {
      for (const [k, q] of p as IMap<any, any>) {
        if (k instanceof Keyword && (k.fqn === 'keys' || k.fqn === 'strs') && List.isList(q)) {
          for (const s of q as List<any>) if (s instanceof Sym) this.bind(s, scope, start, end);
        } else if (k instanceof Keyword && k.fqn === 'as') { if (q instanceof Sym) this.bind(q, scope, start, end); }
        else if (!(k instanceof Keyword && k.fqn === 'or')) this.matchPattern(q, scope, start, end);
      }
    }
  }

  /** Inside syntax-quote only ~x and ~@x are code; the rest is a template. */
  private template(x: any, scope: Scope, end: number): void {
    if (this.depth > MAX_WALK_DEPTH) return;
    this.depth++;
    try {
      if (Stack.isStack(x)) {
        const head = (x as Stack<any>).first();
        if ((isSymNamed(head, 'unquote') || isSymNamed(head, 'unquote-splicing')) && (x as Stack<any>).size === 2) {
          this.walk((x as Stack<any>).get(1), scope, end);
          return;
        }
      }
      if (Stack.isStack(x) || List.isList(x) || ISet.isSet(x)) for (const i of x as any) this.template(i, scope, end);
      else if (IMap.isMap(x)) for (const [k, v] of x as any) { this.template(k, scope, end); this.template(v, scope, end); }
    } finally {
      this.depth--;
    }
  }

  // ---- definitions and modules --------------------------------------------------

  /** Records a top-level definition from the form as written (before any macro rewrote it). */
  private definition(form: Stack<any>, items: any[]): void {
    const head = items[0] as Sym;
    const sp = spanOf(form);
    if (!sp || !this.isSource(head)) return;
    const names = head.name === 'declare' ? items.slice(1) : [items[1]];
    for (const nameSym of names) {
      if (!(nameSym instanceof Sym) || nameSym.ns !== null || !this.isSource(nameSym)) continue;
      const ns = spanOf(nameSym)!;
      if (this.defs.has(ns.offset)) continue;
      let rest = items.slice(2);
      let doc: string | undefined;
      const arglists: string[] = [];
      if (head.name === 'def') {
        if (rest.length === 2 && typeof rest[0] === 'string') { doc = rest[0]; rest = rest.slice(1); }
        const init = rest[0];
        if (Stack.isStack(init) && (isSymNamed((init as Stack<any>).first(), 'fn') || isSymNamed((init as Stack<any>).first(), 'fn*'))) {
          let fnRest = (init as Stack<any>).rest().toArray();
          if (fnRest[0] instanceof Sym) fnRest = fnRest.slice(1);
          if (typeof fnRest[0] === 'string' && fnRest.length > 1) fnRest = fnRest.slice(1);
          collectArglists(fnRest, arglists);
        }
      } else if (head.name !== 'declare' && head.name !== 'defcap' && head.name !== 'defonce') {
        if (typeof rest[0] === 'string' && rest.length > 1) { doc = rest[0]; rest = rest.slice(1); }
        if (IMap.isMap(rest[0]) && rest.length > 1) rest = rest.slice(1);
        if (head.name !== 'deftest') collectArglists(rest, arglists);
      }
      const meta = metaOf(nameSym)?.get(kw('private')) === true;
      this.defs.set(ns.offset, {
        name: nameSym.name, kind: head.name, offset: ns.offset, end: ns.endOffset,
        formStart: sp.offset, formEnd: sp.endOffset, doc, arglists,
        private: head.name === 'defn-' || meta,
      });
      this.record(nameSym, 'def');
    }
  }

  private importForm(form: Stack<any>, items: any[]): void {
    const path = items[1];
    const sp = spanOf(form);
    if (typeof path !== 'string' || !sp) return;
    let alias: string | null = null;
    let at = { offset: sp.offset, end: sp.endOffset };
    for (let i = 2; i + 1 < items.length; i += 2) {
      if (items[i] instanceof Keyword && items[i].fqn === 'as' && items[i + 1] instanceof Sym) {
        const a = items[i + 1] as Sym;
        alias = a.name;
        const as = spanOf(a);
        if (as && this.isSource(a)) { at = { offset: as.offset, end: as.endOffset }; this.record(a, 'alias'); }
      }
    }
    alias ??= path.replace(/\.glia$/, '').split('/').pop()!;
    this.imports.push({ alias, path, formStart: sp.offset, formEnd: sp.endOffset, ...at });
  }

  private nsForm(form: Stack<any>, items: any[]): void {
    if (items[1] instanceof Sym && this.ns === null) this.ns = (items[1] as Sym).fqn;
    const sp = spanOf(form);
    if (!sp) return;
    for (const clause of items.slice(2)) {
      if (!Stack.isStack(clause) || !((clause as Stack<any>).first() instanceof Keyword)) continue;
      for (const spec of (clause as Stack<any>).rest()) {
        const parts = List.isList(spec) ? (spec as List<any>).toArray() : [spec];
        const mod = parts[0];
        if (!(mod instanceof Sym) && typeof mod !== 'string') continue;
        const path = typeof mod === 'string' ? mod : mod.fqn.replace(/\./g, '/');
        let alias = path.replace(/\.glia$/, '').split(/[/.]/).pop()!;
        const ms = spanOf(mod) ?? spanOf(spec) ?? sp;
        let at = { offset: ms.offset, end: ms.endOffset };
        for (let i = 1; i + 1 < parts.length; i += 2) {
          if (parts[i] instanceof Keyword && parts[i].fqn === 'as' && parts[i + 1] instanceof Sym) {
            const a = parts[i + 1] as Sym;
            alias = a.name;
            const as = spanOf(a);
            if (as && this.isSource(a)) { at = { offset: as.offset, end: as.endOffset }; this.record(a, 'alias'); }
          }
        }
        this.imports.push({ alias, path, formStart: sp.offset, formEnd: sp.endOffset, ...at });
      }
    }
  }
}

function collectArglists(rest: any[], out: string[]): void {
  if (List.isList(rest[0])) { out.push(prStr(rest[0])); return; }
  for (const a of rest) if (Stack.isStack(a) && List.isList((a as Stack<any>).first())) out.push(prStr((a as Stack<any>).first()));
}
