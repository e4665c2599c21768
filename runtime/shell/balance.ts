// Whether the text at a prompt is ready to evaluate: the reader's own
// verdict, not a count of brackets, so brackets inside strings, comments
// and character-like tokens are seen exactly as evaluation will see them.
// Shared by the terminal app (Enter evaluates or opens a new line) and the
// plain line mode (a form is run once it balances).
import { read } from '../../glia/reader/read.js';

/**
 * `complete`: the forms balance (or are broken in a way more text cannot
 * mend, such as a stray closer: evaluating reports it). `incomplete`: an
 * open bracket or string is not yet closed, or a reader macro (' @ ^ #_)
 * still waits for its form at the end. `empty`: only blanks and comments.
 */
export type Balance = 'complete' | 'incomplete' | 'empty';

export function balance(text: string): Balance {
  const { forms, diagnostics } = read(text, '<shell>');
  for (const d of diagnostics) {
    if (d.code === 'read/unclosed' || d.code === 'read/unterminated-string') return 'incomplete';
    if (d.code === 'read/missing-form' && d.span && text.slice(d.span.endOffset).trim() === '') return 'incomplete';
  }
  if (forms.length === 0 && diagnostics.length === 0) return 'empty';
  return 'complete';
}
