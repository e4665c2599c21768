// #(...) becomes (fn [%1 %2 & %&] (...)). % is %1. The parameter count is
// the highest %n used, so #(+ %2 1) still takes two arguments.
import { List, Stack, Map as IMap, Set as ISet } from 'immutable';
import { Sym, sym } from '../../glia/values/symbol.js';
import { setSpan, spanOf, type Span } from './span.js';

export function expandAnonFn(body: any[], span: Span): { form: any; error?: string } {
  let max = 0;
  let rest = false;
  let nested = false;
  const walk = (x: any): any => {
    if (x instanceof Sym && x.ns === null && x.name.startsWith('%')) {
      const n = x.name;
      if (n === '%') { max = Math.max(max, 1); return setSpan(sym('%1'), undefined); }
      if (n === '%&') { rest = true; return x; }
      const k = Number(n.slice(1));
      if (Number.isInteger(k) && k >= 1 && k <= 20) { max = Math.max(max, k); return x; }
      return x;
    }
    if (x && x.__anonFn) { nested = true; return x; }
    if (Stack.isStack(x)) {
      return keepSpan(x, Stack((x as Stack<any>).toArray().map(walk)));
    }
    if (List.isList(x)) return keepSpan(x, List((x as List<any>).toArray().map(walk)));
    if (IMap.isMap(x)) return keepSpan(x, IMap((x as IMap<any, any>).toArray().map(([k, v]) => [walk(k), walk(v)])));
    if (ISet.isSet(x)) return keepSpan(x, ISet((x as ISet<any>).toArray().map(walk)));
    return x;
  };
  const call = walk(setSpan(Stack(body), span));
  const params: any[] = [];
  for (let i = 1; i <= max; i++) params.push(sym('%' + i));
  if (rest) params.push(sym('&'), sym('%&'));
  const form = setSpan(Stack([sym('fn'), List(params), call]), span);
  Object.defineProperty(form, '__anonFn', { value: true });
  if (nested) return { form, error: 'nested #() literals are not allowed; use (fn [...] ...) for the inner one' };
  return { form };
}

function keepSpan(from: any, to: any): any {
  return setSpan(to, spanOf(from));
}
