// The analyzer's output: a tree with resolved names. Every node records
// whether evaluating it may perform an effect (`effectful`), which picks
// the tier its enclosing function is compiled to. The effect checker
// (glia/compile/infer.ts) refines this flag into effect *sets* on these
// same nodes (`effects`); compiling to run never computes them, so the
// checker costs nothing on the eval path.
import type { Span } from '../span.js';
import type { EffectSet } from './effects.js';
import type { Var } from '../eval/namespace.js';
import type { Keyword } from '../values/keyword.js';

export interface Binding {
  name: string;
  js: string;
  /** Set when the binding is known to hold a pure function (a local fn literal). */
  pureFn?: boolean;
  /** A binding created by the handler syntax to hold the continuation. */
  continuation?: boolean;
  /** Where the name was written (absent for bindings the compiler makes). */
  span?: Span;
}

interface Base {
  span?: Span;
  effectful: boolean;
  /** The effects evaluating the node may perform; set only by the effect checker. */
  effects?: EffectSet;
  /** The macro call this node was expanded from (its own span may be in the macro's template). */
  macroCall?: Span;
}

export type Node =
  | ConstNode | LocalNode | VarNode | TheVarNode | IfNode | DoNode | LetNode | LoopNode | RecurNode
  | FnNode | CallNode | DefNode | PerformNode | HandleNode | TryNode | VectorNode | MapNode | SetNode | MatchNode;

export interface ConstNode extends Base { op: 'const'; value: any }
export interface LocalNode extends Base { op: 'local'; binding: Binding }
export interface VarNode extends Base { op: 'var'; v: Var }
export interface TheVarNode extends Base { op: 'the-var'; v: Var }
export interface IfNode extends Base { op: 'if'; test: Node; then: Node; else: Node }
export interface DoNode extends Base { op: 'do'; body: Node[]; ret: Node }
export interface LetNode extends Base {
  op: 'let';
  bindings: Array<[Binding, Node]>;
  body: Node;
  /** letfn: every binding is in scope in every init (declared before any is assigned). */
  rec?: boolean;
}
export interface LoopNode extends Base { op: 'loop'; id: number; bindings: Array<[Binding, Node]>; body: Node }
export interface RecurNode extends Base { op: 'recur'; target: { kind: 'loop' | 'fn'; id: number; params: Binding[] }; args: Node[] }
export interface Arity { params: Binding[]; rest: Binding | null; body: Node; id: number }
export interface FnNode extends Base {
  op: 'fn';
  name: string;
  self: Binding | null;
  arities: Arity[];
  /** True when no arity may perform: compiled as a plain JS function. */
  pure: boolean;
  doc?: string;
  macro?: boolean;
}
export interface CallNode extends Base {
  op: 'call';
  fn: Node;
  args: Node[];
  /** A core function the emitter may inline (by its intrinsic name). */
  intrinsic?: string;
  /** The callee is known not to perform, so the resumable tier may call it directly. */
  calleePure?: boolean;
}
export interface DefNode extends Base { op: 'def'; v: Var; init: Node | null; doc?: string; macro?: boolean }
export interface PerformNode extends Base { op: 'perform'; target: Node; method: Keyword | null; args: Node[]; star: boolean }
export interface HandleNode extends Base { op: 'handle'; target: Node; handler: Node; body: Node }
export interface Catch { type: Keyword | null; binding: Binding; body: Node }
export interface TryNode extends Base { op: 'try'; body: Node; catches: Catch[]; fin: Node | null }
export interface VectorNode extends Base { op: 'vector'; items: Node[] }
export interface MapNode extends Base { op: 'map'; pairs: Array<[Node, Node]> }
export interface SetNode extends Base { op: 'set'; items: Node[] }
export type MatchStep = { kind: 'test'; expr: Node } | { kind: 'bind'; binding: Binding; expr: Node };
export interface MatchClause { steps: MatchStep[]; body: Node }
export interface MatchNode extends Base { op: 'match'; subject: Binding; value: Node; clauses: MatchClause[] }
