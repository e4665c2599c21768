// IR -> JavaScript source. Two tiers, chosen per function by the
// analyzer's effect flag:
//   - pure functions become plain JS functions (calls are JS calls);
//   - functions that may perform become generator functions, run by the
//     effect driver on an explicit stack; `perform`, handler installation
//     and calls into other resumable functions are `yield`s.
// The same emitter writes code for `new Function` (the evaluator's fast
// path) and, wrapped as a module, for compiled cells.
import type * as IR from '../compile/ir.js';
import { CORE_NS } from '../compile/registry.js';

export interface EmitOptions {
  /** Put every function on the resumable tier (the reference path for differential tests). */
  forceResumable?: boolean;
  /**
   * Poll this flag at the head of every loop/recur iteration and stop with
   * :glia.error/interrupted once it is set (glia/eval/interrupt.ts). Without
   * it no check is compiled.
   */
  interrupt?: Int32Array;
}

export interface EmittedUnit {
  /** Body of `function (rt, k) { ... }` that returns the top-level thunk. */
  source: string;
  consts: any[];
  /** Whether the thunk is a generator function. */
  resumable: boolean;
}

const INTRINSIC_FN: Record<string, string> = {
  '+': '$add', '-': '$sub', '*': '$mul', '<': '$lt', '>': '$gt', '<=': '$le', '>=': '$ge',
  '=': '$eq', '==': '$numEq', 'inc': '$inc', 'dec': '$dec', 'zero?': '$isZero', 'pos?': '$isPos',
  'neg?': '$isNeg', 'not': '$not', 'nil?': '$isNil', 'some?': '$isSome', 'identical?': '$identical', 'not=': '$notEq',
};
const BOOLEAN_INTRINSICS = new Set(['<', '>', '<=', '>=', '=', '==', 'zero?', 'pos?', 'neg?', 'not', 'nil?', 'some?', 'identical?', 'not=']);
const HELPERS = ['truthy', 'fnOf', 'mkfn', 'mkgen', 'arityFail', 'vec', 'hashMap', 'hashSet', 'readVar', 'def', 'perform', 'tail',
  'performStar', 'handle', 'catchable', 'catchMatches', 'noMatch', 'restSeq', 'GEN', 'swapInPlace', ...Object.values(INTRINSIC_FN).map((s) => s.slice(1))];

type Target = { kind: 'return' } | { kind: 'assign'; name: string } | { kind: 'discard' };
const RETURN: Target = { kind: 'return' };
const DISCARD: Target = { kind: 'discard' };

class Unit {
  consts: any[] = [];
  private constIndex = new Map<any, number>();
  constructor(readonly opts: EmitOptions) {}
  constRef(v: any): string {
    let i = this.constIndex.get(v);
    if (i === undefined) { i = this.consts.length; this.consts.push(v); this.constIndex.set(v, i); }
    return `k${i}`;
  }
}

// Inline fast paths for the commonest core functions on doubles: the JS
// operator when both operands are numbers, the full helper otherwise.
const NUMERIC_INLINE: Record<string, { arity: number; op: (a: string, b: string) => string }> = {
  '+': { arity: 2, op: (a, b) => `${a} + ${b}` },
  '-': { arity: 2, op: (a, b) => `${a} - ${b}` },
  '*': { arity: 2, op: (a, b) => `${a} * ${b}` },
  '<': { arity: 2, op: (a, b) => `${a} < ${b}` },
  '>': { arity: 2, op: (a, b) => `${a} > ${b}` },
  '<=': { arity: 2, op: (a, b) => `${a} <= ${b}` },
  '>=': { arity: 2, op: (a, b) => `${a} >= ${b}` },
  'inc': { arity: 1, op: (a) => `${a} + 1` },
  'dec': { arity: 1, op: (a) => `${a} - 1` },
  'zero?': { arity: 1, op: (a) => `${a} === 0` },
  'pos?': { arity: 1, op: (a) => `${a} > 0` },
  'neg?': { arity: 1, op: (a) => `${a} < 0` },
};

/** Emits one function body (or the top-level thunk). */
class Body {
  out: string[] = [];
  private temps: string[] = [];
  private tempCount = 0;
  /** Inside a try whose catch or finally must still run after a `return`: no call there is a tail call. */
  private tryDepth = 0;
  /** Loop/arity ids that some recur targets, mapped to their JS labels and param names. */
  constructor(readonly unit: Unit, readonly gen: boolean, private readonly recurTargets: Map<number, { label: string; vars: string[] }>) {}

  temp(): string { const t = `t${++this.tempCount}`; this.temps.push(t); return t; }

  /**
   * The interrupt poll of a loop, when the session asked for one: a counter
   * local to the loop, and the flag read (Atomics.load, which the compiler
   * may not hoist out of the loop) on entry and every 256th iteration, which
   * costs about half what reading it every time does. Returns the counter's
   * declaration, to go before the loop; the poll goes first in its body.
   */
  interruptPoll(id: number): { before: string; poll: string } | null {
    const flag = this.unit.opts.interrupt;
    if (!flag) return null;
    const c = `i$${id}`;
    return { before: `let ${c} = -1;`, poll: `if (((${c} = (${c} + 1) | 0) & 255) === 0 && Atomics.load(${this.unit.constRef(flag)}, 0) !== 0) rt.interrupt();` };
  }
  declarations(): string { return this.temps.length ? `let ${this.temps.join(', ')};\n` : ''; }

  // ---- statements -----------------------------------------------------------

  emit(node: IR.Node, target: Target): void {
    switch (node.op) {
      case 'if': return this.emitIf(node, target);
      case 'do': for (const n of node.body) this.emit(n, DISCARD); return this.emit(node.ret, target);
      case 'let':
        this.emitBindings(node);
        return this.emit(node.body, target);
      case 'loop': return this.emitLoop(node, target);
      case 'recur': return this.emitRecur(node);
      case 'try': return this.emitTry(node, target);
      case 'match': return this.emitMatch(node, target);
      default: {
        if (target.kind === 'discard' && node.op === 'call' && isSwapInPlace(node)) return this.emitSwapInPlace(node);
        if (target.kind === 'return' && node.op === 'call' && this.isTailCall(node)) {
          this.out.push(`return ${mark(node)}${this.callExpr(node, true)};`);
          return;
        }
        const v = this.value(node);
        this.finish(v, target);
      }
    }
  }

  /** A resumable call whose value this generator only returns: the driver may drop this frame first. */
  private isTailCall(node: IR.CallNode): boolean {
    return this.gen && this.tryDepth === 0 && !node.intrinsic && !this.directCall(node);
  }

  /**
   * `(swap! a assoc k v)`, `(swap! a dissoc k)` or `(swap! a conj x)` whose
   * value nobody reads: the atom may update its map or vector in place
   * (Atom.inPlace), since no one can see the values between two such calls.
   * Checked again at run time (the vars may have been rebound, the atom may
   * hold another kind of value); otherwise the ordinary call.
   */
  private emitSwapInPlace(node: IR.CallNode): void {
    const vals = this.values([node.fn, ...node.args]).map((v) => {
      if (isTrivial(v)) return v;
      const t = this.temp();
      this.out.push(`${t} = ${v};`);
      return t;
    });
    const [sw, a, f, x, y] = vals;
    const n = node.args.length - 2;
    this.out.push(`if (!$swapInPlace(${sw}, ${a}, ${f}, ${n}, ${x}, ${n === 2 ? y : 'null'})) ${mark(node)}${this.callExpr(node, false, vals)};`);
  }

  private finish(expr: string, target: Target): void {
    if (target.kind === 'return') this.out.push(`return ${expr};`);
    else if (target.kind === 'assign') this.out.push(`${target.name} = ${expr};`);
    else if (!/^[\w$.\[\]]+$/.test(expr)) this.out.push(`${expr};`);
  }

  /** Emits into a nested block and returns its text. */
  private block(fn: () => void): string {
    const saved = this.out;
    this.out = [];
    fn();
    const text = this.out.join('\n');
    this.out = saved;
    return text;
  }

  private emitIf(node: IR.IfNode, target: Target): void {
    const test = this.test(node.test);
    const a = this.block(() => this.emit(node.then, target));
    const b = this.block(() => this.emit(node.else, target));
    this.out.push(`if (${test}) {\n${a}\n} else {\n${b}\n}`);
  }

  private emitLoop(node: IR.LoopNode, target: Target): void {
    const label = `L${node.id}`;
    const vars = node.bindings.map(([b]) => `${b.js}$l`);
    node.bindings.forEach(([, init], i) => { this.out.push(`let ${vars[i]} = ${this.value(init)};`); });
    this.recurTargets.set(node.id, { label, vars });
    const poll = this.interruptPoll(node.id);
    const inner = this.block(() => {
      if (poll) this.out.push(poll.poll);
      node.bindings.forEach(([b], i) => this.out.push(`const ${b.js} = ${vars[i]};`));
      this.emit(node.body, target);
      if (target.kind !== 'return') this.out.push(`break ${label};`);
    });
    if (poll) this.out.push(poll.before);
    this.out.push(`${label}: while (true) {\n${inner}\n}`);
  }

  private emitRecur(node: IR.RecurNode): void {
    const t = this.recurTargets.get(node.target.id);
    if (!t) throw new Error('internal: recur target not found');
    const vals = this.values(node.args);
    if (vals.length === 1) this.out.push(`${t.vars[0]} = ${vals[0]};`);
    else {
      const tmps = vals.map((v) => { const x = this.temp(); this.out.push(`${x} = ${v};`); return x; });
      tmps.forEach((x, i) => this.out.push(`${t.vars[i]} = ${x};`));
    }
    this.out.push(`continue ${t.label};`);
  }

  private emitTry(node: IR.TryNode, target: Target): void {
    if (!node.catches.length && !node.fin) return this.emit(node.body, target);
    this.tryDepth++;
    const body = this.block(() => this.emit(node.body, target));
    if (!node.fin) this.tryDepth--;
    let text = `try {\n${body}\n}`;
    if (node.catches.length) {
      const e = this.temp();
      let chain = '';
      node.catches.forEach((c, i) => {
        const cond = c.type ? `$catchMatches(${e}, ${this.unit.constRef(c.type)})` : 'true';
        const inner = this.block(() => {
          this.out.push(`const ${c.binding.js} = ${e};`);
          this.emit(c.body, target);
        });
        chain += `${i ? ' else ' : ''}if (${cond}) {\n${inner}\n}`;
      });
      text += ` catch (e$) {\n${e} = $catchable(e$);\n${chain} else { throw e$; }\n}`;
    }
    if (node.fin) this.tryDepth--;
    if (node.fin) {
      const fin = this.block(() => this.emit(node.fin!, DISCARD));
      text += ` finally {\n${fin}\n}`;
    }
    this.out.push(text);
  }

  private emitMatch(node: IR.MatchNode, target: Target): void {
    this.out.push(`const ${node.subject.js} = ${this.value(node.value)};`);
    const m = this.temp().replace('t', 'M');
    let text = `${m}: {\n`;
    node.clauses.forEach((c, i) => {
      const label = `${m}c${i}`;
      const inner = this.block(() => {
        for (const st of c.steps) {
          if (st.kind === 'test') this.out.push(`if (!(${this.test(st.expr)})) break ${label};`);
          else this.out.push(`const ${st.binding.js} = ${this.value(st.expr)};`);
        }
        this.emit(c.body, target);
        if (target.kind !== 'return') this.out.push(`break ${m};`);
      });
      text += `${label}: {\n${inner}\n}\n`;
    });
    text += `$noMatch(${node.subject.js});\n}`;
    this.out.push(text);
  }

  // ---- expressions ----------------------------------------------------------

  /** A JS boolean expression for Glia truthiness of `node`. */
  private test(node: IR.Node): string {
    if (node.op === 'call' && node.intrinsic && BOOLEAN_INTRINSICS.has(node.intrinsic)) return this.value(node);
    return `$truthy(${this.value(node)})`;
  }

  /** Evaluates nodes left to right, keeping that order even when a later one needs statements. */
  values(nodes: IR.Node[]): string[] {
    const results: string[] = [];
    for (const n of nodes) {
      const mark = this.out.length;
      const v = this.value(n);
      if (this.out.length > mark) {
        const freeze: string[] = [];
        for (let j = 0; j < results.length; j++) {
          if (!isTrivial(results[j]!)) {
            const t = this.temp();
            freeze.push(`${t} = ${results[j]};`);
            results[j] = t;
          }
        }
        if (freeze.length) this.out.splice(mark, 0, ...freeze);
      }
      results.push(v);
    }
    return results;
  }

  value(node: IR.Node): string {
    switch (node.op) {
      case 'const': return this.literal(node.value);
      case 'local': return node.binding.js;
      case 'var': {
        const v = this.unit.constRef(node.v);
        return node.v.bound ? `${v}.value` : `(${v}.bound ? ${v}.value : $readVar(${v}))`;
      }
      case 'the-var': return this.unit.constRef(node.v);
      case 'if': {
        const test = this.test(node.test);
        const a = this.block(() => this.emit(node.then, { kind: 'assign', name: '@' }));
        const b = this.block(() => this.emit(node.else, { kind: 'assign', name: '@' }));
        const simple = (s: string) => /^@ = [^\n]*;$/.test(s) && !s.includes('\n');
        if (simple(a) && simple(b)) return `(${test} ? ${a.slice(4, -1)} : ${b.slice(4, -1)})`;
        const t = this.temp();
        this.out.push(`if (${test}) {\n${a.replace(/^@ = /gm, `${t} = `)}\n} else {\n${b.replace(/^@ = /gm, `${t} = `)}\n}`);
        return t;
      }
      case 'do': { for (const n of node.body) this.emit(n, DISCARD); return this.value(node.ret); }
      case 'let': {
        this.emitBindings(node);
        return this.value(node.body);
      }
      case 'loop': case 'try': case 'match': {
        const t = this.temp();
        this.emit(node, { kind: 'assign', name: t });
        return t;
      }
      case 'recur': throw new Error('internal: recur in value position');
      case 'fn': return this.fn(node);
      case 'call': return this.call(node);
      case 'def': {
        const v = this.unit.constRef(node.v);
        const init = node.init ? this.value(node.init) : 'undefined';
        const meta = this.unit.constRef({ doc: node.doc, macro: !!node.macro });
        return `$def(${v}, ${init}, ${meta})`;
      }
      case 'perform': {
        if (!this.gen) throw new Error('internal: perform on the pure tier');
        const [target, ...args] = this.values([node.target, ...node.args]);
        return mark(node) + (node.star ? `(yield $performStar(${target}, ${args[0]}))` : `(yield $perform(${target}, [${args.join(', ')}]))`);
      }
      case 'handle': {
        if (!this.gen) throw new Error('internal: handler on the pure tier');
        const [target, handler] = this.values([node.target, node.handler]);
        const body = new Body(this.unit, true, new Map(this.recurTargets));
        body.emit(node.body, RETURN);
        return `(yield $handle(${target}, ${handler}, function* () {\n${body.declarations()}${body.out.join('\n')}\n}))`;
      }
      case 'vector': return `$vec([${this.values(node.items).join(', ')}])`;
      case 'set': return `$hashSet([${this.values(node.items).join(', ')}])`;
      case 'map': return `$hashMap([${this.values(node.pairs.flat()).join(', ')}])`;
    }
  }

  private literal(v: any): string {
    if (v === null || v === undefined) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? (v < 0 ? `(${v})` : String(v)) : this.unit.constRef(v);
    if (typeof v === 'string') return JSON.stringify(v);
    return this.unit.constRef(v);
  }

  private call(node: IR.CallNode): string {
    return mark(node) + this.callExpr(node);
  }

  private directCall(node: IR.CallNode): boolean {
    return (!this.gen || !!node.calleePure) && !(this.gen && this.unit.opts.forceResumable);
  }

  /** `pre`: the callee's and the arguments' values, already evaluated (as `values` gives them). */
  private callExpr(node: IR.CallNode, tail = false, pre?: string[]): string {
    if (node.intrinsic) {
      const args = this.values(node.args);
      const name = INTRINSIC_FN[node.intrinsic]!;
      const inline = NUMERIC_INLINE[node.intrinsic];
      if (inline && inline.arity === args.length) {
        const ops = args.map((a) => this.trivialOrTemp(a));
        const checks = ops.map((o) => /^\(?-?[\d.e+]+\)?$/.test(o) ? null : `typeof ${o} === 'number'`).filter(Boolean);
        const fast = inline.op(ops[0]!, ops[1]!);
        const fallback = `${name}(${ops.join(', ')})`;
        const temps = args.map((a, i) => (ops[i] !== a ? `${ops[i]} = ${a}, ` : '')).join('');
        return checks.length ? `(${temps}${checks.join(' && ')} ? ${fast} : ${fallback})` : `(${temps}${fast})`;
      }
      if (node.intrinsic === '=' ) {
        const [a, b] = args.map((x) => this.trivialOrTemp(x));
        const temps = args.map((x, i) => ([a, b][i] !== x ? `${[a, b][i]} = ${x}, ` : '')).join('');
        return `(${temps}${a} === ${b} || ${name}(${a}, ${b}))`;
      }
      return `${name}(${args.join(', ')})`;
    }
    const [f, ...args] = pre ?? this.values([node.fn, ...node.args]);
    if (this.directCall(node)) {
      if (node.fn.op === 'fn') return `${f}(${args.join(', ')})`;
      const t = this.temp();
      return `(typeof (${t} = ${f}) === 'function' ? ${t} : $fnOf(${t}))(${args.join(', ')})`;
    }
    // Resumable call: a function with a resumable form runs on the driver's stack.
    const t = this.temp();
    const argTemps = args.map((a) => { if (isTrivial(a)) return a; const x = this.temp(); return { x, a }; });
    const assigns = argTemps.filter((x): x is { x: string; a: string } => typeof x !== 'string').map(({ x, a }) => `${x} = ${a}`);
    const names = argTemps.map((x) => (typeof x === 'string' ? x : x.x)).join(', ');
    const callee = `${t}[$GEN](${names})`;
    return `(${t} = $fnOf(${f}), ${assigns.length ? assigns.join(', ') + ', ' : ''}${t}[$GEN] ? (yield ${tail ? `$tail(${callee})` : callee}) : ${t}(${names}))`;
  }

  private emitBindings(node: IR.LetNode): void {
    if (node.rec) {
      this.out.push(`let ${node.bindings.map(([b]) => b.js).join(', ')};`);
      for (const [b, init] of node.bindings) this.out.push(`${b.js} = ${this.value(init)};`);
    } else {
      for (const [b, init] of node.bindings) this.out.push(`const ${b.js} = ${this.value(init)};`);
    }
  }

  /** An expression safe to evaluate more than once: trivial ones as is, others via a temp. */
  private trivialOrTemp(expr: string): string {
    return isTrivial(expr) ? expr : this.temp();
  }

  private fn(node: IR.FnNode): string {
    const resumable = !node.pure || !!this.unit.opts.forceResumable;
    const info = this.unit.constRef({ name: node.name, arities: node.arities.filter((a) => !a.rest).map((a) => a.params.length),
      variadic: node.arities.find((a) => a.rest)?.params.length ?? null, doc: node.doc });
    const star = resumable ? '*' : '';
    const mk = resumable ? '$mkgen' : '$mkfn';
    const fname = safeName(node.name);
    let src: string;
    if (node.arities.length === 1) {
      src = this.arityFunction(node.arities[0]!, `function${star} ${fname}`, resumable, info, true);
    } else {
      const parts: string[] = [];
      const cases: string[] = [];
      let restCase = '';
      node.arities.forEach((a, i) => {
        const nm = `${fname}$${i}`;
        parts.push(this.arityFunction(a, `function${star} ${nm}`, resumable, info, false));
        const call = (args: string) => resumable ? `return yield* ${nm}(${args});` : `return ${nm}(${args});`;
        if (a.rest) restCase = `if (args.length >= ${a.params.length}) ${call('...args')}`;
        else cases.push(`case ${a.params.length}: ${call(a.params.map((_, j) => `args[${j}]`).join(', '))}`);
      });
      src = `(() => {\n${parts.map((p) => `const ${p.match(/function\*? ([\w$]+)/)![1]} = ${p};`).join('\n')}\n` +
        `return function${star} ${fname}(...args) {\nswitch (args.length) {\n${cases.join('\n')}\n}\n${restCase}\n$arityFail(${info}, args.length);\n};\n})()`;
    }
    if (node.self) {
      this.out.push(`const ${node.self.js} = ${mk}(${src}, ${info});`);
      return node.self.js;
    }
    return `${mk}(${src}, ${info})`;
  }

  private arityFunction(a: IR.Arity, head: string, resumable: boolean, info: string, checkArity: boolean): string {
    const body = new Body(this.unit, resumable, new Map(this.recurTargets));
    const params = a.params.map((p) => p.js);
    const hasRecur = containsRecur(a.body, a.id);
    const paramNames = hasRecur ? a.params.map((p) => `${p.js}$p`) : params;
    const restName = a.rest ? (hasRecur ? `${a.rest.js}$p` : a.rest.js) : null;
    const lines: string[] = [];
    if (checkArity) {
      lines.push(a.rest
        ? `if (arguments.length < ${a.params.length}) $arityFail(${info}, arguments.length);`
        : `if (arguments.length !== ${a.params.length}) $arityFail(${info}, arguments.length);`);
    }
    if (a.rest) lines.push(`let ${restName} = $restSeq(rest$);`);
    if (hasRecur) {
      const label = `L${a.id}`;
      const vars = [...paramNames, ...(restName ? [restName] : [])];
      body.recurTargets.set(a.id, { label, vars });
      const poll = body.interruptPoll(a.id);
      const inner = body.block(() => {
        if (poll) body.out.push(poll.poll);
        a.params.forEach((p, i) => body.out.push(`const ${p.js} = ${paramNames[i]};`));
        if (a.rest) body.out.push(`const ${a.rest.js} = ${restName};`);
        body.emit(a.body, RETURN);
      });
      if (poll) body.out.push(poll.before);
      body.out.push(`${label}: while (true) {\n${inner}\n}`);
    } else body.emit(a.body, RETURN);
    const sig = [...paramNames, ...(a.rest ? ['...rest$'] : [])].join(', ');
    return `${head}(${sig}) {\n${lines.join('\n')}\n${body.declarations()}${body.out.join('\n')}\n}`;
  }

}

/**
 * A position marker before a call: `/*@line:col*\/`. Free at run time; when an
 * error escapes, glia/eval/stack.ts maps the JS position in the stack trace
 * back to the nearest marker, giving the Glia call stack with spans.
 */
function mark(node: IR.Node): string {
  return node.span ? `/*@${node.span.line}:${node.span.col}*/` : '';
}

/** `(swap! a assoc k v)`, `(swap! a dissoc k)`, `(swap! a conj x)` with the core functions (Body.emitSwapInPlace). */
function isSwapInPlace(node: IR.CallNode): boolean {
  const f = node.fn, g = node.args[1];
  if (f.op !== 'var' || f.v.ns !== CORE_NS || f.v.name !== 'swap!' || !g || g.op !== 'var' || g.v.ns !== CORE_NS) return false;
  return node.args.length === (g.v.name === 'assoc' ? 4 : g.v.name === 'dissoc' || g.v.name === 'conj' ? 3 : -1);
}

function isTrivial(expr: string): boolean {
  return /^(?:[\w$]+|"(?:[^"\\]|\\.)*"|\(-?[\d.e+]+\))$/.test(expr);
}

// Generated function names carry the Glia name (for JS stack traces) behind
// a prefix, so no Glia name can collide with a JS reserved word.
function safeName(name: string): string {
  return 'g$' + name.replace(/[^A-Za-z0-9_$]/g, '_');
}

function containsRecur(node: IR.Node, id: number): boolean {
  let found = false;
  const walk = (n: IR.Node | null): void => {
    if (!n || found) return;
    switch (n.op) {
      case 'recur': if (n.target.id === id) found = true; n.args.forEach(walk); return;
      case 'if': walk(n.test); walk(n.then); walk(n.else); return;
      case 'do': n.body.forEach(walk); walk(n.ret); return;
      case 'let': n.bindings.forEach(([, x]) => walk(x)); walk(n.body); return;
      case 'loop': n.bindings.forEach(([, x]) => walk(x)); walk(n.body); return;
      case 'match': walk(n.value); n.clauses.forEach((c) => { c.steps.forEach((s) => walk(s.expr)); walk(c.body); }); return;
      case 'try': walk(n.body); return;
      case 'call': walk(n.fn); n.args.forEach(walk); return;
      default: return;
    }
  };
  walk(node);
  return found;
}

/** Compiles one top-level node into JS source for `new Function('rt', 'k', source)`. */
export function emitTopLevel(node: IR.Node, opts: EmitOptions = {}): EmittedUnit {
  const unit = new Unit(opts);
  const resumable = node.effectful || !!opts.forceResumable;
  const body = new Body(unit, resumable, new Map());
  body.emit(node, RETURN);
  const prelude = HELPERS.map((h) => `const $${h} = rt.${h};`).join('\n') +
    (unit.consts.length ? `\nconst ${unit.consts.map((_, i) => `k${i} = k[${i}]`).join(', ')};` : '');
  const source = `"use strict";\n${prelude}\nreturn function${resumable ? '*' : ''} top() {\n${body.declarations()}${body.out.join('\n')}\n};`;
  return { source, consts: unit.consts, resumable };
}

