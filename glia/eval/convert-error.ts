// Turns JS exceptions that escape Glia code into Glia errors, so `try`
// can catch them like any other runtime error.
import { GliaError, gliaError } from '../values/errors.js';

export function toGliaError(e: unknown): GliaError {
  if (e instanceof GliaError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return gliaError('stack-overflow', 'recursion is too deep', null, 'use loop/recur for iteration, or reduce the recursion depth');
  }
  if (e instanceof RangeError && /Invalid (array|string) length|allocation|BigInt size/i.test(e.message)) {
    // In our words: the engine's own text ("Invalid string length") names no Glia thing.
    const what = /string/i.test(e.message) ? 'a string would be longer than the engine allows (about 2^29 characters)'
      : /array/i.test(e.message) ? 'a collection would be larger than the engine allows'
      : /BigInt/i.test(e.message) ? 'a bigint would be larger than the engine allows' : 'the engine could not allocate the memory';
    return gliaError('limit', `out of memory: ${what}`, null, 'process large data in parts (reduce, run!, doseq) rather than building it whole');
  }
  const msg = e instanceof Error ? e.message : String(e);
  const err = gliaError('internal', `internal error: ${msg}`, null, 'this is a bug in Glia; please report it with the program that caused it');
  (err as any).cause = e;
  return err;
}
