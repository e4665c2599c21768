// Writes test/file-durations.json, the order test/sequencer.ts runs the
// test files in (slowest first), from the durations vitest kept of the
// last runs in this checkout (node_modules/.vite/vitest/*/results.json:
// each file's whole time, its beforeAll hooks included). Run it after a
// full `npm test` when files were added or got much slower or faster;
// seconds, one decimal. A file it does not list runs first.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const seconds = {};
const base = join(root, 'node_modules', '.vite', 'vitest');
for (const d of existsSync(base) ? readdirSync(base) : []) {
  const f = join(base, d, 'results.json');
  if (!existsSync(f)) continue;
  for (const [key, v] of JSON.parse(readFileSync(f, 'utf8')).results) seconds[key.replace(/^[^:]*:/, '')] = v.duration / 1000;
}
const files = Object.keys(seconds).filter((f) => existsSync(join(root, f))).sort((a, b) => seconds[b] - seconds[a]);
if (files.length === 0) { console.error('no recorded durations: run npm test first'); process.exit(1); }
writeFileSync(join(root, 'test', 'file-durations.json'),
  `${JSON.stringify(Object.fromEntries(files.map((f) => [f, Math.round(seconds[f] * 10) / 10])), null, 1)}\n`);
console.log(`test/file-durations.json: ${files.length} files`);
