// Which std module defines a name, for the unknown-alias hint: someone who
// writes json/write-str without importing anything should be told to
// import ww/json, not a module that has no write-str. The native std
// namespaces (ww.string, ww.json) are in the registry from the start; the
// ones written in Glia (ww/coll, ww/test, ww/policy) are searched in their
// embedded source for a definition of the name.
import { SOURCES } from '../generated/sources.js';
import type { Namespace } from '../eval/namespace.js';

const DEFINES = /\((?:defn-?|defmacro|def|defonce|defcap)\s+([^\s()[\]{}"]+)/g;
let sourceNames: Map<string, string> | undefined;

/** The std module path ("ww/json") that defines `name`, if one does. */
export function stdModuleDefining(name: string, namespaces: ReadonlyMap<string, Namespace>): string | undefined {
  for (const [nsName, ns] of namespaces) {
    if (nsName.startsWith('ww.') && ns.vars.has(name)) return nsName.replace(/\./g, '/');
  }
  if (!sourceNames) {
    sourceNames = new Map();
    for (const [file, src] of Object.entries(SOURCES)) {
      const m = /^std\/(ww\/.+)\.glia$/.exec(file);
      if (!m) continue;
      for (const d of src.matchAll(DEFINES)) if (!sourceNames.has(d[1]!)) sourceNames.set(d[1]!, m[1]!);
    }
  }
  return sourceNames.get(name);
}
