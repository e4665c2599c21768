// The grants of a Glia cell value (doc/language.md §8, "cell"): `(cell wasm {"name"
// cap ...})` grants exactly the map; `(cell wasm)` grants what the
// component declares in its ww:grants section (runtime/cell/grants.ts),
// each taken by name from the lexical scope of the (cell ...) form, or the
// session's vars, and attenuated to the methods it declares. A declared
// grant that is not in scope, is not a capability, or names a method its
// interface lacks is an error: a cell never starts with less (or more)
// than it asked for without the caller hearing of it.
import { CapabilityBase, attenuate } from '../../glia/values/capability.js';
import { CellValue } from '../../glia/values/cell.js';
import { kw } from '../../glia/values/keyword.js';
import { fail } from '../../glia/values/errors.js';
import { typeName } from '../../glia/core/type.js';
import { declaredGrants } from '../cell/grants.js';
import { CellError } from '../cell/errors.js';
import { toGliaError } from '../cell/glia-error.js';
import type { ExportSpec } from './membrane.js';
import type { GliaBridge } from './glia-cap.js';

/** The exports a cell value hands its cell. */
export function cellGrants(cell: CellValue, bridge: GliaBridge): ExportSpec[] {
  const out: ExportSpec[] = [];
  const add = (name: string, cap: unknown) => {
    if (!(cap instanceof CapabilityBase)) fail('type-mismatch', `cell grant ${name} must be a capability, got ${typeName(cap)}`);
    out.push({ name, cap: bridge.hookOf(cap), interfaceId: bridge.interfaceIdOf(cap) });
  };
  if (cell.grants) {
    for (const [name, cap] of cell.grants) add(name as string, cap);
    return out;
  }
  let declared;
  try { declared = declaredGrants(cell.wasm); } catch (e) { throw e instanceof CellError ? toGliaError(e) : e; }
  for (const g of declared) {
    const v = cell.scope.has(g.name) ? cell.scope.get(g.name) : sessionVar(bridge, g.name);
    if (v === undefined) {
      throw toGliaError(new CellError('cell/bad-grants', `the cell declares the grant ${g.name}, but no ${g.name} is in scope`, { grant: g.name },
        `bind ${g.name}, or pass the grants explicitly: (cell wasm {"${g.name}" cap})`));
    }
    if (!(v instanceof CapabilityBase)) fail('type-mismatch', `the cell's grant ${g.name} must be a capability, got ${typeName(v)}`);
    // Attenuated to exactly the declared methods; an unknown one fails here, naming it.
    add(g.name, attenuate(v, g.methods.map((m) => kw(m))));
  }
  return out;
}

function sessionVar(bridge: GliaBridge, name: string): unknown {
  const v = bridge.session?.registry.current.vars.get(name);
  return v?.bound ? v.value : undefined;
}
