// Semantic tokens: what each symbol is (special form, macro, function,
// var, local, namespace alias) as the analysis resolved it, and keywords.
// Strings, numbers and comments are left to the editor's grammar, as
// clojure-lsp does.
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver/node';
import type { FileAnalysis } from '../file-analysis.js';
import type { Resolver } from '../resolve.js';

const TYPES = ['namespace', 'function', 'macro', 'variable', 'keyword', 'interface'] as const;
const MODIFIERS = ['declaration', 'definition', 'defaultLibrary'] as const;

export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

type TokenType = typeof TYPES[number];
type Modifier = typeof MODIFIERS[number];

interface Tok { offset: number; length: number; type: TokenType; mods: Modifier[] }

export function semanticTokens(file: FileAnalysis, resolver: Resolver): SemanticTokens {
  const toks: Tok[] = [];
  const push = (offset: number, length: number, type: TokenType, ...mods: Modifier[]) => { if (length > 0) toks.push({ offset, length, type, mods }); };
  for (const o of file.occurrences) {
    const nameStart = o.end - o.name.length;
    switch (o.role) {
      case 'special': push(o.offset, o.end - o.offset, 'macro', 'defaultLibrary'); break;
      case 'binding': push(o.offset, o.end - o.offset, 'variable', 'declaration'); break;
      case 'local': push(o.offset, o.end - o.offset, 'variable'); break;
      case 'alias': push(o.offset, o.end - o.offset, 'namespace'); break;
      case 'def': {
        const d = file.definitionAt(o.offset);
        const type: TokenType = d?.kind === 'defmacro' ? 'macro' : d?.kind === 'defcap' ? 'interface' : d && (d.arglists.length || d.kind.startsWith('defn')) ? 'function' : 'variable';
        push(o.offset, o.end - o.offset, type, 'declaration', 'definition');
        break;
      }
      case 'global': {
        if (o.ns !== null) push(o.offset, o.ns.length, 'namespace');
        const c = resolver.classify(file, o.ns, o.name);
        if (c) push(nameStart, o.name.length, c.kind, ...(c.library ? ['defaultLibrary' as const] : []));
        break;
      }
    }
  }
  for (const t of file.tokens()) if (t.kind === 'keyword') push(t.offset, t.end - t.offset, 'keyword');
  toks.sort((a, b) => a.offset - b.offset);
  const builder = new SemanticTokensBuilder();
  let lastEnd = -1;
  for (const t of toks) {
    if (t.offset < lastEnd) continue; // a macro may place one symbol twice; tokens must not overlap
    const pos = file.doc.positionAt(t.offset);
    let bits = 0;
    for (const m of t.mods) bits |= 1 << MODIFIERS.indexOf(m);
    builder.push(pos.line, pos.character, t.length, TYPES.indexOf(t.type), bits);
    lastEnd = t.offset + t.length;
  }
  return builder.build();
}
