// How a target reads in a hover or a completion's documentation: its name,
// its arglists, its docstring and where it comes from. Markdown, in the
// style of clojure-lsp's hovers.
import type { FnInfo } from '../glia/index.js';
import type { Target } from './resolve.js';
import { SPECIAL_FORM_DOCS } from './special-forms.js';

/** The arglists of a target, as written (`[x y]`), or made up from the arities of a builtin. */
export function arglistsOf(t: Target): string[] {
  switch (t.kind) {
    case 'def': return t.def.arglists;
    case 'native': return t.info ? arglistsFromArity(t.info) : [];
    case 'special': return SPECIAL_FORM_DOCS[t.name]?.arglists ?? [];
    default: return [];
  }
}

/** Builtins have no parameter names; their arities read as `[a b]`, `[a b & more]`. */
export function arglistsFromArity(info: FnInfo): string[] {
  const names = (n: number) => Array.from({ length: n }, (_, i) => (n === 1 ? 'x' : String.fromCharCode(97 + (i % 26)) + (i >= 26 ? String(i) : '')));
  const out = [...info.arities].sort((a, b) => a - b).map((n) => `[${names(n).join(' ')}]`);
  if (info.variadic !== null) out.push(`[${[...names(info.variadic), '&', 'more'].join(' ')}]`);
  return out;
}

export function docOf(t: Target): string | undefined {
  switch (t.kind) {
    case 'def': return t.def.doc;
    case 'native': return t.doc;
    case 'special': return SPECIAL_FORM_DOCS[t.name]?.doc;
    default: return undefined;
  }
}

/** What kind of thing it is, in a word: function, macro, var, local, special form, module. */
export function kindWord(t: Target): string {
  switch (t.kind) {
    case 'local': return 'local';
    case 'special': return 'special form';
    case 'module': return 'module';
    case 'native': return t.macro ? 'macro' : t.info ? 'function' : 'var';
    case 'def': {
      const k = t.def.kind;
      if (k === 'defmacro') return 'macro';
      if (k === 'defcap') return 'capability';
      if (k === 'deftest') return 'test';
      return t.def.arglists.length ? 'function' : 'var';
    }
    default: return 'symbol';
  }
}

export function qualifiedName(t: Target): string {
  switch (t.kind) {
    case 'def': return `${t.ns}/${t.def.name}`;
    case 'native': return `${t.ns}/${t.name}`;
    case 'local': return t.binding.name;
    case 'special': return t.name;
    case 'module': return t.module.ns;
    case 'unresolved': return t.ns ? `${t.ns}/${t.name}` : t.name;
  }
}

/** `(name a b)` for each arglist. */
export function callForms(name: string, arglists: string[]): string[] {
  return arglists.map((a) => {
    const inner = a.replace(/^\[/, '').replace(/\]$/, '').trim();
    return inner ? `(${name} ${inner})` : `(${name})`;
  });
}

/** Extra lines a caller adds under the docstring (the inferred effects of a function, say). */
export interface HoverExtras { effects?: string[] }

export function hoverMarkdown(t: Target, extras: HoverExtras = {}): string {
  const parts: string[] = [];
  const name = qualifiedName(t);
  if (t.kind === 'local') {
    parts.push('```glia\n' + t.binding.name + '\n```', '*local*');
    return parts.join('\n\n');
  }
  if (t.kind === 'module') {
    parts.push('```glia\n' + t.module.ns + '\n```', `*module* \`${t.module.path}\``);
    return parts.join('\n\n');
  }
  if (t.kind === 'unresolved') return '';
  const short = t.kind === 'def' ? t.def.name : t.kind === 'native' ? t.name : t.name;
  const forms = callForms(short, arglistsOf(t));
  parts.push('```glia\n' + [name, ...forms].join('\n') + '\n```');
  parts.push(`*${kindWord(t)}*${t.kind === 'def' && t.def.private ? ' (private)' : ''}`);
  const doc = docOf(t);
  if (doc) parts.push(doc);
  if (extras.effects) {
    parts.push(extras.effects.length ? `**Effects:** ${extras.effects.map((e) => '`' + e + '`').join(', ')}` : '**Effects:** none (pure)');
  }
  return parts.join('\n\n');
}
