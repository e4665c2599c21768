// The language reference covers the language, both ways: every public
// function and macro of glia.core and every special form is named in
// doc/language.md or doc/std.md, every public var of each std module in its
// `## ww/NAME` section of doc/std.md; and every name the reference tables
// define (first column Function, Form or Macro) exists in the code.
import { it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './doc-files.js';
import { existing, codeSpans, mentions, tabledNames, moduleSections } from './language-names.js';

const lang = readFileSync(join(ROOT, 'doc', 'language.md'), 'utf8');
const std = readFileSync(join(ROOT, 'doc', 'std.md'), 'utf8');
const sections = moduleSections(std);
let have: Awaited<ReturnType<typeof existing>>;
beforeAll(async () => { have = await existing(); });

it('every glia.core function and macro is in doc/language.md or doc/std.md', () => {
  const spans = [...codeSpans(lang), ...codeSpans(std)];
  const missing = have.core.filter((n) => !mentions(spans, n));
  console.log(`language: ${have.core.length - missing.length} of ${have.core.length} core names documented`);
  expect(missing).toEqual([]);
});

it('every special form is in doc/language.md', () => {
  const spans = codeSpans(lang);
  expect(have.special.filter((n) => !mentions(spans, n))).toEqual([]);
});

it('every std module has a section in doc/std.md, and each of its public vars is named there', () => {
  const missing: Record<string, string[]> = {};
  let total = 0, documented = 0;
  for (const [m, names] of have.modules) {
    const section = sections.get(m);
    const spans = section ? codeSpans(section) : [];
    const gone = section ? names.filter((n) => !mentions(spans, n)) : ['(no `## ' + m + '` section)'];
    if (gone.length) missing[m] = gone;
    total += names.length;
    documented += section ? names.length - gone.length : 0;
  }
  console.log(`std: ${documented} of ${total} names of ${have.modules.size} modules documented`);
  expect(missing).toEqual({});
});

it('every name the reference tables of doc/language.md and doc/std.md define exists', () => {
  const core = new Set([...have.core, ...have.special]);
  const stale = tabledNames(lang).filter((t) => !core.has(t.name)).map((t) => `doc/language.md:${t.line}: ${t.name}`);
  let count = tabledNames(lang).length;
  const lineOf = (section: string) => std.slice(0, std.indexOf(section)).split('\n').length - 1;
  for (const [m, section] of sections) {
    const names = new Set(m === 'ww/core' ? core : have.modules.get(m) ?? []);
    const rows = tabledNames(section);
    count += rows.length;
    for (const t of rows) if (!names.has(t.name)) stale.push(`doc/std.md:${lineOf(section) + t.line}: ${m} ${t.name}`);
  }
  console.log(`language: ${count} names in the reference tables, ${count - stale.length} of them exist`);
  expect(count).toBeGreaterThan(200);
  expect(stale).toEqual([]);
});
