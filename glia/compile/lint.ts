// Warnings about names: a local that is never used, and a local or def that
// hides one of the context's capability names (after `(let [host ...])`,
// `host` no longer means the grafted Host).
//
// Only names written in the source count: a binding a macro makes up has no
// place in the text (its span is the macro call's, so the text there is not
// its name), and the user could not rename it anyway. Names starting with
// `_` are unused on purpose, as in Clojure.
import type * as IR from './ir.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { walk, forEachBinding, type BindingKind } from './ir-walk.js';
import type { Span } from '../span.js';
import { elementSpan } from './element-spans.js';

/** Kinds of binding whose disuse is worth a warning (clj-kondo's choice: not fn names or catch). */
const UNUSED_KINDS = new Set<BindingKind>(['let', 'loop', 'letfn', 'param', 'match']);

export function writtenAt(source: string, span: Span | undefined, name: string): span is Span {
  return !!span && span.endOffset - span.offset === name.length && source.startsWith(name, span.offset);
}

export function lintNames(roots: readonly IR.Node[], source: string, capabilityNames: ReadonlySet<string>): Diagnostic[] {
  const used = new Set<IR.Binding>();
  const bound: Array<[IR.Binding, BindingKind]> = [];
  const out: Diagnostic[] = [];
  for (const root of roots) {
    walk(root, (n) => {
      if (n.op === 'local') used.add(n.binding);
      forEachBinding(n, (b, kind) => bound.push([b, kind]));
      if (n.op === 'def' && capabilityNames.has(n.v.name) && n.span && writtenAfterDef(source, n.span, n.v.name)) {
        out.push(diagnostic('shadowed-capability', elementSpan(source, n.span, 1) ?? n.span, `this def replaces the capability '${n.v.name}' that the context binds`,
          `code after it no longer reaches the grafted ${n.v.name}; pick another name`));
      }
    });
  }
  const seen = new Set<IR.Binding>();
  for (const [b, kind] of bound) {
    if (seen.has(b)) continue;
    seen.add(b);
    if (!writtenAt(source, b.span, b.name)) continue;
    if (capabilityNames.has(b.name)) {
      out.push(diagnostic('shadowed-capability', b.span, `'${b.name}' hides the capability of that name inside this scope`,
        `inside it, ${b.name} is this local, not the grafted capability; pick another name`));
    }
    if (UNUSED_KINDS.has(kind) && !used.has(b) && !b.name.startsWith('_') && b.name !== '&') {
      out.push(diagnostic('unused-binding', b.span, `'${b.name}' is bound but never used`,
        `remove it, or name it _${b.name} (or _) if it is unused on purpose`));
    }
  }
  return out;
}

/** Whether the def form at `span` names `name` itself, as written (not a def a macro made up). */
function writtenAfterDef(source: string, span: Span, name: string): boolean {
  const text = source.slice(span.offset, Math.min(span.endOffset, span.offset + 200));
  return new RegExp(`^\\(\\s*(def|defn-?|defonce|defcap|defmacro)\\s+(\\^\\S+\\s+)?${name.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')}(?=[\\s)])`).test(text);
}
