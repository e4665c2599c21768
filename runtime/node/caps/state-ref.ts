// The StateRef capability (schema/state.capnp) a node serves for each
// name, from `(perform host :state-ref "name")`: a thin server over the
// node's StateStore (runtime/node/state/store.ts), which keeps the
// versions, the heads and the one queue per name that makes
// compareAndSet atomic. The same name gives the same server (and hook) to
// every caller; each holder's copy is confined by the policy and the
// epoch guard of the graft it came through, as every result of a guarded
// call is (runtime/membrane/policy.ts ConfinedAnswer).
import { StateRef$Server } from '../../../schema/generated/state.js';
import { toHook, type Hook } from '../../rpc/hooks.js';
import { StateStore } from '../state/store.js';
import { encodeValue, decodeValue } from '../state/codec.js';
import { corruptValue } from '../state/version.js';
import { guarded } from './guard.js';

export class StateRefs {
  private readonly hooks = new Map<string, Hook>();
  constructor(readonly store: StateStore) {}

  /** The hook of the ref `name`; node/bad-name for a name that is not one segment. */
  ref(name: unknown): Hook {
    const n = StateStore.checkName(name);
    let h = this.hooks.get(n);
    if (!h) { h = toHook(stateRefServer(this.store, n))!; this.hooks.set(n, h); }
    return h;
  }
}

export function stateRefServer(store: StateStore, name: string): StateRef$Server {
  return new StateRef$Server({
    head: guarded(async (_p, r) => {
      const h = await store.head(name);
      r.cid = h.cid;
      r.seq = h.seq;
    }),
    compareAndSet: guarded(async (p, r) => {
      const c = await store.compareAndSet(name, p.expectedCid, p.newCid);
      r.ok = c.ok;
      r.cid = c.cid;
      r.seq = c.seq;
    }),
    history: guarded(async (p, r) => {
      const entries = await store.history(name, p.limit);
      const l = r._initEntries(entries.length);
      entries.forEach((e, i) => {
        const v = l.get(i);
        v.cid = e.cid;
        v.seq = e.seq;
        v.prevCid = e.prevCid;
      });
    }),
    get: guarded(async (p, r) => {
      const v = await store.version(p.cid);
      try { decodeValue(v.value, r._initValue()); }
      catch (e) { throw corruptValue(p.cid, e); }
    }),
    put: guarded(async (p, r) => {
      r.cid = await store.put(name, encodeValue(p.value), p.prevCid);
    }),
  });
}
