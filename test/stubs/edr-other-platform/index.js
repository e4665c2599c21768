// @nomicfoundation/edr 0.13 (the last release that runs on Node 20) lists
// the native build of every platform as a hard dependency, 190 MB in all.
// The tests' dev chain needs only linux-x64-gnu, the platform CI runs on;
// package.json overrides the six others with this stand-in, which says so.
throw new Error('this @nomicfoundation/edr native build is replaced by a stub (test/stubs/edr-other-platform): the in-process Ethereum dev chain runs on linux-x64-gnu only');
