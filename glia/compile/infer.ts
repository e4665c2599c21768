// Effect inference over the analyzer's IR. It gives every node its effect
// set (`node.effects`) and every function a summary of what calling it
// performs, and checks each `perform` against the capability-signature
// table (unknown methods, argument counts and literal types).
//
// Effects flow:
// - through calls: a call adds the callee's summary (a var's summary comes
//   from its def: in this unit, the prelude, or an imported module);
// - through closures and higher-order functions: a function that calls one
//   of its parameters carries a marker for it (see effects.ts), which each
//   call replaces with the effects of the argument; builtins such as map,
//   filter and reduce carry the effects of their function arguments;
// - through macros: they are expanded before the IR exists;
// - out of handlers minus what they handle: a handler on :k takes every :k
//   of its body, a handler on a capability every method of it, and adds the
//   handler function's own effects.
//
// To know which values are functions, keywords or capabilities, it keeps a
// small abstract value (`Static`) for locals, vars and expressions.
import { List, Map as IMap } from 'immutable';
import type * as IR from './ir.js';
import type { Var } from '../eval/namespace.js';
import { GEN, FN_INFO, type FnInfo } from '../values/fn.js';
import { Keyword } from '../values/keyword.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { Span } from '../span.js';
import { HOF, infoOfFnNode } from './analyzer.js';
import { CORE_NS } from './registry.js';
import type { CapabilityInterface } from './capabilities.js';
import { capabilityInterface } from './capabilities.js';
import { gliaMethod, gliaMethods } from './conveniences.js';
import { checkMethodArgs } from './method-args.js';
import { closest } from './suggest.js';
import { forEachChild } from './ir-walk.js';
import { isTransaction, refusedInTransaction, performName, TRANSACTION_BODY_ARG } from './transactions.js';
import {
  type EffectSet, type Origin, NO_EFFECTS, UNKNOWN_EFFECT, single, union, without, through, isMarker,
  paramMarker, keywordEffect, capabilityEffect, handles, maybeHandled,
} from './effects.js';

/** What calling a function performs. */
export interface FnSummary {
  name: string;
  /** The body's effects, with markers for the parameters it calls. */
  effects: EffectSet;
  arities: Array<{ params: IR.Binding[]; rest: IR.Binding | null }>;
  info: FnInfo;
  doc?: string;
  span?: Span;
}

/** An abstract value: what the checker knows an expression evaluates to. */
export type Static =
  | { kind: 'fn'; summary: FnSummary }
  | { kind: 'native'; fn: any; name: string }
  | { kind: 'param'; binding: IR.Binding }
  | { kind: 'keyword'; keyword: Keyword }
  /** A capability: bound by name (`owner` is the name) or obtained through one (`owner` is the interface). */
  | { kind: 'cap'; owner: string; iface: CapabilityInterface | null; allow?: ReadonlySet<string> }
  | { kind: 'defcap'; name: string; methods: ReadonlyMap<string, Static> }
  /** The map of several results of a method; fields that hold capabilities. */
  | { kind: 'results'; fields: ReadonlyMap<string, Static> }
  | null;

/** Builtins that return a function and call none of their arguments themselves. */
const FN_RETURNING = new Set(['partial', 'comp', 'complement', 'juxt', 'fnil', 'memoize', 'every-pred', 'some-fn']);

export interface InferHost {
  /** What the checker knows about a var: a capability the context binds, a function summary, ... */
  varStatic(v: Var): Static;
  /** The span of element `index` of the list form at `span` (0 is the head), or the span itself. */
  elementSpan(span: Span | undefined, index: number): Span | undefined;
}

export class EffectInference {
  diagnostics: Diagnostic[] = [];
  /** Report diagnostics (off during the first rounds of a fixpoint). */
  report = true;
  private readonly locals = new Map<IR.Binding, Static>();
  private readonly summaries = new WeakMap<IR.FnNode, FnSummary>();

  constructor(readonly host: InferHost) {}

  summaryOf(fn: IR.FnNode): FnSummary | undefined { return this.summaries.get(fn); }

  localStatic(b: IR.Binding): Static { return this.locals.get(b) ?? null; }

  private diag(code: string, span: Span | undefined, message: string, hint?: string): void {
    if (this.report && span) this.diagnostics.push(diagnostic(code, span, message, hint));
  }

  // ---- abstract values ---------------------------------------------------------

  staticOf(n: IR.Node): Static {
    switch (n.op) {
      case 'const': return n.value instanceof Keyword ? { kind: 'keyword', keyword: n.value } : typeof n.value === 'function' ? nativeStatic(n.value) : null;
      case 'local': return this.locals.get(n.binding) ?? null;
      case 'var': case 'the-var': return this.host.varStatic(n.v);
      case 'fn': { const s = this.summaries.get(n); return s ? { kind: 'fn', summary: s } : null; }
      case 'let': case 'loop': return this.staticOf(n.body);
      case 'do': return this.staticOf(n.ret);
      case 'call': return this.callStatic(n);
      case 'perform': return this.performStatic(n);
      default: return null;
    }
  }

  private callStatic(n: IR.CallNode): Static {
    const callee = this.staticOf(n.fn);
    if (callee?.kind === 'native') {
      if (FN_RETURNING.has(callee.name)) {
        const effects = unionAllOf(n.args.map((a) => this.latentOf(a, this.site(n.span))));
        return { kind: 'fn', summary: { name: callee.name, effects, arities: [], info: { name: callee.name, arities: [], variadic: 0 } } };
      }
      if (callee.name === 'attenuate' && n.args.length === 2) {
        const cap = this.staticOf(n.args[0]!);
        const ms = n.args[1]!;
        if (cap?.kind === 'cap' && ms.op === 'const' && List.isList(ms.value)) {
          const names = new Set((ms.value as List<any>).toArray().filter((k) => k instanceof Keyword).map((k: Keyword) => k.name));
          // A convenience allows the capability's own methods it performs,
          // as the membrane policy does (runtime [:run] allows :load).
          if (cap.iface) {
            for (const x of [...names]) {
              const c = gliaMethod(cap.iface, x);
              if (c?.convenience) for (const p of c.performs) if (!p.includes('/')) names.add(p);
            }
          }
          const allow = cap.allow ? new Set([...names].filter((x) => cap.allow!.has(x))) : names;
          return { ...cap, allow };
        }
        return cap?.kind === 'cap' ? cap : null;
      }
      if (callee.name === '-make-cap' && n.args.length === 2) return this.defcapStatic(n.args[0]!, n.args[1]!);
      if ((callee.name === 'get' || callee.name === 'get-in') && n.args.length >= 2) return this.lookup(n.args[0]!, n.args[1]!);
    }
    if (n.fn.op === 'const' && n.fn.value instanceof Keyword && n.args.length >= 1) return this.lookup(n.args[0]!, n.fn);
    return null;
  }

  /** (:vat-client (perform host :network)) */
  private lookup(coll: IR.Node, key: IR.Node): Static {
    const s = this.staticOf(coll);
    if (s?.kind !== 'results' || key.op !== 'const' || !(key.value instanceof Keyword)) return null;
    return s.fields.get(key.value.name) ?? null;
  }

  private defcapStatic(nameNode: IR.Node, methodsNode: IR.Node): Static {
    const name = nameNode.op === 'const' && typeof nameNode.value === 'string' ? nameNode.value : 'defcap';
    const methods = new Map<string, Static>();
    if (methodsNode.op === 'map') {
      for (const [k, v] of methodsNode.pairs) if (k.op === 'const' && k.value instanceof Keyword) methods.set(k.value.name, this.staticOf(v));
    } else if (methodsNode.op === 'const' && IMap.isMap(methodsNode.value)) {
      for (const [k, v] of methodsNode.value as IMap<any, any>) if (k instanceof Keyword) methods.set(k.name, typeof v === 'function' ? nativeStatic(v) : null);
    }
    return { kind: 'defcap', name, methods };
  }

  /** The value a perform gives, when it is a capability (or a map of them). */
  private performStatic(n: IR.PerformNode): Static {
    const target = this.staticOf(n.target);
    if (target?.kind !== 'cap' || !target.iface) return null;
    const call = this.methodCall(n);
    if (!call || call.method === null) return null;
    const m = gliaMethod(target.iface, call.method);
    if (!m) return null;
    const capOf = (f: { type: { kind: string; name?: string } }): Static => {
      if (f.type.kind !== 'Interface' || !f.type.name) return null;
      const iface = capabilityInterface(f.type.name) ?? null;
      return iface ? { kind: 'cap', owner: iface.name, iface } : null;
    };
    if (m.results.length === 1) return capOf(m.results[0]!);
    const fields = new Map<string, Static>();
    for (const r of m.results) { const s = capOf(r); if (s) fields.set(r.name, s); }
    return fields.size ? { kind: 'results', fields } : null;
  }

  /** The method keyword and its arguments of a perform or perform* on a capability. */
  private methodCall(n: IR.PerformNode): { method: string | null; args: IR.Node[]; argBase: number } | null {
    if (!n.star) {
      const first = n.args[0];
      const k = first ? (first.op === 'const' && first.value instanceof Keyword ? { kind: 'keyword' as const, keyword: first.value } : this.staticOf(first)) : null;
      if (k?.kind === 'keyword') return { method: k.keyword.name, args: n.args.slice(1), argBase: 3 };
      return { method: null, args: [], argBase: 3 };
    }
    const payload = n.args[0];
    if (payload?.op === 'vector' && payload.items[0]?.op === 'const' && payload.items[0].value instanceof Keyword) {
      return { method: payload.items[0].value.name, args: payload.items.slice(1), argBase: -1 };
    }
    if (payload?.op === 'const' && List.isList(payload.value) && (payload.value as List<any>).first() instanceof Keyword) {
      const items = (payload.value as List<any>).toArray();
      return { method: (items[0] as Keyword).name, args: items.slice(1).map((value): IR.ConstNode => ({ op: 'const', value, effectful: false })), argBase: -1 };
    }
    return { method: null, args: [], argBase: -1 };
  }

  /** The effects of calling the function `n` evaluates to, with arguments the checker does not know. */
  latentOf(n: IR.Node, at: Span | undefined): EffectSet {
    const s = this.staticOf(n);
    if (!s) return NO_EFFECTS;
    switch (s.kind) {
      case 'fn': return through(dropOwnMarkers(s.summary), at, calleeName(n, s.summary.name));
      case 'param': return single(paramMarker(s.binding), { span: at, via: [], root: at, param: s.binding });
      case 'native': return nativeLatent(s, at);
      default: return NO_EFFECTS;
    }
  }

  // ---- the walk ------------------------------------------------------------------

  infer(n: IR.Node): EffectSet {
    if (n.macroCall) this.macroCalls.push(n.macroCall);
    try {
      const e = this.effectsOf(n);
      n.effects = e;
      return e;
    } finally {
      if (n.macroCall) this.macroCalls.pop();
    }
  }

  /** Macro calls being inferred, innermost last. */
  private readonly macroCalls: Span[] = [];

  /**
   * Where an effect enters, as the user sees it: code a macro's template
   * produced carries the template's span, so it is reported at the macro
   * call being expanded instead.
   */
  private site(span: Span | undefined): Span | undefined {
    const call = this.macroCalls[this.macroCalls.length - 1];
    if (!call || !span) return span ?? call;
    const inside = span.file === call.file && span.offset >= call.offset && span.endOffset <= call.endOffset;
    return inside ? span : call;
  }

  private all(ns: readonly IR.Node[]): EffectSet {
    let acc = NO_EFFECTS;
    for (const x of ns) acc = union(acc, this.infer(x));
    return acc;
  }

  private effectsOf(n: IR.Node): EffectSet {
    switch (n.op) {
      case 'const': case 'local': case 'var': case 'the-var': return NO_EFFECTS;
      case 'if': return union(union(this.infer(n.test), this.infer(n.then)), this.infer(n.else));
      case 'do': return union(this.all(n.body), this.infer(n.ret));
      case 'vector': case 'set': return this.all(n.items);
      case 'map': { let acc = NO_EFFECTS; for (const [k, v] of n.pairs) acc = union(union(acc, this.infer(k)), this.infer(v)); return acc; }
      case 'let': return this.letEffects(n);
      case 'loop': {
        let acc = NO_EFFECTS;
        for (const [b, init] of n.bindings) { acc = union(acc, this.infer(init)); this.locals.set(b, null); }
        return union(acc, this.infer(n.body));
      }
      case 'recur': return this.all(n.args);
      case 'fn': this.fnSummary(n); return NO_EFFECTS;
      case 'def': {
        if (!n.init) return NO_EFFECTS;
        const e = this.infer(n.init);
        if (n.init.op === 'fn') { const s = this.summaries.get(n.init); if (s && n.doc && !s.doc) s.doc = n.doc; }
        return e;
      }
      case 'call': return this.callEffects(n);
      case 'perform': return this.performEffects(n);
      case 'handle': return this.handleEffects(n);
      case 'try': {
        let acc = this.infer(n.body);
        for (const c of n.catches) { this.locals.set(c.binding, null); acc = union(acc, this.infer(c.body)); }
        return n.fin ? union(acc, this.infer(n.fin)) : acc;
      }
      case 'match': {
        let acc = this.infer(n.value);
        this.locals.set(n.subject, null);
        for (const c of n.clauses) {
          for (const st of c.steps) {
            acc = union(acc, this.infer(st.expr));
            if (st.kind === 'bind') this.locals.set(st.binding, null);
          }
          acc = union(acc, this.infer(c.body));
        }
        return acc;
      }
    }
  }

  private letEffects(n: IR.LetNode): EffectSet {
    let acc = NO_EFFECTS;
    if (n.rec) {
      // letfn: the functions see each other; two rounds let each see the others' effects.
      for (const [b] of n.bindings) this.locals.set(b, null);
      for (let round = 0; round < 2; round++) {
        for (const [b, init] of n.bindings) { this.infer(init); this.locals.set(b, this.staticOf(init)); }
      }
    } else {
      for (const [b, init] of n.bindings) { acc = union(acc, this.infer(init)); this.locals.set(b, this.staticOf(init)); }
    }
    return union(acc, this.infer(n.body));
  }

  private fnSummary(n: IR.FnNode): FnSummary {
    const summary: FnSummary = {
      name: n.name, effects: NO_EFFECTS, info: infoOfFnNode(n), doc: n.doc, span: n.span,
      arities: n.arities.map((a) => ({ params: a.params, rest: a.rest })),
    };
    this.summaries.set(n, summary);
    for (const a of n.arities) {
      for (const p of a.params) this.locals.set(p, { kind: 'param', binding: p });
      if (a.rest) this.locals.set(a.rest, null);
    }
    if (n.self) this.locals.set(n.self, { kind: 'fn', summary });
    // A function that calls itself by name sees its own effects on a second round.
    for (let round = 0; round < (n.self ? 2 : 1); round++) {
      let acc = NO_EFFECTS;
      for (const a of n.arities) acc = union(acc, this.infer(a.body));
      summary.effects = acc;
    }
    return summary;
  }

  private callEffects(n: IR.CallNode): EffectSet {
    let acc = union(this.infer(n.fn), this.all(n.args));
    const callee = this.staticOf(n.fn);
    if (!callee) return acc;
    switch (callee.kind) {
      case 'fn': {
        const effects = this.substitute(callee.summary, n.args, this.site(n.span), calleeName(n.fn, callee.summary.name));
        acc = union(acc, n.fn.op === 'var' && isTransaction(n.fn.v) ? this.transaction(n, effects) : effects);
        break;
      }
      case 'param': acc = union(acc, single(paramMarker(callee.binding), { span: this.site(n.span), via: [], root: n.span, param: callee.binding })); break;
      case 'native': acc = union(acc, this.nativeCall(callee, n)); break;
    }
    return acc;
  }

  /** A summary's effects at a call: each parameter marker becomes the effects of its argument. */
  private substitute(s: FnSummary, args: IR.Node[], span: Span | undefined, name: string | null): EffectSet {
    let out = NO_EFFECTS;
    for (const [k, o] of s.effects) {
      if (!isMarker(k)) { out = union(out, single(k, { ...o, span, via: name ? [name, ...o.via] : o.via, root: o.root ?? o.span })); continue; }
      let own = false;
      for (const a of s.arities) {
        const i = a.params.indexOf(o.param!);
        const fits = args.length === a.params.length || (a.rest !== null && args.length > a.params.length);
        if (i >= 0) { own = true; if (fits) out = union(out, this.passed(this.latentOf(args[i]!, span), o, args[i]!.span ?? span)); }
        else if (a.rest === o.param) own = true;
      }
      if (!own) out = union(out, single(k, { ...o, span }));
    }
    return out;
  }

  /**
   * A dosync (a call of ww.state/transact): every effect of its body that
   * is not the transaction's own is a dosync-effect error, at the form in
   * the body that performs it, and leaves the call's effects (the barrier
   * refuses it at run time, so it never reaches the context). A call of a
   * parameter in the body is checked where the enclosing function is
   * called, with the function passed there.
   */
  private transaction(n: IR.CallNode, effects: EffectSet): EffectSet {
    const body = n.args[TRANSACTION_BODY_ARG];
    if (!body) return effects;
    const s = this.staticOf(body);
    const own = body.op === 'fn' && s?.kind === 'fn' ? s.summary.effects : this.latentOf(body, this.site(n.span));
    const refused = new Set<string>();
    for (const [k, o] of own) {
      if (o.maybeHandled || !refusedInTransaction(k)) continue;
      refused.add(k);
      this.refuseInTransaction(k, o, o.span ?? n.span, null);
    }
    // A perform on a defcap is a call, not an effect the sets hold: look for
    // those written in the body itself (not in functions it only defines).
    if (body.op === 'fn') {
      const visit = (x: IR.Node): void => {
        if (x.op === 'fn') return;
        // A nested dosync performs on its own ref (a capability call the sets show as `?`).
        if (x.op === 'call' && x.fn.op === 'var' && isTransaction(x.fn.v)) {
          this.diag('dosync-effect', x.span, 'a dosync inside a dosync body performs on its ref: a conflict runs the outer body again, and would perform it again',
            'run the transactions one after the other, or keep both values in one ref');
        }
        if (x.op === 'perform') {
          const t = this.staticOf(x.target);
          const call = t?.kind === 'defcap' ? this.methodCall(x) : null;
          if (t?.kind === 'defcap') this.refuseInTransaction(`${t.name}/${call?.method ? `:${call.method}` : '*'}`, { span: x.span, via: [], root: x.span }, x.span, null);
        }
        forEachChild(x, visit);
      };
      for (const a of body.arities) visit(a.body);
    }
    const out = new Map<string, Origin>();
    for (const [k, o] of effects) {
      if (refused.has(k)) continue;
      out.set(k, isMarker(k) ? { ...o, transaction: true } : o);
    }
    return out;
  }

  private refuseInTransaction(effect: string, o: Origin, span: Span | undefined, passedAs: string | null): void {
    const name = performName(effect);
    const at = o.root && o.via.length && !/^(glia\/prelude|std)\//.test(o.root.file) ? ` (at ${o.root.file}:${o.root.line}:${o.root.col})` : '';
    const what = passedAs ? `${passedAs} is called inside a dosync body, and it performs ${name}${at}`
      : o.via.length ? `calling ${o.via[0]} performs ${name}${o.via.length > 1 ? ` (through ${o.via.slice(1).join(' -> ')})` : ''}${at}, inside a dosync body`
      : `a dosync body may not perform ${name}`;
    this.diag('dosync-effect', span, `${what}: a conflict runs the body again, and would perform it again`,
      'perform it before or after the dosync and pass the result in: (let [x (perform ...)] (dosync ref (assoc! [:k] x))); inside, use only alter!, assoc!, snapshot and pure functions');
  }

  /** An argument's effects where the marker stood: minus what handlers there take. */
  private passed(latent: EffectSet, marker: Origin, span?: Span): EffectSet {
    if (marker.transaction) {
      // A function passed into a dosync body (through a parameter): what it performs is refused there.
      const kept = new Map<string, Origin>();
      for (const [k, o] of latent) {
        if (!o.maybeHandled && refusedInTransaction(k)) { this.refuseInTransaction(k, o, span ?? o.span, marker.param?.name ?? 'a function argument'); continue; }
        kept.set(k, isMarker(k) ? { ...o, transaction: true } : o);
      }
      latent = kept;
    }
    let out = marker.handled?.length ? without(latent, (e) => !isMarker(e) && marker.handled!.some((h) => handles(h, e))) : latent;
    if (marker.handled?.length) {
      // A marker of an outer function passed along here keeps the handlers it crossed.
      const inner = new Map<string, Origin>();
      for (const [k, o] of out) inner.set(k, isMarker(k) ? { ...o, handled: [...(o.handled ?? []), ...marker.handled] } : o);
      out = inner;
    }
    return marker.maybeHandled ? maybeHandled(out) : out;
  }

  private nativeCall(callee: { fn: any; name: string }, n: IR.CallNode): EffectSet {
    const f = callee.fn;
    const hof: number[] | 'all' | undefined = f[HOF];
    if (hof) {
      if (FN_RETURNING.has(callee.name)) return NO_EFFECTS;
      const idx = hof === 'all' ? n.args.map((_, i) => i) : hof;
      return unionAllOf(idx.filter((i) => i < n.args.length).map((i) => this.latentOf(n.args[i]!, this.site(n.span))));
    }
    if (!f[GEN]) return NO_EFFECTS;
    switch (callee.name) {
      case 'discontinue': return NO_EFFECTS;
      case '-with-file': return n.args[1] ? this.latentOf(n.args[1], this.site(n.span)) : NO_EFFECTS;
      case 'reperform': {
        const t = n.args[0] ? this.staticOf(n.args[0]) : null;
        const e = t ? effectOfTarget(t) : null;
        return single(e ?? UNKNOWN_EFFECT, { span: this.site(n.span), via: [], root: n.span });
      }
      default: return single(UNKNOWN_EFFECT, { span: this.site(n.span), via: [callee.name], root: n.span });
    }
  }

  private performEffects(n: IR.PerformNode): EffectSet {
    const acc = union(this.infer(n.target), this.all(n.args));
    const origin: Origin = { span: this.site(n.span), via: [], root: n.span };
    const target = this.staticOf(n.target);
    if (n.target.op === 'const' && n.target.value instanceof Keyword) return union(acc, single(keywordEffect(n.target.value.fqn), origin));
    if (target?.kind === 'keyword') return union(acc, single(keywordEffect(target.keyword.fqn), origin));
    if (target?.kind === 'cap') return union(acc, this.capabilityCall(n, target, origin));
    if (target?.kind === 'defcap') return union(acc, this.defcapCall(n, target, origin));
    this.dynamicTarget(n.target, n.span, 'perform');
    return union(acc, single(UNKNOWN_EFFECT, origin));
  }

  private dynamicTarget(target: IR.Node, span: Span | undefined, what: 'perform' | 'handler'): void {
    const where = target.span ?? span;
    const s = this.staticOf(target);
    const name = target.op === 'local' ? target.binding.name : target.op === 'var' ? target.v.name : null;
    const why = s?.kind === 'param' ? `'${name}' is a parameter, so the checker cannot tell which effect or capability it holds`
      : name ? `the checker cannot tell which effect or capability '${name}' holds`
      : 'the target is computed, so the checker cannot tell which effect or capability it is';
    if (what === 'perform') {
      this.diag('dynamic-target', where, `this perform cannot be checked: ${why}`,
        'the run-time checks still apply; perform on a keyword or a capability name (host, routing, ...) to have it checked');
    } else {
      this.diag('dynamic-target', where, `this handler cannot be checked: ${why}; what its body performs is left to the run-time checks`,
        'the run-time checks still apply; install handlers on a keyword or a capability name to have them checked');
    }
  }

  private capabilityCall(n: IR.PerformNode, target: Extract<Static, { kind: 'cap' }>, origin: Origin): EffectSet {
    const call = this.methodCall(n)!;
    const owner = target.owner;
    if (call.method === null) {
      this.diag('dynamic-target', n.args[0]?.span ?? n.span, `the method of this ${target.iface?.name ?? owner} call is computed, so the checker cannot check it`,
        `the run-time checks still apply; name the method with a keyword: (perform ${owner} :${target.iface ? gliaMethods(target.iface)[0]?.name ?? 'method' : 'method'} ...)`);
      return single(capabilityEffect(owner, null), origin);
    }
    const methodSpan = this.host.elementSpan(n.span, 2);
    if (!target.iface) return single(capabilityEffect(owner, call.method), origin);
    const m = gliaMethod(target.iface, call.method);
    if (!m) {
      const names = gliaMethods(target.iface).map((x) => x.name);
      const guess = closest(call.method, names);
      this.diag('unknown-method', methodSpan, `${target.iface.name} has no method :${call.method}${guess ? `; did you mean :${guess}?` : ''}`,
        `the methods of ${target.iface.name} are ${names.map((x) => `:${x}`).join(' ')}`);
      return single(capabilityEffect(owner, call.method), origin);
    }
    if (target.allow && !target.allow.has(m.name)) {
      this.diag('permission-denied', methodSpan, `this ${target.iface.name} is attenuated to ${[...target.allow].map((x) => `:${x}`).join(' ') || 'no methods'}; :${m.name} is not among them`,
        'calling it throws :glia.error/permission-denied at run time');
    }
    for (const p of checkMethodArgs(target.iface, m, call.args)) {
      const span = p.index < 0 ? n.span : call.argBase < 0 ? this.host.elementSpan(n.span, 2) : this.host.elementSpan(n.span, call.argBase + p.index);
      this.diag(p.code, span, p.message, p.hint);
    }
    let out = NO_EFFECTS;
    for (const step of m.performs) {
      const key = step.includes('/') ? step : capabilityEffect(owner, step);
      out = union(out, single(key, origin));
    }
    return out;
  }

  private defcapCall(n: IR.PerformNode, target: Extract<Static, { kind: 'defcap' }>, origin: Origin): EffectSet {
    const call = this.methodCall(n)!;
    if (call.method === null) return unionAllOf([...target.methods.values()].map((s) => (s ? latentOfStatic(s, origin.span) : NO_EFFECTS)));
    const m = target.methods.get(call.method);
    if (!target.methods.has(call.method)) {
      const names = [...target.methods.keys()];
      const guess = closest(call.method, names);
      this.diag('unknown-method', this.host.elementSpan(n.span, 2),
        `${target.name} has no method :${call.method}${guess ? `; did you mean :${guess}?` : ''}`,
        `the defcap defines ${names.map((x) => `:${x}`).join(' ') || 'no methods'}`);
      return NO_EFFECTS;
    }
    return m ? latentOfStatic(m, origin.span) : NO_EFFECTS;
  }

  private handleEffects(n: IR.HandleNode): EffectSet {
    const eTarget = this.infer(n.target);
    const eHandler = this.infer(n.handler);
    const body = this.infer(n.body);
    const target = n.target.op === 'const' && n.target.value instanceof Keyword ? { kind: 'keyword' as const, keyword: n.target.value } : this.staticOf(n.target);
    let rest = body;
    const entry = target?.kind === 'keyword' ? keywordEffect(target.keyword.fqn) : target?.kind === 'cap' ? `${target.owner}/` : null;
    if (entry !== null) {
      // Effects of the body that it takes go; calls of parameters remember it,
      // so the arguments' effects lose them where the function is called.
      const out = new Map<string, Origin>();
      for (const [k, o] of body) {
        if (isMarker(k)) out.set(k, { ...o, handled: [...(o.handled ?? []), entry] });
        else if (!handles(entry, k)) out.set(k, o);
      }
      rest = out;
    } else if (target?.kind !== 'defcap') {
      this.dynamicTarget(n.target, n.span, 'handler');
      rest = maybeHandled(body);
    }
    return union(union(union(eTarget, eHandler), rest), this.latentOf(n.handler, this.site(n.span)));
  }
}

function unionAllOf(sets: EffectSet[]): EffectSet {
  let acc = NO_EFFECTS;
  for (const s of sets) acc = union(acc, s);
  return acc;
}

function nativeStatic(f: any): Static {
  return { kind: 'native', fn: f, name: f[FN_INFO]?.name ?? f.name ?? 'fn' };
}

function nativeLatent(s: { fn: any; name: string }, at: Span | undefined): EffectSet {
  if (!s.fn[GEN] || s.fn[HOF] || s.name === 'discontinue') return NO_EFFECTS;
  return single(UNKNOWN_EFFECT, { span: at, via: [s.name], root: at });
}

function latentOfStatic(s: NonNullable<Static>, at: Span | undefined): EffectSet {
  if (s.kind === 'fn') return through(dropOwnMarkers(s.summary), at, s.summary.name === 'fn' ? null : s.summary.name);
  if (s.kind === 'native') return nativeLatent(s, at);
  return NO_EFFECTS;
}

/** A summary's effects when its arguments are unknown: its own parameter markers go. */
function dropOwnMarkers(s: FnSummary): EffectSet {
  return without(s.effects, (k) => isMarker(k) && s.arities.some((a) => {
    const p = s.effects.get(k)!.param!;
    return a.params.includes(p) || a.rest === p;
  }));
}

function effectOfTarget(s: NonNullable<Static>): string | null {
  if (s.kind === 'keyword') return keywordEffect(s.keyword.fqn);
  if (s.kind === 'cap') return capabilityEffect(s.owner, null);
  return null;
}

function calleeName(fn: IR.Node, fallback: string): string | null {
  if (fn.op === 'var' || fn.op === 'the-var') return fn.v.ns === CORE_NS || fn.v.ns === 'user' ? fn.v.name : fn.v.fqn;
  if (fn.op === 'local') return fn.binding.name;
  return fallback === 'fn' ? null : fallback;
}
