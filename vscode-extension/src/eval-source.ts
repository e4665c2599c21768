// The text handed to `ww eval` for one form. `ww eval` starts a fresh
// session each time, so the file's earlier `(ns ...)` and `(import ...)`
// forms go first: the form's aliases and namespace then resolve as they do
// in the file. Each piece keeps its line and column (the gaps become
// newlines and spaces), so an error's position in `<expr>` is its position
// in the file.
import type { Form } from './forms.js';
import { namespaceFormsBefore } from './top-level-form.js';

export function evalSource(text: string, form: Form): string {
  const pieces = [...namespaceFormsBefore(text, form), form];
  let out = '';
  let at = 0;
  for (const p of pieces) {
    const gap = text.slice(at, p.start);
    const lastBreak = gap.lastIndexOf('\n');
    const newlines = gap.split('\n').length - 1;
    out += '\n'.repeat(newlines) + ' '.repeat(gap.length - (lastBreak + 1));
    out += text.slice(p.start, p.end);
    at = p.end;
  }
  return out;
}
