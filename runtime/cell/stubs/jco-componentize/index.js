// Stand-in for two of jco's own componentize back ends (see package.json).
// jco imports them only inside its `componentize` command, which fails
// offline anyway; ww build and the tests' fixtures call componentize-js
// 0.23, the direct dependency, themselves (runtime/cell/build/build.ts).
// An import here means that command ran, so it says what to use instead.
throw new Error('jco\'s componentize-js 0.19 and componentize-qjs back ends are not installed in Wetware (runtime/cell/stubs/jco-componentize): build cells with `ww build`, which calls @bytecodealliance/componentize-js directly');
