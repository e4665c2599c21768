// What the checker knows about `dosync` (std/ww/state.glia): the macro
// expands to a call of ww.state/transact with the body as a function, and
// that body may perform nothing but the transaction's own effects, since a
// conflict runs it again. Any other effect the checker can see in it (a
// capability call, :stdout, a call of a function that performs) is a
// `dosync-effect` error; the barrier around the body refuses the rest at run
// time (:glia.error/dosync-effect).
import type { Var } from '../eval/namespace.js';
import { UNKNOWN_EFFECT, isMarker, effectOwner, effectMethod } from './effects.js';

/** The function the dosync macro calls, and which of its arguments is the body. */
export const TRANSACTION_FN = 'ww.state/transact';
export const TRANSACTION_BODY_ARG = 1;

/** The effects a body performs into the transaction's own handlers (alter!, assoc!, snapshot). */
const OWN = new Set([':ww.state/snapshot', ':ww.state/put']);

export function isTransaction(v: Var): boolean { return v.fqn === TRANSACTION_FN; }

/**
 * Whether a body's effect is refused. Computed targets (`?`) and calls of
 * parameters are left to the run-time barrier and to the callers.
 */
export function refusedInTransaction(effect: string): boolean {
  return !OWN.has(effect) && effect !== UNKNOWN_EFFECT && !isMarker(effect);
}

/** `host :id`, `Executor :spawn`, `host` (some method of it), `:stdout`: as Glia writes the perform. */
export function performName(effect: string): string {
  const owner = effectOwner(effect);
  if (owner === null) return effect;
  const method = effectMethod(effect);
  return method === null ? `some method of ${owner}` : `${owner} :${method}`;
}
