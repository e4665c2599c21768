// The Markdown files whose examples are tested: README.md and every doc/*.md,
// found when the tests start, so a doc added later is picked up.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fences, type Fence } from './fences.js';

export const ROOT = resolve(import.meta.dirname, '../..');

export function docFiles(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'doc')).filter((f) => f.endsWith('.md')).sort().map((f) => `doc/${f}`)];
}

export function docFences(): Fence[] {
  return docFiles().flatMap((f) => fences(f, readFileSync(join(ROOT, f), 'utf8')));
}
