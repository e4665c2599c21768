// Regenerates glia/generated/sources.ts (the embedded prelude and std
// modules) and glia/generated/capabilities.ts (the capability-signature
// table) before the tests run, as `npm run build` does.
import { execFileSync } from 'node:child_process';
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/embed-sources.mjs'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/gen-capsig.mjs'], { stdio: 'inherit' });
}
