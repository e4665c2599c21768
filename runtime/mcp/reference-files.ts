// The files the MCP server hands a model to read before it writes Glia:
// the language reference and the capability schemas. They are the
// repository's own files (doc/language.md, schema/*.capnp), found from
// this module's place in the sources or in dist/, never copies, so what
// the server serves is what the checker and the docs say.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest folder above this module holding doc/language.md. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  // runtime/mcp in the sources, dist/runtime/mcp when built.
  while (!existsSync(join(dir, 'doc', 'language.md')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export function languageReferencePath(): string {
  return join(packageRoot(), 'doc', 'language.md');
}

/** schema/*.capnp, sorted by name. */
export function schemaFiles(): Array<{ name: string; path: string }> {
  const dir = join(packageRoot(), 'schema');
  let names: string[] = [];
  try { names = readdirSync(dir).filter((n) => n.endsWith('.capnp')).sort(); } catch { /* no schemas shipped: no resources */ }
  return names.map((name) => ({ name, path: join(dir, name) }));
}
