// The Glia side of a Glia cell, shared by the build (which compiles the
// cell's source in Node first, to report errors with code frames before
// componentize-js runs) and the cell itself (which compiles the same source
// again inside the component, during componentize-js's pre-initialization,
// so the compiled functions are in the component's snapshot). It imports
// no node:* and no wasi:* modules, so both can use it.
import { Map as IMap } from 'immutable';
import { Session, type EffectHandler, type SessionOptions } from '../../../glia/eval/session.js';
import { GEN, FN_INFO } from '../../../glia/values/fn.js';
import { CapabilityBase } from '../../../glia/values/capability.js';
import { kw } from '../../../glia/values/keyword.js';
import { GrantCap } from './grant-cap.js';
import { GRAFTED } from '../../../glia/compile/contexts.js';
import { capabilityInterfaceForBinding, capabilityMethods } from '../../../glia/compile/capabilities.js';

/** What the build puts in a cell: everything the cell needs to compile itself. */
export interface CellConfig {
  name: string;
  version: string;
  /** The mode the project declares; the cell also answers the other if it has that function. */
  mode: 'raw' | 'http' | 'pid0' | 'vat';
  /** vat: the top-level defcap the cell serves as its bootstrap capability. */
  export?: string;
  /** The entry's file name as the project names it (errors point at it). */
  file: string;
  source: string;
  grants: { name: string; methods: string[] }[];
  /**
   * The shared engine: no source of its own; each spawn's first argument is
   * the program (Glia source), compiled when the spawn starts.
   */
  engine?: boolean;
  /**
   * false: the build-time warm-up does not ask an http cell's `handle` for
   * `GET /`, because it did not answer in time when the build tried it
   * (runtime/cell/build/probe.ts).
   */
  warmHandle?: boolean;
}

/** The function a mode calls: `main` for raw and pid0, `handle` for http. */
export const ENTRY_FN = { raw: 'main', http: 'handle', pid0: 'main' } as const;

/**
 * A session with the cell's bindings: each declared grant as a capability
 * value under its name (its calls go through the membrane, see GrantCap)
 * and `cell-info`, a map of the project's name, version and mode.
 */
export function cellSession(cfg: CellConfig, effects: Record<string, EffectHandler>, factories?: SessionOptions['factories']): Session {
  const capabilities: Record<string, any> = {
    'cell-info': IMap<any, any>([[kw('name'), cfg.name], [kw('version'), cfg.version], [kw('mode'), kw(cfg.mode)]]),
  };
  for (const g of cfg.grants) capabilities[g.name] = new GrantCap(g.name, g.methods);
  // The shared engine declares no grants (one component serves every
  // program), so it binds every grafted name with all its methods: the
  // spawn's membrane alone decides what a program can reach.
  if (cfg.engine) {
    for (const name of GRAFTED) {
      const iface = capabilityInterfaceForBinding(name);
      if (iface) capabilities[name] = new GrantCap(name, capabilityMethods(iface).map((m) => m.name));
    }
  }
  const session = new Session({ effects, capabilities, ...(factories ? { factories } : {}) });
  clockPause(session);
  return session;
}

/**
 * A cell answers each call to its end with no event loop to wait on, so a
 * wait on a timer would leave `handle` a promise it can never see resolved.
 * ww/state's backoff between the tries of a transaction
 * (`glia.core/-pause`) waits on the clock here instead: a conflicting
 * dosync in a cell retries after its wait rather than failing.
 */
function clockPause(session: Session): void {
  const v = session.registry.core.vars.get('-pause');
  const original = v?.value;
  if (!v || typeof original?.[GEN] !== 'function') return;
  function* pause(ms: any): Generator<any, any, any> {
    // A bad argument is reported by the original, with its message.
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return yield* original[GEN](ms);
    const until = Date.now() + Math.min(ms, 60_000);
    while (Date.now() < until) { /* the cell's own thread: nothing else to run */ }
    return null;
  }
  const f: any = (ms: any) => pause(ms).next().value;
  f[GEN] = pause;
  f[FN_INFO] = original[FN_INFO];
  v.set(f);
}

/** The capability a top-level var holds (a defcap), or undefined. */
export function cellCapability(session: Session, name: string): CapabilityBase | undefined {
  const v = session.registry.current.vars.get(name);
  return v?.bound && v.value instanceof CapabilityBase ? v.value : undefined;
}

/** The value of a top-level function the cell defines, or undefined. */
export function cellFunction(session: Session, name: string): any {
  const v = session.registry.current.vars.get(name);
  return v?.bound && (typeof v.value === 'function' || v.value?.[GEN]) ? v.value : undefined;
}

/**
 * Calls a Glia function with `args` on the session's effect driver, so its
 * performs reach the session's handlers. Returns the value (or a promise,
 * if a host handler answered with one; the cell's never do).
 */
export function callGlia(session: Session, f: any, args: any[]): any {
  return session.invokeCapability({ invoke: () => (f[GEN] ? f[GEN](...args) : f(...args)) } as any, kw('call'), args);
}

/** Calls a method of a Glia capability (a defcap the cell serves) on the session's effect driver. */
export function callGliaCap(session: Session, cap: CapabilityBase, method: any, args: any[]): any {
  return session.invokeCapability(cap, method, args);
}
