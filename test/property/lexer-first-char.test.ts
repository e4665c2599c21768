// Property: the reader (glia/reader/read.ts, recursive descent over
// Chevrotain's tokens) gives exactly what the reader before it gave
// (bench/read-baseline/, Chevrotain's CST and a visitor): the same forms,
// the same span on every symbol and collection, the same metadata, and the
// same diagnostics in the same order, over every .glia file in the
// repository and over generated text, broken or not.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import { read } from '../../glia/reader/read.js';
import { read as oldRead } from '../../bench/read-baseline/read.js';
import { glialexer as oldLexer } from '../../bench/read-baseline/lexer.js';
import { glialexer } from '../../glia/reader/lexer.js';
import { baselineSpans } from '../../bench/read-baseline/span.js';
import { spanOf } from '../../glia/span.js';
import { metaOf } from '../../glia/values/meta.js';
import { Sym } from '../../glia/values/symbol.js';
import { prStr } from '../../glia/values/printer.js';

type SpanLookup = (x: object) => unknown;

/** A form as plain data: its shape, its atoms printed, every span and every metadata map. */
function describeForm(x: any, spanAt: SpanLookup): unknown {
  const extra = (o: object) => {
    const m = metaOf(o);
    return { span: spanAt(o) ?? null, meta: m ? describeForm(m, spanAt) : null, anon: !!(o as any).__anonFn };
  };
  if (x instanceof Sym) return { sym: x.fqn, ...extra(x) };
  if (Stack.isStack(x)) return { list: (x as Stack<any>).toArray().map((y) => describeForm(y, spanAt)), ...extra(x) };
  if (List.isList(x)) return { vector: (x as List<any>).toArray().map((y) => describeForm(y, spanAt)), ...extra(x) };
  if (IMap.isMap(x)) return { map: (x as IMap<any, any>).toArray().map(([k, v]) => [describeForm(k, spanAt), describeForm(v, spanAt)]), ...extra(x) };
  if (ISet.isSet(x)) return { set: (x as ISet<any>).toArray().map((y) => describeForm(y, spanAt)), ...extra(x) };
  return { atom: typeof x === 'number' && Number.isNaN(x) ? 'NaN' : prStr(x), type: typeof x };
}

function same(src: string): void {
  const file = 'eq.glia';
  const a = oldRead(src, file);
  const b = read(src, file);
  const oldSpan: SpanLookup = (o) => baselineSpans.get(o);
  const newSpan: SpanLookup = (o) => spanOf(o);
  expect(b.diagnostics, JSON.stringify(src.slice(0, 200))).toEqual(a.diagnostics);
  expect(b.forms.map((f) => describeForm(f, newSpan)), JSON.stringify(src.slice(0, 200))).toEqual(a.forms.map((f) => describeForm(f, oldSpan)));
  expect(b.comments.map((t) => [t.image, t.startOffset])).toEqual(a.comments.map((t) => [t.image, t.startOffset]));
}

const root = fileURLToPath(new URL('../..', import.meta.url));

function gliaFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      if (e === 'node_modules' || e === 'dist' || e.startsWith('.')) continue;
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.glia')) out.push(p);
    }
  };
  for (const d of ['glia', 'std', 'test', 'bench', 'lsp', 'runtime', 'doc']) { try { walk(join(root, d)); } catch { /* absent */ } }
  return out;
}

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'()[]{}#"\\\'`~@^;:%&'.split('')) },
  { weight: 3, arbitrary: fc.constantFrom(...'abcxyzN/.-+*!?<>=_'.split('')) },
  { weight: 2, arbitrary: fc.constantFrom(...'0123456789'.split('')) },
  { weight: 3, arbitrary: fc.constantFrom(' ', ' ', ',', '\n', '\t', '\r', '\r\n', '\u00a0', '\u2028') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '#_', '~@', '#{', '#(', '##Inf', '##-Inf', '##NaN', '##foo', '#bytes', '#bytes "', '#bytes "0f"', '#bytes "0"',
      '0x', '0xff', '1e', '1e10', '.5', '42N', '-', '+', '\\u', '\\u00', '\\n', '\\q', '"a\\qb"', '%1', '%&', '%0', '%',
      'nil', 'true', 'false', '::', ':a/', '/a', 'a/', '^{', '^:', '^:k ', '^a ', '^"t" ', '#?', '#"re"', '\u00e9', '\ud83d\ude00', '\ud800',
      '{:a 1 :a 2}', '#{1 1}', '{:k}', '(defn f [x] (inc x))', '#(+ % %2)', '#(#(%))', '"line\nbreak"', '; note\n',
    ),
  },
);
const generated = fc.array(piece, { maxLength: 120 }).map((ps) => ps.join(''));

describe('the reader agrees with the reader before it', () => {
  it('on every .glia file in the repository', () => {
    const files = gliaFiles();
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) same(readFileSync(f, 'utf8'));
  });

  it('lexes every UTF-16 code unit as before (the lexer picks patterns by first character)', () => {
    const show = (src: string, lexer: typeof glialexer) => {
      const r = lexer.tokenize(src);
      return [...r.tokens, ...(r.groups['comments'] ?? [])].map((t) => `${t.tokenType.name}@${t.startOffset}-${t.endOffset}:${t.startLine}.${t.startColumn}-${t.endLine}.${t.endColumn}`).join(' ');
    };
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      for (const src of [ch, `a${ch}b`, `(:k${ch}1)`, `#${ch}"s${ch}"`]) {
        const a = show(src, oldLexer), b = show(src, glialexer);
        if (a !== b) expect(b, `U+${c.toString(16)} in ${JSON.stringify(src)}`).toBe(a);
      }
    }
  });

  it('on generated text, broken or not', () => {
    fc.assert(fc.property(generated, (src) => { same(src); }), { numRuns: Number(process.env.EQ_RUNS ?? 4000) });
  });

  it('on many diagnostics (past the cap), discards, metadata and nesting', () => {
    for (const src of [
      ')'.repeat(150), '#_ #_ a b c', '(#_ #_ #_ a b c d)', "'#_ #_ a b c", '^#_ #_ a b c', '^{:a ##x} ', '^{:a ##x} ]', '^ )',
      '[1 2 #_]', '#_', '(a #_ #_ b)', '^:k ^{:a 1} x', "^'x y", '^##Inf y', '(', '((((', '"abc', '#bytes', '#bytes 1',
      '{:a 1 :b}', '{1 1 1 2 1 3}', '#{:a :a :b :b}', '#(#(%) %)', '(' .repeat(600) + ')'.repeat(600) + ' (ok)',
      "(x)\r\n(y 'z)\r(w)", '\u2028(a)\u2029(b)', '@~@`~x',
      // Past the stack: nothing is read, and only too-deep is said.
      ') #_ #_ a b {:a} ' + "'".repeat(60_000) + 'x', '(((' + '@'.repeat(60_000) + 'x ]',
    ]) same(src);
  });
});
