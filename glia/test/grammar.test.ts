// The shipped parser skips Chevrotain's grammar validations to start fast;
// they run here instead, so an ambiguous or broken grammar still fails.
import { it, expect } from 'vitest';
import { validatingParser } from '../reader/parser.js';

it('the reader grammar passes Chevrotain validation (LL(1), no ambiguity)', () => {
  const p = validatingParser();
  expect(p.definitionErrors).toEqual([]);
});
