// What the language has and what its reference documents, as sets of
// names: the public vars of glia.core and of each std module, and the
// special forms (from a real Session), against the reference tables, headings
// and code spans of doc/language.md and doc/std.md.
import { Session } from '../../glia/eval/session.js';
import { SPECIAL_FORMS } from '../../glia/compile/analyzer.js';
import { SOURCES } from '../../glia/generated/sources.js';
import { CORE_NS } from '../../glia/compile/registry.js';

/**
 * Names starting with `-` are the hooks compiled code and the prelude's
 * macros use (`-make-cell` for `cell`, ...), not part of the language;
 * language.md lists them under "Internal names".
 */
export const isInternal = (name: string) => /^-[a-z]/.test(name);

/** The std modules: those with Glia source (std/ww/NAME.glia) and those made of natives (namespaces ww.NAME). */
export function stdModules(session: Session): string[] {
  const fromSource = Object.keys(SOURCES).flatMap((f) => { const m = /^std\/ww\/(.+)\.glia$/.exec(f); return m ? [`ww/${m[1]}`] : []; });
  const natives = [...session.registry.namespaces.keys()].filter((n) => n.startsWith('ww.')).map((n) => n.replace('.', '/'));
  return [...new Set([...fromSource, ...natives])].sort();
}

/** Public vars of a namespace. */
export function publicNames(session: Session, ns: string): string[] {
  const n = session.registry.namespaces.get(ns);
  if (!n) throw new Error(`no namespace ${ns}`);
  return [...n.vars.values()].filter((v) => !v.privateVar).map((v) => v.name).sort();
}

export interface Existing {
  /** glia.core's public vars, internal hooks left out. */
  core: string[];
  /** glia.core's internal hooks (`-name`). */
  internal: string[];
  special: string[];
  /** Each std module's public vars, helpers (`-name`) left out, by module path (`ww/string`). */
  modules: Map<string, string[]>;
}

export async function existing(): Promise<Existing> {
  const session = new Session({});
  const modules = new Map<string, string[]>();
  for (const m of stdModules(session)) {
    await session.evalString(`(import "${m}")`, '<docs>');
    // A module's `-name` vars are its own helpers, as in glia.core.
    modules.set(m, publicNames(session, m.replace('/', '.')).filter((n) => !isInternal(n)));
  }
  const core = publicNames(session, CORE_NS);
  return { core: core.filter((n) => !isInternal(n)), internal: core.filter(isInternal), special: [...SPECIAL_FORMS].sort(), modules };
}

/** The code spans of the heading lines of a Markdown text (`### cell`, `### Barriers: with-effect-barrier`), and their plain words. */
export function headingNames(md: string): Set<string> {
  const out = new Set<string>();
  for (const m of md.matchAll(/^#+ (.*)$/gm)) for (const w of m[1]!.split(/[\s,:]+/)) if (w) out.add(w.replace(/`/g, ''));
  return out;
}

/** The section under a heading, up to the next heading of any level. */
export function sectionOf(md: string, heading: string): string {
  const at = md.indexOf(`\n${heading}\n`);
  if (at < 0) return '';
  const rest = md.slice(at + heading.length + 2);
  const next = rest.search(/^#+ /m);
  return next < 0 ? rest : rest.slice(0, next);
}

/** The code spans of a Markdown text (inline `...` or `` ... ``; fenced blocks left out). */
export function codeSpans(md: string): string[] {
  const out: string[] = [];
  let fence = false;
  for (const l of md.split('\n')) {
    if (/^\s*```/.test(l)) { fence = !fence; continue; }
    if (!fence) for (const m of l.matchAll(/(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)/g)) out.push(m[2]!.replace(/^ (.*) $/, '$1'));
  }
  return out;
}

/**
 * The names a doc's reference tables define: the head of each `(name ...)`
 * code span (or a bare `name` span) in the first cell of a table whose first
 * column is Function, Form or Macro.
 */
export function tabledNames(md: string): { name: string; line: number }[] {
  const out: { name: string; line: number }[] = [];
  let inTable = false;
  md.split('\n').forEach((l, i) => {
    if (!l.startsWith('|')) { inTable = false; return; }
    const cells = l.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    if (/^(Function|Form|Macro)$/.test(cells[0] ?? '')) { inTable = true; return; }
    if (!inTable || /^-+$/.test(cells[0]?.replace(/[:\s]/g, '') ?? '')) return;
    // Reader syntax in the same cell (`@a`, `#{1}`, `{:a 1}`, `(1 2 3)`) names no function.
    for (const m of (cells[0] ?? '').matchAll(/`\(?([^\s`()\[\]]+)[^`]*`/g)) if (!/^[\d{#@:"'^~]/.test(m[1]!)) out.push({ name: m[1]!, line: i + 1 });
  });
  return out;
}

/** doc/std.md's sections `## ww/NAME`, by module. */
export function moduleSections(md: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = md.split(/^## /m);
  for (const p of parts.slice(1)) {
    const m = /^(ww\/[\w-]+)/.exec(p);
    if (m) out.set(m[1]!, p);
  }
  return out;
}
