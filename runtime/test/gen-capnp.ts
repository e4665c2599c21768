// Test helper: TypeScript for a test-only .capnp file, generated with
// capnp-es the way scripts/gen-schema.mjs generates schema/, into a fresh
// temporary folder, then imported. Needs `capnp` on PATH (see README).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function generateCapnp(schemaPath: string): Promise<any> {
  const dir = mkdtempSync(join(tmpdir(), 'ww-capnp-ts-'));
  const name = basename(schemaPath);
  copyFileSync(schemaPath, join(dir, name));
  execFileSync(process.execPath, [join(root, 'node_modules/capnp-es/dist/compiler/capnpc-js.mjs'), join(dir, name), '-ots'], { cwd: dir, stdio: 'ignore' });
  return import(join(dir, name.replace(/\.capnp$/, '.ts')));
}
