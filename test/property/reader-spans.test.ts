// Property: every span the reader puts on a form is where that form is
// written. An oracle independent of the parser: for each symbol and
// collection of a source that reads cleanly, its span's line and column
// agree with its offset (lines counted here, as Chevrotain counts them:
// \n, \r\n and \r), and the text under the span, read alone, is that form
// again (or, for the head of `'x` `@x` ..., the reader macro's character;
// for the call inside `#(...)`, the literal).
// Run over every .glia file in the repository and over generated source.
import { it, expect } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import { read } from '../../glia/reader/read.js';
import { spanOf } from '../../glia/span.js';
import { Sym } from '../../glia/values/symbol.js';
import { equals } from '../../glia/values/equality.js';
import { prStr } from '../../glia/values/printer.js';

const PREFIX_CHARS: Record<string, string[]> = { quote: ["'"], 'syntax-quote': ['`'], unquote: ['~'], 'unquote-splicing': ['~@'], deref: ['@'] };

function lineCol(src: string, offset: number): [number, number] {
  let line = 1, start = 0;
  for (let i = 0; i < offset; i++) {
    const c = src.charCodeAt(i);
    if (c === 10 || (c === 13 && src.charCodeAt(i + 1) !== 10)) { line++; start = i + 1; }
  }
  return [line, offset - start + 1];
}

/** Checks every span under `x`; returns how many it checked. */
function checkSpans(src: string, x: any): number {
  let n = 0;
  const visit = (y: any, inAnonFn = false): void => {
    if (typeof y !== 'object' || y === null) return;
    const s = spanOf(y);
    if (s) {
      n++;
      const where = `${prStr(y).slice(0, 60)} at ${s.offset}-${s.endOffset}`;
      expect(s.offset >= 0 && s.endOffset <= src.length && s.offset < s.endOffset, where).toBe(true);
      expect([s.line, s.col], where).toEqual(lineCol(src, s.offset));
      expect([s.endLine, s.endCol], where).toEqual(lineCol(src, s.endOffset));
      // Inside `#(...)` a bare % was read as %1.
      const slice = src.slice(s.offset, s.endOffset);
      const text = inAnonFn ? slice.replace(/(^|[\s,(\[{])%(?=[\s,)\]}]|$)/g, '$1%1') : slice;
      if (!(y instanceof Sym && y.ns === null && PREFIX_CHARS[y.name]?.includes(text))) {
        const again = read(text, 'again.glia');
        expect(again.diagnostics, where).toEqual([]);
        expect(again.forms.length, where).toBe(1);
        // `#(f %)` is `(fn [%1] (f %1))`, and the call it wraps has the span of the whole literal.
        const back = again.forms[0];
        // ##NaN is not = to itself, so the printed forms are compared too.
        const eq = (a: any, b: any) => equals(a, b) || prStr(a) === prStr(b);
        const same = eq(back, y) || (text.startsWith('#(') && Stack.isStack(back) && eq((back as Stack<any>).last(), y));
        expect(same, `${where}: ${JSON.stringify(text.slice(0, 60))}`).toBe(true);
      }
    }
    const inner = inAnonFn || (s !== undefined && src.startsWith('#(', s.offset));
    if (Stack.isStack(y) || List.isList(y) || ISet.isSet(y)) for (const z of y as Iterable<any>) visit(z, inner);
    else if (IMap.isMap(y)) for (const [k, v] of y as IMap<any, any>) { visit(k, inner); visit(v, inner); }
  };
  visit(x);
  return n;
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

it('spans of every symbol and collection in the repository\'s .glia files', () => {
  let files = 0, spans = 0;
  for (const f of gliaFiles()) {
    const src = readFileSync(f, 'utf8');
    const r = read(src, f);
    if (r.diagnostics.length > 0) continue; // files that test read errors
    files++;
    for (const form of r.forms) spans += checkSpans(src, form);
  }
  expect(files).toBeGreaterThan(10);
  expect(spans).toBeGreaterThan(1000);
});

// Well-formed source with the layout varied: line breaks of all three
// kinds, commas, comments, reader macros, metadata, discards.
const sep = fc.constantFrom(' ', '\n', '\r\n', '\r', ', ', '\t', ' ; note\n', '\n\n  ');
const atomSrc = fc.constantFrom('#(f % %2)', 'a', 'ns/b', '+', '42', '-7', '2.5', ':k', ':ns/k', '"s"', '"a\\nb"', 'nil', 'true', '##Inf', '42N', '0xff', '/', '#bytes "00ff"');
const formSrc: fc.Arbitrary<string> = fc.letrec<{ form: string }>((tie) => ({
  form: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atomSrc,
    fc.tuple(fc.constantFrom('(', '['), fc.array(fc.tuple(tie('form'), sep), { maxLength: 4 })).map(([o, xs]) => o + xs.map(([x, s]) => x + s).join('') + (o === '(' ? ')' : ']')),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), tie('form')), { maxLength: 3 }).map((kvs) => '{' + kvs.map(([k, v], i) => `:k${i}x${k} ${v}`).join(', ') + '}'),
    fc.tuple(fc.constantFrom("'", '`', '~', '~@', '@'), tie('form')).map(([p, x]) => p + x),
    fc.tuple(fc.constantFrom('^:m ', '^{:a 1} ', '^T '), fc.constantFrom('x', '[1]', '(f)')).map(([m, x]) => m + x),
    fc.tuple(tie('form'), sep).map(([x, s]) => `(#_${s}${x} y)`),
  ),
})).form;

it('spans in generated well-formed source', () => {
  fc.assert(fc.property(fc.array(fc.tuple(formSrc, sep), { minLength: 1, maxLength: 5 }), (parts) => {
    const src = parts.map(([f, s]) => f + s).join('');
    const r = read(src, 'gen.glia');
    expect(r.diagnostics, JSON.stringify(src)).toEqual([]);
    for (const form of r.forms) checkSpans(src, form);
  }), { numRuns: 1500 });
});
