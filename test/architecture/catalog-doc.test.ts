// doc/diagnostics.md documents exactly the codes of the one catalog.
import { it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG } from '../../glia/diagnostics.js';

it('doc/diagnostics.md lists every catalog code and no other', () => {
  const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../doc/diagnostics.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]!));
  expect([...documented].sort()).toEqual(Object.keys(CATALOG).sort());
});
