// Compile-time checks for a document: the same checker `ww check` runs
// (glia/compile/check.ts: names, arities, effects against the file's
// context, capability calls against the schemas), so the editor and the
// command line agree. One CheckWorld is kept and reused: building one runs
// the prelude, too slow for every keystroke. Results are cached by text, so
// diagnostics and hovers of one version share a check; and each document
// keeps the analyses of its top-level forms between checks (FormCache), so
// an edit analyses again only the forms it changed and those that depend on
// them.
import { CheckWorld, checkSource, FormCache, type CheckResult, type ContextSpec, type LoadedModule, type MacroEnv } from '../glia/index.js';

export type ModuleLoader = (path: string, fromFile: string) => LoadedModule | undefined;
/** The context of the Glia cell project whose entry `file` is, or null (glia's cellContextFor). */
export type ProjectLookup = (file: string) => ContextSpec | null;

export class Checker {
  private world = new CheckWorld();
  private readonly results = new Map<string, { text: string; project: string; result: CheckResult }>();
  private readonly caches = new Map<string, FormCache>();
  /** Off: every check starts from scratch (the `incrementalCheck: false` setting; the benchmark's "before"). */
  incremental = true;

  constructor(private readonly loadModule: ModuleLoader = () => undefined, private readonly projectOf: ProjectLookup = () => null) {}

  /** The namespaces the checker knows (glia.core and the native std modules). */
  get registry() { return this.world.session.registry; }

  /** The world's macros, for the symbol index; its user namespace is fresh at each call. */
  env(): MacroEnv {
    this.world.reset();
    return this.world.session;
  }

  /** Checks a text (cached per key while the text stays the same). Never throws. */
  check(key: string, text: string, file: string): CheckResult | undefined {
    // A cell's entry is checked with its cell.edn's grants; a change there
    // changes the result as much as a change of the text does.
    const project = this.projectOf(file);
    const projectKey = project ? JSON.stringify(project) : '';
    const hit = this.results.get(key);
    if (hit && hit.text === text && hit.project === projectKey) return hit.result;
    // A document that enters glia.core (or a std namespace) would change it
    // for every later check; it is checked in a world of its own.
    const world = ENTERS_BUILTIN_NS.test(text) ? new CheckWorld() : this.world;
    let cache = this.caches.get(key);
    if (!cache && world === this.world && this.incremental) this.caches.set(key, (cache = new FormCache()));
    let result: CheckResult;
    try {
      result = checkSource(text, { file, loadModule: this.loadModule, project, ...(world === this.world ? { cache } : {}) }, world);
    } catch {
      cache?.clear();
      return undefined;
    } finally {
      if (world === this.world) this.world.reset();
    }
    this.results.set(key, { text, project: projectKey, result });
    return result;
  }

  forget(key: string): void { this.results.delete(key); this.caches.delete(key); }
}

const ENTERS_BUILTIN_NS = /\((?:ns|in-ns)\s+'?(?:glia\.core|ww\.[\w.-]+)(?![\w.*+!?<>=/-])/;
