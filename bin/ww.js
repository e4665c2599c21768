#!/usr/bin/env -S node --stack-size=3800
// The `ww` command. A larger V8 stack (the OS gives the main thread 8 MiB)
// lets pure Glia code recurse well past 10,000 frames. The polyfill must
// load before any other module, so everything else is imported dynamically.
import '../dist/runtime/polyfill.js';
const { main } = await import('../dist/runtime/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
