// Namespaces and vars. A var is the one mutable cell behind a top-level
// name; compiled code holds the Var object and reads `.value` at each use,
// so later redefinitions are seen by callers.
import type { FnInfo } from '../values/fn.js';

export class Var {
  value: any = null;
  bound = false;
  macro = false;
  privateVar = false;
  doc?: string;
  /** Arities known before the var is bound (from the file's own defn forms). */
  declared?: FnInfo;
  /** Compiled units that assumed this var holds a pure function. */
  readonly pureAssumers = new Set<string>();
  constructor(readonly ns: string, readonly name: string) {}
  get fqn(): string { return `${this.ns}/${this.name}`; }
  set(v: any): void { this.value = v; this.bound = true; }
}

export class Namespace {
  readonly vars = new Map<string, Var>();
  readonly aliases = new Map<string, Namespace>();
  constructor(readonly name: string) {}
  intern(name: string): Var {
    let v = this.vars.get(name);
    if (!v) { v = new Var(this.name, name); this.vars.set(name, v); }
    return v;
  }
}
