// What the special forms look like and do, for hover, completion and
// signature help. They are built into the analyzer, so no docstring
// exists for them anywhere else. Kept short; doc/language.md is the
// reference.
export interface SpecialFormDoc {
  /** One or more shapes, as arglists: "[name doc? value]". */
  arglists: string[];
  doc: string;
}

export const SPECIAL_FORM_DOCS: Record<string, SpecialFormDoc> = {
  'def': { arglists: ['[name]', '[name value]', '[name doc value]'], doc: 'Creates (or redefines) a var in the current namespace.' },
  'if': { arglists: ['[test then]', '[test then else]'], doc: 'Evaluates `then` when `test` is truthy (not nil or false), else `else`.' },
  'do': { arglists: ['[& body]'], doc: 'Evaluates the forms in order; the value is the last one.' },
  'let': { arglists: ['[bindings & body]'], doc: 'Binds names (with destructuring) for the body. Each binding sees the ones before it.' },
  'let*': { arglists: ['[bindings & body]'], doc: 'The same as `let`.' },
  'quote': { arglists: ['[form]'], doc: "The form itself, unevaluated. `'x` is `(quote x)`." },
  'var': { arglists: ['[name]'], doc: "The var a symbol names, not its value. `#'x` in Clojure." },
  'fn': { arglists: ['[params & body]', '[name params & body]', '[name? ([params] body) ...]'], doc: 'A function. Optional name for self-reference; several arities; `&` for a rest parameter; destructuring parameters.' },
  'fn*': { arglists: ['[params & body]'], doc: 'The same as `fn`.' },
  'loop': { arglists: ['[bindings & body]'], doc: 'Like `let`, and a target for `recur`, which runs the body again with new values in constant space.' },
  'loop*': { arglists: ['[bindings & body]'], doc: 'The same as `loop`.' },
  'recur': { arglists: ['[& values]'], doc: 'Jumps back to the nearest `loop` or `fn` with new values. Only allowed in tail position.' },
  'defmacro': { arglists: ['[name doc? params & body]'], doc: 'Defines a macro: a function from forms to a form, run when code is compiled.' },
  'perform': { arglists: ['[effect data?]', '[cap method & args]'], doc: 'Performs an effect: a keyword effect with optional data, or a method of a capability. The nearest handler for it answers; without one it fails with `:glia.error/unhandled-effect`.' },
  'perform*': { arglists: ['[target payload]'], doc: 'The apply form of `perform`: `(perform* cap [:m 1 2])` is `(perform cap :m 1 2)`.' },
  'with-effect-handler': { arglists: ['[target handler & body]'], doc: 'Runs the body with a handler for `target` (a keyword or a capability). The handler gets `(data)` and aborts the body, or `(data resume)` and may continue it once with `(resume v)`.' },
  'match': { arglists: ['[expr & clauses]'], doc: 'Matches a value against patterns, in order. `(effect :kw data resume)` clauses handle effects of the matched expression.' },
  'try': { arglists: ['[& body (catch type e & handler) (finally & cleanup)]'], doc: 'Catches errors: `(catch :glia.error/arithmetic e ...)` by error type, `(catch _ e ...)` anything. `finally` always runs.' },
  'catch': { arglists: ['[type name & body]'], doc: 'A clause of `try`: handles an error whose `:glia.error/type` is `type` (`_` for any).' },
  'finally': { arglists: ['[& body]'], doc: 'A clause of `try` that always runs.' },
  'defcap': { arglists: ['[name & method-fns]'], doc: 'Makes a capability from Glia functions: `(defcap name :method (fn [args] ...) ...)`.' },
  'import': { arglists: ['[path]', '[path :as alias]'], doc: 'Loads a module (`"ww/string"`, or a file path) through the `:import` effect and makes its names available as `alias/name`.' },
  'ns': { arglists: ['[name & clauses]'], doc: 'Names the namespace of the file: `(ns app.main (:import [ww.string :as str]))`.' },
  'syntax-quote': { arglists: ['[form]'], doc: 'A template: `` `(f ~x ~@xs) `` builds a form with values spliced in. `x#` makes a fresh symbol.' },
  'unquote': { arglists: ['[form]'], doc: '`~x` inside syntax-quote: the value of `x`.' },
  'unquote-splicing': { arglists: ['[form]'], doc: '`~@xs` inside syntax-quote: the items of `xs`, spliced in.' },
  'letfn': { arglists: ['[fnspecs & body]'], doc: 'Local functions that may call each other: `(letfn [(f [x] ...) (g [y] ...)] body)`.' },
  'cell': { arglists: ['[wasm]', '[wasm grants]'], doc: 'A cell value for a listener: a WebAssembly component with exactly the grants in the map, or, without one, the capabilities it declares taken from the lexical scope.' },
};
