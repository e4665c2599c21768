// Every Glia example in README.md and doc/*.md (`expr ; => value`,
// `expr ; error[code]`, and the Example/Result rows of std.md's tables),
// run in a real Session with the host effects of `ww eval`, each a test
// named FILE:LINE. Conventions: test/docs/README.md.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docFences, docFiles, ROOT } from './doc-files.js';
import { gliaBlock, tableExamples, DocSession, verdict, GLIA_LANGS, MARKER_LIKE, type Block, type Step } from './glia-examples.js';

const fenceList = docFences();
const tables = docFiles().flatMap((f) => tableExamples(f, readFileSync(join(ROOT, f), 'utf8')));
// Fenced blocks and table rows, each file's in the order of its lines.
const blocks = [...fenceList.map(gliaBlock).filter((b): b is Block => b !== null), ...tables]
  .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
const byFile = new Map<string, Block[]>();
for (const b of blocks) byFile.set(b.file, [...(byFile.get(b.file) ?? []), b]);

const count = (k: string) => blocks.flatMap((b) => b.steps).filter((s) => s.expect.kind === k).length;
const illustrative = fenceList.filter((f) => GLIA_LANGS.has(f.info[0] ?? '')).map((f) => f.lines.filter((l) => /;+\s*~>/.test(l)).length).reduce((a, b) => a + b, 0);
console.log(`doc examples: ${count('value')} values (${tables.length} of them table rows), ${count('error')} errors, ${illustrative} illustrative (not run), in ${byFile.size} files`);

it('every `; =>` line in the docs is in a Glia block, where it is run or marked illustrative', () => {
  const stray = fenceList.filter((f) => !GLIA_LANGS.has(f.info[0] ?? ''))
    .flatMap((f) => f.lines.flatMap((l, i) => MARKER_LIKE.test(l) ? [`${f.file}:${f.line + 1 + i}: ${l.trim()}`] : []));
  const unrun = fenceList.filter((f) => GLIA_LANGS.has(f.info[0] ?? '') && !gliaBlock(f))
    .flatMap((f) => f.lines.flatMap((l, i) => MARKER_LIKE.test(l) ? [`${f.file}:${f.line + 1 + i}: ${l.trim()}`] : []));
  expect([...stray, ...unrun]).toEqual([]);
});

it('every example marker is on a form of its own, after it', () => {
  const problems = blocks.flatMap((b) => b.steps.filter((s) => s.problem).map((s) => `${b.file}:${s.line}: ${s.problem}`));
  expect(problems).toEqual([]);
});

for (const [file, fileBlocks] of byFile) {
  describe(file, () => {
    let session: DocSession;
    beforeAll(() => { session = new DocSession(ROOT); });
    // Forms without a marker run, in order, inside the next example's test.
    let pending: Step[] = [];
    for (const block of fileBlocks) {
      pending.push({ line: block.line, code: "(in-ns 'user)", form: '', expect: { kind: 'none' } });
      for (const step of block.steps) {
        if (step.expect.kind === 'none') { pending.push(step); continue; }
        if (step.expect.kind === 'illustrative') continue;
        const setup = pending;
        pending = [];
        it(`${file}:${step.line}  ${step.form.split('\n')[0]!.slice(0, 60)}`, async () => {
          for (const s of setup) {
            const out = await session.run(s.code, `<${file}:${s.line}>`);
            expect(verdict(s, out), `${file}:${s.line}`).toBeNull();
          }
          const out = await session.run(step.code, `<${file}:${step.line}>`);
          expect(verdict(step, out), `${file}:${step.line}`).toBeNull();
        });
      }
    }
  });
}
