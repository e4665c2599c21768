// Bundles the entry points that start a process or a thread, in place of
// tsc's output for them, so that starting one reads a few files instead of
// resolving hundreds of ES modules (Chevrotain alone pulls in 640 files of
// lodash-es). Run by `npm run build` after tsc:
//   dist/runtime/cli/main.js         the `ww` command (bin/ww.js imports it); each
//                                    command stays a chunk of its own beside it,
//                                    loaded when it runs
//   dist/runtime/node/initd/worker.js  the thread of one init.d script
//   dist/runtime/session/worker.js   the thread a ww shell or ww mcp session evaluates on
//   dist/lsp/server-main.js          the language server
// Every bundled module behaves as if it were still at its own place in
// dist/: `import.meta.url` in our sources becomes the URL of the file tsc
// made from it, so the files found next to a module (worker entries, the
// cell runtime, the std image) are found as before. A bare `tsc` run puts
// the unbundled files back, which still work, only slower to start.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
// `--out DIR` writes the bundles under DIR instead (same paths below it),
// still pointing their import.meta.url at dist/: the test of the bundles
// (runtime/test/bundle.test.ts) uses it, and leaves dist/ alone.
const outAt = process.argv.indexOf('--out');
const out = outAt >= 0 ? resolve(process.argv[outAt + 1]) : dist;

// Stay outside every bundle: native or wasm-loading packages that find their
// own files (jco, componentize-js, preview2-shim, esbuild's binary). Only
// the commands that build or run cells load them, when they run.
// react-devtools-core: Ink imports it only with DEV=true, and it is not installed.
const EXTERNAL = ['@bytecodealliance/*', 'esbuild', 'react-devtools-core'];

/** `import.meta.url` of a source file under root, as the URL of its tsc output, seen from `outdir`. */
function metaUrlAsBuilt(outdir) {
  return {
    name: 'meta-url-as-built',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const rel = relative(root, args.path);
        if (rel.startsWith('..') || rel.split(sep)[0] === 'node_modules') return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
        const built = join(dist, rel.replace(/\.ts$/, '.js'));
        const fromOut = relative(outdir, built).split(sep).join('/');
        const url = `new URL(${JSON.stringify(fromOut.startsWith('.') ? fromOut : `./${fromOut}`)}, import.meta.url).href`;
        return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Function names survive (error messages and Glia stacks name functions).
  keepNames: true,
  sourcemap: true,
  external: EXTERNAL,
  // CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __wwCreateRequire } from 'node:module'; const require = __wwCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};

async function bundleOne(entry, outfile) {
  const outdir = dirname(join(out, outfile));
  await build({ ...common, entryPoints: [join(root, entry)], outfile: join(out, outfile), plugins: [metaUrlAsBuilt(outdir)] });
}

const t0 = Date.now();
// The CLI: commands are loaded on demand, so they are split into chunks
// next to main.js (one folder, so the URL rewrite above holds for all).
const cliDir = join(out, 'runtime/cli');
mkdirSync(cliDir, { recursive: true });
for (const f of readdirSync(cliDir)) if (f.startsWith('chunk-')) rmSync(join(cliDir, f));
await build({
  ...common,
  entryPoints: [join(root, 'runtime/cli/main.ts')],
  outdir: cliDir,
  splitting: true,
  chunkNames: 'chunk-[name]-[hash]',
  plugins: [metaUrlAsBuilt(cliDir)],
});
await bundleOne('runtime/node/initd/worker.ts', 'runtime/node/initd/worker.js');
await bundleOne('runtime/session/worker.ts', 'runtime/session/worker.js');
await bundleOne('lsp/server-main.ts', 'lsp/server-main.js');
console.error(`bundled the ww command, the init.d and session workers and the language server in ${Date.now() - t0} ms`);
