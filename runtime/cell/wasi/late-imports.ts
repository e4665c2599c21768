// An import object whose host side is bound after instantiation. A cell's
// worker instantiates the next instance of its cell while it is idle
// (worker.ts, "ready instances"), before the spawn that will run it
// exists; so the glue is handed functions that forward to the spawn's own
// import object (host.ts), bound once when that spawn takes the instance.
// Until then every forwarding function refuses: a component that calls
// the host while it is being instantiated cannot be prepared ahead, and is
// instantiated at its spawn instead.
//
// Which members forward is found by building the spawn's object twice:
// what is the same both times (the resource classes, which the glue checks
// values against) is module-level and passed as it is; what differs is a
// closure over one spawn's state and forwards. A per-spawn value that is
// not a function cannot forward, so it is refused here rather than frozen
// into the instance.

type Imports = Record<string, Record<string, unknown>>;

export class LateImportError extends Error {
  constructor(what: string) {
    super(`${what} was called before the instance was bound to a spawn`);
    this.name = 'LateImportError';
  }
}

export interface LateImports {
  imports: Imports;
  /** Binds the instance to one spawn's import object (same keys); once only. */
  bind(spawn: Imports): void;
}

export function lateImports(build: () => Imports): LateImports {
  const a = build(), b = build();
  let bound: Imports | null = null;
  const imports: Imports = {};
  for (const [key, iface] of Object.entries(a)) {
    const out: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(iface)) {
      if (v === b[key]?.[name]) { out[name] = v; continue; }
      if (typeof v !== 'function') throw new LateImportError(`${key}.${name} (a per-spawn value, not a function)`);
      out[name] = (...args: unknown[]) => {
        if (!bound) throw new LateImportError(`${key}.${name}`);
        return (bound[key]![name] as (...a: unknown[]) => unknown)(...args);
      };
    }
    imports[key] = out;
  }
  return {
    imports,
    bind(spawn) {
      if (bound) throw new Error('a prepared instance is bound to one spawn only');
      bound = spawn;
    },
  };
}
