// The extents of Glia forms in editor text: enough structure to pick the
// form at the cursor, and nothing more. It runs in the extension host on
// every evaluation, so it is a small scanner of its own rather than the
// Chevrotain reader (which lives behind the language server): it never
// fails, and an unclosed bracket simply runs to the end of the text.
//
// It tokenizes like glia/reader/lexer.ts, plus the Clojure habits the
// grammar also tolerates (`\c` characters, `#"regex"`), so that a stray
// `\(` or `\;` does not shift every bracket after it.

export interface Form {
  /** Offset of the first character (a prefix such as `'` or `^meta` included). */
  start: number;
  /** Offset just past the last character. */
  end: number;
  /** The opening bracket (`(`, `[`, `{`, `#{`, `#(`), or undefined for an atom or string. */
  open?: string;
  /** The forms inside a collection or after a prefix, in order; `#_`-discarded forms are listed too. */
  children: readonly Form[];
}

// Atoms and strings share one empty list: files hold hundreds of thousands of them.
const NONE: readonly Form[] = Object.freeze([]);

const DELIMS = ',;()[]{}"`~^@\\';
const isSpace = (c: string): boolean => c === ',' || c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || (c > '~' && /\s/.test(c));
const isDelim = (c: string): boolean => isSpace(c) || DELIMS.includes(c);
const CLOSE: Record<string, string> = { '(': ')', '[': ']', '{': '}', '#{': '}', '#(': ')' };

/**
 * Reads the top-level forms of `text`. Discard markers (`#_`) are skipped,
 * so the form after one counts as a form. Iterative, so no nesting depth
 * can overflow the extension host's stack.
 */
export function readForms(text: string): Form[] {
  const n = text.length;
  const top: Form[] = [];
  // Open collections, innermost last, each with the prefixes that were
  // waiting outside it when it opened.
  const open: Array<{ form: Form; close: string; outerPending: Pending[] }> = [];
  // Prefixes (`'`, `@`, `^meta`...) at the current depth still waiting for their form.
  let pending: Pending[] = [];

  const place = (f: Form): void => { ((open.length ? open[open.length - 1]!.form.children : top) as Form[]).push(f); };
  // A complete form: it feeds the innermost waiting prefix, and a prefix
  // that has all its forms is complete in turn.
  const complete = (f: Form): void => {
    for (;;) {
      const p = pending[pending.length - 1];
      if (!p) { place(f); return; }
      (p.form.children as Form[]).push(f);
      p.form.end = f.end;
      if (--p.needs > 0) return;
      pending.pop();
      f = p.form;
    }
  };
  // Prefixes left without their form (at a closer or the end) are forms as they stand.
  const flushPending = (): void => {
    for (const p of pending) place(p.form);
    pending = [];
  };

  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === ';') { while (i < n && text[i] !== '\n') i++; continue; }
    if (isSpace(c)) { i++; continue; }
    if (c === '#' && text[i + 1] === '_') { i += 2; continue; }
    const start = i;
    if (c === ')' || c === ']' || c === '}') {
      i++;
      // A mismatched closer is skipped, as the reader recovers.
      if (!open.length || open[open.length - 1]!.close !== c) continue;
      flushPending();
      const frame = open.pop()!;
      frame.form.end = i;
      pending = frame.outerPending;
      complete(frame.form);
      continue;
    }
    if (c === "'" || c === '`' || c === '@' || c === '~' || c === '^') {
      i += c === '~' && text[i + 1] === '@' ? 2 : 1;
      // `^meta form`: the metadata and its form are both part of it.
      pending.push({ form: { start, end: i, children: [] }, needs: c === '^' ? 2 : 1 });
      continue;
    }
    if (c === '"' || (c === '#' && text[i + 1] === '"')) {
      i += c === '#' ? 2 : 1;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i = Math.min(n, i + 1);
      complete({ start, end: i, children: NONE });
      continue;
    }
    const opener = c === '#' && (text[i + 1] === '{' || text[i + 1] === '(') ? c + text[i + 1] : '([{'.includes(c) ? c : undefined;
    if (opener) {
      i += opener.length;
      open.push({ form: { start, end: n, open: opener, children: [] }, close: CLOSE[opener]!, outerPending: pending });
      pending = [];
      continue;
    }
    // An atom; a backslash takes at least the next character (a Clojure character literal).
    i = Math.min(n, i + (c === '\\' ? 2 : 1));
    while (i < n && !isDelim(text[i]!)) i++;
    // `#bytes "hex"` is one form, as `'x` is.
    if (i - start === 6 && text.startsWith('#bytes', start)) pending.push({ form: { start, end: i, children: [] }, needs: 1 });
    else complete({ start, end: i, children: NONE });
  }
  // Unclosed collections run to the end of the text.
  while (open.length) {
    flushPending();
    const frame = open.pop()!;
    pending = frame.outerPending;
    complete(frame.form);
  }
  flushPending();
  return top;
}

interface Pending { form: Form; needs: number }
