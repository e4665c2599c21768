// The outline of a file (document symbols) and the definitions of the
// whole workspace (workspace symbols), from the symbol index.
import { SymbolKind, type DocumentSymbol, type SymbolInformation } from 'vscode-languageserver/node';
import type { Definition } from '../../glia/index.js';
import type { FileAnalysis } from '../file-analysis.js';
import type { Workspace } from '../workspace.js';
import { rangeOf } from './navigation.js';
import { matches } from './completion.js';

const MAX_WORKSPACE_SYMBOLS = 500;

function kindOf(d: Definition): SymbolKind {
  switch (d.kind) {
    case 'defmacro': case 'defn': case 'defn-': case 'deftest': return SymbolKind.Function;
    case 'defcap': return SymbolKind.Interface;
    default: return d.arglists.length ? SymbolKind.Function : SymbolKind.Variable;
  }
}

function detailOf(d: Definition): string {
  return d.arglists.length ? `${d.kind} ${d.arglists.join(' ')}` : d.kind;
}

/** The file's definitions in order, under its namespace when it has an ns form. */
export function documentSymbols(file: FileAnalysis): DocumentSymbol[] {
  const defs = file.definitions.filter((d) => d.kind !== 'declare').sort((a, b) => a.offset - b.offset).map((d): DocumentSymbol => ({
    name: d.name,
    detail: detailOf(d),
    kind: kindOf(d),
    range: rangeOf(file, d.formStart, Math.max(d.formEnd, d.end)),
    selectionRange: rangeOf(file, d.offset, d.end),
  }));
  const nsOcc = file.ns && file.occurrences.find((o) => o.role === 'special' && o.name === 'ns');
  if (!file.ns || !nsOcc) return defs;
  const text = file.text;
  const nameAt = text.indexOf(file.ns, nsOcc.end);
  const nameStart = nameAt >= 0 ? nameAt : nsOcc.offset;
  return [{
    name: file.ns,
    kind: SymbolKind.Namespace,
    range: rangeOf(file, Math.max(0, nsOcc.offset - 1), text.length),
    selectionRange: rangeOf(file, nameStart, nameStart + (nameAt >= 0 ? file.ns.length : 2)),
    children: defs,
  }];
}

export async function workspaceSymbols(query: string, ws: Workspace, cancelled: () => boolean): Promise<SymbolInformation[]> {
  const out: SymbolInformation[] = [];
  for (const uri of ws.fileUris()) {
    if (cancelled() || out.length >= MAX_WORKSPACE_SYMBOLS) break;
    const a = await ws.analysis(uri);
    if (!a) continue;
    for (const d of a.definitions) {
      if (d.kind === 'declare' || !matches(query, d.name)) continue;
      out.push({ name: d.name, kind: kindOf(d), location: { uri: a.doc.uri, range: rangeOf(a, d.offset, d.end) }, ...(a.ns ? { containerName: a.ns } : {}) });
      if (out.length >= MAX_WORKSPACE_SYMBOLS) break;
    }
  }
  return out;
}
