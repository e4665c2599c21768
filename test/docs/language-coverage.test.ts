// The language reference covers the language, both ways: every public
// function and macro of glia.core is defined in a reference table (first
// column Function, Form or Macro) or a heading of doc/language.md or
// doc/std.md, every internal hook (`-name`) is listed under language.md's
// "Internal names", every special form in its list of special forms, every
// public var of each std module in a table of its `## ww/NAME` section of
// doc/std.md;
// and every name those tables and lists define exists in the code.
import { it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './doc-files.js';
import { existing, codeSpans, tabledNames, moduleSections, headingNames, sectionOf, type Existing } from './language-names.js';

const lang = readFileSync(join(ROOT, 'doc', 'language.md'), 'utf8');
const std = readFileSync(join(ROOT, 'doc', 'std.md'), 'utf8');
const sections = moduleSections(std);
const INTERNAL = '### Internal names';
const internalListed = codeSpans(sectionOf(lang, INTERNAL)).filter((n) => n !== 'glia.core');
/** The paragraph of language.md that lists the special forms. */
const specialAt = lang.indexOf('The special forms are');
// Its spans of reader syntax (`` `x ``, `~x`) name no form.
const specialList = codeSpans(lang.slice(specialAt, lang.indexOf("A special form's name", specialAt))).filter((n) => /^[a-z]/.test(n));
let have: Existing;
beforeAll(async () => { have = await existing(); });

it('every glia.core function and macro is in a reference table or heading of doc/language.md or doc/std.md', () => {
  const defined = new Set([...tabledNames(lang), ...tabledNames(std)].map((t) => t.name));
  const headings = headingNames(lang);
  const missing = have.core.filter((n) => !defined.has(n) && !headings.has(n) && !internalListed.includes(n));
  console.log(`language: ${have.core.length - missing.length} of ${have.core.length} core names documented, ${have.special.length} special forms, ${have.internal.length} internal hooks`);
  expect(missing).toEqual([]);
});

it(`every internal hook of glia.core is listed under "${INTERNAL}" in doc/language.md, and each listed there exists`, () => {
  expect({
    'not listed': have.internal.filter((n) => !internalListed.includes(n)),
    'listed, not in glia.core': internalListed.filter((n) => !have.internal.includes(n) && !have.core.includes(n)),
  }).toEqual({ 'not listed': [], 'listed, not in glia.core': [] });
});

it('doc/language.md lists exactly the special forms', () => {
  expect([...new Set(specialList)].sort()).toEqual(have.special);
});

it('every std module has a section in doc/std.md, and each of its public vars is in a table there', () => {
  const missing: Record<string, string[]> = {};
  let total = 0, documented = 0;
  for (const [m, names] of have.modules) {
    const section = sections.get(m);
    const defined = new Set(tabledNames(section ?? '').map((t) => t.name));
    const gone = section ? names.filter((n) => !defined.has(n)) : ['(no `## ' + m + '` section)'];
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
