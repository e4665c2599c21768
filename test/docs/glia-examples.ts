// The Glia examples in the docs, and how one is run. The conventions (which
// blocks and lines count) are in test/docs/README.md; in short:
//
// - A ```clojure or ```glia block is a run of top-level forms.
// - A form followed by the comment `; => VALUE` (or `;; => VALUE`) is an
//   example: its pr-str must be VALUE exactly. `; error[CODE]` (or
//   `; => error[CODE]`) means it throws, or fails to compile, with that code
//   as `ww eval` prints it. `; ~> ...` marks it illustrative: not run.
// - The forms after one example up to the next make one unit with it, run
//   as one `ww eval` string (so `defn`s before an example may refer to each
//   other); the unit's last value is the example's.
// - A block with no example runs only when all its forms are `import` or
//   `ns` forms (a std module's import at the head of its section), so later
//   blocks can use the alias; any other block without one is not a test.
// - One Session per Markdown file, shared by its blocks in order, as if the
//   file were typed into one `ww eval -f`; each block starts in `user`.
import { tokenize, type SourceToken } from '../../glia/analysis/tokens.js';
import { Session } from '../../glia/eval/session.js';
import { prStr } from '../../glia/values/printer.js';
import { localEffects } from '../../runtime/host/local-effects.js';
import { toReport } from '../../runtime/cli/report.js';
import type { Fence } from './fences.js';

export const GLIA_LANGS = new Set(['clojure', 'glia', 'clj']);

export type Expect =
  | { kind: 'value'; text: string }
  | { kind: 'error'; code: string }
  | { kind: 'illustrative' }
  | { kind: 'none' };

export interface Step {
  /** 1-based line in the Markdown file of the step's marker (of its first form when it has none). */
  line: number;
  /** The unit: the forms since the previous example, through this one. */
  code: string;
  /** The example's own form, for naming the test. */
  form: string;
  expect: Expect;
  /** Why the step cannot be read as an example (two markers on one form, a marker inside a form). */
  problem?: string;
}

export interface Block { file: string; line: number; steps: Step[] }

const ERROR = /^;+\s*(?:=>\s*)?error\[([^\]\s]+)\]\s*$/;
const VALUE = /^;+\s*=>\s?(.*?)\s*$/;
const ILLUSTRATIVE = /^;+\s*~>/;
/** A comment that looks like a run example (`~>` is fine anywhere). */
export const MARKER_LIKE = /;+\s*(=>|error\[)/;

function markerOf(comment: string): Expect | undefined {
  const e = ERROR.exec(comment);
  if (e) return { kind: 'error', code: e[1]! };
  if (ILLUSTRATIVE.test(comment)) return { kind: 'illustrative' };
  const v = VALUE.exec(comment);
  if (v) return { kind: 'value', text: v[1]! };
  return undefined;
}

interface Form { first: number; last: number }

/**
 * The top-level forms of `tokens` (comments left out), as [first, last] token
 * indices. A reader macro (`'`, `@`, `#_`, `#bytes`, ...) waits for one form and
 * `^` for two, nested: `'@a` is one form.
 */
function topLevelForms(tokens: SourceToken[]): Form[] {
  const forms: Form[] = [];
  let depth = 0, start = -1;
  const waiting: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind === 'comment') return;
    // A stray closer at the top is a form of its own (the reader reports it).
    if (depth === 0 && waiting.length === 0) start = i;
    if (t.kind === 'open') { depth++; return; }
    if (t.kind === 'close') { if (depth > 0 && --depth > 0) return; }
    else if (depth > 0) return;
    else if (t.kind === 'macro-char') { waiting.push(t.text === '^' ? 2 : 1); return; }
    // A form is complete: it satisfies the reader macros waiting for it.
    while (waiting.length && --waiting[waiting.length - 1]! === 0) waiting.pop();
    if (waiting.length === 0) forms.push({ first: start, last: i });
  });
  return forms;
}

function lineAt(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** The steps of one Glia block, or null when the block is not run (see the header). */
export function gliaBlock(fence: Fence): Block | null {
  if (!GLIA_LANGS.has(fence.info[0] ?? '')) return null;
  const text = fence.lines.join('\n');
  const tokens = tokenize(text);
  const forms = topLevelForms(tokens);
  const steps: Step[] = [];
  const fileLine = (offset: number) => fence.line + 1 + lineAt(text, offset);
  let unitStart = -1;
  forms.forEach((f, k) => {
    if (unitStart < 0) unitStart = tokens[f.first]!.offset;
    // The markers that follow this form, before the next one.
    const next = k + 1 < forms.length ? forms[k + 1]!.first : tokens.length;
    const markers: { t: SourceToken; m: Expect }[] = [];
    for (let i = f.first; i < next; i++) {
      const t = tokens[i]!;
      const m = t.kind === 'comment' ? markerOf(t.text) : undefined;
      if (m) markers.push({ t, m });
    }
    const isLast = k === forms.length - 1;
    if (!markers.length && !isLast) return;
    const end = tokens[f.last]!.end;
    const last = markers[markers.length - 1];
    const step: Step = {
      line: last ? fileLine(last.t.offset) : fileLine(unitStart),
      code: text.slice(unitStart, end),
      form: text.slice(tokens[f.first]!.offset, end),
      expect: last ? last.m : { kind: 'none' },
    };
    if (markers.length > 1) step.problem = 'several `; =>` markers after one form: give each example a form of its own';
    else if (last && last.t.offset < end) step.problem = 'a `; =>` marker inside a form: put it after the form it describes';
    steps.push(step);
    unitStart = -1;
  });
  const examples = steps.filter((s) => s.expect.kind === 'value' || s.expect.kind === 'error');
  if (!examples.length) {
    const setupOnly = forms.length > 0 && forms.every((f) => /^\((import|ns)\s/.test(text.slice(tokens[f.first]!.offset, tokens[f.last]!.end)));
    if (!setupOnly) return null;
  }
  return { file: fence.file, line: fence.line, steps };
}

export type Outcome = { ok: true; printed: string } | { ok: false; code: string; message: string };

/** One Session for one Markdown file, with the host effects `ww eval` has (files relative to `baseDir`). */
export class DocSession {
  readonly output: string[] = [];
  private session: Session;
  constructor(baseDir: string) {
    this.session = new Session({ ...localEffects(baseDir, (s) => { this.output.push(s); }) });
    this.session.currentFile = '<expr>';
  }
  async run(code: string, where: string): Promise<Outcome> {
    try {
      const v = await this.session.evalString(code, where);
      return { ok: true, printed: prStr(v) };
    } catch (e) {
      const r = toReport(e);
      return { ok: false, code: r.code, message: r.message };
    }
  }
}

/** Whether an outcome is what the step documents; the reason when it is not. */
export function verdict(step: Step, out: Outcome): string | null {
  const e = step.expect;
  if (e.kind === 'value') {
    if (out.ok) return out.printed === e.text ? null : `documented  ${e.text}\nprinted     ${out.printed}`;
    return `documented  ${e.text}\nthrew       error[${out.code}]: ${out.message}`;
  }
  if (e.kind === 'error') {
    if (out.ok) return `documented  error[${e.code}]\nprinted     ${out.printed}`;
    return out.code === e.code ? null : `documented  error[${e.code}]\nthrew       error[${out.code}]: ${out.message}`;
  }
  if (!out.ok) return `a form before the example threw error[${out.code}]: ${out.message}`;
  return null;
}

/**
 * The rows of Markdown tables with `Example` and `Result` columns (std.md's
 * function tables): each row whose Example cell is one code span is an
 * example whose pr-str must be the Result cell's code span, in the file's
 * Session at that point of the file. One block per row, so it sorts with
 * the fenced blocks by line.
 */
export function tableExamples(file: string, text: string): Block[] {
  const out: Block[] = [];
  let cols: { example: number; result: number } | null = null;
  text.split(/\r?\n/).forEach((l, i) => {
    if (!l.startsWith('|')) { cols = null; return; }
    const cells = l.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim().replace(/\\\|/g, '|'));
    const ex = cells.indexOf('Example'), res = cells.indexOf('Result');
    if (ex >= 0 && res >= 0) { cols = { example: ex, result: res }; return; }
    if (!cols || /^[-:\s|]+$/.test(l)) return;
    const e = /^`([^`]+)`$/.exec(cells[cols.example] ?? ''), r = /^`([^`]+)`$/.exec(cells[cols.result] ?? '');
    if (!cells[cols.example]) return;
    const step: Step = { line: i + 1, code: e?.[1] ?? '', form: e?.[1] ?? cells[cols.example]!, expect: { kind: 'value', text: r?.[1] ?? '' } };
    if (!e || !r) step.problem = 'a table example whose Example or Result cell is not one code span';
    out.push({ file, line: i + 1, steps: [step] });
  });
  return out;
}
