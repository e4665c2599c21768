// read(): source text -> forms + diagnostics. Never throws. After an error
// it keeps going, so a broken form does not hide the forms after it, and a
// list that is never closed still yields its children (the language server
// needs forms for half-typed code).
//
// Chevrotain's lexer makes the tokens and the Chevrotain grammar in
// parser.ts, whose actions build the forms, reads them (no CST; see
// doc/performance.md, "The reader"). This file bounds the input first.
import type { IToken } from 'chevrotain';
import { glialexer } from './lexer.js';
import { findTooDeep, blank, MAX_DIAGNOSTICS, MAX_SOURCE_CHARS } from './limits.js';
import { parseForms } from './parser.js';
import { pointSpan } from './atoms.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';

export { pointSpan, parseNumber } from './atoms.js';

export interface ReadResult {
  forms: any[];
  diagnostics: Diagnostic[];
  /** Comment tokens, for the formatter and the language server. */
  comments: IToken[];
}

export function read(source: string, file = '<input>'): ReadResult {
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => {
    if (diagnostics.length < MAX_DIAGNOSTICS) diagnostics.push(d);
    else if (diagnostics.length === MAX_DIAGNOSTICS) {
      diagnostics.push(diagnostic('read/bad-token', d.span, `too many read errors; stopping after ${MAX_DIAGNOSTICS}`));
    }
  };
  if (source.length > MAX_SOURCE_CHARS) {
    report(diagnostic('read/too-large', pointSpan(file, 1, 1, 0),
      `input is ${source.length} characters; the reader accepts at most ${MAX_SOURCE_CHARS}`));
    return { forms: [], diagnostics, comments: [] };
  }
  const deep = findTooDeep(source);
  for (const r of deep) {
    const { line, col } = lineColAt(source, r.depthAt);
    report(diagnostic('read/too-deep', pointSpan(file, line, col, r.depthAt),
      'forms nest too deeply; this top-level form was skipped',
      'flatten the data, or build it with code instead of a literal'));
  }
  const text = blank(source, deep);
  const lexed = glialexer.tokenize(text);
  const comments = (lexed.groups['comments'] ?? []) as IToken[];
  let forms: any[];
  const before = diagnostics.length;
  try {
    forms = parseForms(lexed.tokens, file, report);
  } catch (e) {
    // The bracket pre-scan bounds ordinary nesting; long chains of reader
    // macros (''''…x, @@@@…x) nest too, and land here instead of crashing.
    // Nothing of the input is read then, so what the reader said of it so
    // far is dropped too.
    if (!(e instanceof RangeError)) throw e;
    diagnostics.length = before;
    report(diagnostic('read/too-deep', pointSpan(file, 1, 1, 0), 'the input nests too deeply to read (for example a long chain of reader macros)',
      'split it into smaller forms'));
    forms = [];
  }
  diagnostics.sort((a, b) => a.span.offset - b.span.offset);
  return { forms, diagnostics, comments };
}

/**
 * Builds the parser now instead of at the first read. A Glia cell calls it
 * while its snapshot is taken, so a spawn that reads finds the parser built.
 */
export function prepareReader(): void {
  parseForms([], '<prepare>', () => {});
}

function lineColAt(src: string, offset: number): { line: number; col: number } {
  let line = 1, last = -1;
  for (let i = 0; i < offset; i++) if (src.charCodeAt(i) === 10) { line++; last = i; }
  return { line, col: offset - last };
}
