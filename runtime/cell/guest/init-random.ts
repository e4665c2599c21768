// componentize-js runs a cell's top level at build time (Wizer
// pre-initialization), where no wasi:random import exists, and
// StarlingMonkey's Math.random calls it: the build traps with "unknown
// imported function ... get-random-u64". immutable.js draws its
// hash-collision seed from Math.random when it loads, so Math.random is a
// fixed xorshift generator until the cell has compiled itself, and the
// engine's own after that (restoreRandom). The seed only spreads hash
// collisions; a fixed one is the same for every spawn of one component.
// This module must be the entry's first import, so that it runs first.
const engineRandom = Math.random;
let state = 0x2545f491;
Math.random = () => {
  state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
  return (state >>> 0) / 4294967296;
};

export function restoreRandom(): void { Math.random = engineRandom; }
