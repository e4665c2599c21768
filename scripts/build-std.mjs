// Builds the std image's status cell (std/status -> std/status/bin/status.wasm)
// with `ww build`, as `npm install` does after compiling, so `ww run` boots
// with /status served. componentize-js takes 10-20 s, so the cell is rebuilt
// only when something it is built from is newer than it: std/status, the
// Glia engine (glia/) and the cell runtime (runtime/cell/guest/).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'std', 'status', 'bin', 'status.wasm');
const inputs = ['std/status', 'glia', 'runtime/cell/guest', 'runtime/cell/build', 'dist/runtime/cell/guest'];

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'bin' && e.name !== 'test' && e.name !== 'node_modules') t = Math.max(t, newest(p)); }
    else t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

if (existsSync(out) && !process.argv.includes('--force')) {
  const built = statSync(out).mtimeMs;
  if (inputs.every((i) => newest(join(root, i)) <= built)) {
    console.error('std/status/bin/status.wasm is up to date');
    process.exit(0);
  }
}
const r = spawnSync(process.execPath, ['--stack-size=3800', join(root, 'bin', 'ww.js'), 'build', join(root, 'std', 'status')], { stdio: ['ignore', 'inherit', 'inherit'] });
process.exit(r.status ?? 1);
