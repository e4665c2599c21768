// Symbols are values (not interned) because each occurrence in source
// carries its own span and metadata; equality is by namespace and name.
import { stringHash } from './hash.js';

export class Sym {
  readonly fqn: string;
  constructor(readonly ns: string | null, readonly name: string) {
    this.fqn = ns ? `${ns}/${name}` : name;
  }
  equals(other: unknown): boolean {
    return other instanceof Sym && other.fqn === this.fqn;
  }
  hashCode(): number { return stringHash("'" + this.fqn); }
  toString(): string { return this.fqn; }
}

/** Builds a symbol from its printed form: `foo`, `ns/foo`, `/`. */
export function sym(text: string, ns?: string | null): Sym {
  if (ns !== undefined) return new Sym(ns, text);
  const slash = text.indexOf('/');
  if (slash > 0 && slash < text.length - 1) return new Sym(text.slice(0, slash), text.slice(slash + 1));
  return new Sym(null, text);
}

export function isSym(x: unknown): x is Sym { return x instanceof Sym; }
export function isSymNamed(x: unknown, name: string): boolean {
  return x instanceof Sym && x.ns === null && x.name === name;
}
