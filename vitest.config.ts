import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { IN_PROCESS, IN_PROCESS_PROJECT, NOT_IN_PROCESS } from './test/projects.js';
import SlowestFirst from './test/sequencer.js';

export default defineConfig({
  resolve: {
    alias: {
      // Chevrotain's package entry is its ES sources, about 700 modules with
      // lodash-es, which Node loads one by one in every test file that reads
      // Glia (0.6 s of CPU each, measured). The package ships the same
      // release bundled as one module; the tests load that.
      chevrotain: fileURLToPath(new URL('./node_modules/chevrotain/lib/chevrotain.mjs', import.meta.url)),
    },
  },
  test: {
    include: ['glia/test/**/*.test.ts', 'runtime/test/**/*.test.ts', 'lsp/test/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['./test/setup.ts'],
    globalSetup: ['./test/global-setup.ts'],
    pool: 'forks',
    // One test file per core. Vitest's default is one less than the cores,
    // which on the 2-core machines is a single file at a time, while most
    // files spend their time waiting on the processes they start (ww
    // nodes, ww builds, ww eval runs).
    maxWorkers: Math.max(2, availableParallelism()),
    // The same larger V8 stack the ww bin runs with (see bin/ww.js).
    execArgv: ['--stack-size=3800'],
    // Slowest files first (test/file-durations.json), so the two workers
    // finish together.
    sequence: { sequencer: SlowestFirst },
    testTimeout: 30_000,
    // A hook's own hang guard (vitest's default is 10 s): setting up a
    // file's fixtures (WAT cells compiled, nodes booted) went past 10 s
    // under load and failed the file (cell/limits.test.ts at a load of
    // 20). Hooks that need more say so themselves.
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vitest-report.json' },
    projects: [
      // The files that need no fresh process (test/projects.ts says which
      // and why) share one per worker, importing Glia, libp2p and the rest
      // once: 0.5 to 0.9 s of CPU less per file (doc/performance.md, the
      // suite).
      {
        extends: true,
        // The exclude too: a file named on the command line runs in every
        // project that does not exclude it, whatever the include says.
        test: { name: IN_PROCESS_PROJECT, include: IN_PROCESS, exclude: [...configDefaults.exclude, ...NOT_IN_PROCESS], isolate: false },
      },
      { extends: true, test: { name: 'isolated', exclude: [...configDefaults.exclude, ...IN_PROCESS] } },
    ],
  },
});
