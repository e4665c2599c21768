// Properties of the formatter (glia/fmt): on any source that reads cleanly
// it is idempotent, changes only whitespace (every token and comment stays,
// in order, spelled as written, so `read` gives the same forms), and leaves
// no trailing whitespace, no space just inside brackets and exactly one
// final newline. On anything else it refuses with the reader's diagnostics
// and never throws. Checked over generated programs in random layouts and
// over every .glia file in the repository.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IToken } from 'chevrotain';
import { formatGlia } from '../../glia/fmt/format.js';
import { read } from '../../glia/reader/read.js';
import { glialexer } from '../../glia/reader/lexer.js';
import { prStr } from '../../glia/values/printer.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every token's text in order; comments without trailing whitespace; commas (whitespace) left out. */
function tokens(src: string): string[] {
  const lexed = glialexer.tokenize(src);
  const all = [...lexed.tokens, ...((lexed.groups['comments'] ?? []) as IToken[])].sort((a, b) => a.startOffset - b.startOffset);
  return all.map((t) => (t.tokenType.name === 'Comment' ? t.image.trimEnd() : t.image));
}

const OPENERS = new Set(['(', '[', '{', '#{', '#(']);
const CLOSERS = new Set([')', ']', '}']);

/** For each pair of neighbouring tokens (comments included): how many line breaks separate them. */
function breaks(src: string): number[] {
  const lexed = glialexer.tokenize(src);
  const all = [...lexed.tokens, ...((lexed.groups['comments'] ?? []) as IToken[])].sort((a, b) => a.startOffset - b.startOffset);
  const out: number[] = [];
  for (let i = 1; i < all.length; i++) {
    const gap = src.slice(all[i - 1]!.startOffset + all[i - 1]!.image.length, all[i]!.startOffset);
    out.push((gap.match(/\r\n|\r|\n/g) ?? []).length);
  }
  return out;
}

/**
 * The line breaks the layout rules promise, from the input's: none just
 * inside brackets, at least one after a comment (exactly one before a
 * closing bracket), at most two (one blank line) anywhere, else as written.
 */
function expectedBreaks(src: string): number[] {
  const ts = tokens(src);
  return breaks(src).map((n, i) => {
    const a = ts[i]!, b = ts[i + 1]!;
    if (a.startsWith(';')) return CLOSERS.has(b) ? 1 : Math.max(1, Math.min(n, 2));
    if (OPENERS.has(a) || CLOSERS.has(b)) return 0;
    return Math.min(n, 2);
  });
}

function forms(src: string): string[] {
  return read(src).forms.map((f) => prStr(f));
}

/** Checks everything formatGlia promises for one source that reads cleanly. */
function checkFormats(src: string): string {
  const r = formatGlia(src);
  if (!r.ok) throw new Error(`refused clean source ${JSON.stringify(src.slice(0, 200))}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  const out = r.text;
  const where = `\n--- input\n${src}\n--- output\n${out}`;
  expect(tokens(out), where).toEqual(tokens(src));
  expect(read(out).diagnostics, where).toEqual([]);
  expect(forms(out), where).toEqual(forms(src));
  expect(breaks(out), `line breaks${where}`).toEqual(expectedBreaks(src));
  const again = formatGlia(out);
  expect(again.ok && again.text, `not idempotent${where}`).toBe(out);
  if (out !== '') expect(/[^\r\n](\r?\n)$/.test(out), `one final newline${where}`).toBe(true);
  // Outside strings: no trailing whitespace, no space after an opening or before a closing bracket.
  const code = out.replace(/"(?:[^"\\]|\\[\s\S])*"/g, '""').replace(/;[^\n\r]*/g, ';');
  expect(/[ \t]\r?$/m.test(code), `trailing whitespace${where}`).toBe(false);
  expect(/[(\[{] /.test(code) || /[^\s] +[)\]}]/.test(code), `space inside brackets${where}`).toBe(false);
  return out;
}

// ---- a generator of programs in random layouts -------------------------------------
//
// Forms are built as text from a small grammar that only makes source the
// reader accepts (map keys and set elements distinct, % only inside #(),
// no #() inside #()), with whitespace, commas, comments and blank lines
// drawn at random between them.

const sym = fc.constantFrom('foo', 'x', 'y', 'ns/f', '->', '+', 'let', 'if', 'defn', 'fn', 'when', 'cond', 'do',
  'loop', 'try', 'catch', 'match', 'letfn', 'with-effect-handler', 'case', 'def', 'with-meta', 'x#', 'λ', 'nil', 'true');
const atom = fc.oneof(
  sym,
  fc.constantFrom('1', '-7', '+5', '2.50', '0xff', '42N', '.5', '1e3', '##Inf', '9007199254740993'),
  fc.constantFrom('"s"', '"a b"', '"multi\nline  \n  string"', '"semi;colon (paren"', '"\\"esc\\\\"', '"é\\u00e9"', '""'),
  fc.constantFrom(':k', ':ns/k', ':a.b/c-d'),
);
/** Whitespace between two siblings: never empty. */
const sep = fc.oneof(
  { weight: 6, arbitrary: fc.constant(' ') },
  { weight: 4, arbitrary: fc.constantFrom('\n', '\n  ', '\n\t', '   ') },
  { weight: 2, arbitrary: fc.constantFrom('\n\n', '\n\n\n   ', '\r\n', ',', ', ', ' ,\n ', ',,') },
  { weight: 2, arbitrary: fc.constantFrom(' ; trailing  \n', '\n;; own line\n', '\n  ;; indented\n\n', ';c\n') },
);
/** Whitespace just inside a bracket or around a reader macro: may be empty. */
const edge = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.constantFrom(' ', '\n', '\n  ', ', ') },
  { weight: 1, arbitrary: fc.constantFrom(' ; c\n', '\n;; c\n') },
);

function joined(items: string[], seps: string[]): string {
  return items.map((x, i) => (i === 0 ? x : seps[i - 1] + x)).join('');
}

const coll = (open: string, close: string, item: fc.Arbitrary<string>) =>
  fc.tuple(edge, fc.array(item, { maxLength: 5 }), fc.array(sep, { minLength: 5, maxLength: 5 }), edge)
    .map(([a, xs, ss, b]) => open + (xs.length ? a : '') + joined(xs, ss) + (xs.length ? b : '') + close);

function formArb(inAnon: boolean): fc.Arbitrary<string> {
  const { form } = fc.letrec<{ form: string }>((tie) => {
    const f = tie('form');
    const leaf = inAnon ? fc.oneof(atom, fc.constantFrom('%', '%1', '%2', '%&')) : atom;
    const prefixed = fc.tuple(fc.constantFrom("'", '`', '~', '~@', '@', '#_', '^:m', '^{:a 1}', '^Tag'), edge, f)
      .map(([op, gap, x]) => (op.startsWith('^') ? `${op}${gap || ' '}${x}` : `${op}${gap}${x}`));
    // A map value is never a #_ form (that would leave a key without a value).
    const map = fc.tuple(fc.array(fc.oneof(atom, coll('[', ']', f)), { maxLength: 3 }), fc.array(sep, { minLength: 6, maxLength: 6 }), edge)
      .map(([vs, ss, gap]) => '{' + gap + joined(vs.flatMap((v, i) => [`:k${i}`, v]), ss) + '}');
    const set = fc.tuple(fc.uniqueArray(fc.constantFrom(':a', ':b', '1', '2', '"s"', 'x'), { maxLength: 4 }), fc.array(sep, { minLength: 4, maxLength: 4 }))
      .map(([xs, ss]) => '#{' + joined(xs, ss) + '}');
    const branches = [
      { weight: 5, arbitrary: leaf },
      { weight: 3, arbitrary: coll('(', ')', f) },
      { weight: 2, arbitrary: coll('[', ']', f) },
      { weight: 1, arbitrary: map },
      { weight: 1, arbitrary: set },
      { weight: 1, arbitrary: prefixed },
      { weight: 1, arbitrary: fc.constant('#bytes "00ff"') },
    ];
    if (!inAnon) branches.push({ weight: 1, arbitrary: coll('#(', ')', formArb(true)) });
    return { form: fc.oneof({ depthSize: 'small', maxDepth: 4, withCrossShrink: true }, ...branches) };
  });
  return form;
}

const program = fc.tuple(edge, fc.array(formArb(false), { maxLength: 5 }), fc.array(sep, { minLength: 5, maxLength: 5 }), edge)
  .map(([a, xs, ss, b]) => a + joined(xs, ss) + b);

describe('the formatter over generated programs', () => {
  it('reads them cleanly (the generator is honest)', () => {
    fc.assert(fc.property(program, (src) => { expect(read(src).diagnostics, src).toEqual([]); }), { numRuns: 300 });
  });

  it('is idempotent, keeps every token and comment, and keeps the meaning', () => {
    fc.assert(fc.property(program, (src) => { checkFormats(src); }), { numRuns: 1500 });
  });
});

describe('the formatter over arbitrary text', () => {
  // Pieces of Glia syntax thrown together: most do not read, and then the
  // formatter must refuse with exactly the reader's diagnostics.
  const piece = fc.oneof(
    fc.constantFrom('(', ')', '[', ']', '{', '}', '#{', '#(', '#_', "'", '`', '~', '~@', '@', '^', ';', '"', '\\', '#', '%'),
    fc.constantFrom(' ', '\n', ',', '\t', '\r\n', 'a', 'b1', ':k', '1', '"s"', '"\\q"', '#bytes', '##Inf', '\u00a0', '\u2028'),
  );
  it('never throws, and refuses exactly when the reader reports an error', () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }).map((xs) => xs.join('')), (src) => {
      const r = formatGlia(src);
      const ds = read(src).diagnostics;
      if (ds.length > 0) {
        expect(r.ok, src).toBe(false);
        if (!r.ok) expect(r.diagnostics).toEqual(ds);
      } else {
        checkFormats(src);
      }
    }), { numRuns: 3000 });
  });

  it('refuses input nested past the reader limit instead of overflowing', () => {
    for (const src of ['('.repeat(600) + ')'.repeat(600), "'".repeat(50_000) + 'x', '@'.repeat(50_000) + 'x', '^:a '.repeat(20_000) + 'x']) {
      const r = formatGlia(src);
      if (r.ok) checkFormats(src);
      else expect(r.diagnostics.map((d) => d.code)).toContain('read/too-deep');
    }
  });
});

describe('the formatter over every .glia file in the repository', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      if (e === 'node_modules' || e === 'dist' || e.startsWith('.')) continue;
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.glia')) files.push(p);
    }
  };
  walk(root);

  it('finds the prelude, std, conformance corpus and goldens', () => {
    const rel = files.map((f) => relative(root, f));
    expect(rel).toContain('glia/prelude/core.glia');
    expect(rel.filter((f) => f.startsWith('std/')).length).toBeGreaterThanOrEqual(3);
    expect(rel.filter((f) => f.startsWith('test/conformance/')).length).toBeGreaterThan(300);
  });

  it('formats each file that reads cleanly, idempotently and without changing its meaning; refuses the rest', () => {
    let formatted = 0;
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      const ds = read(src).diagnostics;
      if (ds.length === 0) { checkFormats(src); formatted++; continue; }
      const r = formatGlia(src);
      expect(r.ok, relative(root, f)).toBe(false);
    }
    expect(formatted).toBeGreaterThan(300);
  });
});
