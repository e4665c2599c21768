// Generic traversal of the analyzer's IR: the direct children of a node
// and the bindings it introduces, for passes that do not care about the
// meaning of each node (linting, indexing).
import type * as IR from './ir.js';

export function forEachChild(n: IR.Node, f: (child: IR.Node) => void): void {
  switch (n.op) {
    case 'const': case 'local': case 'var': case 'the-var': return;
    case 'if': f(n.test); f(n.then); f(n.else); return;
    case 'do': n.body.forEach(f); f(n.ret); return;
    case 'let': case 'loop': for (const [, init] of n.bindings) f(init); f(n.body); return;
    case 'recur': n.args.forEach(f); return;
    case 'fn': for (const a of n.arities) f(a.body); return;
    case 'call': f(n.fn); n.args.forEach(f); return;
    case 'def': if (n.init) f(n.init); return;
    case 'perform': f(n.target); n.args.forEach(f); return;
    case 'handle': f(n.target); f(n.handler); f(n.body); return;
    case 'try': f(n.body); for (const c of n.catches) f(c.body); if (n.fin) f(n.fin); return;
    case 'vector': case 'set': n.items.forEach(f); return;
    case 'map': for (const [k, v] of n.pairs) { f(k); f(v); } return;
    case 'match': f(n.value); for (const c of n.clauses) { for (const s of c.steps) f(s.expr); f(c.body); } return;
  }
}

export type BindingKind = 'let' | 'loop' | 'letfn' | 'param' | 'self' | 'catch' | 'match';

/** The bindings a node introduces, with what introduced them. */
export function forEachBinding(n: IR.Node, f: (b: IR.Binding, kind: BindingKind) => void): void {
  switch (n.op) {
    case 'let': for (const [b] of n.bindings) f(b, n.rec ? 'letfn' : 'let'); return;
    case 'loop': for (const [b] of n.bindings) f(b, 'loop'); return;
    case 'fn':
      if (n.self) f(n.self, 'self');
      for (const a of n.arities) { for (const p of a.params) f(p, 'param'); if (a.rest) f(a.rest, 'param'); }
      return;
    case 'try': for (const c of n.catches) f(c.binding, 'catch'); return;
    case 'match': for (const c of n.clauses) for (const s of c.steps) if (s.kind === 'bind') f(s.binding, 'match'); return;
    default: return;
  }
}

/** Every node of the tree, parents before children. Iterative: macro output can nest deeply. */
export function walk(root: IR.Node, f: (n: IR.Node) => void): void {
  const stack: IR.Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    f(n);
    const kids: IR.Node[] = [];
    forEachChild(n, (c) => kids.push(c));
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
}
