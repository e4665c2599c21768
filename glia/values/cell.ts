// A cell value: a WebAssembly component and the capabilities it will be
// handed. Glia only builds the value; the runtime (runtime/cell) loads and
// spawns it. With an explicit grants map the cell receives exactly those
// capabilities. Without one, the runtime reads the component's ww:grants
// section and takes each declared name from `scope` (the lexical scope of
// the (cell ...) form) or, failing that, from the session's vars.
import type { Map as IMap } from 'immutable';

export class CellValue {
  constructor(
    readonly wasm: Uint8Array,
    readonly grants: IMap<string, any> | null,
    readonly scope: ReadonlyMap<string, any>,
  ) {}
}
