// Builds one JS test cell with componentize-js, in its own process (it
// peaks near 800 MB and sets preview2-shim's global preopens).
// Usage: node build.mjs SOURCE.js WIT_DIR WORLD OUT.wasm
import { writeFileSync } from 'node:fs';

const [source, witPath, worldName, out] = process.argv.slice(2);
// componentize-js reads the WIT and the source through preview2-shim's filesystem, which starts with nothing preopened.
const { _setPreopens } = await import('@bytecodealliance/preview2-shim/filesystem');
_setPreopens({ '/': '/' });
const { componentize } = await import('@bytecodealliance/componentize-js');
const { component } = await componentize({
  sourcePath: source, witPath, worldName,
  // No fetch(): cells get no wasi:http, and a component importing it would not load.
  disableFeatures: ['http', 'fetch-event'],
});
writeFileSync(out, component);
