// The code generated from .capnp schemas is committed (scripts/generated.mjs
// lists it). These keep it honest, like `npm run gen:check`: the header
// digests without the compiler (a hand edit, a schema changed without
// regenerating), and a full regeneration compared byte for byte, which
// needs `capnp` (skipped with the reason printed when it is missing, unless
// WW_REQUIRE_CAPNP=1).
import { describe, it, expect } from 'vitest';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAPSIG, FIX, SCHEMA_SETS, checkHeaders, expectedFiles } from '../scripts/generated.mjs';
import { regenerateAndCompare } from '../scripts/check-generated.mjs';
import { skipWithoutCapnp } from '../runtime/test/capnp-available.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A copy of the schemas and their generated code, to break on purpose. */
function copyRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ww-generated-'));
  for (const set of SCHEMA_SETS as Array<{ dir: string; out: string }>) {
    cpSync(join(root, set.dir), join(dir, set.dir), { recursive: true });
  }
  cpSync(join(root, CAPSIG.out), join(dir, CAPSIG.out));
  return dir;
}

describe('committed generated code', () => {
  it('has every file, each with a header whose digests match its body and its schemas', () => {
    const problems: string[] = checkHeaders(root);
    expect(problems, `${problems.join('\n')}\n${FIX}`).toEqual([]);
    expect(expectedFiles(root).length).toBeGreaterThanOrEqual(10);
  });

  it('the header check catches a hand edit, a changed schema, a missing and a stray file', () => {
    const dir = copyRoot();
    try {
      const system = join(dir, 'schema/generated/system.ts');
      writeFileSync(system, readFileSync(system, 'utf8').replace('extends $.Struct', 'extends $.Struct '));
      appendFileSync(join(dir, 'bench/rpc/bench.capnp'), '\n# a new comment\n');
      rmSync(join(dir, 'runtime/test/fixtures/generated/vats.ts'));
      writeFileSync(join(dir, 'schema/generated/old.ts'), '');
      // The first test checks the untouched files; here only our breakage counts.
      expect(checkHeaders(dir)).toEqual(expect.arrayContaining([
        'schema/generated/system.ts: edited by hand (its body no longer matches the digest in its header)',
        'bench/rpc/generated/bench.ts: out of date (bench/rpc/*.capnp changed since it was generated)',
        'runtime/test/fixtures/generated/vats.ts: missing (not generated from runtime/test/fixtures/*.capnp)',
        'schema/generated/old.ts: stray (no schema generates it)',
      ]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(skipWithoutCapnp('compiler', 'test/generated.test.ts regenerating from the schemas'))(
    'is exactly what regenerating from the schemas gives, byte for byte', () => {
      const problems: string[] = regenerateAndCompare(root);
      expect(problems, `${problems.join('\n')}\n${FIX}`).toEqual([]);
    }, 120_000);
});
