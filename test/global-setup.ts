// Regenerates glia/generated/sources.ts (the embedded prelude and std
// modules) before the tests run, as `npm run build` does. The code
// generated from .capnp schemas is committed and never regenerated here
// (test/generated.test.ts checks it is current).
import { execFileSync } from 'node:child_process';
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/embed-sources.mjs'], { stdio: 'inherit' });
}
