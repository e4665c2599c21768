// The set of namespaces a session knows, and which one is current.
import { Namespace } from '../eval/namespace.js';

export const CORE_NS = 'glia.core';

export class Registry {
  readonly namespaces = new Map<string, Namespace>();
  readonly core: Namespace;
  current: Namespace;
  constructor() {
    this.core = this.ensure(CORE_NS);
    this.current = this.ensure('user');
  }
  ensure(name: string): Namespace {
    let ns = this.namespaces.get(name);
    if (!ns) { ns = new Namespace(name); this.namespaces.set(name, ns); }
    return ns;
  }
}
