// Glia errors are data: maps keyed by :glia.error/type and
// :glia.error/message. A GliaError is the JS exception that carries such
// a value (or any thrown value) through JS frames.
import { Map as IMap } from 'immutable';
import { kw, Keyword } from './keyword.js';
import type { Span } from '../span.js';

export const ERR_TYPE = kw('glia.error/type');
export const ERR_MESSAGE = kw('glia.error/message');
export const ERR_HINT = kw('glia.error/hint');
export const ERR_SPAN = kw('glia.error/span');
export const ERR_CODE = kw('glia.error/code');

/** One frame of the Glia call stack: the function and where it was. */
export interface StackFrame { name: string; span?: Span }

export class GliaError extends Error {
  /** Glia frames in flight when the error left its origin, innermost first. */
  gliaStack: StackFrame[] = [];
  /** The source location the error is best attributed to. */
  span?: Span;
  constructor(readonly value: any) {
    // Deep enough a JS stack to recover the Glia frames in flight (see eval/stack.ts).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 64;
    super(messageOf(value));
    Error.stackTraceLimit = limit;
    this.name = 'GliaError';
  }
}

export function errorType(v: any): Keyword | null {
  return IMap.isMap(v) && (v as any).get(ERR_TYPE) instanceof Keyword ? (v as any).get(ERR_TYPE) : null;
}

export function messageOf(v: any): string {
  if (IMap.isMap(v) && typeof (v as any).get(ERR_MESSAGE) === "string") return (v as any).get(ERR_MESSAGE);
  try { return String(v); } catch { return 'error'; }
}

/** Builds the error map for one of the runtime's own types. */
export function errorValue(type: string, message: string, extra?: Record<string, any> | null, hint?: string): IMap<any, any> {
  let m = IMap<any, any>().asMutable();
  m.set(ERR_TYPE, kw(type, 'glia.error'));
  m.set(ERR_MESSAGE, message);
  if (hint) m.set(ERR_HINT, hint);
  if (extra) for (const [k, v] of Object.entries(extra)) m.set(kw(k), v);
  return m.asImmutable();
}

/** Creates (does not throw) a GliaError of a runtime type. */
export function gliaError(type: string, message: string, extra?: Record<string, any> | null, hint?: string): GliaError {
  return new GliaError(errorValue(type, message, extra, hint));
}

/** Throws a GliaError of a runtime type. */
export function fail(type: string, message: string, extra?: Record<string, any> | null, hint?: string): never {
  throw gliaError(type, message, extra, hint);
}
