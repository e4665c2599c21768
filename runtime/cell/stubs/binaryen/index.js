// Stand-in for binaryen (see package.json). jco reaches binaryen only by
// spawning bin/wasm-opt (transpile's `optimize`) or bin/wasm2js (its `js`
// asm.js output); nothing Wetware runs imports it. A load means a path we
// do not take, so it says so instead of failing somewhere deeper.
throw new Error('binaryen is not installed in Wetware (runtime/cell/stubs/binaryen): cells are transpiled without jco\'s optimize and js options (runtime/cell/translate.ts)');
