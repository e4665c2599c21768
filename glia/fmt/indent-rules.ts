// How the formatter indents the arguments of each special form and macro.
// The rules and their meaning are cljfmt's (the indentation of the Clojure
// community style guide), so Glia code looks the way Clojure programmers
// expect; the table names Glia's special forms (doc/language.md §3, the analyzer),
// the prelude macros (glia/prelude/core.glia) and ww/test's macros.
// A list whose head has no rule is a call: see layout.ts.
//
// - block N: when the form's (N+1)th argument starts a line (or there is
//   none), every argument after the first N is a body and indents 2 from the
//   open paren; otherwise the arguments align like a call's.
//   `(let [x 1]⏎  body)`, `(if test⏎  then⏎  else)`.
// - inner D [I]: lists D levels below the form indent their elements 2 from
//   their own open paren (D = 0: the form's own arguments). With I, only
//   inside the form's argument number I (0-based after the head).
//   `(defn f⏎  [x]⏎  body)`; letfn's function specs.

export type IndentRule =
  | { kind: 'block'; index: number }
  | { kind: 'inner'; depth: number; index?: number };

const block = (index: number): IndentRule[] => [{ kind: 'block', index }];
const inner0: IndentRule[] = [{ kind: 'inner', depth: 0 }];

export const INDENT_RULES: Readonly<Record<string, IndentRule[]>> = {
  // Special forms.
  def: inner0,
  if: block(1),
  do: block(0),
  let: block(1),
  'let*': block(1),
  letfn: [{ kind: 'block', index: 1 }, { kind: 'inner', depth: 2, index: 0 }],
  fn: inner0,
  'fn*': inner0,
  loop: block(1),
  'loop*': block(1),
  defmacro: inner0,
  'with-effect-handler': inner0, // (with-effect-handler target handler⏎  body...)
  match: block(1),
  defcap: inner0,
  ns: block(1),
  try: block(0),
  catch: block(2),
  finally: block(0),
  // Prelude macros.
  when: block(1),
  'when-not': block(1),
  'if-not': block(1),
  'if-let': block(1),
  'when-let': block(1),
  'if-some': block(1),
  'when-some': block(1),
  defn: inner0,
  'defn-': inner0,
  defonce: inner0,
  comment: block(0),
  cond: block(0),
  condp: block(2),
  case: block(1),
  'as->': block(2),
  'cond->': block(1),
  'cond->>': block(1),
  doto: block(1),
  dotimes: block(1),
  while: block(1),
  for: block(1),
  doseq: block(1),
  'try-resume': block(2), // (try-resume effect f⏎  body...)
  guard: block(2), // (guard effect pred⏎  body...)
  with: block(1), // (with [target handler ...]⏎  body...)
  // ww/test.
  deftest: inner0,
  stub: block(1),
  recorder: block(1),
  // ww/state.
  dosync: block(1), // (dosync ref⏎  body...): the ref, then the body
  // Clojure's binding form, for code written from Clojure habit.
  binding: block(1),
};

/** cljfmt's catch-alls: any def... or with-... form indents its body 2. */
export const INDENT_PATTERNS: ReadonlyArray<readonly [RegExp, IndentRule[]]> = [
  [/^def/, inner0],
  [/^with-/, inner0],
];

/**
 * Special forms and macros that deliberately have no rule: they indent like
 * function calls (arguments aligned under the first). Listed so that a test
 * can check every macro and special form has been decided on.
 */
export const CALL_STYLE: ReadonlySet<string> = new Set([
  'quote', 'syntax-quote', 'unquote', 'unquote-splicing', 'var', 'recur', 'perform', 'perform*', 'cell', 'import',
  'declare', 'and', 'or', '->', '->>', 'some->', 'some->>', 'assert', 'or-else', 'is', 'assert=', 'attenuate',
]);

/** The rules for a head symbol, looked up by its name without namespace (`t/deftest` is `deftest`). */
export function rulesFor(symbol: string): IndentRule[] | undefined {
  const slash = symbol.lastIndexOf('/');
  const name = slash > 0 && slash < symbol.length - 1 ? symbol.slice(slash + 1) : symbol;
  const own = Object.prototype.hasOwnProperty.call(INDENT_RULES, name) ? INDENT_RULES[name] : undefined;
  if (own) return own;
  if (CALL_STYLE.has(name)) return undefined;
  for (const [re, rules] of INDENT_PATTERNS) if (re.test(name)) return rules;
  return undefined;
}
