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
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/**
 * Ink's layout engine, yoga-layout, carries its WebAssembly as a base64
 * data: URL, which its Emscripten loader fetches with fetch() whenever
 * fetch exists: on Node that loads undici, http and http2 (a sixth of the
 * terminal app's start) to decode 95 KB. Its other path decodes the same
 * URL in place (atob). Here it is told there is no fetch.
 */
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const patched = text.replaceAll('typeof fetch', 'typeof __wwNoFetch');
      // A later yoga-layout may load differently: the bundle still works, only slower to start.
      if (patched === text) console.error(`bundle: ${relative(root, args.path)} no longer tests for fetch; its wasm may load through fetch again`);
      return { contents: patched, loader: 'js' };
    });
  },
};

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
  plugins: [metaUrlAsBuilt(cliDir), yogaWithoutFetch],
});
// `ww --help` as text, plain and coloured, so bin/ww.js prints it without
// loading the command (start-up: the target is 150 ms, and Node alone takes
// most of it). Made from the real help and the real colours.
{
  const { MAIN_HELP } = await import(pathToFileURL(join(cliDir, 'main.js')).href);
  const { paintHelp, style } = await import(pathToFileURL(join(dist, 'runtime/cli/colour.js')).href);
  writeFileSync(join(cliDir, 'main-help.js'), [
    '// GENERATED by scripts/bundle.mjs from MAIN_HELP (runtime/cli/main.ts). Do not edit.',
    `export const PLAIN = ${JSON.stringify(paintHelp(MAIN_HELP, style(false)) + '\n')};`,
    `export const COLOUR = ${JSON.stringify(paintHelp(MAIN_HELP, style(true)) + '\n')};`,
    '',
  ].join('\n'));
}
await bundleOne('runtime/node/initd/worker.ts', 'runtime/node/initd/worker.js');
await bundleOne('runtime/session/worker.ts', 'runtime/session/worker.js');
await bundleOne('runtime/cell/build/probe-worker.ts', 'runtime/cell/build/probe-worker.js');
await bundleOne('lsp/server-main.ts', 'lsp/server-main.js');
console.error(`bundled the ww command, the init.d, session and build-probe workers and the language server in ${Date.now() - t0} ms`);
