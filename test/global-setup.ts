// Regenerates glia/generated/sources.ts (the embedded prelude and std
// modules) and glia/generated/prelude-image.ts (the precompiled prelude,
// rebuilt only when the prelude or the compiler changed) before the tests
// run, as `npm run build` does, so no test runs a stale image. The code
// generated from .capnp schemas is committed and never regenerated here
// (test/generated.test.ts checks it is current).
import { execFileSync } from 'node:child_process';
export default function setup(): void {
  // Each vitest project (vitest.config.ts) runs the global setup; once is enough.
  if (process.env.WW_TEST_GLOBAL_SETUP_DONE) return;
  process.env.WW_TEST_GLOBAL_SETUP_DONE = '1';
  execFileSync(process.execPath, ['scripts/embed-sources.mjs'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-prelude-image.mjs'], { stdio: 'inherit' });
}
