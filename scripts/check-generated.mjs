// Checks that the committed generated code (scripts/generated.mjs lists it)
// is exactly what the schemas give today: every file's header digests
// (a hand edit, or a schema changed without regenerating), then a full
// regeneration into a temporary folder compared byte for byte. Prints each
// file that differs and how to fix it; exits 1 on any problem, or when the
// capnp compiler is missing (the regeneration cannot be checked without it).
//
//   node scripts/check-generated.mjs      (npm run gen:check; .ci/run runs it)
//
// test/generated.test.ts runs the same two checks under vitest.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FIX, INSTALL_CAPNP, capnpMissing, checkHeaders, expectedFiles, strayFiles } from './generated.mjs';

/** The first line (1-based) where two texts differ. */
function firstDifference(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i + 1;
}

/**
 * Regenerates everything from root's schemas into a temporary folder (the
 * committed files are not touched) and compares. Needs capnp. Returns one
 * line per problem.
 */
export function regenerateAndCompare(root) {
  const tmp = mkdtempSync(join(tmpdir(), 'ww-gen-check-'));
  try {
    for (const script of ['gen-schema.mjs', 'gen-capsig.mjs']) {
      const run = spawnSync(process.execPath, [join(root, 'scripts', script), '--out', tmp], { encoding: 'utf8', cwd: root });
      if (run.error || run.status !== 0) return [`scripts/${script} failed: ${run.error?.message ?? String(run.stderr).trim()}`];
    }
    const problems = [];
    for (const { path } of expectedFiles(root)) {
      const committed = join(root, path);
      const fresh = join(tmp, path);
      if (!existsSync(fresh)) problems.push(`${path}: regenerating did not produce it`);
      else if (!existsSync(committed)) problems.push(`${path}: missing (regenerating creates it)`);
      else {
        const a = readFileSync(committed);
        const b = readFileSync(fresh);
        if (!a.equals(b)) problems.push(`${path}: differs from a fresh regeneration from line ${firstDifference(a.toString('utf8'), b.toString('utf8'))}`);
      }
    }
    for (const path of strayFiles(root)) problems.push(`${path}: stray (no schema generates it)`);
    return problems;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function main() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const count = expectedFiles(root).length;
  const headers = checkHeaders(root);
  const missing = capnpMissing();
  const regen = missing ? [] : regenerateAndCompare(root);
  const problems = [...new Set([...headers, ...regen])];
  for (const p of problems) console.error(`gen:check: ${p}`);
  if (problems.length) console.error(FIX);
  if (missing) {
    if (!headers.length) console.error(`gen:check: the headers of all ${count} generated files match their bodies and schemas`);
    console.error(`gen:check: cannot regenerate to compare: ${missing}. Install it: ${INSTALL_CAPNP}`);
    process.exit(1);
  }
  if (problems.length) process.exit(1);
  console.log(`gen:check: ${count} generated files match their headers and a fresh regeneration`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
