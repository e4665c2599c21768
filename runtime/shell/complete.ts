// Tab completion at the prompt, from the tables the language server uses
// (lsp/features/completion.ts): glia.core's names and the special forms,
// the capability-signature table for `(perform cap :`, and the module
// aliases. The shell adds what this session defined and imported, read
// from the forms it evaluated without error. Pure, apart from the names
// it is given.
import { tokenize, type SourceToken } from '../../glia/analysis/tokens.js';
import { SPECIAL_FORMS } from '../../glia/compile/analyzer.js';
import { capabilityInterfaceForBinding, methodSignature } from '../../glia/compile/capabilities.js';
import { gliaMethods } from '../../glia/compile/conveniences.js';

export interface Candidate {
  /** What is inserted. */
  text: string;
  /** A short note shown beside it: a signature, `special form`, `alias`. */
  detail?: string;
}

export interface Names {
  /** glia.core's public names. */
  core(): Iterable<string>;
  /** What the session defined, newest last. */
  defined: Iterable<string>;
  /** Module aliases and, for each, its public names. */
  aliases: ReadonlyMap<string, readonly string[]>;
  /** Capabilities bound in the session (`host`, `routing`, ...). */
  capabilities: readonly string[];
}

export interface Completion {
  /** Where the word being completed starts (the cursor is its end). */
  start: number;
  prefix: string;
  candidates: Candidate[];
}

const WORD_CHAR = /[^\s()[\]{}"';,`~@^\\]/;
const DEF_HEADS = new Set(['def', 'defn', 'defn-', 'defmacro', 'defonce', 'defcap', 'declare', 'deftest', 'defmulti']);

export function complete(text: string, cursor: number, names: Names): Completion | null {
  const tokens = tokenize(text);
  // Inside a comment or a string (an unclosed one runs to the cursor) nothing is completed.
  const inside = tokens.find((t) => t.offset < cursor && (cursor < t.end
    || (cursor === t.end && (t.kind === 'comment' || (t.kind === 'string' && (t.text.length === 1 || !t.text.endsWith('"')))))));
  if (inside && (inside.kind === 'string' || inside.kind === 'comment')) return null;
  let start = cursor;
  while (start > 0 && WORD_CHAR.test(text[start - 1]!)) start--;
  const prefix = text.slice(start, cursor);
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const add = (name: string, detail?: string) => {
    if (!name.startsWith(prefix) || seen.has(name)) return;
    seen.add(name);
    out.push(detail ? { text: name, detail } : { text: name });
  };

  const perform = performTarget(tokens, start);
  if (perform !== null) {
    if (prefix === '' || prefix.startsWith(':')) {
      const iface = capabilityInterfaceForBinding(perform);
      if (iface) for (const m of gliaMethods(iface)) add(`:${m.name}`, methodSignature(m));
    }
    return { start, prefix, candidates: out };
  }
  if (prefix.startsWith(':') || prefix === '') return prefix === '' ? null : { start, prefix, candidates: out };

  const slash = prefix.indexOf('/');
  if (slash > 0) {
    const alias = prefix.slice(0, slash);
    for (const m of names.aliases.get(alias) ?? []) add(`${alias}/${m}`);
    return { start, prefix, candidates: out };
  }
  for (const n of [...names.defined].reverse()) add(n, 'defined here');
  for (const c of names.capabilities) add(c, 'capability');
  for (const a of names.aliases.keys()) add(`${a}/`, 'alias');
  for (const s of SPECIAL_FORMS) add(s, 'special form');
  for (const n of names.core()) if (!n.startsWith('-')) add(n);
  return { start, prefix, candidates: out };
}

/**
 * `(perform cap ` with the cursor on the third child: the name `cap`, else
 * null. Children are counted at the list's own depth.
 */
function performTarget(tokens: SourceToken[], start: number): string | null {
  // The innermost list open before `start`.
  const stack: number[] = [];
  for (let i = 0; i < tokens.length && tokens[i]!.offset < start; i++) {
    const t = tokens[i]!;
    if (t.kind === 'open') stack.push(i);
    else if (t.kind === 'close') stack.pop();
  }
  const open = stack[stack.length - 1];
  if (open === undefined || tokens[open]!.text !== '(') return null;
  const children: SourceToken[] = [];
  let depth = 0;
  for (let i = open + 1; i < tokens.length && tokens[i]!.offset < start; i++) {
    const t = tokens[i]!;
    if (t.kind === 'comment') continue;
    if (depth === 0 && t.kind !== 'close') children.push(t);
    if (t.kind === 'open') depth++;
    else if (t.kind === 'close') depth--;
  }
  const [head, target, third] = children;
  if (head?.text !== 'perform' || target?.kind !== 'symbol') return null;
  // The cursor is on the method: right after the target, or in a word that began there.
  if (children.length === 2 && target.end < start) return target.text;
  if (children.length === 3 && third!.end === start && third!.offset < start && third!.kind === 'keyword') return target.text;
  return null;
}

/** The longest prefix every candidate shares. */
export function commonPrefix(cands: readonly Candidate[]): string {
  if (cands.length === 0) return '';
  let p = cands[0]!.text;
  for (const c of cands) while (!c.text.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** Names a piece of source defines at its top level and the aliases it imports, by token: cheap, and enough for completion. */
export function definitionsIn(text: string): { defined: string[]; imports: { alias: string; path: string }[] } {
  const tokens = tokenize(text).filter((t) => t.kind !== 'comment');
  const defined: string[] = [];
  const imports: { alias: string; path: string }[] = [];
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [open, head] = [tokens[i]!, tokens[i + 1]!];
    if (open.text !== '(' || head.kind !== 'symbol') continue;
    if (DEF_HEADS.has(head.text)) {
      let j = i + 2;
      while (tokens[j]?.kind === 'macro-char' && tokens[j]!.text === '^') j += 2; // ^:private name
      if (tokens[j]?.kind === 'symbol') defined.push(tokens[j]!.text);
    } else if (head.text === 'import' && tokens[i + 2]!.kind === 'string') {
      const path = tokens[i + 2]!.text.slice(1, -1);
      const as = tokens[i + 3]?.text === ':as' && tokens[i + 4]?.kind === 'symbol' ? tokens[i + 4]!.text : path.split('/').pop()!;
      imports.push({ alias: as, path });
    }
  }
  // `[ww.string :as str]` inside an ns form's :import clause.
  for (let i = 0; i + 3 < tokens.length; i++) {
    if (tokens[i]!.text === '[' && tokens[i + 1]!.kind === 'symbol' && tokens[i + 2]!.text === ':as' && tokens[i + 3]!.kind === 'symbol') {
      if (tokens.slice(Math.max(0, i - 6), i).some((t) => t.text === ':import')) {
        imports.push({ alias: tokens[i + 3]!.text, path: tokens[i + 1]!.text.replace(/\./g, '/') });
      }
    }
  }
  return { defined, imports };
}
