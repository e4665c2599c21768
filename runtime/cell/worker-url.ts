// Where the cell worker's entry point is. Built code (dist/) has
// worker.js next to this file. Running from TypeScript source (the tests,
// through vitest) it does not exist, and a worker thread cannot load .ts,
// so the entry is bundled with esbuild into one file in the temp
// directory, named by the hash of its contents (reused while unchanged).
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let entry: Promise<URL> | undefined;

export function workerEntry(): Promise<URL> {
  return (entry ??= locate());
}

async function locate(): Promise<URL> {
  const built = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  const source = fileURLToPath(new URL('./worker.ts', import.meta.url));
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [source], bundle: true, platform: 'node', format: 'esm', target: 'node20',
    write: false, logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.contents;
  const file = join(tmpdir(), `ww-cell-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  return pathToFileURL(file);
}
