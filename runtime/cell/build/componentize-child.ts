// Runs componentize-js in a child process: it holds its thread for most of
// the seconds it takes (the build's process keeps showing progress), peaks
// near 1 GB (freed when the child ends), spawns Wizer with inherited stdio
// (which a worker thread cannot give it) and needs preview2-shim's global
// preopens set to '/'. Usage: node componentize-child.js SOURCE WIT WORLD OUT
import { writeFileSync } from 'node:fs';

const [sourcePath, witPath, worldName, out] = process.argv.slice(2) as [string, string, string, string];
const { _setPreopens } = await import('@bytecodealliance/preview2-shim/filesystem' as string);
_setPreopens({ '/': '/' });
const { componentize } = await import('@bytecodealliance/componentize-js' as string);
const { component } = await componentize({
  sourcePath, witPath, worldName,
  // No fetch(): cells get no wasi:http, and a component importing it would not load.
  disableFeatures: ['http', 'fetch-event'],
});
writeFileSync(out, component);
