// The built-in std image, what `ww run` boots with no layers: std/image/
// (etc/init.d/05-status.glia) plus the status cell that `npm install`
// builds from std/status into std/status/bin/status.wasm, placed at
// bin/status.wasm.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImageFile } from './image.js';
import { regularFileSize } from './image.js';

/** The repository (or installed package) root: the folder with std/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  // runtime/node in the sources, dist/runtime/node when built.
  while (!existsSync(join(dir, 'std', 'image')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const STD_IMAGE_NAME = 'std';

/** Where `npm install` (build:std) puts the std image's status cell. */
export function statusCellPath(): string {
  return join(packageRoot(), 'std', 'status', 'bin', 'status.wasm');
}

export async function stdImage(): Promise<{ layer: string; extra: Map<string, ImageFile>; missingHints: Map<string, string> }> {
  const extra = new Map<string, ImageFile>();
  const missingHints = new Map<string, string>();
  const status = statusCellPath();
  const size = await regularFileSize(status);
  // Without it, 05-status.glia's (load "/bin/status.wasm") fails and says what builds it; the node still runs.
  if (size !== null) extra.set('bin/status.wasm', { kind: 'local', path: status, size });
  else missingHints.set('bin/status.wasm', `the std image's status cell is not built: run \`npm run build:std\` in ${packageRoot()} (it runs \`ww build std/status\`), then start the node again`);
  return { layer: join(packageRoot(), 'std', 'image'), extra, missingHints };
}
