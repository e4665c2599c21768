// The ww commands read files only through runtime/cli/read-input.ts, which
// refuses FIFOs, devices and directories and caps sizes (ARCHITECTURE.md,
// "The ww command"). A direct readFile elsewhere in runtime/cli or
// runtime/host would bring back `ww eval -f /dev/zero` filling the heap.
import { it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const READS = /\b(readFile|readFileSync|createReadStream)\s*\(/;

it('runtime/cli and runtime/host read files only through read-input.ts', () => {
  const files = ['runtime/cli', 'runtime/host'].flatMap((d) =>
    (readdirSync(join(root, d), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(root, d, f)));
  expect(files.length).toBeGreaterThan(10);
  const direct = files.filter((f) => !f.endsWith('read-input.ts') && READS.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));
  expect(direct).toEqual([]);
});
