// A CellError as Glia sees it: an error map whose :glia.error/type is the
// cell error's code as a keyword (:cell/timeout, ...). Kept apart from
// errors.ts so the worker threads, which only need the catalog, do not
// load Glia.
import { List, Map as IMap } from 'immutable';
import { GliaError, ERR_TYPE, ERR_MESSAGE, ERR_HINT } from '../../glia/values/errors.js';
import { kw } from '../../glia/values/keyword.js';
import type { CellError } from './errors.js';

/**
 * The error as a Glia error value: `:glia.error/type` is the keyword
 * `:cell/timeout` (not in the glia.error namespace, because the runtime,
 * not the language, defines it), and each detail becomes a `:cell/...` key.
 */
export function toGliaError(e: CellError): GliaError {
  let m = IMap<any, any>().asMutable();
  m.set(ERR_TYPE, kw(e.code));
  m.set(ERR_MESSAGE, e.message);
  if (e.hint) m.set(ERR_HINT, e.hint);
  for (const [k, v] of Object.entries(e.details)) m.set(kw(k, 'cell'), toGliaData(v));
  return new GliaError(m.asImmutable());
}

/** Plain JSON-ish data as Glia data: arrays become vectors, nested objects maps with string keys. */
function toGliaData(v: unknown): unknown {
  if (Array.isArray(v)) return List(v.map(toGliaData));
  if (v !== null && typeof v === 'object') return IMap(Object.entries(v).map(([k, x]) => [k, toGliaData(x)]));
  return v ?? null;
}
