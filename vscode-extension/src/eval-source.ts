// The text handed to `ww eval` for one form. `ww eval` starts a fresh
// session each time, so the file's earlier `(ns ...)` and `(import ...)`
// forms go first: the form's aliases and namespace then resolve as they do
// in the file. The pieces are joined tightly (the text is one command-line
// argument, and Windows caps a command line at 32K characters), so the
// positions `ww` reports in it are mapped back to the file.
import type { Form } from './forms.js';
import { namespaceFormsBefore } from './top-level-form.js';

/** A 1-based line and column, as `ww` reports them. */
export interface Position { line: number; col: number }

export interface EvalSource {
  source: string;
  /** Where a position in `source` is in the file. */
  filePosition(p: Position): Position;
}

export function evalSource(text: string, form: Form): EvalSource {
  const pieces = [...namespaceFormsBefore(text, form), form];
  const source = pieces.map((p) => text.slice(p.start, p.end)).join('\n');
  // Where each piece starts in `source`.
  const starts: number[] = [];
  let at = 0;
  for (const p of pieces) { starts.push(at); at += p.end - p.start + 1; }
  return {
    source,
    filePosition(pos) {
      const off = offsetOf(source, pos);
      let k = pieces.length - 1;
      while (k > 0 && starts[k]! > off) k--;
      const piece = pieces[k]!;
      return positionOf(text, piece.start + Math.min(off - starts[k]!, piece.end - piece.start));
    },
  };
}

function offsetOf(s: string, { line, col }: Position): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = s.indexOf('\n', off);
    if (nl < 0) return s.length;
    off = nl + 1;
  }
  return Math.min(s.length, off + Math.max(0, col - 1));
}

function positionOf(s: string, offset: number): Position {
  const before = s.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, col: offset - lastBreak };
}
