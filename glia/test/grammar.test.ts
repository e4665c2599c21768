// The reader's parser is the Chevrotain grammar (glia/reader/parser.ts). It
// skips Chevrotain's grammar validations to start fast; they run here
// instead, so an ambiguous or broken grammar still fails. The validating
// parser is the same class the reader runs, so what is validated is what
// reads.
import { it, expect } from 'vitest';
import { validatingParser } from '../reader/parser.js';
import { glialexer } from '../reader/lexer.js';
import { read } from '../reader/read.js';
import { prStr } from '../values/printer.js';
import type { Diagnostic } from '../diagnostics.js';

it('the reader grammar passes Chevrotain validation (LL(1), no ambiguity)', () => {
  const p = validatingParser();
  expect(p.definitionErrors).toEqual([]);
});

it('the grammar has the rules the reader documents, and no others', () => {
  const rules = Object.keys(validatingParser().getGAstProductions()).sort();
  expect(rules).toEqual(['bytes', 'collection', 'document', 'form', 'meta', 'prefixed', 'strayClose']);
});

it('the validated grammar is the one that reads: it gives read()\'s forms and diagnostics', () => {
  const src = "(defn f [x] ^:k {:a 'x :b #{1 2}} #(+ % 1) #_ #_ skip skip @y #bytes \"00ff\") (a ] ) {:k}";
  const said: Diagnostic[] = [];
  const forms = validatingParser().parse(glialexer.tokenize(src).tokens, 'g.glia', (d) => said.push(d));
  const r = read(src, 'g.glia');
  expect(forms.map(prStr)).toEqual(r.forms.map(prStr));
  expect(said.map((d) => d.code).sort()).toEqual(r.diagnostics.map((d) => d.code).sort());
  expect(r.diagnostics.map((d) => d.code)).toEqual(['read/mismatched-close', 'read/unexpected-close', 'read/odd-map']);
});

it('the parser is reused across reads and leaves no state behind', () => {
  // An unclosed discard chain and an unfinished metadata must not leak into the next read.
  read('(a #_ #_ b', 'x.glia');
  read('^{:a ##x}', 'x.glia');
  const r = read('(c d) e', 'y.glia');
  expect(r.diagnostics).toEqual([]);
  expect(r.forms.map(prStr)).toEqual(['(c d)', 'e']);
});
