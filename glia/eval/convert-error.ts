// Turns JS exceptions that escape Glia code into Glia errors, so `try`
// can catch them like any other runtime error.
import { GliaError, gliaError } from '../values/errors.js';

export function toGliaError(e: unknown): GliaError {
  if (e instanceof GliaError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return gliaError('stack-overflow', 'recursion is too deep', null, 'use loop/recur for iteration, or reduce the recursion depth');
  }
  if (e instanceof RangeError && /Invalid (array|string) length|allocation|BigInt size/i.test(e.message)) {
    return gliaError('limit', `out of memory: ${e.message}`);
  }
  const msg = e instanceof Error ? e.message : String(e);
  const err = gliaError('internal', `internal error: ${msg}`, null, 'this is a bug in Glia; please report it with the program that caused it');
  (err as any).cause = e;
  return err;
}
