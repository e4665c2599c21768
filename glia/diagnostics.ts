// The one catalog of diagnostic codes. Reader, compiler, evaluator, CLI
// and (later) the language server all take their codes from here, so a
// code means the same thing everywhere and is documented once
// (doc/diagnostics.md is checked against this table by a test).
import type { Span } from './span.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  hint?: string;
}

interface Entry { severity: Severity; summary: string }

export const CATALOG: Record<string, Entry> = {
  // Reader
  'read/unterminated-string': { severity: 'error', summary: 'a string literal is not closed before the end of input' },
  'read/bad-escape': { severity: 'error', summary: 'a string contains an unknown escape such as \\q' },
  'read/unclosed': { severity: 'error', summary: 'an opening bracket is never closed' },
  'read/unexpected-close': { severity: 'error', summary: 'a closing bracket has no opening bracket' },
  'read/mismatched-close': { severity: 'error', summary: 'a closing bracket does not match the opening one' },
  'read/odd-map': { severity: 'error', summary: 'a map literal has an odd number of forms' },
  'read/duplicate-key': { severity: 'error', summary: 'a map literal repeats a key' },
  'read/duplicate-set': { severity: 'error', summary: 'a set literal repeats an element' },
  'read/bad-number': { severity: 'error', summary: 'a token looks like a number but is not one' },
  'read/bad-token': { severity: 'error', summary: 'a character or token that cannot start a form' },
  'read/missing-form': { severity: 'error', summary: 'a reader macro (quote, deref, metadata, #_) has no form after it' },
  'read/bad-metadata': { severity: 'error', summary: 'metadata must be a map, keyword or symbol' },
  'read/bad-bytes': { severity: 'error', summary: '#bytes must be followed by a string of hex digit pairs' },
  'read/bad-anon-fn': { severity: 'error', summary: '#() literals cannot be nested, and % is only valid inside one' },
  'read/too-deep': { severity: 'error', summary: 'forms nest deeper than the reader allows' },
  'read/too-large': { severity: 'error', summary: 'the input is larger than the reader allows' },
  'read/bad-utf8': { severity: 'error', summary: 'a source file is not valid UTF-8' },
  // Compiler
  'unbound-symbol': { severity: 'error', summary: 'a symbol names no local, var or special form' },
  'arity-mismatch': { severity: 'error', summary: 'a function is called with a number of arguments it does not accept' },
  'recur-not-tail': { severity: 'error', summary: 'recur appears outside tail position of loop or fn' },
  'recur-arity': { severity: 'error', summary: 'recur passes a different number of values than its loop or fn binds' },
  'malformed': { severity: 'error', summary: 'a special form or macro call does not have the required shape' },
  'bad-binding': { severity: 'error', summary: 'a binding form (let, loop, fn params, destructuring) is invalid' },
  'unknown-alias': { severity: 'error', summary: 'a qualified symbol uses a namespace alias that was never imported' },
  'unknown-module': { severity: 'error', summary: 'import names a module that cannot be found' },
  'too-deep': { severity: 'error', summary: 'a form (usually one built by a macro) nests too deeply to compile' },
  'macro-error': { severity: 'error', summary: 'a macro threw while expanding' },
  'stale-pure-assumption': { severity: 'warning', summary: 'a function compiled as pure calls a var that now performs effects' },
  // Checker (effects, capabilities and names; `ww check` and the language server)
  'effect-not-allowed': { severity: 'error', summary: 'code performs an effect that its context does not allow and no handler takes' },
  'method-arity': { severity: 'error', summary: 'a capability method gets too many or too few arguments, or a keyword option it does not have' },
  'method-arg-type': { severity: 'error', summary: 'a literal argument of a capability method has the wrong type for the schema' },
  'resume-outside-handler': { severity: 'error', summary: 'resume is called where no handler has bound it' },
  'unknown-context': { severity: 'error', summary: 'a glia: header names no known context, or is malformed' },
  'dynamic-target': { severity: 'warning', summary: 'an effect target or method is computed, so the checker cannot check it; the run-time checks still apply' },
  'unused-binding': { severity: 'warning', summary: 'a local binding is never used' },
  'shadowed-capability': { severity: 'warning', summary: 'a local or def hides a capability name that the context binds' },
  'dosync-effect': { severity: 'error', summary: 'a dosync body performs an effect other than the transaction\'s own (a retry would perform it again); at run time the perform throws :glia.error/dosync-effect' },
  // Runtime (thrown as :glia.error/<code>)
  'read': { severity: 'error', summary: 'read-string or eval was given text that does not read' },
  'type-mismatch': { severity: 'error', summary: 'a value of the wrong type was passed' },
  'arithmetic': { severity: 'error', summary: 'division by zero or another arithmetic failure' },
  'unhandled-effect': { severity: 'error', summary: 'an effect was performed and no handler took it' },
  'continuation-already-resumed': { severity: 'error', summary: 'a one-shot continuation was resumed twice, or after its handler aborted' },
  'stack-overflow': { severity: 'error', summary: 'recursion went deeper than the stack allows' },
  'interrupted': { severity: 'error', summary: 'the evaluation was stopped from outside (Ctrl-C in ww shell, an MCP timeout); try does not catch it' },
  'permission-denied': { severity: 'error', summary: 'an attenuated capability does not allow this method' },
  'stale-epoch': { severity: 'error', summary: 'the capability was issued in an epoch that has ended' },
  'cap-call-failed': { severity: 'error', summary: 'a capability call failed on the far side' },
  'unknown-method': { severity: 'error', summary: 'a capability has no method of that name' },
  'limit': { severity: 'error', summary: 'a resource limit was reached' },
  'conflict': { severity: 'error', summary: 'a dosync transaction met a conflict on every try (the ref\'s head kept moving) and gave up' },
  'no-match': { severity: 'error', summary: 'match (or case) found no clause for the value' },
  'index-out-of-bounds': { severity: 'error', summary: 'an index is outside the collection' },
  'illegal-argument': { severity: 'error', summary: 'an argument has the right type but an invalid value' },
  'assertion': { severity: 'error', summary: 'an assert failed' },
  'ex-info': { severity: 'error', summary: 'a user error made with ex-info without a :type' },
  'internal': { severity: 'error', summary: 'a bug in Glia itself; please report it' },
  // The ww command's own problems (before or beside any Glia code)
  'usage': { severity: 'error', summary: 'a command was given an unknown option or a bad argument' },
  'io': { severity: 'error', summary: 'a file or stdin could not be read or written' },
};

export function diagnostic(code: string, span: Span, message: string, hint?: string): Diagnostic {
  const entry = CATALOG[code];
  if (!entry) throw new Error(`diagnostic code not in catalog: ${code}`);
  const d: Diagnostic = { code, severity: entry.severity, message, span };
  if (hint) d.hint = hint;
  return d;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
