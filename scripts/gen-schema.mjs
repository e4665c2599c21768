// Generates TypeScript from schema/*.capnp with capnp-es into
// schema/generated/ (not committed; `npm run build` runs this), and the same
// way from bench/rpc/*.capnp (the RPC benchmark's schema) into
// bench/rpc/generated/. capnp-es
// drives the reference compiler, `capnp`, from the Debian package
// `capnproto`; without it the build stops here and says how to get it.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, mkdirSync, renameSync, existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const schemaDir = join(root, 'schema');

const probe = spawnSync('capnp', ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.error([
    'error[build]: the Cap\'n Proto compiler `capnp` is not on PATH.',
    '  Wetware generates its RPC types from schema/*.capnp with it.',
    '  Install it, then run `npm install` again:',
    '    Debian/Ubuntu:  sudo apt-get install capnproto',
    '    macOS:          brew install capnp',
  ].join('\n'));
  process.exit(1);
}

// Compiles every dir/*.capnp into dir/generated/ (emptied first). `label` is
// the directory as the header of each generated file names it.
function generate(dir, label) {
  const out = join(dir, 'generated');
  const schemas = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.capnp')).sort() : [];
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  if (!schemas.length) return;
  const bin = join(root, 'node_modules', 'capnp-es', 'dist', 'compiler', 'capnpc-js.mjs');
  execFileSync(process.execPath, [bin, ...schemas.map((s) => join(dir, s)), '-ots'], { stdio: ['ignore', 'ignore', 'inherit'], cwd: dir });
  for (const s of schemas) {
    const ts = join(dir, s.replace(/\.capnp$/, '.ts'));
    const target = join(out, s.replace(/\.capnp$/, '.ts'));
    // Generated code is exempt from the project's lint-like compiler options.
    const text = readFileSync(ts, 'utf8');
    writeFileSync(target, `// GENERATED from ${label}/${s} by scripts/gen-schema.mjs (capnp-es). Do not edit.\n// @ts-nocheck\n` +
      text.replace(/from "\.\/([\w-]+)\.js"/g, 'from "./$1.js"'));
    rmSync(ts);
  }
}

generate(schemaDir, 'schema');
generate(join(root, 'bench', 'rpc'), 'bench/rpc');
