// Lexical scopes during analysis. Each binding gets a unique JS name so
// the emitter never has to worry about shadowing.
import type { Binding } from './ir.js';
import { nameCounters } from './name-counters.js';

export function jsIdent(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_$]/g, (c) => '_' + c.charCodeAt(0).toString(36));
  return `${clean}_${++nameCounters.js}`;
}

export class Scope {
  private readonly names_ = new Map<string, Binding>();
  constructor(readonly parent: Scope | null) {}
  bind(name: string, extra?: Partial<Binding>): Binding {
    const b: Binding = { name, js: jsIdent(name), ...extra };
    this.names_.set(name, b);
    return b;
  }
  /** Every name visible here (for did-you-mean hints). */
  names(): string[] {
    const out: string[] = [];
    for (let s: Scope | null = this; s; s = s.parent) out.push(...s.names_.keys());
    return out;
  }

  lookup(name: string): Binding | null {
    for (let s: Scope | null = this; s; s = s.parent) {
      const b = s.names_.get(name);
      if (b) return b;
    }
    return null;
  }
}
