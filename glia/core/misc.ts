// Atoms, errors, metadata, bytes, capabilities and the small predicates.
import { List, Map as IMap, Set as ISet } from 'immutable';
import type { Library } from './define.js';
import { Atom } from '../values/atom.js';
import { Keyword, kw } from '../values/keyword.js';
import { Sym, sym } from '../values/symbol.js';
import { GliaError, fail, ERR_TYPE, ERR_MESSAGE, errorType } from '../values/errors.js';
import { prStr } from '../values/printer.js';
import { metaOf, setMeta } from '../values/meta.js';
import { bytesToHex, hexToBytes, asBytes, Bytes } from '../values/bytes.js';
import { hash, equals } from '../values/equality.js';
import { toArray } from '../values/seq.js';
import { typeName } from './type.js';
import { needString } from './strings.js';
import { LocalCap, CapabilityBase, attenuate } from '../values/capability.js';
import { nextGensymId } from '../expand/syntax-quote.js';
import { rt } from '../eval/rt.js';
import { AwaitOp } from '../eval/ops.js';
import { Var } from '../eval/namespace.js';
import { CellValue } from '../values/cell.js';
import { describeCell } from '../values/describe-cell.js';

export function exInfo(msg: any, data: any = null): IMap<any, any> {
  needString('ex-info', msg);
  if (data !== null && !IMap.isMap(data)) fail('type-mismatch', `ex-info data must be a map, got ${typeName(data)}`);
  const d = (data ?? IMap()) as IMap<any, any>;
  const t = d.get(kw('type'));
  return d.set(ERR_TYPE, t instanceof Keyword ? t : kw('glia.error/ex-info')).set(ERR_MESSAGE, msg);
}

function isErrorMap(x: any): boolean { return IMap.isMap(x) && (x as IMap<any, any>).has(ERR_TYPE); }

export function defineMisc(lib: Library): void {
  lib.fn('atom', (x: any) => new Atom(x), [1], 1);
  lib.fn('deref', (a: any) => {
    if (a instanceof Atom) return a.value;
    if (a instanceof Var) return rt.readVar(a);
    return fail('type-mismatch', `deref expects an atom, got ${typeName(a)}`);
  }, [1]);
  lib.fn('reset!', (a: any, v: any) => { if (!(a instanceof Atom)) fail('type-mismatch', `reset! expects an atom, got ${typeName(a)}`); a.value = v; return v; }, [2]);
  lib.fn('reset-vals!', (a: any, v: any) => { const old = a.value; a.value = v; return List([old, v]); }, [2]);
  lib.fn('compare-and-set!', (a: any, old: any, v: any) => { if (a.value === old || equals(a.value, old)) { a.value = v; return true; } return false; }, [3]);
  lib.fn('atom?', (x: any) => x instanceof Atom, [1]);
  lib.fn('gensym', (prefix: any = 'G__') => sym(`${typeof prefix === 'string' ? prefix : prStr(prefix)}${nextGensymId()}`), [0, 1]);
  lib.fn('type', (x: any) => kw(typeName(x)), [1]);
  lib.fn('ex-info', exInfo, [1, 2, 3]);
  lib.fn('ex-message', (e: any) => (isErrorMap(e) ? (e as IMap<any, any>).get(ERR_MESSAGE) ?? null : null), [1]);
  lib.fn('ex-data', (e: any) => {
    if (!isErrorMap(e)) return null;
    return (e as IMap<any, any>).filter((_v, k) => !(k instanceof Keyword && k.ns === 'glia.error'));
  }, [1]);
  lib.fn('error-type', (e: any) => errorType(e), [1]);
  lib.fn('error?', (e: any) => isErrorMap(e), [1]);
  lib.fn('throw', (x: any) => { throw new GliaError(x); }, [1]);
  lib.fn('meta', (x: any) => metaOf(x), [1]);
  lib.fn('with-meta', (x: any, m: any) => {
    if (typeof x !== 'object' || x === null) fail('type-mismatch', `with-meta expects a collection or symbol, got ${typeName(x)}`);
    const copy = x instanceof Sym ? new Sym(x.ns, x.name) : typeof x.asMutable === 'function' ? x.asMutable().asImmutable() : x;
    return setMeta(copy, m);
  }, [2]);
  lib.fn('bytes', (x: any) => {
    if (x instanceof Uint8Array) return asBytes(x);
    if (typeof x === 'string') return asBytes(new TextEncoder().encode(x));
    const items = toArray(x);
    for (const b of items) if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) fail('illegal-argument', `bytes takes integers 0-255, got ${prStr(b)}`);
    return Bytes.from(items);
  }, [1]);
  lib.fn('bytes?', (x: any) => x instanceof Uint8Array, [1]);
  lib.fn('bytes->hex', (b: any) => { if (!(b instanceof Uint8Array)) fail('type-mismatch', `bytes->hex expects bytes, got ${typeName(b)}`); return bytesToHex(b); }, [1]);
  lib.fn('hex->bytes', (s: any) => hexToBytes(needString('hex->bytes', s)) ?? fail('illegal-argument', `not an even-length hex string: ${prStr(s)}`), [1]);
  lib.fn('bytes->string', (b: any) => { if (!(b instanceof Uint8Array)) fail('type-mismatch', `bytes->string expects bytes, got ${typeName(b)}`); return new TextDecoder().decode(b); }, [1]);
  lib.fn('hash', (x: any) => hash(x), [1]);
  lib.fn('=', (a: any, ...xs: any[]) => xs.every((x) => equals(a, x)), [], 1);
  lib.fn('not=', (a: any, ...xs: any[]) => !xs.every((x) => equals(a, x)), [], 1);
  lib.fn('identical?', (a: any, b: any) => a === b, [2]);
  lib.fn('not', rt.not, [1]);
  lib.fn('nil?', rt.isNil, [1]);
  lib.fn('some?', rt.isSome, [1]);
  lib.fn('true?', (x: any) => x === true, [1]);
  lib.fn('false?', (x: any) => x === false, [1]);
  lib.fn('boolean', (x: any) => rt.truthy(x), [1]);
  lib.fn('boolean?', (x: any) => typeof x === 'boolean', [1]);
  lib.fn('fn?', (x: any) => typeof x === 'function', [1]);
  lib.fn('ifn?', (x: any) => typeof x === 'function' || x instanceof Keyword || IMap.isMap(x) || List.isList(x) || ISet.isSet(x) || x instanceof Var, [1]);
  lib.fn('any?', (_x: any) => true, [1]);
  lib.fn('-make-cap', (name: string, methods: IMap<any, any>) => {
    const table = new Map<Keyword, any>();
    for (const [k, f] of methods) table.set(k, f);
    return new LocalCap(name, table);
  }, [2]);
  lib.fn('now-ms', () => Date.now(), [0], null, 'Milliseconds since the epoch, by the wall clock.');
  // A wait on a timer, not an effect on anything: ww/state's backoff between
  // the tries of a transaction, which must work wherever dosync does (a shell
  // or MCP session has no :sleep). It suspends resumable code without
  // blocking the event loop; from pure code it is the usual asynchronous-
  // effect error.
  lib.effectful('-pause', function* (ms: any) {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) fail('type-mismatch', `-pause takes milliseconds, a number from 0 up, got ${prStr(ms)}`);
    if (ms === 0 || typeof setTimeout !== 'function') return null;
    return yield new AwaitOp(new Promise<null>((resolve) => { setTimeout(() => resolve(null), Math.min(ms, 60_000)); }));
  }, [1], null, 'Waits ms milliseconds (at most a minute) on a timer; internal to ww/state.');
  lib.fn('-unbound?', (v: any) => v instanceof Var && !v.bound, [1]);
  lib.fn('-make-cell', (wasm: any, grants: any, scope: any) => {
    if (!(wasm instanceof Uint8Array)) fail('type-mismatch', `cell expects the component's bytes, got ${typeName(wasm)}`, null, '(cell (load "bin/app.wasm"))');
    if (grants !== null && !IMap.isMap(grants)) fail('type-mismatch', `cell grants must be a map of name to capability, got ${typeName(grants)}`);
    if (grants) for (const [k, v] of grants as IMap<any, any>) {
      if (typeof k !== 'string') fail('type-mismatch', `cell grant names are strings, got ${prStr(k)}`, null, '{"host" host}');
      if (!(v instanceof CapabilityBase)) fail('type-mismatch', `cell grant ${k} must be a capability, got ${typeName(v)}`);
    }
    return new CellValue(asBytes(wasm), grants, new Map<string, any>([...(scope as IMap<string, any>)]));
  }, [3]);
  lib.fn('cell?', (x: any) => x instanceof CellValue, [1]);
  lib.fn('describe', (x: any) => {
    if (x instanceof CellValue) return describeCell(x);
    if (x instanceof CapabilityBase) {
      const ms = x.methods();
      return IMap<Keyword, unknown>([[kw('interface'), x.interfaceName], [kw('methods'), ms ? List(ms.slice().sort((a, b) => (a.fqn < b.fqn ? -1 : a.fqn > b.fqn ? 1 : 0))) : null]]);
    }
    return fail('type-mismatch', `describe expects a cell or a capability, got ${typeName(x)}`, null, '(describe (cell (load "bin/app.wasm")))');
  }, [1], null, 'What a cell value declares and would be handed ({:cid :size :name :version :mode :declares :grants}), or a capability\'s interface and methods.');
  lib.fn('capability?', (x: any) => x instanceof CapabilityBase, [1]);
  lib.fn('attenuate', (cap: any, methods: any) => {
    if (!(cap instanceof CapabilityBase)) fail('type-mismatch', `attenuate expects a capability, got ${typeName(cap)}`);
    const ms = toArray(methods);
    for (const m of ms) if (!(m instanceof Keyword)) fail('type-mismatch', `attenuate takes a vector of method keywords, got ${prStr(m)}`);
    return attenuate(cap, ms);
  }, [2]);
  lib.fn('methods', (cap: any) => {
    if (!(cap instanceof CapabilityBase)) fail('type-mismatch', `methods expects a capability, got ${typeName(cap)}`);
    const ms = cap.methods();
    return ms ? List(ms.slice().sort((a, b) => (a.fqn < b.fqn ? -1 : a.fqn > b.fqn ? 1 : 0))) : null;
  }, [1]);
}
