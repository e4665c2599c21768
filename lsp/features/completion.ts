// Completion: locals in scope, the file's own definitions, glia.core,
// special forms and import aliases; `alias/` completes the members of that
// module; after `(perform host ` the methods of that capability; after
// `(perform :` the host effects and the keywords the file uses.
import { CompletionItemKind, MarkupKind, type CompletionItem, type CompletionList } from 'vscode-languageserver/node';
import { SPECIAL_FORMS, methodSignature } from '../../glia/index.js';
import type { FileAnalysis } from '../file-analysis.js';
import type { Resolver, Target } from '../resolve.js';
import { arglistsOf, hoverMarkdown, kindWord } from '../describe.js';
import { methodsOf, performAt } from '../capabilities.js';
import { enclosingCall, wordStart } from '../syntax.js';

/** The keyword effects every embedding answers (doc/language.md §7, "Host effects"). */
const HOST_EFFECTS: Record<string, string> = {
  stdout: 'prints a value', load: 'reads a file and gives its bytes', import: 'loads a module', exit: 'ends the session with a status code',
};

/** Sent back on completionItem/resolve to find the documentation. */
export interface ItemData { uri: string; ns: string | null; name: string }

const MAX_ITEMS = 500;

export async function complete(file: FileAnalysis, offset: number, resolver: Resolver): Promise<CompletionList> {
  const text = file.text;
  const tok = file.tokenAt(offset);
  if (tok && insideText(tok, offset)) return { isIncomplete: false, items: [] };
  const start = wordStart(text, offset);
  const prefix = text.slice(start, offset);
  const range = { start: file.doc.positionAt(start), end: file.doc.positionAt(offset) };
  const items: CompletionItem[] = [];
  const add = (label: string, kind: CompletionItemKind, sort: string, extra: Partial<CompletionItem> = {}) => {
    if (!matches(prefix, label)) return;
    items.push({ label, kind, sortText: `${label.startsWith(prefix) ? '0' : '1'}${sort}${label}`, textEdit: { range, newText: label }, ...extra });
  };

  const perform = performAt(file, offset);
  if (perform && perform.index === 2 && (prefix === '' || prefix.startsWith(':'))) {
    for (const m of methodsOf(perform.iface)) {
      add(`:${m.name}`, CompletionItemKind.Method, '0', {
        detail: methodSignature(m),
        ...(m.doc ? { documentation: { kind: MarkupKind.Markdown, value: m.doc } } : {}),
      });
    }
    return done(items);
  }

  if (prefix.startsWith(':')) {
    const call = enclosingCall(file, offset);
    if (call && call.children[0]?.text === 'perform' && call.children.length <= 2) {
      for (const [name, doc] of Object.entries(HOST_EFFECTS)) add(`:${name}`, CompletionItemKind.Event, '0', { detail: 'host effect', documentation: doc });
    }
    const seen = new Set(items.map((i) => i.label));
    for (const t of file.tokens()) {
      if (t.kind === 'keyword' && t.text.length > 1 && !seen.has(t.text) && !(t.offset <= offset && offset <= t.end)) {
        seen.add(t.text);
        add(t.text, CompletionItemKind.Keyword, '1');
      }
    }
    return done(items);
  }

  const slash = prefix.indexOf('/');
  if (slash > 0) {
    const alias = prefix.slice(0, slash);
    const mod = resolver.moduleFor(file, alias);
    if (mod) {
      for (const m of await resolver.members(mod)) {
        add(`${alias}/${m.name}`, itemKind(m.target), '0', itemExtras(m.target, { uri: file.uri, ns: alias, name: m.name }));
      }
    }
    return done(items);
  }

  const seen = new Set<string>();
  const once = (name: string) => { if (seen.has(name)) return false; seen.add(name); return true; };
  for (const l of file.localsAt(offset)) {
    if (l.offset <= offset && offset <= l.end) continue; // the name being typed
    if (once(l.name)) add(l.name, CompletionItemKind.Variable, '0', { detail: 'local' });
  }
  for (const d of file.definitions) {
    if (d.offset <= offset && offset <= d.end) continue;
    if (!once(d.name)) continue;
    const t: Target = { kind: 'def', uri: file.uri, def: d, ns: resolver.nsOf(file), std: false };
    add(d.name, itemKind(t), '1', itemExtras(t, { uri: file.uri, ns: null, name: d.name }));
  }
  for (const i of file.imports) if (once(`${i.alias}/`)) add(`${i.alias}/`, CompletionItemKind.Module, '2', { detail: i.path, command: { title: 'complete', command: 'editor.action.triggerSuggest' } });
  for (const name of SPECIAL_FORMS) if (once(name)) add(name, CompletionItemKind.Keyword, '3', { detail: 'special form', data: { uri: file.uri, ns: null, name } satisfies ItemData });
  for (const name of resolver.coreNames()) {
    if (!once(name) || !matches(prefix, name)) continue;
    const t = resolver.coreName(name);
    if (t) add(name, itemKind(t), '4', itemExtras(t, { uri: file.uri, ns: null, name }));
  }
  return done(items);
}

/** Fills in the documentation of an item when the editor shows it. */
export async function resolveItem(item: CompletionItem, file: FileAnalysis | undefined, resolver: Resolver): Promise<CompletionItem> {
  const data = item.data as ItemData | undefined;
  if (!data || !file || item.documentation) return item;
  const t = SPECIAL_FORMS.has(data.name) && data.ns === null ? { kind: 'special' as const, name: data.name } : await resolver.global(file, data.ns, data.name);
  if (t.kind === 'unresolved') return item;
  return { ...item, documentation: { kind: MarkupKind.Markdown, value: hoverMarkdown(t) } };
}

function itemKind(t: Target): CompletionItemKind {
  switch (kindWord(t)) {
    case 'macro': case 'function': case 'test': return CompletionItemKind.Function;
    case 'capability': return CompletionItemKind.Interface;
    default: return CompletionItemKind.Variable;
  }
}

function itemExtras(t: Target, data: ItemData): Partial<CompletionItem> {
  const arglists = arglistsOf(t);
  const word = kindWord(t);
  return { detail: arglists.length ? `${word === 'macro' ? 'macro ' : ''}${arglists.join(' ')}` : word, data };
}

/** Inside a comment or a string (not right after its closing quote) nothing is completed. */
function insideText(tok: { kind: string; offset: number; end: number; text: string }, offset: number): boolean {
  if (offset <= tok.offset) return false;
  if (tok.kind === 'comment') return true;
  if (tok.kind !== 'string') return false;
  const closed = tok.text.length > 1 && tok.text.endsWith('"');
  return offset < tok.end || !closed;
}

/** Prefix or in-order subsequence, ignoring case: `mpv` matches `map-vals`. */
export function matches(prefix: string, label: string): boolean {
  if (prefix === '') return true;
  const p = prefix.toLowerCase(), l = label.toLowerCase();
  if (l.startsWith(p)) return true;
  let j = 0;
  for (let i = 0; i < l.length && j < p.length; i++) if (l[i] === p[j]) j++;
  return j === p.length && l[0] === p[0];
}

function done(items: CompletionItem[]): CompletionList {
  items.sort((a, b) => (a.sortText! < b.sortText! ? -1 : a.sortText! > b.sortText! ? 1 : 0));
  return { isIncomplete: items.length > MAX_ITEMS, items: items.slice(0, MAX_ITEMS) };
}
