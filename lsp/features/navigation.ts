// Go to definition, find references and rename. A target is identified by
// a key (targetKey) that is the same from every file that refers to it, so
// references across the workspace are the occurrences that resolve to the
// same key. Only names whose definition is in the workspace can be renamed:
// glia.core and the std modules are not the user's to change.
import { ResponseError, ErrorCodes, type Location, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { Occurrence } from '../../glia/index.js';
import type { FileAnalysis } from '../file-analysis.js';
import type { Workspace } from '../workspace.js';
import { targetKey, type Resolver, type Target } from '../resolve.js';
import { SPECIAL_FORMS } from '../../glia/index.js';

export async function definition(file: FileAnalysis, offset: number, ws: Workspace, resolver: Resolver): Promise<Location | null> {
  const occ = file.occurrenceAt(offset);
  if (occ) return locationOf(await resolver.resolve(file, occ), file, ws);
  // The module named in an import: "ww/coll" in (import ...), ww.string in (ns ... (:import [...])).
  const tok = file.tokenAt(offset);
  if (!tok || (tok.kind !== 'string' && tok.kind !== 'symbol')) return null;
  const spec = file.imports.find((i) => i.formStart <= tok.offset && tok.end <= i.formEnd &&
    (tok.text === JSON.stringify(i.path) || tok.text === i.path.replace(/\//g, '.') || tok.text === i.path));
  const mod = spec && resolver.module(spec.path, file.uri);
  return mod ? locationOf({ kind: 'module', module: mod, alias: spec.alias }, file, ws) : null;
}

export async function locationOf(t: Target, file: FileAnalysis, ws: Workspace): Promise<Location | null> {
  switch (t.kind) {
    case 'local':
      if (t.binding.offset < 0) return null;
      return { uri: file.doc.uri, range: rangeOf(file, t.binding.offset, t.binding.end) };
    case 'def': {
      const target = t.uri === file.uri ? file : await ws.analysis(t.uri);
      if (!target) return null;
      return { uri: target === file ? file.doc.uri : t.uri, range: rangeOf(target, t.def.offset, t.def.end) };
    }
    case 'module': {
      if (t.module.kind !== 'source') return null;
      const target = await ws.analysis(t.module.uri);
      if (!target) return null;
      return { uri: t.module.uri, range: rangeOf(target, 0, 0) };
    }
    default: return null;
  }
}

export interface Reference { file: FileAnalysis; occ: Occurrence }

/** Every occurrence in the workspace that names the same thing as the one at `offset`. */
export async function referencesAt(file: FileAnalysis, offset: number, ws: Workspace, resolver: Resolver, includeDeclaration: boolean):
  Promise<{ target: Target; refs: Reference[] } | null> {
  const occ = file.occurrenceAt(offset);
  if (!occ) return null;
  const target = await resolver.resolve(file, occ);
  const key = targetKey(target);
  if (!key) return null;
  const refs: Reference[] = [];
  const keep = (o: Occurrence) => includeDeclaration || (o.role !== 'binding' && o.role !== 'def' && o.role !== 'alias');
  if (target.kind === 'local') {
    for (const o of file.occurrences) if (o.binding === target.binding.offset && keep(o)) refs.push({ file, occ: o });
    return { target, refs };
  }
  if (target.kind === 'module') {
    // An alias is local to its file: its uses are the names qualified with it.
    for (const o of file.occurrences) {
      if ((o.role === 'alias' && o.name === target.alias && keep(o)) || (o.role === 'global' && o.ns === target.alias)) refs.push({ file, occ: o });
    }
    return { target, refs };
  }
  const name = target.kind === 'def' ? target.def.name : target.kind === 'native' ? target.name : null;
  const uris = new Set([...ws.fileUris(), file.uri]);
  if (target.kind === 'def') uris.add(target.uri);
  for (const uri of uris) {
    const a = uri === file.uri ? file : await ws.analysis(uri);
    if (!a) continue;
    for (const o of a.occurrences) {
      if (o.name !== name || (o.role !== 'global' && o.role !== 'def') || !keep(o)) continue;
      if (targetKey(await resolver.resolve(a, o)) === key) refs.push({ file: a, occ: o });
    }
  }
  return { target, refs };
}

export function toLocations(refs: Reference[]): Location[] {
  return refs.map((r) => ({ uri: r.file.doc.uri, range: rangeOf(r.file, r.occ.offset, r.occ.end) }));
}

/** The range rename replaces: the name, without the alias of `alias/name`. */
function nameRange(r: Reference): Range {
  return rangeOf(r.file, r.occ.end - r.occ.name.length, r.occ.end);
}

export async function prepareRename(file: FileAnalysis, offset: number, ws: Workspace, resolver: Resolver): Promise<{ range: Range; placeholder: string } | null> {
  const occ = file.occurrenceAt(offset);
  if (!occ) return null;
  const target = await resolver.resolve(file, occ);
  renameRefusal(target, ws);
  return { range: nameRange({ file, occ }), placeholder: occ.name };
}

export async function rename(file: FileAnalysis, offset: number, newName: string, ws: Workspace, resolver: Resolver): Promise<WorkspaceEdit | null> {
  if (!isValidName(newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' is not a valid Glia name`);
  }
  const found = await referencesAt(file, offset, ws, resolver, true);
  if (!found) return null;
  renameRefusal(found.target, ws);
  const changes: Record<string, TextEdit[]> = {};
  for (const r of found.refs) (changes[r.file.doc.uri] ??= []).push({ range: nameRange(r), newText: newName });
  return { changes };
}

function renameRefusal(t: Target, ws: Workspace): void {
  const refuse = (why: string) => { throw new ResponseError(ErrorCodes.InvalidRequest, why); };
  switch (t.kind) {
    case 'local': if (t.binding.offset < 0) refuse('this name is made by a macro'); return;
    case 'def': if (t.std || ws.std.keyOf(t.uri)) refuse(`${t.ns}/${t.def.name} is part of Glia's standard library and cannot be renamed`); return;
    case 'native': refuse(`${t.ns}/${t.name} is built into Glia and cannot be renamed`); return;
    case 'special': refuse(`${t.name} is a special form`); return;
    default: refuse('only locals and definitions in the workspace can be renamed');
  }
}

/** A name the reader reads back as the same plain symbol. */
export function isValidName(name: string): boolean {
  if (!/^[^\s,;()[\]{}"`~^@\\'#:/0-9][^\s,;()[\]{}"`~^@\\/]*$/.test(name)) return false;
  if (/^[+-]\d/.test(name) || /^\.\d/.test(name)) return false;
  return !['nil', 'true', 'false', '&'].includes(name) && !SPECIAL_FORMS.has(name);
}

export function rangeOf(file: FileAnalysis, start: number, end: number): Range {
  return { start: file.doc.positionAt(start), end: file.doc.positionAt(end) };
}
