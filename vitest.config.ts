import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
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
    testTimeout: 30_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vitest-report.json' },
  },
});
