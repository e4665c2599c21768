// Hover: for a symbol, what it names (its arglists, docstring and, for a
// function the checker has inferred, its effects); for the method keyword
// of a capability perform, the schema's signature and doc comment.
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import type { FileAnalysis } from '../file-analysis.js';
import type { Resolver } from '../resolve.js';
import { hoverMarkdown, type HoverExtras } from '../describe.js';
import { methodNamed, methodMarkdown, performAt } from '../capabilities.js';

/** The effects the checker inferred for the name written at [offset, end), if it names a function. */
export type EffectsAt = (file: FileAnalysis, offset: number, end: number) => string[] | undefined;

export async function hover(file: FileAnalysis, offset: number, resolver: Resolver, effectsAt?: EffectsAt): Promise<Hover | null> {
  const tok = file.tokenAt(offset);
  if (tok?.kind === 'keyword') {
    const ctx = performAt(file, tok.offset);
    if (!ctx || ctx.index !== 2) return null;
    const m = methodNamed(ctx.iface, tok.text);
    if (!m) return null;
    return { contents: { kind: MarkupKind.Markdown, value: methodMarkdown(ctx.iface, m) }, range: range(file, tok.offset, tok.end) };
  }
  const occ = file.occurrenceAt(offset);
  if (!occ) return null;
  const target = await resolver.resolve(file, occ);
  if (target.kind === 'unresolved') return null;
  const extras: HoverExtras = {};
  if (effectsAt && (target.kind === 'def' || target.kind === 'native' || target.kind === 'local')) {
    const effects = effectsAt(file, occ.offset, occ.end);
    if (effects) extras.effects = effects;
  }
  return { contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(target, extras) }, range: range(file, occ.offset, occ.end) };
}

function range(file: FileAnalysis, start: number, end: number) {
  return { start: file.doc.positionAt(start), end: file.doc.positionAt(end) };
}
