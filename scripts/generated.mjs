// The code generated from the .capnp schemas, and the header each generated
// file carries. The files are committed, so a clone builds and tests with
// Node alone; only changing a schema needs the Cap'n Proto compiler
// (`npm run gen:schema`). Used by gen-schema.mjs and gen-capsig.mjs, which
// write the files, and by check-generated.mjs and test/generated.test.ts,
// which keep them honest.
//
// The header names the schemas, the command that regenerates the file, and
// two digests: of the schemas it was generated from, and of its own body.
// So without the compiler a check still sees a hand edit (the body digest)
// and a schema changed without regenerating (the inputs digest); with the
// compiler, check-generated.mjs also regenerates and compares byte for byte.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Folders of schemas whose TypeScript (capnp-es) goes to `out`, one .ts per .capnp. */
export const SCHEMA_SETS = [
  { dir: 'schema', out: 'schema/generated' },
  { dir: 'bench/rpc', out: 'bench/rpc/generated' },
  { dir: 'runtime/test/fixtures', out: 'runtime/test/fixtures/generated' },
  { dir: 'runtime/test/interop', out: 'runtime/test/interop/generated' },
];

/** The capability-signature table, from schema/*.capnp (gen-capsig.mjs). */
export const CAPSIG = { dir: 'schema', out: 'glia/generated/capabilities.ts' };

export const REGENERATE = 'npm run gen:schema';
export const CHECK = 'npm run gen:check';
export const INSTALL_CAPNP = 'apt-get install capnproto (macOS: brew install capnp)';

/** The .capnp files of `dir` (relative to root), sorted by name. */
export function schemasOf(root, dir) {
  const abs = join(root, dir);
  return existsSync(abs) ? readdirSync(abs).filter((f) => f.endsWith('.capnp')).sort() : [];
}

// Digests ignore CRLF, so a checkout that converts line ends still checks.
function digest(parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(p.replace(/\r\n/g, '\n')).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** The digest of every schema in `dir`: each generated file may depend on any of them through imports. */
export function inputsDigest(root, dir) {
  return digest(schemasOf(root, dir).flatMap((f) => [f, readFileSync(join(root, dir, f), 'utf8')]));
}

const DIGEST_LINE = /^\/\/ digests: inputs (\S+) ([0-9a-f]{16}), body ([0-9a-f]{16})\n/m;

/**
 * `body` with the generated-file header: `from` names the schema(s), `by`
 * the script; `dir` is the schema folder the inputs digest covers.
 */
export function withHeader(root, { from, by, dir, body }) {
  return `// GENERATED from ${from} by ${by}. Do not edit.\n` +
    `// Regenerate with \`${REGENERATE}\` (needs the capnp compiler); \`${CHECK}\` checks it.\n` +
    `// digests: inputs ${dir}/*.capnp ${inputsDigest(root, dir)}, body ${digest([body])}\n` +
    body;
}

/** Every generated file that should exist, with the schema folder it comes from (paths relative to root). */
export function expectedFiles(root) {
  const files = [];
  for (const set of SCHEMA_SETS) {
    for (const s of schemasOf(root, set.dir)) files.push({ path: `${set.out}/${s.replace(/\.capnp$/, '.ts')}`, dir: set.dir });
  }
  files.push({ path: CAPSIG.out, dir: CAPSIG.dir });
  return files;
}

/** Files in the generated folders that no schema accounts for (a schema was removed or renamed). */
export function strayFiles(root) {
  const expected = new Set(expectedFiles(root).map((f) => f.path));
  const stray = [];
  for (const set of SCHEMA_SETS) {
    const abs = join(root, set.out);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs).sort()) if (!expected.has(`${set.out}/${f}`)) stray.push(`${set.out}/${f}`);
  }
  return stray;
}

/** How to fix any problem found: printed after the list. */
export const FIX = `Fix: run \`${REGENERATE}\` (needs the capnp compiler: ${INSTALL_CAPNP}) and commit the result. Never edit generated files by hand.`;

/**
 * Checks every generated file's header without the compiler: present,
 * body unchanged, generated from the schemas as they are now. Returns one
 * line per problem (none when all is well).
 */
export function checkHeaders(root) {
  const problems = [];
  for (const { path, dir } of expectedFiles(root)) {
    const abs = join(root, path);
    if (!existsSync(abs)) { problems.push(`${path}: missing (not generated from ${dir}/*.capnp)`); continue; }
    const text = readFileSync(abs, 'utf8');
    const m = DIGEST_LINE.exec(text);
    if (!m || !text.startsWith('// GENERATED from ')) { problems.push(`${path}: has no generated-file header`); continue; }
    const body = text.slice(m.index + m[0].length);
    if (m[1] !== `${dir}/*.capnp`) problems.push(`${path}: its header names inputs ${m[1]}, expected ${dir}/*.capnp`);
    else if (m[2] !== inputsDigest(root, dir)) problems.push(`${path}: out of date (${dir}/*.capnp changed since it was generated)`);
    if (m[3] !== digest([body])) problems.push(`${path}: edited by hand (its body no longer matches the digest in its header)`);
  }
  for (const path of strayFiles(root)) problems.push(`${path}: stray (no schema generates it)`);
  return problems;
}

/**
 * Why the capnp compiler cannot be used, or null when it can. `capnp` is
 * the Debian package capnproto's compiler.
 */
export function capnpMissing() {
  const probe = spawnSync('capnp', ['--version'], { encoding: 'utf8' });
  if (probe.error) return 'the Cap\'n Proto compiler `capnp` is not on PATH';
  if (probe.status !== 0) return `\`capnp --version\` failed: ${String(probe.stderr).trim()}`;
  return null;
}

/**
 * The CodeGeneratorRequest for `files` in root/dir, from `capnp compile -o-`.
 * Files are named relative to their folder, so the output does not depend
 * on where the repository is checked out. Exits with a clear message when
 * capnp is missing or the schemas do not compile.
 */
export function compileRequest(root, dir, files) {
  const missing = capnpMissing();
  if (missing) fail([`error[gen]: ${missing}; it is needed to regenerate code from ${dir}/*.capnp.`, `  Install it: ${INSTALL_CAPNP}`]);
  const cwd = join(root, dir);
  const run = spawnSync('capnp', ['compile', '-o-', ...files], {
    cwd,
    // capnp warns when PWD disagrees with its working directory.
    env: { ...process.env, PWD: cwd },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error || run.status !== 0) {
    fail([`error[gen]: \`capnp compile\` failed on ${dir}/*.capnp:`, `  ${run.error ? run.error.message : String(run.stderr).trim()}`]);
  }
  return run.stdout;
}

export function fail(lines) {
  console.error(lines.join('\n'));
  process.exit(1);
}

/** The output root: `--out DIR` (a folder mirroring the repository, for checks), else the repository itself. */
export function outRoot(root, argv) {
  const i = argv.indexOf('--out');
  if (i < 0) return root;
  if (!argv[i + 1]) fail(['error[gen]: --out needs a folder']);
  return argv[i + 1];
}
