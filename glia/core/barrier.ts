// with-effect-barrier: runs a thunk so that only some effects may leave it.
// A perform inside that no handler inside takes, and whose target is not
// allowed, throws the barrier's refusal at the perform site; it never
// reaches the outer handlers, the capability or the host. This is what
// keeps a `dosync` body (ww/state) from performing anything that a retry
// would perform again. The driver does the refusing (EffectBarrier in
// eval/driver.ts), on the resumable tier and in performing functions that
// pure code calls.
import { Map as IMap } from 'immutable';
import { Library, call } from './define.js';
import { GEN } from '../values/fn.js';
import { Keyword, kw } from '../values/keyword.js';
import { GliaError, fail, ERR_TYPE, ERR_MESSAGE, ERR_HINT } from '../values/errors.js';
import { toArray, isSeqable } from '../values/seq.js';
import { EffectBarrier, isCapability, effectName } from '../eval/driver.js';
import { HandleOp } from '../eval/ops.js';
import { describeValue } from './type.js';

const USAGE = '(with-effect-barrier [:allowed ...] {:type :my/refused :message "..." :hint "..."} (fn [] body))';

export function defineBarrier(lib: Library): void {
  lib.hof('with-effect-barrier', function* (allowed: any, refusal: any, thunk: any) {
    if (!isSeqable(allowed) || typeof allowed === 'string') fail('type-mismatch', `with-effect-barrier takes a collection of allowed targets, got ${describeValue(allowed)}`, null, USAGE);
    const targets = new Set<any>();
    for (const t of toArray(allowed)) {
      if (!(t instanceof Keyword) && !isCapability(t)) fail('type-mismatch', `an allowed target must be a keyword or a capability, got ${describeValue(t)}`, null, USAGE);
      targets.add(t);
    }
    const type = IMap.isMap(refusal) ? (refusal as IMap<any, any>).get(kw('type')) : undefined;
    if (!(type instanceof Keyword)) fail('type-mismatch', `with-effect-barrier takes a refusal map with a :type keyword, got ${describeValue(refusal)}`, null, USAGE);
    const message = (refusal as IMap<any, any>).get(kw('message'));
    const hint = (refusal as IMap<any, any>).get(kw('hint'));
    const barrier = new EffectBarrier(targets, (target, method) => {
      const effect = effectName(target, method);
      let m = IMap<any, any>().asMutable();
      m.set(ERR_TYPE, type);
      m.set(ERR_MESSAGE, `${typeof message === 'string' ? message : 'this code may not perform'} ${effect}`);
      if (typeof hint === 'string') m.set(ERR_HINT, hint);
      m.set(kw('effect'), effect);
      m.set(kw('target'), target);
      if (method instanceof Keyword) m.set(kw('method'), method);
      return new GliaError(m.asImmutable());
    });
    return yield new HandleOp(barrier, null, () => (typeof thunk === 'function' && thunk[GEN] ? thunk[GEN]() : call(thunk)));
  }, [2], [3], null,
  'Runs (thunk) so that a perform in it that no handler inside takes, on a target not in allowed, throws the refusal {:type :message :hint} at its perform site instead of performing.');
}
