// Keywords are interned: one object per name, so identity is equality and
// they can be compared with === on hot paths (map lookups, effect targets).
import { stringHash } from './hash.js';

export class Keyword {
  readonly fqn: string;
  private readonly h: number;
  constructor(readonly ns: string | null, readonly name: string) {
    this.fqn = ns ? `${ns}/${name}` : name;
    this.h = stringHash(':' + this.fqn);
  }
  equals(other: unknown): boolean { return this === other; }
  hashCode(): number { return this.h; }
  toString(): string { return ':' + this.fqn; }
}

const table = new Map<string, Keyword>();

/** Interns `:name` or `:ns/name`. Pass the whole text ("ns/name") or ns and name. */
export function kw(nameOrFqn: string, ns?: string | null): Keyword {
  let n = nameOrFqn;
  let space: string | null = ns ?? null;
  if (ns === undefined) {
    const slash = nameOrFqn.indexOf('/');
    if (slash > 0 && slash < nameOrFqn.length - 1) {
      space = nameOrFqn.slice(0, slash);
      n = nameOrFqn.slice(slash + 1);
    }
  }
  const key = space ? `${space}/${n}` : n;
  let k = table.get(key);
  if (!k) { k = new Keyword(space, n); table.set(key, k); }
  return k;
}

export function isKeyword(x: unknown): x is Keyword { return x instanceof Keyword; }
