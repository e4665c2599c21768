// Folding ranges: every collection that spans lines (from its opening to
// its closing bracket), and runs of two or more whole-line comments.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver/node';
import type { FileAnalysis } from '../file-analysis.js';

/** Editors cap folding ranges too (VS Code at 5000); beyond this the most deeply nested go first. */
const MAX_RANGES = 5000;

export function foldingRanges(file: FileAnalysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  const depth = new Map<FoldingRange, number>();
  const line = (offset: number) => file.doc.positionAt(offset).line;
  const stack: number[] = [];
  let commentStart = -1, commentEnd = -1;
  const flushComments = () => {
    if (commentStart >= 0 && commentEnd > commentStart) out.push({ startLine: commentStart, endLine: commentEnd, kind: FoldingRangeKind.Comment });
    commentStart = commentEnd = -1;
  };
  for (const t of file.tokens()) {
    if (t.kind === 'comment') {
      const l = line(t.offset);
      const wholeLine = file.text.slice(file.doc.offsetAt({ line: l, character: 0 }), t.offset).trim() === '';
      if (wholeLine && commentStart >= 0 && l === commentEnd + 1) commentEnd = l;
      else { flushComments(); if (wholeLine) commentStart = commentEnd = l; }
      continue;
    }
    if (t.kind === 'open') stack.push(t.offset);
    else if (t.kind === 'close') {
      const open = stack.pop();
      if (open === undefined) continue;
      const a = line(open), b = line(t.offset);
      if (b > a) { const r = { startLine: a, endLine: b }; out.push(r); depth.set(r, stack.length); }
    }
  }
  flushComments();
  if (out.length <= MAX_RANGES) return out;
  // Keep the top-level forms and the levels just under them: they are the ones a reader folds.
  return out.map((r, i) => ({ r, i, d: depth.get(r) ?? 0 })).sort((x, y) => x.d - y.d || x.i - y.i)
    .slice(0, MAX_RANGES).sort((x, y) => x.i - y.i).map((x) => x.r);
}
