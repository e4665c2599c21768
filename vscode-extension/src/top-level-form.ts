// Which form "Glia: Evaluate top-level form" evaluates for a cursor
// position. Pure, so it is unit-tested without VS Code
// (test/vscode-extension/top-level-form.test.ts).
import { readForms, type Form } from './forms.js';

/**
 * The top-level form at `offset` in `text`:
 * - the form that contains the cursor (its first character up to, not
 *   including, its end);
 * - else the form the cursor is just after, on the same line (so typing
 *   `(+ 1 2)` and evaluating at the end of the line works, also with a
 *   trailing comment);
 * - else the form that starts later on the cursor's line.
 *
 * Inside a top-level `(comment ...)` block, its forms count as top-level,
 * as in Clojure editors. A `#_` before a form is ignored, so a discarded
 * form can still be evaluated. Undefined when no form is near the cursor.
 */
export function topLevelFormAt(text: string, offset: number): Form | undefined {
  const forms = readForms(text);
  const form = pick(text, forms, offset);
  if (form && headOf(text, form) === 'comment' && offset > form.children[0]!.end && offset < form.end) {
    return pick(text, form.children.slice(1), offset) ?? form;
  }
  return form;
}

/** The top-level forms of `text` before `form` that set up its namespace: `(ns ...)` and `(import ...)`. */
export function namespaceFormsBefore(text: string, form: Form): Form[] {
  return readForms(text).filter((f) => f.end <= form.start && (headOf(text, f) === 'ns' || headOf(text, f) === 'import'));
}

function pick(text: string, forms: Form[], offset: number): Form | undefined {
  const inside = forms.find((f) => f.start <= offset && offset < f.end);
  if (inside) return inside;
  const sameLine = (a: number, b: number) => !text.slice(Math.min(a, b), Math.max(a, b)).includes('\n');
  const before = forms.filter((f) => f.end <= offset && sameLine(f.end, offset)).pop();
  if (before) return before;
  return forms.find((f) => f.start > offset && sameLine(offset, f.start));
}

/** The text of a list's first form (`ns`, `comment`...). */
function headOf(text: string, f: Form): string | undefined {
  const h = f.open === '(' ? f.children[0] : undefined;
  return h && text.slice(h.start, h.end);
}
