// Effect sets, as the checker infers them. An effect is a string key:
//
//   :stdout            a keyword effect (`(perform :stdout x)`)
//   host/:id           a method of a capability the context binds by name
//   host/*             some method of `host` that the checker cannot name
//   Executor/:spawn    a method of a capability obtained through another
//                      one (`(perform runtime :load wasm)` gives an
//                      Executor); keyed by interface, since it has no name
//   ?                  an effect whose target is computed (`eval`, a
//                      keyword or capability held in a parameter)
//
// A set maps each effect to where it comes from (its Origin), so an error
// can point at the call in the checked form and name the perform behind it.
// While a function is analysed its set may also hold *parameter markers*,
// `@<param>`: "calls whatever function this parameter holds". A call to
// the function replaces each marker with the effects of the argument passed
// there; that is how effects flow through higher-order functions.
import type { Span } from '../span.js';
import type { Binding } from './ir.js';

export interface Origin {
  /** Where the effect enters the expression: a perform or a call. */
  span: Span | undefined;
  /** The functions it passes through, outermost first (`greet -> println`). */
  via: string[];
  /** The perform that performs it. */
  root: Span | undefined;
  /** For a parameter marker: the parameter. */
  param?: Binding;
  /** For a parameter marker: what handlers between the call of the
   *  parameter and the function's edge take (`:k`, or `owner/` for every
   *  method of a capability); the argument's effects lose those. */
  handled?: readonly string[];
  /** A handler whose target the checker cannot know stands in the way: the
   *  effect may be handled, so it is not reported (the run-time check holds). */
  maybeHandled?: boolean;
  /** For a parameter marker: the parameter is called inside a dosync body,
   *  so the argument's effects are refused there (transactions.ts). */
  transaction?: boolean;
}

export type EffectSet = ReadonlyMap<string, Origin>;

export const NO_EFFECTS: EffectSet = new Map();
export const UNKNOWN_EFFECT = '?';

export function keywordEffect(fqn: string): string { return `:${fqn}`; }
export function capabilityEffect(owner: string, method: string | null): string {
  return method === null ? `${owner}/*` : `${owner}/:${method}`;
}
export function paramMarker(b: Binding): string { return `@${b.js}`; }
export function isMarker(effect: string): boolean { return effect.charCodeAt(0) === 64; /* @ */ }

/** The capability part of `host/:id` or `host/*`, or null for other effects. */
export function effectOwner(effect: string): string | null {
  const slash = effect.indexOf('/');
  if (slash <= 0 || effect.charCodeAt(0) === 58 /* : */ || isMarker(effect)) return null;
  return effect.slice(0, slash);
}

/** The method of `host/:id` (`id`), or null for `host/*` and other effects. */
export function effectMethod(effect: string): string | null {
  const owner = effectOwner(effect);
  if (owner === null) return null;
  const rest = effect.slice(owner.length + 1);
  return rest.startsWith(':') ? rest.slice(1) : null;
}

export function single(effect: string, origin: Origin): EffectSet {
  return new Map([[effect, origin]]);
}

/**
 * The union; the first origin of an effect wins, except that one that may be
 * handled (by a handler with a target the checker cannot know) replaces a
 * certain one: once such a handler is in play on some path, the run-time
 * checks decide. Shares an operand when the other adds nothing.
 */
export function union(a: EffectSet, b: EffectSet): EffectSet {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  let out: Map<string, Origin> | null = null;
  for (const [k, o] of b) {
    const had = a.get(k);
    if (had && !(o.maybeHandled && !had.maybeHandled)) continue;
    out ??= new Map(a);
    out.set(k, o);
  }
  return out ?? a;
}

/** Whether a handler entry (`:k`, or `owner/`) takes the effect. */
export function handles(entry: string, effect: string): boolean {
  return entry.endsWith('/') ? effect.startsWith(entry) : effect === entry;
}

/** The same effects, each marked as possibly handled. */
export function maybeHandled(set: EffectSet): EffectSet {
  if (set.size === 0) return set;
  const out = new Map<string, Origin>();
  for (const [k, o] of set) out.set(k, o.maybeHandled ? o : { ...o, maybeHandled: true });
  return out;
}

export function unionAll(sets: Iterable<EffectSet>): EffectSet {
  let acc = NO_EFFECTS;
  for (const s of sets) acc = union(acc, s);
  return acc;
}

export function without(set: EffectSet, drop: (effect: string) => boolean): EffectSet {
  let out: Map<string, Origin> | null = null;
  for (const k of set.keys()) {
    if (!drop(k)) continue;
    out ??= new Map(set);
    out.delete(k);
  }
  return out ?? set;
}

/** The effects of `set` as seen from a call site: each origin now enters at `span`, through `name`. */
export function through(set: EffectSet, span: Span | undefined, name: string | null): EffectSet {
  if (set.size === 0) return set;
  const out = new Map<string, Origin>();
  for (const [k, o] of set) {
    out.set(k, { ...o, span, via: name ? [name, ...o.via] : o.via, root: o.root ?? o.span });
  }
  return out;
}

/** Sorted effect names without parameter markers, for hovers and messages. */
export function effectNames(set: EffectSet): string[] {
  return [...set.keys()].filter((k) => !isMarker(k)).sort(compareEffects);
}

/** Keyword effects first, then capability effects, then `?`. */
function compareEffects(a: string, b: string): number {
  const rank = (e: string) => (e.startsWith(':') ? 0 : e === UNKNOWN_EFFECT ? 2 : 1);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** `{:stdout, host/:id}`, or `{}` when the set is empty. */
export function formatEffects(set: EffectSet | readonly string[]): string {
  const names = Array.isArray(set) ? set : effectNames(set as EffectSet);
  return `{${names.join(', ')}}`;
}
