// Regenerates the committed TypeScript for every folder of schemas in
// scripts/generated.mjs (schema/, bench/rpc/, the test fixtures): one .ts
// per .capnp, into the folder's generated/. Part of `npm run gen:schema`;
// needs the reference compiler `capnp` (Debian: capnproto). The normal
// build never runs this: the output is committed.
//
//   node scripts/gen-schema.mjs [--out DIR]   (DIR mirrors the repository; for checks)
//
// We run `capnp compile -o-` ourselves, with file names relative to their
// folder, and hand the CodeGeneratorRequest to capnp-es's compileAll, so
// nothing is written next to the schemas and the output does not depend
// on where the repository lives.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileAll } from 'capnp-es/compiler';
import { SCHEMA_SETS, compileRequest, fail, outRoot, schemasOf, withHeader } from './generated.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = outRoot(root, process.argv.slice(2));

for (const set of SCHEMA_SETS) {
  const schemas = schemasOf(root, set.dir);
  const outDir = join(out, set.out);
  mkdirSync(outDir, { recursive: true });
  const wanted = new Set(schemas.map((s) => s.replace(/\.capnp$/, '.ts')));
  // A schema removed or renamed leaves no stale generated file behind.
  for (const f of readdirSync(outDir)) if (!wanted.has(f)) rmSync(join(outDir, f), { recursive: true, force: true });
  if (!schemas.length) continue;
  const { files } = await compileAll(compileRequest(root, set.dir, schemas), { ts: true });
  for (const s of schemas) {
    const name = s.replace(/\.capnp$/, '.ts');
    const text = files.get(name);
    if (text === undefined) fail([`error[gen]: capnp-es produced no ${name} for ${set.dir}/${s}`]);
    // The capnp-es CLI halves TypeScript's printer indentation the same way
    // (its 4 spaces become 2); the committed files keep that style.
    // Generated code is exempt from the project's lint-like compiler options.
    const body = '// @ts-nocheck\n' + text.replace(/^\s+/gm, (m) => ' '.repeat(m.length / 2));
    const result = withHeader(root, { from: `${set.dir}/${s}`, by: 'scripts/gen-schema.mjs (capnp-es)', dir: set.dir, body });
    const target = join(outDir, name);
    if (!existsSync(target) || readFileSync(target, 'utf8') !== result) writeFileSync(target, result);
  }
}
