// The order the test files start in: slowest first, by the durations in
// test/file-durations.json (scripts/record-test-durations.mjs writes it
// from a full run). With two workers, a long file that starts near the
// end leaves one core idle while it finishes; vitest's own order needs
// the durations of an earlier run in node_modules/.vite, which a fresh
// clone (CI) does not have, and falls back to the largest files first,
// which put the componentize-js builds (short files, long runs) late.
// A file not listed (a new one) starts first, as vitest does with files
// it has not seen; ties go largest first.
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { IN_PROCESS_PROJECT } from './projects.js';

const RECORDED: Record<string, number> = JSON.parse(readFileSync(new URL('./file-durations.json', import.meta.url), 'utf8'));

/**
 * The in-process files (test/projects.ts) go last, together: a worker
 * keeps its process only while the next file in the queue is one of them,
 * and they are short, so they fill the end.
 */
export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const key = (f: TestSpecification) => {
      const rel = relative(f.project.config.root, f.moduleId).split('\\').join('/');
      return { last: f.project.name === IN_PROCESS_PROJECT ? 1 : 0, seconds: RECORDED[rel] ?? Infinity, size: statSync(f.moduleId).size };
    };
    const keyed = files.map((f) => ({ f, k: key(f) }));
    keyed.sort((a, b) => (a.k.last - b.k.last) || (b.k.seconds - a.k.seconds) || (b.k.size - a.k.size));
    return keyed.map((x) => x.f);
  }
}
