// Everything the server knows about one file at one version: its tokens,
// the forms the reader recovered, the symbol index and the reader's
// diagnostics. The text is split into top-level chunks (glia/analysis/
// chunks.ts) and each chunk is read on its own, so after an edit only the
// chunks whose text changed are read again; results are cached by chunk
// text, with offsets relative to the chunk, and moved to the chunk's place
// here.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  read, splitTopLevel, tokenize, indexSymbols,
  type ReadResult, type SourceToken, type SymbolIndex, type Occurrence, type LocalBinding,
  type Definition, type ImportSpec, type MacroEnv,
} from '../glia/index.js';

/** A chunk longer than this is not read: one form of this size is almost surely not code. */
export const MAX_CHUNK_CHARS = 300_000;

export interface FileDiagnostic {
  code: string;
  severity: 'error' | 'warning' | 'information';
  message: string;
  hint?: string;
  /** Offsets into the file's text. */
  offset: number;
  end: number;
}

/** What one chunk's text yields, with offsets relative to the chunk. */
export interface ChunkData {
  tokens: SourceToken[];
  read: ReadResult;
  index: SymbolIndex;
  /** The chunk was too large to read. */
  skipped: boolean;
}

export interface PlacedChunk {
  start: number;
  end: number;
  data: ChunkData;
}

export class FileAnalysis {
  readonly occurrences: Occurrence[] = [];
  readonly locals: LocalBinding[] = [];
  readonly definitions: Definition[] = [];
  readonly imports: ImportSpec[] = [];
  readonly readDiagnostics: FileDiagnostic[] = [];
  readonly ns: string | null = null;
  /** Offsets of brackets the reader found unclosed: their forms run to the end of their chunk. */
  readonly unclosed = new Set<number>();

  constructor(readonly uri: string, readonly doc: TextDocument, readonly chunks: PlacedChunk[]) {
    let ns: string | null = null;
    for (const c of chunks) {
      const b = c.start;
      const ix = c.data.index;
      for (const o of ix.occurrences) {
        this.occurrences.push({ ...o, offset: o.offset + b, end: o.end + b, ...(o.binding !== undefined ? { binding: o.binding < 0 ? o.binding : o.binding + b } : {}) });
      }
      for (const d of c.data.read.diagnostics) {
        if (d.code === 'read/unclosed') this.unclosed.add(d.span.offset + b);
      }
      for (const l of ix.locals) {
        const scopeEnd = this.runsToChunkEnd(l.scopeStart + b, c) ? c.end : l.scopeEnd + b;
        this.locals.push({ ...l, offset: l.offset + b, end: l.end + b, scopeStart: l.scopeStart + b, scopeEnd });
      }
      for (const d of ix.definitions) {
        this.definitions.push({ ...d, offset: d.offset + b, end: d.end + b, formStart: d.formStart + b, formEnd: this.unclosed.has(d.formStart + b) ? c.end : d.formEnd + b });
      }
      for (const i of ix.imports) this.imports.push({ ...i, offset: i.offset + b, end: i.end + b, formStart: i.formStart + b, formEnd: i.formEnd + b });
      ns ??= ix.ns;
      if (c.data.skipped) {
        this.readDiagnostics.push({
          code: 'read/too-large', severity: 'warning', offset: c.start, end: Math.min(c.end, c.start + 1),
          message: `this top-level form is ${c.end - c.start} characters long; the editor does not analyse forms over ${MAX_CHUNK_CHARS} characters`,
          hint: 'run ww check on the file for its diagnostics',
        });
      }
      for (const d of c.data.read.diagnostics) {
        this.readDiagnostics.push({
          code: d.code, severity: d.severity, message: d.message, ...(d.hint ? { hint: d.hint } : {}),
          offset: d.span.offset + b, end: Math.max(d.span.endOffset, d.span.offset) + b,
        });
      }
    }
    this.ns = ns;
  }

  get text(): string { return this.doc.getText(); }
  get version(): number { return this.doc.version; }

  /** A local whose form was left unclosed stays in scope to the end of its chunk, where the user is typing. */
  private runsToChunkEnd(scopeStart: number, c: PlacedChunk): boolean {
    for (const u of this.unclosed) if (u >= c.start && u < c.end && u <= scopeStart) return true;
    return false;
  }

  chunkAt(offset: number): PlacedChunk | undefined {
    let lo = 0, hi = this.chunks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.chunks[mid]!;
      if (offset < c.start) hi = mid - 1;
      else if (offset >= c.end && !(offset === c.end && mid === this.chunks.length - 1)) lo = mid + 1;
      else return c;
    }
    return this.chunks[this.chunks.length - 1];
  }

  /** The symbol occurrence at (or just before) an offset: a cursor right after a symbol is on it. */
  occurrenceAt(offset: number): Occurrence | undefined {
    const occ = this.occurrences;
    let lo = 0, hi = occ.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (occ[mid]!.offset <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    const o = found >= 0 ? occ[found] : undefined;
    return o && offset <= o.end ? o : undefined;
  }

  /** Tokens of the whole file, with absolute offsets. */
  tokens(): SourceToken[] {
    const out: SourceToken[] = [];
    for (const c of this.chunks) for (const t of c.data.tokens) out.push({ ...t, offset: t.offset + c.start, end: t.end + c.start });
    return out;
  }

  /** The token at an offset (a cursor right after a token is on it), with absolute offsets. */
  tokenAt(offset: number): SourceToken | undefined {
    const c = this.chunkAt(offset);
    if (!c) return undefined;
    const rel = offset - c.start;
    let best: SourceToken | undefined;
    for (const t of c.data.tokens) {
      if (t.offset > rel) break;
      if (rel < t.end || (rel === t.end && t.kind !== 'open' && t.kind !== 'close')) best = t;
    }
    return best && { ...best, offset: best.offset + c.start, end: best.end + c.start };
  }

  /** Locals visible at an offset, innermost first, each name once. */
  localsAt(offset: number): LocalBinding[] {
    const seen = new Set<string>();
    const out: LocalBinding[] = [];
    const visible = this.locals.filter((l) => l.scopeStart <= offset && offset <= l.scopeEnd && l.offset !== offset)
      .sort((a, b) => b.offset - a.offset);
    for (const l of visible) if (!seen.has(l.name)) { seen.add(l.name); out.push(l); }
    return out;
  }

  private byOffset?: Map<number, Definition>;
  private byName?: Map<string, Definition>;
  private localsByOffset?: Map<number, LocalBinding>;

  /** The definition whose name is written at `offset`. */
  definitionAt(offset: number): Definition | undefined {
    this.byOffset ??= new Map(this.definitions.map((d) => [d.offset, d]));
    return this.byOffset.get(offset);
  }

  /** The definition of a name in this file: the first real one, else its declare. */
  definition(name: string): Definition | undefined {
    if (!this.byName) {
      this.byName = new Map();
      for (const d of this.definitions) {
        const had = this.byName.get(d.name);
        if (!had || (had.kind === 'declare' && d.kind !== 'declare')) this.byName.set(d.name, d);
      }
    }
    return this.byName.get(name);
  }

  /** The local bound at `offset`. */
  localAt(offset: number): LocalBinding | undefined {
    this.localsByOffset ??= new Map(this.locals.map((l) => [l.offset, l]));
    return this.localsByOffset.get(offset);
  }
}

export interface AnalyzeOptions {
  env: MacroEnv;
  /** Chunk results of the previous version, by chunk text. */
  cache: Map<string, ChunkData>;
  /** Called between chunks; returning a promise lets other work run. */
  pause?: () => Promise<void> | void;
  /** Checked between chunks: a newer version makes this one pointless. */
  cancelled?: () => boolean;
}

/** Analyses a document; resolves to null when cancelled. The new chunk cache replaces `cache`'s contents. */
export async function analyze(uri: string, doc: TextDocument, file: string, opts: AnalyzeOptions): Promise<FileAnalysis | null> {
  const text = doc.getText();
  const next = new Map<string, ChunkData>();
  const placed: PlacedChunk[] = [];
  for (const ch of splitTopLevel(text)) {
    const chunkText = text.slice(ch.start, ch.end);
    let data = opts.cache.get(chunkText) ?? next.get(chunkText);
    if (!data) {
      if (opts.pause) await opts.pause();
      if (opts.cancelled?.()) return null;
      data = readChunk(chunkText, file, opts.env);
    }
    next.set(chunkText, data);
    placed.push({ start: ch.start, end: ch.end, data });
  }
  opts.cache.clear();
  for (const [k, v] of next) opts.cache.set(k, v);
  return new FileAnalysis(uri, doc, placed);
}

export function readChunk(text: string, file: string, env: MacroEnv): ChunkData {
  if (text.length > MAX_CHUNK_CHARS) {
    return { tokens: [], read: { forms: [], diagnostics: [], comments: [] }, index: emptyIndex(), skipped: true };
  }
  const r = read(text, file);
  let index: SymbolIndex;
  try { index = indexSymbols(r.forms, env); } catch { index = emptyIndex(); }
  return { tokens: tokenize(text), read: r, index, skipped: false };
}

function emptyIndex(): SymbolIndex {
  return { occurrences: [], locals: [], definitions: [], imports: [], ns: null };
}
