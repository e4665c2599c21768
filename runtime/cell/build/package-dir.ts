// Where an installed package lives. Some packages (jco, componentize-js)
// export no package.json, so require.resolve cannot find their folder;
// this walks Node's own lookup paths instead.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The package's directory, or null when it is not installed. */
export function packageDir(name: string): string | null {
  for (const base of createRequire(import.meta.url).resolve.paths(name) ?? []) {
    if (existsSync(join(base, name, 'package.json'))) return join(base, name);
  }
  return null;
}
