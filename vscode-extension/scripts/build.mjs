// Builds what the .vsix ships:
//   dist/extension.js   the extension client (CommonJS, as VS Code loads it)
//   server/server.js    the Glia language server, from the repository's lsp/ entry
//   server/ww.js        the `ww` CLI (for "Evaluate top-level form"), from bin/ww.js
// Both server files are single ES-module bundles of the TypeScript sources
// (glia/, runtime/, lsp/ and their npm dependencies), so the extension
// needs neither a global `ww` nor node_modules. They are bundled from
// source, not from the root's tsc output, so they never lag behind it; the
// root build must still have run once for the files it generates
// (glia/generated/, schema/generated/).
import { build } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(here, '..');

function fail(message) {
  console.error(`vscode-extension build: ${message}`);
  process.exit(1);
}

// The language server's stdio entry; it loads the Node 20 polyfill first.
const lspEntry = join(root, 'lsp/server-main.ts');
if (!existsSync(lspEntry)) {
  fail(`the language server entry ${relative(root, lspEntry)} is missing.\n` +
    'The .vsix bundles the server from it, so the extension cannot be built without it.');
}
for (const generated of [join(root, 'glia/generated/sources.ts'), join(root, 'glia/generated/prelude-image.ts')]) {
  if (!existsSync(generated)) {
    fail(`${relative(root, generated)} is missing: run \`npm install\` (or \`npm run build\`) at the repository root first.`);
  }
}

// Type-check the client; esbuild only strips types.
try {
  execFileSync(process.execPath, [join(here, 'node_modules/typescript/bin/tsc'), '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });
} catch {
  fail('type errors in src/ (see above)');
}

rmSync(join(here, 'dist'), { recursive: true, force: true });
rmSync(join(here, 'server'), { recursive: true, force: true });

await build({
  entryPoints: [join(here, 'src/extension.ts')],
  outfile: join(here, 'dist/extension.js'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  logLevel: 'warning',
});

// bin/ww.js imports the compiled ../dist/...; bundle the TypeScript it was compiled from instead.
const fromSource = {
  name: 'from-source',
  setup(b) {
    b.onResolve({ filter: /\/dist\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      const rel = relative(join(root, 'dist'), target);
      if (rel.startsWith('..')) return undefined;
      const ts = join(root, rel.replace(/\.js$/, '.ts'));
      return existsSync(ts) ? { path: ts } : undefined;
    });
  },
};

mkdirSync(join(here, 'server'), { recursive: true });
// The bundles are ES modules (the entries use top-level await); this makes Node load server/*.js as such.
writeFileSync(join(here, 'server/package.json'), JSON.stringify({ type: 'module' }) + '\n');
const serverBundle = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Names survive bundling: the Glia runtime compiles code with `new Function`
  // and error messages and stacks name the functions they come from.
  keepNames: true,
  plugins: [fromSource],
  // CommonJS dependencies (vscode-languageserver...) call require() for Node built-ins.
  banner: { js: "import { createRequire as __wwCreateRequire } from 'node:module'; const require = __wwCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};
// The extension runs `ww eval` and `ww lsp` only. The cell host and the cell
// build (jco, componentize-js, and the native modules under them) stay out
// of the bundle; ww loads each command when it runs, so they are never asked for.
const cellToolchain = ['@bytecodealliance/*', 'esbuild'];
// Ink (the shell's terminal app) imports react-devtools-core only with
// DEV=true, and it is not installed; in this one-file bundle its import
// would run at load, so it is an empty module here.
const noDevtools = {
  name: 'no-react-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'no-devtools' }));
    b.onLoad({ filter: /.*/, namespace: 'no-devtools' }, () => ({ contents: 'export default {};', loader: 'js' }));
  },
};
await build({ ...serverBundle, plugins: [...serverBundle.plugins, noDevtools], external: cellToolchain, entryPoints: [join(root, 'bin/ww.js')], outfile: join(here, 'server/ww.js') });
await build({ ...serverBundle, entryPoints: [lspEntry], outfile: join(here, 'server/server.js') });
console.log(`vscode-extension build: dist/extension.js, server/server.js (from ${relative(root, lspEntry)}), server/ww.js`);
