// Forms -> IR. Resolves every symbol (locals, vars, aliases), expands
// macros, checks the shape of special forms, arities of known functions
// and the position of recur, and marks which expressions may perform.
// It never throws for bad input: each problem becomes a diagnostic with a
// code from the catalog, and analysis continues with a nil in its place.
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import type * as IR from './ir.js';
import { Scope } from './scope.js';
import { Registry, CORE_NS } from './registry.js';
import { destructure, BindingError, isSimpleParam, gensym } from './destructure.js';
import { closest } from './suggest.js';
import { stdModuleDefining } from './std-home.js';
import { syntaxQuote, SyntaxQuoteError } from '../expand/syntax-quote.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { type Span, spanOf, setSpan } from '../span.js';
import { Sym, sym, isSymNamed } from '../values/symbol.js';
import { Keyword, kw } from '../values/keyword.js';
import { GEN, FN_INFO, acceptsArity, type FnInfo } from '../values/fn.js';
import type { Var } from '../eval/namespace.js';
import { GliaError, messageOf } from '../values/errors.js';
import { prStr } from '../values/printer.js';
import { isSeqObject, toArray } from '../values/seq.js';
import { metaOf } from '../values/meta.js';
import { nameCounters } from './name-counters.js';

/** Names the return-clause function of a match with effect clauses (see matchWithEffects). */
const MATCH_RETURN = sym('match__return');

/** Bounds nested macro expansion, so a macro that expands into itself is an error, not a crash. */
export const MAX_EXPANSION_DEPTH = 256;

export const SPECIAL_FORMS = new Set([
  'def', 'if', 'do', 'let', 'let*', 'quote', 'var', 'fn', 'fn*', 'loop', 'loop*', 'recur',
  'defmacro', 'perform', 'perform*', 'with-effect-handler', 'match', 'try', 'defcap',
  'import', 'ns', 'syntax-quote', 'unquote', 'unquote-splicing', 'catch', 'finally', 'letfn', 'cell',
]);

/** Core functions the emitter inlines, with the argument counts it inlines. */
export const INTRINSICS: Record<string, number[]> = {
  '+': [2], '-': [1, 2], '*': [2], '<': [2], '>': [2], '<=': [2], '>=': [2], '=': [2], '==': [2],
  'inc': [1], 'dec': [1], 'zero?': [1], 'pos?': [1], 'neg?': [1], 'not': [1], 'nil?': [1],
  'some?': [1], 'identical?': [2], 'not=': [2],
};

export interface MacroRunner { (fn: any, args: any[], span: Span | undefined): any }

interface Ctx {
  scope: Scope;
  tail: boolean;
  recur: IR.RecurNode['target'] | null;
  /** Set inside try: recur may not cross it. */
  inTry?: boolean;
  /** Why recur is not available here, when it is not for a reason of its own. */
  recurBlocked?: string;
  /** The var a top-level def is defining: calls to it are assumed pure (self-recursion). */
  defining: Var | null;
  span: Span | undefined;
}

/** Thrown inside the analyzer to abandon one form after reporting it. */
class Abandon extends Error {}

const nextId = () => ++nameCounters.id;

export class Analyzer {
  diagnostics: Diagnostic[] = [];
  private pessimisticSelf = false;
  private expansionDepth = 0;
  /** In a whole-unit check before running, aliases from imports are not known yet. */
  lenientAliases = false;
  /** Aliases the unit's own import forms will define once they run. */
  pendingAliases = new Set<string>();
  /** Vars whose purity compiled code assumed; the session records them. */
  assumedPure = new Set<Var>();
  /** Told of every var a name resolves to (the checker's form cache records what a form read). */
  onResolve: ((v: Var) => void) | null = null;

  constructor(readonly registry: Registry, readonly runMacro: MacroRunner, readonly file: string) {}

  analyzeTop(form: any): IR.Node {
    const ctx: Ctx = { scope: new Scope(null), tail: false, recur: null, defining: null, span: spanOf(form) };
    try {
      return this.safe(form, ctx);
    } catch (e) {
      // Forms built by macros are not bounded by the reader's depth limit.
      if (!(e instanceof RangeError)) throw e;
      this.report('too-deep', ctx, form, 'this form nests too deeply to compile', 'split it into smaller functions or forms');
      return constNode(null);
    }
  }

  /** One step of macro expansion (macroexpand-1). */
  macroexpandOnce(form: any): any {
    try { return this.expandOnce(form, new Scope(null), spanOf(form)); }
    catch (e) { if (e instanceof Abandon) return form; throw e; }
  }

  /** Macroexpands a form's head repeatedly (used by the session to see top-level `do`). */
  macroexpand(form: any): any {
    let cur = form;
    for (let i = 0; i < 1000; i++) {
      let next: any;
      try { next = this.expandOnce(cur, new Scope(null), spanOf(form)); }
      catch (e) { if (e instanceof Abandon) return cur; throw e; }
      if (next === cur) return cur;
      cur = next;
    }
    return cur;
  }

  // ---- errors -------------------------------------------------------------

  private report(code: string, ctx: Ctx | Span | undefined, form: any, message: string, hint?: string): void {
    const span = spanOf(form) ?? (ctx && 'scope' in (ctx as any) ? (ctx as Ctx).span : (ctx as Span | undefined)) ?? this.fileSpan();
    this.diagnostics.push(diagnostic(code, span, message, hint));
  }

  private fail(code: string, ctx: Ctx, form: any, message: string, hint?: string): never {
    this.report(code, ctx, form, message, hint);
    throw new Abandon();
  }

  private fileSpan(): Span {
    return { file: this.file, line: 1, col: 1, endLine: 1, endCol: 1, offset: 0, endOffset: 0 };
  }

  private safe(form: any, ctx: Ctx): IR.Node {
    try { return this.analyze(form, ctx); }
    catch (e) { if (e instanceof Abandon) return constNode(null); throw e; }
  }

  // ---- dispatch -----------------------------------------------------------

  analyze(form: any, ctx: Ctx): IR.Node {
    // Macros may build code with cons, concat or map: any sequence is a list form.
    if (isSeqObject(form)) form = setSpan(Stack(toArray(form)), spanOf(form) ?? ctx.span);
    const here = spanOf(form);
    if (here) ctx = { ...ctx, span: here };
    if (form instanceof Sym) return this.symbol(form, ctx);
    if (Stack.isStack(form)) return (form as Stack<any>).size === 0 ? constNode(form) : this.list(form as Stack<any>, ctx);
    if (List.isList(form)) return this.vector(form as List<any>, ctx);
    if (IMap.isMap(form)) return this.map(form as IMap<any, any>, ctx);
    if (ISet.isSet(form)) return this.set(form as ISet<any>, ctx);
    return constNode(form);
  }

  private sub(form: any, ctx: Ctx): IR.Node {
    return this.analyze(form, { ...ctx, tail: false });
  }

  private vector(v: List<any>, ctx: Ctx): IR.Node {
    const items = v.toArray().map((x) => this.sub(x, ctx));
    if (items.every((n) => n.op === 'const')) return constNode(sameIfUnchanged(v, items, () => List(items.map(constValue))));
    return { op: 'vector', items, effectful: items.some((n) => n.effectful), span: ctx.span };
  }

  private map(m: IMap<any, any>, ctx: Ctx): IR.Node {
    const pairs: Array<[IR.Node, IR.Node]> = [];
    for (const [k, v] of m) pairs.push([this.sub(k, ctx), this.sub(v, ctx)]);
    if (pairs.every(([k, v]) => k.op === 'const' && v.op === 'const')) {
      return constNode(sameIfUnchanged(m, pairs.flat(), () => IMap(pairs.map(([k, v]) => [constValue(k), constValue(v)]))));
    }
    return { op: 'map', pairs, effectful: pairs.some(([k, v]) => k.effectful || v.effectful), span: ctx.span };
  }

  private set(s: ISet<any>, ctx: Ctx): IR.Node {
    const items = s.toArray().map((x) => this.sub(x, ctx));
    if (items.every((n) => n.op === 'const')) return constNode(sameIfUnchanged(s, items, () => ISet(items.map(constValue))));
    return { op: 'set', items, effectful: items.some((n) => n.effectful), span: ctx.span };
  }

  // ---- symbols ------------------------------------------------------------

  private symbol(s: Sym, ctx: Ctx): IR.Node {
    if (s.ns === null) {
      const b = ctx.scope.lookup(s.name);
      if (b) return { op: 'local', binding: b, effectful: false, span: ctx.span };
    }
    const v = this.resolveVar(s, ctx);
    return { op: 'var', v, effectful: false, span: spanOf(s) ?? ctx.span };
  }

  resolveVarQuiet(s: Sym): Var | null {
    const cur = this.registry.current;
    let v: Var | null;
    if (s.ns !== null) {
      const ns = cur.aliases.get(s.ns) ?? this.registry.namespaces.get(s.ns);
      v = ns?.vars.get(s.name) ?? null;
    } else v = cur.vars.get(s.name) ?? this.registry.core.vars.get(s.name) ?? null;
    if (v && this.onResolve) this.onResolve(v);
    return v;
  }

  private resolveVar(s: Sym, ctx: Ctx): Var {
    const v = this.resolveVarQuiet(s);
    if (v) {
      if (v.privateVar && v.ns !== this.registry.current.name && v.ns !== CORE_NS) {
        this.fail('unbound-symbol', ctx, s, `${v.fqn} is private to ${v.ns}`, 'private vars (defn-, ^:private) are only visible in their own namespace');
      }
      return v;
    }
    const cur = this.registry.current;
    if (s.ns !== null) {
      const ns = cur.aliases.get(s.ns) ?? this.registry.namespaces.get(s.ns);
      if (!ns && this.lenientAliases && this.pendingAliases.has(s.ns)) throw new Abandon();
      if (!ns) {
        const hint = closest(s.ns, cur.aliases.keys());
        const home = hint ? undefined : stdModuleDefining(s.name, this.registry.namespaces);
        this.fail('unknown-alias', ctx, s, `no namespace or alias '${clip(s.ns)}' (in ${clip(s.fqn)})`,
          hint ? `did you mean ${hint}/${s.name}?`
            : home ? `${s.name} is in ${home}: import it first, (import "${home}" :as ${s.ns})`
            : `import the module that defines ${clip(s.name)} first, e.g. (import "path/to/module" :as ${s.ns}); the std modules are ww/string, ww/json, ww/coll, ww/test, ww/policy and ww/state`);
      }
      const hint = closest(s.name, ns.vars.keys());
      this.fail('unbound-symbol', ctx, s, `${ns.name} has no var '${clip(s.name)}'`, hint ? `did you mean ${s.ns}/${hint}?` : `see (doc ...) or doc/std.md for what ${ns.name} provides`);
    }
    if (SPECIAL_FORMS.has(s.name)) {
      this.fail('malformed', ctx, s, `'${s.name}' is a special form and cannot be used as a value`, `call it: (${s.name} ...)`);
    }
    if (s.ns === null && s.name === 'resume') {
      this.fail('resume-outside-handler', ctx, s, 'resume is not bound here: only a handler receives it',
        'a handler gets it as its second parameter, (with-effect-handler :e (fn [data resume] ... (resume v)) body), and an effect clause of match as its third name, (effect :e data resume)');
    }
    const names = [...ctx.scope.names(), ...cur.vars.keys(), ...[...this.registry.core.vars.keys()].filter((n) => !n.startsWith('-'))];
    const hint = closest(s.name, names);
    this.fail('unbound-symbol', ctx, s, `unable to resolve symbol '${clip(s.name)}'`,
      hint ? `did you mean ${hint}?` : 'define it with def or defn, or bind it with let');
  }

  // ---- lists: special forms, macros, calls --------------------------------

  private expandOnce(form: any, scope: Scope, span: Span | undefined): any {
    if (isSeqObject(form)) form = setSpan(Stack(toArray(form)), spanOf(form) ?? span);
    if (!Stack.isStack(form) || (form as Stack<any>).size === 0) return form;
    const head = (form as Stack<any>).first();
    if (!(head instanceof Sym)) return form;
    if (head.ns === null && (SPECIAL_FORMS.has(head.name) || scope.lookup(head.name))) return form;
    const v = this.resolveVarQuiet(head);
    if (!v || !v.macro || !v.bound) return form;
    const args = (form as Stack<any>).rest().toArray();
    let out: any;
    try {
      out = this.runMacro(v.value, args, spanOf(form) ?? span);
    } catch (e) {
      const msg = e instanceof GliaError ? messageOf(e.value) : (e as Error)?.message ?? String(e);
      this.report('macro-error', span, form, `macro ${v.name} failed: ${msg}`);
      throw new Abandon();
    }
    return withSpanDeep(out, spanOf(form) ?? span);
  }

  private list(form: Stack<any>, ctx: Ctx): IR.Node {
    const head = form.first();
    if (head instanceof Sym && head.ns === null && SPECIAL_FORMS.has(head.name)) return this.special(head.name, form, ctx);
    if (this.lenientAliases && head instanceof Sym && !(head.ns === null && ctx.scope.lookup(head.name))) {
      // A macro this unit defines has not run yet: its call cannot be checked before running.
      const v = this.resolveVarQuiet(head);
      if (v && v.macro && !v.bound) throw new Abandon();
    }
    const expanded = this.expandOnce(form, ctx.scope, ctx.span);
    if (expanded !== form) {
      if (++this.expansionDepth > MAX_EXPANSION_DEPTH) {
        this.expansionDepth = 0;
        this.fail('macro-error', ctx, form, `macro expansion nests more than ${MAX_EXPANSION_DEPTH} levels deep`,
          'a macro probably expands into a call of itself without a base case');
      }
      try {
        const node = this.analyze(expanded, ctx);
        if (ctx.span) node.macroCall = ctx.span;
        return node;
      } finally { this.expansionDepth = Math.max(0, this.expansionDepth - 1); }
    }
    return this.call(form, ctx);
  }

  private call(form: Stack<any>, ctx: Ctx): IR.Node {
    const items = form.toArray();
    const fn = this.sub(items[0], ctx);
    const args = items.slice(1).map((a) => this.sub(a, ctx));
    const node: IR.CallNode = { op: 'call', fn, args, effectful: false, span: ctx.span };
    if (fn.op === 'var') {
      const info = knownInfo(fn.v);
      if (info && !acceptsArity(info, args.length)) {
        this.report('arity-mismatch', ctx, form,
          `${fn.v.name} expects ${describeArity(info)}, got ${args.length}`,
          `${fn.v.name} takes ${describeArity(info)}`);
      }
      if (fn.v.ns === CORE_NS && INTRINSICS[fn.v.name]?.includes(args.length)) node.intrinsic = fn.v.name;
    } else if (fn.op === 'fn') {
      const info = infoOfFnNode(fn);
      if (!acceptsArity(info, args.length)) {
        this.report('arity-mismatch', ctx, form, `fn expects ${describeArity(info)}, got ${args.length}`);
      }
    }
    node.calleePure = this.calleeIsPure(fn, args, ctx);
    node.effectful = fn.effectful || args.some((a) => a.effectful) || !node.calleePure;
    return node;
  }

  /** Whether calling `fn` with `args` is known not to perform. */
  private calleeIsPure(fn: IR.Node, args: IR.Node[], ctx: Ctx): boolean {
    if (fn.op === 'const') return typeof fn.value !== 'function' || !(fn.value as any)[GEN];
    if (fn.op === 'fn') return fn.pure;
    if (fn.op === 'local') return !!fn.binding.pureFn;
    if (fn.op !== 'var') return false;
    const v = fn.v;
    if (v === ctx.defining) return true;
    if (!v.bound) return false;
    const val = v.value;
    if (typeof val !== 'function') return true;
    if ((val as any)[GEN] && !(val as any)[HOF]) return false;
    const hof: number[] | 'all' | undefined = (val as any)[HOF];
    if (hof) {
      const fnArgs = hof === 'all' ? args : hof.map((i) => args[i]).filter((a): a is IR.Node => !!a);
      if (!fnArgs.every((a) => this.isPureFnValue(a, ctx))) return false;
    }
    if (v.ns !== CORE_NS) this.assumedPure.add(v);
    return true;
  }

  /** A node whose value is known to be a function (or callable) that never performs. */
  private isPureFnValue(n: IR.Node, ctx: Ctx): boolean {
    if (n.op === 'const') return typeof n.value !== 'function' || !(n.value as any)[GEN];
    if (n.op === 'fn') return n.pure;
    if (n.op === 'local') return !!n.binding.pureFn;
    if (n.op === 'var') {
      if (n.v === ctx.defining) return true;
      if (!n.v.bound) return false;
      const val = n.v.value;
      if (typeof val === 'function' && (val as any)[GEN]) return false;
      if (n.v.ns !== CORE_NS) this.assumedPure.add(n.v);
      return true;
    }
    // A call such as (partial f 1) or (comp f g) whose inputs are pure.
    if (n.op === 'call' && !n.effectful && n.fn.op === 'var' && n.fn.v.ns === CORE_NS &&
        ['partial', 'comp', 'complement', 'constantly', 'juxt', 'fnil', 'identity'].includes(n.fn.v.name)) {
      return n.args.every((a) => a.op !== 'fn' && a.op !== 'var' && a.op !== 'local' ? true : this.isPureFnValue(a, ctx));
    }
    return false;
  }

  private special(name: string, form: Stack<any>, ctx: Ctx): IR.Node {
    const items = form.toArray();
    switch (name) {
      case 'quote':
        if (items.length !== 2) this.fail('malformed', ctx, form, 'quote takes exactly one form');
        return constNode(items[1]);
      case 'syntax-quote': {
        if (items.length !== 2) this.fail('malformed', ctx, form, 'syntax-quote takes exactly one form');
        try { return this.analyze(withSpanDeep(syntaxQuote(items[1]), ctx.span), ctx); }
        catch (e) { if (e instanceof SyntaxQuoteError) this.fail('malformed', ctx, form, e.message); throw e; }
      }
      case 'unquote': case 'unquote-splicing':
        this.fail('malformed', ctx, form, `${name === 'unquote' ? '~' : '~@'} is only valid inside syntax-quote (\`)`);
      // eslint-disable-next-line no-fallthrough
      case 'catch': case 'finally':
        this.fail('malformed', ctx, form, `${name} is only valid at the end of a try form`);
      // eslint-disable-next-line no-fallthrough
      case 'do': return this.doForm(items.slice(1), ctx);
      case 'if': return this.ifForm(form, items, ctx);
      case 'def': return this.defForm(form, items, ctx, false);
      case 'defmacro': return this.defmacro(form, items, ctx);
      case 'let': case 'let*': return this.letForm(form, items, ctx);
      case 'letfn': return this.letfnForm(form, items, ctx);
      case 'cell': return this.cellForm(form, items, ctx);
      case 'loop': case 'loop*': return this.loopForm(form, items, ctx);
      case 'recur': return this.recurForm(form, items, ctx);
      case 'fn': case 'fn*': return this.fnForm(form, items, ctx, null);
      case 'var': {
        if (items.length !== 2 || !(items[1] instanceof Sym)) this.fail('malformed', ctx, form, 'var takes one symbol');
        return { op: 'the-var', v: this.resolveVar(items[1], ctx), effectful: false, span: ctx.span };
      }
      case 'perform': return this.performForm(form, items, ctx, false);
      case 'perform*': return this.performForm(form, items, ctx, true);
      case 'with-effect-handler': return this.handlerForm(form, items, ctx);
      case 'try': return this.tryForm(form, items, ctx);
      case 'match': return this.matchForm(form, items, ctx);
      case 'defcap': return this.defcapForm(form, items, ctx);
      case 'import': return this.importForm(form, items, ctx);
      case 'ns': return this.nsForm(form, items, ctx);
    }
    this.fail('malformed', ctx, form, `unknown special form ${name}`);
  }

  private doForm(body: any[], ctx: Ctx): IR.Node {
    if (body.length === 0) return constNode(null);
    const nodes = body.slice(0, -1).map((f) => this.safeSub(f, ctx));
    const ret = this.safeIn(body[body.length - 1], ctx);
    if (nodes.length === 0) return ret;
    return { op: 'do', body: nodes, ret, effectful: ret.effectful || nodes.some((n) => n.effectful), span: ctx.span };
  }

  private safeSub(form: any, ctx: Ctx): IR.Node { return this.safe(form, { ...ctx, tail: false }); }
  private safeIn(form: any, ctx: Ctx): IR.Node { return this.safe(form, ctx); }

  private ifForm(form: any, items: any[], ctx: Ctx): IR.Node {
    if (items.length < 3 || items.length > 4) {
      this.fail('malformed', ctx, form, `if takes a test, a then branch and an optional else branch; got ${items.length - 1} forms`,
        items.length > 4 ? 'wrap several forms in (do ...)' : undefined);
    }
    const test = this.sub(items[1], ctx);
    const then = this.safeIn(items[2], ctx);
    const els = items.length === 4 ? this.safeIn(items[3], ctx) : constNode(null);
    return { op: 'if', test, then, else: els, effectful: test.effectful || then.effectful || els.effectful, span: ctx.span };
  }

  private defForm(form: any, items: any[], ctx: Ctx, macro: boolean): IR.Node {
    if (items.length < 2 || items.length > 4 || !(items[1] instanceof Sym) || items[1].ns !== null) {
      this.fail('malformed', ctx, form, 'def takes a name, an optional docstring and a value: (def name "doc" value)');
    }
    let doc: string | undefined;
    let initForm: any = undefined;
    if (items.length === 4) {
      if (typeof items[2] !== 'string') this.fail('malformed', ctx, form, 'the docstring of def must be a string');
      doc = items[2]; initForm = items[3];
    } else if (items.length === 3) initForm = items[2];
    const name = (items[1] as Sym).name;
    const v = this.registry.current.intern(name);
    if (metaOf(items[1])?.get(kw('private')) === true) v.privateVar = true;
    let init: IR.Node | null = null;
    if (initForm !== undefined) {
      const mark = this.diagnostics.length;
      init = this.safe(initForm, { ...ctx, tail: false, recur: null, defining: v });
      if (init.effectful || (init.op === 'fn' && !init.pure)) {
        // Self-calls were assumed pure while analysing; the function performs,
        // so analyse again without that assumption (calls through HOFs then
        // run on the resumable tier and reach the caller's handlers).
        this.diagnostics.length = mark;
        init = this.safe(initForm, { ...ctx, tail: false, recur: null, defining: null });
      }
      if (init.op === 'fn' && init.name === 'fn') init.name = name;
      if (init.op === 'fn' && doc && !init.doc) init.doc = doc;
      if (init.op === 'fn') v.declared = infoOfFnNode(init);
    }
    return { op: 'def', v, init, doc, macro, effectful: !!init?.effectful, span: ctx.span };
  }

  private defmacro(form: any, items: any[], ctx: Ctx): IR.Node {
    if (items.length < 3 || !(items[1] instanceof Sym)) this.fail('malformed', ctx, form, 'defmacro takes a name, params and a body');
    let rest = items.slice(2);
    let doc: string | undefined;
    if (typeof rest[0] === 'string' && rest.length > 1) { doc = rest[0]; rest = rest.slice(1); }
    if (IMap.isMap(rest[0]) && rest.length > 1) rest = rest.slice(1);
    const fnForm = setSpan(Stack([sym('fn'), items[1], ...rest]), spanOf(form));
    const v = this.registry.current.intern((items[1] as Sym).name);
    const init = this.safe(fnForm, { ...ctx, tail: false, recur: null, defining: v });
    return { op: 'def', v, init, doc, macro: true, effectful: false, span: ctx.span };
  }

  private bindingVector(form: any, vec: any, ctx: Ctx, what: string): Array<[any, any]> {
    if (!List.isList(vec)) this.fail('bad-binding', ctx, vec ?? form, `${what} needs a vector of bindings`, `(${what} [name value ...] body)`);
    const arr = (vec as List<any>).toArray();
    if (arr.length % 2 !== 0) {
      this.fail('bad-binding', ctx, vec, `${what} bindings must come in name/value pairs; got ${arr.length} forms`,
        'every name needs a value: [x 1 y 2]');
    }
    const pairs: Array<[any, any]> = [];
    for (let i = 0; i < arr.length; i += 2) pairs.push([arr[i], arr[i + 1]]);
    return pairs;
  }

  private expandPattern(pattern: any, init: any, ctx: Ctx, within?: any): Array<[Sym, any]> {
    try { return destructure(pattern, init); }
    catch (e) {
      if (e instanceof BindingError) this.fail('bad-binding', ctx, spanOf(e.form) ? e.form : within ?? e.form, e.message);
      throw e;
    }
  }

  private letForm(form: any, items: any[], ctx: Ctx): IR.Node {
    const pairs = this.bindingVector(form, items[1], ctx, 'let');
    let scope = ctx.scope;
    const bindings: Array<[IR.Binding, IR.Node]> = [];
    for (const [pat, init] of pairs) {
      for (const [s, f] of this.expandPattern(pat, init, ctx, items[1])) {
        const node = this.safe(f, { ...ctx, scope, tail: false });
        scope = new Scope(scope);
        const b = scope.bind(s.name, { pureFn: node.op === 'fn' ? node.pure : isPureValueNode(node), span: spanOf(s) });
        bindings.push([b, node]);
      }
    }
    const body = this.doForm(items.slice(2), { ...ctx, scope });
    return { op: 'let', bindings, body, effectful: body.effectful || bindings.some(([, n]) => n.effectful), span: ctx.span };
  }

  /** (letfn [(f [x] ...) (g [y] ...)] body): the functions see each other (mutual recursion). */
  private letfnForm(form: any, items: any[], ctx: Ctx): IR.Node {
    const specs = items[1];
    if (!List.isList(specs)) this.fail('bad-binding', ctx, form, 'letfn needs a vector of function specs', '(letfn [(f [x] ...) (g [y] ...)] body)');
    const fns = (specs as List<any>).toArray();
    for (const f of fns) {
      if (!Stack.isStack(f) || !((f as Stack<any>).first() instanceof Sym)) this.fail('bad-binding', ctx, f ?? specs, 'each letfn spec looks like (name [params] body...)');
    }
    const names = fns.map((f) => ((f as Stack<any>).first() as Sym).name);
    if (names.length === 0) return this.doForm(items.slice(2), ctx);
    const impure = new Set<string>();
    // Analyse with every function assumed pure, then again with the ones that
    // turned out to perform marked resumable, until nothing changes.
    for (let round = 0; ; round++) {
      const mark = this.diagnostics.length;
      const scope = new Scope(ctx.scope);
      const bindings = names.map((n, i) => scope.bind(n, { pureFn: !impure.has(n), span: spanOf((fns[i] as Stack<any>).first()) }));
      const inner = { ...ctx, scope, tail: false, recur: null };
      const nodes = fns.map((f, i) => this.fnForm(f, [sym('fn'), ...(f as Stack<any>).rest().toArray()], inner, names[i]!));
      let changed = false;
      nodes.forEach((n, i) => { if (n.op === 'fn' && !n.pure && !impure.has(names[i]!)) { impure.add(names[i]!); changed = true; } });
      if (changed && round < names.length) { this.diagnostics.length = mark; continue; }
      const body = this.doForm(items.slice(2), { ...ctx, scope });
      const pairs = bindings.map((b, i): [IR.Binding, IR.Node] => [b, nodes[i]!]);
      return { op: 'let', rec: true, bindings: pairs, body, effectful: body.effectful, span: ctx.span };
    }
  }

  private loopForm(form: any, items: any[], ctx: Ctx): IR.Node {
    const pairs = this.bindingVector(form, items[1], ctx, 'loop');
    const simple = pairs.every(([p]) => isSimpleParam(p));
    let bodyForms = items.slice(2);
    let loopPairs = pairs;
    if (!simple) {
      // (loop [[a b] v] ...) => (loop [g v] (let [[a b] g] ...)); recur rebinds g.
      const inner: any[] = [];
      loopPairs = pairs.map(([p, init]) => {
        if (isSimpleParam(p)) return [p, init];
        const g = gensym('loop');
        inner.push(p, g);
        return [g, init];
      });
      bodyForms = [setSpan(Stack([sym('let'), List(inner), ...bodyForms]), ctx.span)];
    }
    let scope = ctx.scope;
    const bindings: Array<[IR.Binding, IR.Node]> = [];
    for (const [s, init] of loopPairs) {
      const node = this.safe(init, { ...ctx, scope, tail: false });
      scope = new Scope(scope);
      bindings.push([scope.bind((s as Sym).name, { span: spanOf(s) }), node]);
    }
    const id = nextId();
    const target = { kind: 'loop' as const, id, params: bindings.map(([b]) => b) };
    const body = this.doForm(bodyForms, { ...ctx, scope, tail: true, recur: target, inTry: false, recurBlocked: undefined });
    return { op: 'loop', id, bindings, body, effectful: body.effectful || bindings.some(([, n]) => n.effectful), span: ctx.span };
  }

  private recurForm(form: any, items: any[], ctx: Ctx): IR.Node {
    if (ctx.recurBlocked) this.fail('recur-not-tail', ctx, form, ctx.recurBlocked);
    if (!ctx.recur && ctx.inTry) {
      this.fail('recur-not-tail', ctx, form, 'recur cannot cross try: it would skip the catch and finally clauses',
        'move the try inside the loop body, or return a value from try and recur after it');
    }
    if (!ctx.recur) {
      this.fail('recur-not-tail', ctx, form, 'recur is only allowed inside loop or fn',
        'wrap the code in (loop [...] ...) or move recur into a function body');
    }
    if (!ctx.tail) {
      this.fail('recur-not-tail', ctx, form, 'recur must be in tail position',
        'recur can only be the last thing evaluated in its loop or fn; for non-tail recursion call the function by name');
    }
    const args = items.slice(1).map((a) => this.sub(a, ctx));
    if (args.length !== ctx.recur.params.length) {
      this.report('recur-arity', ctx, form, `recur expects ${ctx.recur.params.length} value(s), got ${args.length}`);
    }
    return { op: 'recur', target: ctx.recur, args, effectful: args.some((a) => a.effectful), span: ctx.span };
  }

  fnForm(form: any, items: any[], ctx: Ctx, forcedName: string | null): IR.Node {
    const mark = this.diagnostics.length;
    let i = 1;
    let name: string | null = forcedName;
    const isMatchReturn = items[i] === MATCH_RETURN;
    if (items[i] instanceof Sym) { name = (items[i] as Sym).name; i++; }
    let doc: string | undefined;
    if (typeof items[i] === 'string' && items.length > i + 1) { doc = items[i]; i++; }
    let arityForms: any[][];
    if (List.isList(items[i])) arityForms = [items.slice(i)];
    else if (Stack.isStack(items[i])) {
      arityForms = items.slice(i).map((a: any) => {
        if (!Stack.isStack(a) || !List.isList(a.first())) this.fail('malformed', ctx, a, 'each arity of fn must look like ([params] body...)');
        return a.toArray();
      });
    } else {
      this.fail('malformed', ctx, form, 'fn needs a parameter vector', '(fn [x] body) or (fn ([x] ...) ([x y] ...))');
    }
    let scope = ctx.scope;
    let self: IR.Binding | null = null;
    if (name && items[1] instanceof Sym) {
      scope = new Scope(scope);
      self = scope.bind(name, { pureFn: !this.pessimisticSelf, span: spanOf(items[1]) });
    }
    const node: IR.FnNode = { op: 'fn', name: name ?? 'fn', self, arities: [], pure: true, doc, effectful: false, span: ctx.span };
    const seen = new Set<string>();
    for (const af of arityForms) {
      const savedMR = this.matchReturnFn;
      this.matchReturnFn = isMatchReturn;
      let arity: IR.Arity;
      try { arity = this.arity(af, scope, ctx); } finally { this.matchReturnFn = savedMR; }
      const key = arity.rest ? `${arity.params.length}+` : String(arity.params.length);
      if (seen.has(key)) this.report('malformed', ctx, af[0], `fn has two arities taking ${key} arguments`);
      seen.add(key);
      node.arities.push(arity);
    }
    node.pure = node.arities.every((a) => !a.body.effectful);
    if (self && !node.pure && !this.pessimisticSelf) {
      // Self-calls were assumed pure; the body performs, so analyse again
      // with the self binding known to be resumable.
      this.pessimisticSelf = true;
      this.diagnostics.length = mark;
      try { return this.fnForm(form, items, ctx, forcedName); } finally { this.pessimisticSelf = false; }
    }
    return node;
  }

  /** Set while analysing the return-clause function of a match with effect clauses. */
  private matchReturnFn = false;

  private arity(af: any[], outer: Scope, ctx: Ctx): IR.Arity {
    const paramsVec = af[0] as List<any>;
    const ps = paramsVec.toArray();
    const scope = new Scope(outer);
    const params: IR.Binding[] = [];
    let rest: IR.Binding | null = null;
    const destructures: any[] = [];
    for (let j = 0; j < ps.length; j++) {
      const p = ps[j];
      if (isSymNamed(p, '&')) {
        const r = ps[j + 1];
        if (r === undefined || j + 2 !== ps.length) this.fail('bad-binding', ctx, paramsVec, '& must be followed by exactly one parameter');
        if (isSimpleParam(r)) rest = scope.bind(r.name, { span: spanOf(r) });
        else { const g = gensym('rest'); rest = scope.bind(g.name); destructures.push(r, g); }
        break;
      }
      if (isSimpleParam(p)) params.push(scope.bind(p.name, { span: spanOf(p) }));
      else if (List.isList(p) || IMap.isMap(p)) {
        const g = gensym('p');
        params.push(scope.bind(g.name));
        destructures.push(p, g);
      } else this.fail('bad-binding', ctx, p ?? paramsVec, `invalid parameter ${prStr(p)}`, 'parameters are symbols, or vectors/maps to destructure');
    }
    let bodyForms = af.slice(1);
    if (destructures.length) bodyForms = [setSpan(Stack([sym('let'), List(destructures), ...bodyForms]), ctx.span)];
    const id = nextId();
    const all = rest ? [...params, rest] : params;
    const body = this.doForm(bodyForms, {
      ...ctx, scope, tail: true, recur: { kind: 'fn', id, params: all }, inTry: false,
      recurBlocked: this.matchReturnFn ? 'recur cannot be used in the value clauses of a match that has effect clauses (they run as its return clause)' : undefined,
    });
    return { params, rest, body, id };
  }

  private performForm(form: any, items: any[], ctx: Ctx, star: boolean): IR.Node {
    if (items.length < 2) this.fail('malformed', ctx, form, `${star ? 'perform*' : 'perform'} needs a target`, '(perform :effect data) or (perform cap :method args...)');
    const target = this.sub(items[1], ctx);
    if (star && items.length !== 3) this.fail('malformed', ctx, form, 'perform* takes a target and one payload: (perform* cap [:method arg ...])');
    if (!star && target.op === 'const' && target.value instanceof Keyword && items.length > 3) {
      this.fail('malformed', ctx, form, `a keyword effect takes at most one data argument; got ${items.length - 2}`,
        `pass several values in one collection: (perform ${prStr(target.value)} [a b])`);
    }
    if (!star && target.op === 'const' && !(target.value instanceof Keyword) && !(target.value === null)) {
      this.fail('malformed', ctx, form, `cannot perform on ${prStr(target.value)}: the target must be a keyword or a capability`);
    }
    const args = items.slice(2).map((a) => this.sub(a, ctx));
    const method = !star && args[0]?.op === 'const' && args[0].value instanceof Keyword && !(target.op === 'const') ? args[0].value : null;
    return { op: 'perform', target, method, args, star, effectful: true, span: ctx.span };
  }

  private handlerForm(form: any, items: any[], ctx: Ctx): IR.Node {
    if (items.length < 3) this.fail('malformed', ctx, form, 'with-effect-handler takes a target, a handler and a body',
      '(with-effect-handler :effect (fn [data resume] ...) body...)');
    const target = this.sub(items[1], ctx);
    const handler = this.sub(items[2], ctx);
    const body = this.doForm(items.slice(3), { ...ctx, tail: false, recur: null });
    return { op: 'handle', target, handler, body, effectful: true, span: ctx.span };
  }

  private tryForm(form: any, items: any[], ctx: Ctx): IR.Node {
    const bodyForms: any[] = [];
    const catches: IR.Catch[] = [];
    let fin: IR.Node | null = null;
    const inner = { ...ctx, tail: false, recur: null, inTry: !!ctx.recur || ctx.inTry };
    for (const it of items.slice(1)) {
      const isClause = (n: string) => Stack.isStack(it) && isSymNamed((it as Stack<any>).first(), n);
      if (isClause('catch')) {
        if (fin) this.fail('malformed', ctx, it, 'catch must come before finally');
        const c = (it as Stack<any>).toArray();
        if (c.length < 3 || !(c[2] instanceof Sym)) this.fail('malformed', ctx, it, 'catch takes a type, a name and a body: (catch :my/error e ...)');
        const t = c[1];
        let type: Keyword | null = null;
        if (t instanceof Keyword) type = t.fqn === 'default' ? null : t;
        else if (!(t instanceof Sym)) this.fail('malformed', ctx, it, 'the catch type must be a keyword, or _ for anything');
        const scope = new Scope(ctx.scope);
        const binding = scope.bind((c[2] as Sym).name, { span: spanOf(c[2]) });
        catches.push({ type, binding, body: this.doForm(c.slice(3), { ...inner, scope }) });
      } else if (isClause('finally')) {
        if (fin) this.fail('malformed', ctx, it, 'a try has at most one finally');
        fin = this.doForm((it as Stack<any>).rest().toArray(), inner);
      } else {
        if (catches.length || fin) this.fail('malformed', ctx, it, 'the body of try must come before catch and finally');
        bodyForms.push(it);
      }
    }
    const body = this.doForm(bodyForms, inner);
    return {
      op: 'try', body, catches, fin,
      effectful: body.effectful || catches.some((c) => c.body.effectful) || !!fin?.effectful, span: ctx.span,
    };
  }

  private matchForm(form: any, items: any[], ctx: Ctx): IR.Node {
    if (items.length < 2) this.fail('malformed', ctx, form, 'match takes an expression and pattern/body pairs');
    const clauses = items.slice(2);
    if (clauses.length % 2 !== 0) this.fail('malformed', ctx, form, 'match clauses come in pattern/body pairs');
    const subjectForm = items[1];
    const valueClauses: Array<[any, any]> = [];
    const effectClauses: Array<[any[], any, any]> = [];
    for (let i = 0; i < clauses.length; i += 2) {
      const pat = clauses[i], body = clauses[i + 1];
      if (Stack.isStack(pat) && isSymNamed((pat as Stack<any>).first(), 'effect')) {
        const p = (pat as Stack<any>).toArray();
        if (p.length < 3 || p.length > 4 || !(p[1] instanceof Keyword) || !(p[2] instanceof Sym) || (p[3] !== undefined && !(p[3] instanceof Sym))) {
          this.fail('malformed', ctx, pat, 'an effect clause looks like (effect :name data) or (effect :name data resume)');
        }
        effectClauses.push([p, body, pat]);
      } else valueClauses.push([pat, body]);
    }
    if (effectClauses.length) return this.analyze(this.matchWithEffects(subjectForm, valueClauses, effectClauses, ctx.span), ctx);
    const value = this.sub(subjectForm, ctx);
    const scope = new Scope(ctx.scope);
    const subject = scope.bind('match');
    const out: IR.MatchClause[] = [];
    for (const [pat, bodyForm] of valueClauses) {
      const steps: IR.MatchStep[] = [];
      let s = scope;
      const addBind = (name: string, expr: IR.Node, at?: any) => { s = new Scope(s); const b = s.bind(name, { span: spanOf(at) }); steps.push({ kind: 'bind', binding: b, expr }); return b; };
      const local = (b: IR.Binding): IR.Node => ({ op: 'local', binding: b, effectful: false });
      const coreCall = (f: string, ...args: IR.Node[]): IR.Node => {
        const v = this.registry.core.vars.get(f)!;
        return { op: 'call', fn: { op: 'var', v, effectful: false }, args, effectful: args.some((a) => a.effectful), calleePure: true, intrinsic: INTRINSICS[f]?.includes(args.length) ? f : undefined };
      };
      const compilePattern = (p: any, subj: IR.Binding): void => {
        if (isSymNamed(p, '_')) return;
        if (p instanceof Sym && p.ns === null && p.name !== '&') { addBind(p.name, local(subj), p); return; }
        if (Stack.isStack(p) && isSymNamed((p as Stack<any>).first(), 'quote')) {
          steps.push({ kind: 'test', expr: coreCall('=', local(subj), constNode((p as Stack<any>).get(1))) });
          return;
        }
        if (List.isList(p)) {
          const arr = (p as List<any>).toArray();
          const amp = arr.findIndex((x) => isSymNamed(x, '&'));
          const fixed = amp < 0 ? arr : arr.slice(0, amp);
          steps.push({ kind: 'test', expr: coreCall('-match-sequential', local(subj), constNode(fixed.length), constNode(amp >= 0)) });
          fixed.forEach((q, i) => {
            if (isSymNamed(q, '_')) return;
            const b = addBind('m', coreCall('nth', local(subj), constNode(i), constNode(null)));
            compilePattern(q, b);
          });
          if (amp >= 0 && arr[amp + 1] !== undefined) {
            const b = addBind('mrest', coreCall('nthnext', local(subj), constNode(fixed.length)));
            compilePattern(arr[amp + 1], b);
          }
          return;
        }
        if (IMap.isMap(p)) {
          steps.push({ kind: 'test', expr: coreCall('map?', local(subj)) });
          for (const [k, q] of p as IMap<any, any>) {
            if (k instanceof Keyword && (k.fqn === 'keys' || k.fqn === 'as' || k.fqn === 'strs' || k.fqn === 'or')) continue;
            steps.push({ kind: 'test', expr: coreCall('contains?', local(subj), constNode(k)) });
            const b = addBind('mv', coreCall('get', local(subj), constNode(k)));
            compilePattern(q, b);
          }
          const keys = (p as IMap<any, any>).get(kw('keys'));
          if (List.isList(keys)) for (const k of keys as List<any>) if (k instanceof Sym) addBind(k.name, coreCall('get', local(subj), constNode(kw(k.name))), k);
          const strs = (p as IMap<any, any>).get(kw('strs'));
          if (List.isList(strs)) for (const k of strs as List<any>) if (k instanceof Sym) addBind(k.name, coreCall('get', local(subj), constNode(k.name)), k);
          const as = (p as IMap<any, any>).get(kw('as'));
          if (as instanceof Sym) addBind(as.name, local(subj), as);
          return;
        }
        if (p === null || typeof p !== 'object' || p instanceof Keyword || ISet.isSet(p)) {
          steps.push({ kind: 'test', expr: coreCall('=', local(subj), constNode(p)) });
          return;
        }
        this.fail('malformed', ctx, p, `unsupported match pattern ${prStr(p)}`);
      };
      compilePattern(pat, subject);
      const body = this.safe(bodyForm, { ...ctx, scope: s });
      out.push({ steps, body });
    }
    const effectful = value.effectful || out.some((c) => c.body.effectful || c.steps.some((st) => st.expr.effectful));
    return { op: 'match', subject, value, clauses: out, effectful, span: ctx.span };
  }

  /**
   * match with effect clauses, as OCaml 5's match-with-effects: the handlers
   * cover only the subject expression; the value clauses act as the return
   * clause, so a resumed body's value goes through them and (resume v)
   * returns the matched result, while an effect clause that does not resume
   * gives the value of the whole match unchanged.
   */
  private matchWithEffects(subject: any, valueClauses: Array<[any, any]>, effectClauses: Array<[any[], any, any]>, span: Span | undefined): any {
    const core = (n: string) => sym(n, CORE_NS);
    const S = (...xs: any[]) => setSpan(Stack(xs), span);
    const v = gensym('mv');
    const vm = gensym('vm');
    const valueFn = valueClauses.length
      ? S(sym('fn'), MATCH_RETURN, List([v]), S(sym('match'), v, ...valueClauses.flat()))
      : S(sym('fn'), List([v]), v);
    let body: any = S(core('-match-value'), subject);
    for (const [p, clauseBody, pat] of effectClauses) {
      const [, effect, data, resume] = p;
      let handler: any;
      if (resume) {
        const k0 = gensym('k'), x = gensym('x');
        const wrapped = S(sym('fn'), List([x]), S(core('-match-unwrap'), S(k0, x), vm));
        handler = S(sym('fn'), List([data, k0]), S(sym('let'), List([resume, wrapped]), S(core('-match-done'), clauseBody)));
      } else {
        handler = S(sym('fn'), List([data]), S(core('-match-done'), clauseBody));
      }
      body = setSpan(Stack([sym('with-effect-handler'), effect, handler, body]), spanOf(pat) ?? span);
    }
    return S(sym('let'), List([vm, valueFn]), S(core('-match-unwrap'), body, vm));
  }

  /**
   * (cell wasm) or (cell wasm {"name" cap ...}). The lexical scope is passed
   * along by name, so grants the component declares can be taken from it.
   */
  private cellForm(form: any, items: any[], ctx: Ctx): IR.Node {
    if (items.length < 2 || items.length > 3) this.fail('malformed', ctx, form, 'cell takes a component and an optional grants map', '(cell wasm) or (cell wasm {"host" host})');
    const locals = [...new Set(ctx.scope.names())].filter((n) => !n.includes('__'));
    const scopeMap = IMap<any, any>(locals.map((n) => [n, sym(n)]));
    const call = setSpan(Stack([sym('-make-cell', CORE_NS), items[1], items[2] ?? null, scopeMap]), spanOf(form) ?? ctx.span);
    return this.analyze(call, ctx);
  }

  private defcapForm(form: any, items: any[], ctx: Ctx): IR.Node {
    if (items.length < 2 || !(items[1] instanceof Sym)) this.fail('malformed', ctx, form, 'defcap takes a name and :method fn pairs');
    const rest = items.slice(2);
    if (rest.length % 2 !== 0) this.fail('malformed', ctx, form, 'defcap methods come in :method fn pairs');
    const pairs: any[] = [];
    for (let i = 0; i < rest.length; i += 2) {
      if (!(rest[i] instanceof Keyword)) this.fail('malformed', ctx, rest[i], 'a defcap method name must be a keyword such as :get');
      pairs.push(rest[i], rest[i + 1]);
    }
    const name = (items[1] as Sym).name;
    const init = setSpan(Stack([sym('-make-cap', CORE_NS), name, IMap<any, any>(chunk(pairs))]), spanOf(form));
    return this.defForm(form, [sym('def'), items[1], init], ctx, false);
  }

  private importForm(form: any, items: any[], ctx: Ctx): IR.Node {
    const path = items[1];
    if (typeof path !== 'string') this.fail('malformed', ctx, form, 'import takes a module path string', '(import "ww/string" :as str)');
    let alias: string | null = null;
    for (let i = 2; i < items.length; i += 2) {
      if (items[i] instanceof Keyword && items[i].fqn === 'as' && items[i + 1] instanceof Sym) alias = items[i + 1].name;
      else this.fail('malformed', ctx, form, `unexpected ${prStr(items[i])} in import`, '(import "ww/string" :as str)');
    }
    alias ??= path.replace(/\.glia$/, '').split('/').pop()!;
    const call = setSpan(Stack([sym('-import', CORE_NS), alias, Stack([sym('perform'), kw('import'), path])]), spanOf(form));
    return this.analyze(call, ctx);
  }

  private nsForm(form: any, items: any[], ctx: Ctx): IR.Node {
    if (!(items[1] instanceof Sym)) this.fail('malformed', ctx, form, 'ns takes a namespace name');
    const out: any[] = [sym('do'), Stack([sym('-in-ns', CORE_NS), (items[1] as Sym).fqn])];
    for (const clause of items.slice(2)) {
      if (typeof clause === 'string') continue;
      if (!Stack.isStack(clause) || !((clause as Stack<any>).first() instanceof Keyword)) this.fail('malformed', ctx, clause, 'ns clauses look like (:import [ww.string :as str])');
      const kind = ((clause as Stack<any>).first() as Keyword).fqn;
      if (kind !== 'import' && kind !== 'require') this.fail('malformed', ctx, clause, `unknown ns clause :${kind}`);
      for (const spec of (clause as Stack<any>).rest()) {
        const parts = List.isList(spec) ? (spec as List<any>).toArray() : [spec];
        if (!(parts[0] instanceof Sym) && typeof parts[0] !== 'string') this.fail('malformed', ctx, spec, 'an import spec is [module.name :as alias]');
        const path = typeof parts[0] === 'string' ? parts[0] : (parts[0] as Sym).fqn.replace(/\./g, '/');
        out.push(Stack([sym('import'), path, ...parts.slice(1)]));
      }
    }
    return this.analyze(setSpan(Stack(out), spanOf(form)), ctx);
  }
}

const HOF = Symbol.for('glia.hof');
export { HOF };

/** Names in messages are cut short: a 5 MB symbol must not make a 5 MB report. */
function clip(s: string): string { return s.length > 80 ? `${s.slice(0, 60)}…(${s.length} characters)` : s; }

function chunk(xs: any[]): Array<[any, any]> {
  const out: Array<[any, any]> = [];
  for (let i = 0; i < xs.length; i += 2) out.push([xs[i], xs[i + 1]]);
  return out;
}

function constValue(n: IR.Node): any { return (n as IR.ConstNode).value; }

/** A literal collection whose items all evaluate to themselves is its own value. */
function sameIfUnchanged(form: any, items: IR.Node[], rebuild: () => any): any {
  const forms = IMap.isMap(form) ? [...(form as IMap<any, any>)].flat() : (form as any).toArray();
  return items.every((n, i) => (n as IR.ConstNode).value === forms[i]) ? form : rebuild();
}

export function constNode(value: any): IR.ConstNode { return { op: 'const', value, effectful: false }; }

function isPureValueNode(n: IR.Node): boolean {
  return n.op === 'const' && (typeof n.value !== 'function' || !(n.value as any)[GEN]);
}

function knownInfo(v: Var): FnInfo | null {
  if (v.macro) return null;
  if (v.bound) {
    const f = v.value;
    return typeof f === 'function' ? (f as any)[FN_INFO] ?? null : null;
  }
  return v.declared ?? null;
}

export function infoOfFnNode(n: IR.FnNode): FnInfo {
  const arities: number[] = [];
  let variadic: number | null = null;
  for (const a of n.arities) {
    if (a.rest) variadic = variadic === null ? a.params.length : Math.min(variadic, a.params.length);
    else arities.push(a.params.length);
  }
  return { name: n.name, arities, variadic, doc: n.doc };
}

export function describeArity(info: FnInfo): string {
  const parts = [...info.arities].sort((a, b) => a - b).map(String);
  if (info.variadic !== null) parts.push(`${info.variadic} or more`);
  const last = parts.pop();
  const text = parts.length ? `${parts.join(', ')} or ${last}` : last;
  const one = info.arities.length === 1 && info.arities[0] === 1 && info.variadic === null;
  return `${text} argument${one ? '' : 's'}`;
}

/** Gives forms produced by a macro the span of the call when they have none. */
function withSpanDeep(x: any, span: Span | undefined, depth = 0): any {
  if (!span || depth > 50) return x;
  if (Stack.isStack(x) || List.isList(x)) {
    setSpan(x, span);
    for (const i of x as any) if (typeof i === 'object' && i !== null) withSpanDeep(i, span, depth + 1);
  } else if (x instanceof Sym) setSpan(x, span);
  return x;
}
