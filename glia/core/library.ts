// The builtin part of glia.core, assembled from its areas.
import { Library } from './define.js';
import { defineNumbers } from './numbers.js';
import { defineColls } from './colls.js';
import { defineHofs } from './hofs.js';
import { defineStrings } from './strings.js';
import { defineMisc } from './misc.js';
import { defineBarrier } from './barrier.js';

export function buildCoreLibrary(): Library {
  const lib = new Library();
  defineNumbers(lib);
  defineColls(lib);
  defineHofs(lib);
  defineStrings(lib);
  defineMisc(lib);
  defineBarrier(lib);
  return lib;
}
