// What the `doc` tool says about a name: its call forms and what it does.
// Few Glia builtins carry docstrings, but the language reference documents
// every core function, prelude macro and special form (doc/language.md,
// §3, §4 and §12), so the reference is the source: its table rows and its
// special-form sections, found by name. Arities of names the reference
// leaves out come from the running prelude (its arglists, a native's
// arity), and the effects a function performs from the checker. A
// capability method (`host :id`) is described from the schemas.
import { Stack } from 'immutable';
import { checkSource, symbolAt, checkWorld } from '../../glia/compile/check.js';
import { SPECIAL_FORMS } from '../../glia/compile/analyzer.js';
import { indexSymbols, type Definition } from '../../glia/analysis/symbols.js';
import { read } from '../../glia/reader/read.js';
import { SOURCES } from '../../glia/generated/sources.js';
import { FN_INFO, type FnInfo } from '../../glia/values/fn.js';
import { describeCapability } from './describe.js';

export interface SymbolDoc {
  symbol: string;
  kind: 'function' | 'macro' | 'var' | 'special form' | 'capability method';
  /** The namespace it lives in (`glia.core`), or null for a special form or method. */
  ns: string | null;
  /** How a call is written, one per shape: `(assoc-in m path v)`. */
  signatures: string[];
  doc: string;
  /** What calling it performs, as the checker infers it (`:stdout`, `host/:id`); absent when unknown. */
  effects?: string[];
  /** Where the reference describes it: `doc/language.md §12 Changing collections`. */
  see?: string;
}

interface RefEntry { forms: string[]; doc: string; section: string }

/** A Glia symbol as a model would type it (no spaces, brackets or quotes). */
export const SYMBOL_RE = /^[^\s()[\]{}"';@^`~\\,#:][^\s()[\]{}"';@^`~\\,]*$/;
const METHOD_RE = /^\(?\s*(?:perform\s+)?([a-z][a-z0-9-]*)\s*(?:\/\s*|\s+):([a-z][a-z0-9-]*)\s*\)?$/;

export class DocIndex {
  private readonly rows = new Map<string, RefEntry[]>();
  private readonly specials = new Map<string, RefEntry>();
  private prelude: Map<string, Definition> | null = null;

  /** `reference`: the text of doc/language.md. */
  constructor(reference: string) { this.index(reference); }

  /** The doc of `symbol`, or null when neither the reference, the prelude nor the schemas know it. */
  lookup(symbol: string, boundCapabilities: readonly string[]): SymbolDoc | null {
    const s = symbol.trim();
    const m = METHOD_RE.exec(s);
    if (m) return this.method(m[1]!, m[2]!, boundCapabilities);
    if (!SYMBOL_RE.test(s)) return null;
    const slash = s.lastIndexOf('/');
    const ns = slash > 0 ? s.slice(0, slash) : null;
    const name = slash > 0 ? s.slice(slash + 1) : s;
    if (ns === null && SPECIAL_FORMS.has(name)) {
      const sec = this.specials.get(name);
      return { symbol: name, kind: 'special form', ns: null, signatures: [], doc: sec?.doc ?? 'A special form of the language.', ...(sec ? { see: sec.section } : {}) };
    }
    if (ns !== null && ns !== 'glia.core') return this.stdVar(ns, name);
    return this.coreVar(name);
  }

  private method(cap: string, method: string, bound: readonly string[]): SymbolDoc | null {
    const d = describeCapability(cap, bound);
    const m = d?.methods.find((x) => x.name === method);
    if (!d || !m) return null;
    const params = m.params.filter((p) => p.doc).map((p) => `- ${p.name}${p.optional ? ' (optional)' : ''}: ${p.doc}`);
    return {
      symbol: `${d.name} :${m.name}`, kind: 'capability method', ns: null, signatures: [m.call, m.signature],
      doc: [m.doc, ...params].filter(Boolean).join('\n'), effects: [`${d.name}/:${m.name}`],
      see: `${d.schema} (${d.interface}${m.convenience ? ', a Glia convenience' : ''})`,
    };
  }

  private coreVar(name: string): SymbolDoc | null {
    const v = checkWorld().session.registry.core.vars.get(name);
    const ref = this.rows.get(name);
    if (!v && !ref) return null;
    const info: FnInfo | undefined = v?.value?.[FN_INFO];
    const def = this.preludeDefs().get(name);
    const macro = v?.macro ?? def?.kind === 'defmacro';
    const signatures = ref ? ref.flatMap((r) => r.forms)
      : def?.arglists.length ? def.arglists.map((a) => callForm(name, a))
      : info ? arglists(info).map((a) => callForm(name, a)) : [];
    const doc = [v?.doc ?? info?.doc ?? def?.doc, ...(ref ?? []).map((r) => r.doc)].filter(Boolean).join('\n');
    const out: SymbolDoc = {
      symbol: name, kind: macro ? 'macro' : info || def?.arglists.length || ref ? 'function' : 'var', ns: 'glia.core',
      signatures: [...new Set(signatures)], doc,
    };
    if (ref) out.see = [...new Set(ref.map((r) => r.section))].join('; ');
    if (!macro) {
      const effects = effectsOf(name);
      if (effects) out.effects = effects;
    }
    return out;
  }

  /** A name in a std module (`ww.string/join`), loaded as `(import "ww/string")` would. */
  private stdVar(ns: string, name: string): SymbolDoc | null {
    const world = checkWorld();
    const module = world.stdModule(ns.replace(/\./g, '/'));
    const v = module?.vars.get(name);
    if (!module || !v || v.privateVar) return null;
    const info: FnInfo | undefined = v.value?.[FN_INFO];
    const source = SOURCES[`std/${ns.replace(/\./g, '/')}.glia`];
    const def = source ? defsOf(source, `std/${ns}.glia`).get(name) : undefined;
    const lists = def?.arglists.length ? def.arglists : info ? arglists(info) : [];
    return {
      symbol: `${ns}/${name}`, kind: v.macro ? 'macro' : info || lists.length ? 'function' : 'var', ns,
      signatures: lists.map((a) => callForm(`${ns}/${name}`, a)), doc: v.doc ?? info?.doc ?? def?.doc ?? '',
      see: `doc/std.md (${ns.replace(/\./g, '/')})`,
    };
  }

  private preludeDefs(): Map<string, Definition> {
    return (this.prelude ??= defsOf(SOURCES['glia/prelude/core.glia'] ?? '', 'glia/prelude/core.glia'));
  }

  /** The reference's table rows (`| `(f a b)`, `(g a)` | what they do |`) and its §3 special-form sections. */
  private index(text: string): void {
    const lines = text.split('\n');
    let chapter = '';
    let heading = '';
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.startsWith('## ')) { chapter = line.slice(3).trim(); heading = ''; continue; }
      if (line.startsWith('### ')) {
        heading = line.slice(4).trim();
        if (/^3\./.test(chapter)) {
          let end = i + 1;
          while (end < lines.length && !/^#{2,3} /.test(lines[end]!)) end++;
          const entry = { forms: [], doc: lines.slice(i + 1, end).join('\n').trim(), section: `doc/language.md §${chapter.split(' ')[0]!.replace(/\.$/, '')} ${heading}` };
          for (const n of heading.split(',').map((x) => x.trim())) if (SPECIAL_FORMS.has(n) && !this.specials.has(n)) this.specials.set(n, entry);
        }
        continue;
      }
      if (!line.startsWith('| ') || /^\|\s*-/.test(line)) continue;
      const cells = line.split('|').slice(1, -1);
      if (cells.length < 2) continue;
      const forms = [...cells[0]!.matchAll(/`(\([^`]*\))`/g)].map((x) => x[1]!);
      const doc = cells.slice(1).join('|').trim();
      const section = `doc/language.md §${chapter.split(' ')[0]!.replace(/\.$/, '')} ${heading || chapter.replace(/^\d+\.\s*/, '')}`.trim();
      const byName = new Map<string, string[]>();
      for (const f of forms) {
        const name = /^\(([^\s()]+)/.exec(f)?.[1];
        if (!name || name === '...') continue;
        byName.set(name, [...(byName.get(name) ?? []), f]);
      }
      for (const [name, fs] of byName) this.rows.set(name, [...(this.rows.get(name) ?? []), { forms: fs, doc, section }]);
    }
  }
}

/** The definitions of a Glia source (name -> arglists and docstring), expanding macros as the session knows them. */
function defsOf(source: string, file: string): Map<string, Definition> {
  const world = checkWorld();
  const out = new Map<string, Definition>();
  try {
    const forms = read(source, file).forms.filter((f) => Stack.isStack(f));
    for (const d of indexSymbols(forms, { registry: world.session.registry, runMacro: world.session.runMacro }).definitions) out.set(d.name, d);
  } catch { /* an index is a nicety: the reference and the arities still answer */ }
  return out;
}

/** Builtins have no parameter names; their arities read as `[a b]`, `[a & more]`. */
function arglists(info: FnInfo): string[] {
  const names = (n: number) => Array.from({ length: n }, (_, i) => (n === 1 ? 'x' : String.fromCharCode(97 + (i % 26))));
  const out = [...info.arities].sort((a, b) => a - b).map((n) => `[${names(n).join(' ')}]`);
  if (info.variadic !== null) out.push(`[${[...names(info.variadic), '&', 'more'].join(' ')}]`);
  return out;
}

function callForm(name: string, arglist: string): string {
  const inner = arglist.replace(/^\[/, '').replace(/\]$/, '').trim();
  return inner ? `(${name} ${inner})` : `(${name})`;
}

/** What calling a core function performs, from the checker; undefined when it cannot tell. */
function effectsOf(name: string): string[] | undefined {
  try {
    const r = checkSource(name, { context: 'mcp', file: '<doc>' });
    return symbolAt(r, 0)?.effects;
  } catch { return undefined; }
}

/** A doc as text for a model. */
export function docText(d: SymbolDoc): string {
  const head = `${d.ns && d.ns !== 'glia.core' ? '' : d.ns ? `${d.ns}/` : ''}${d.symbol} — ${d.kind}`;
  const lines = [head];
  if (d.signatures.length) lines.push(...d.signatures.map((s) => `  ${s}`));
  if (d.doc) lines.push('', d.doc);
  if (d.effects) lines.push('', d.effects.length ? `Performs: ${d.effects.join(', ')}` : 'Performs: nothing (pure)');
  if (d.see) lines.push(`See: ${d.see}`);
  return lines.join('\n');
}
