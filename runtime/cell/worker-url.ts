// Where a worker thread's entry point is (the cell worker, the translator).
// Built code (dist/) has NAME.js next to this file. Running from
// TypeScript source (the tests, through vitest) it does not exist, and a
// worker thread cannot load .ts, so the entry is bundled with esbuild into
// one file in the temp directory, named by the hash of its contents
// (reused while unchanged). Packages stay outside the bundle, imported by
// absolute URL, so they find their own files (jco loads its wasm that way).
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type WorkerName = 'worker' | 'translate-worker';

const entries = new Map<WorkerName, Promise<URL>>();

export function workerEntry(name: WorkerName = 'worker'): Promise<URL> {
  let e = entries.get(name);
  if (!e) entries.set(name, (e = locate(name)));
  return e;
}

async function locate(name: WorkerName): Promise<URL> {
  return workerEntryNextTo(new URL(`./${name}.js`, import.meta.url));
}

/**
 * The entry of a worker whose built file is `built` (dist/.../NAME.js):
 * that file when it exists, else its TypeScript source bundled as above.
 * Other workers (the node's init.d scripts) find theirs the same way.
 */
export async function workerEntryNextTo(built: URL): Promise<URL> {
  if (existsSync(fileURLToPath(built))) return built;
  const source = fileURLToPath(built).replace(/\.js$/, '.ts');
  const name = source.replace(/^.*[\\/]/, '').replace(/\.ts$/, '');
  const { build } = await import('esbuild');
  const require = createRequire(import.meta.url);
  const out = await build({
    entryPoints: [source], bundle: true, platform: 'node', format: 'esm', target: 'node20',
    write: false, logLevel: 'silent',
    plugins: [{
      name: 'packages-by-url',
      setup(b) {
        b.onResolve({ filter: /^[@a-z]/ }, (args) => {
          if (args.path.startsWith('node:')) return { path: args.path, external: true };
          return { path: pathToFileURL(require.resolve(args.path)).href, external: true };
        });
      },
    }],
  });
  const code = out.outputFiles[0]!.contents;
  const file = join(tmpdir(), `ww-cell-${name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  return pathToFileURL(file);
}
