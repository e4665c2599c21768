// The files the server knows: documents open in the editor (their text is
// the editor's), .glia files under the workspace folders (read from disk
// until opened), and the embedded std sources. Each has one analysis at a
// time, computed on demand and cached until its text changes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type ChunkData, type FileAnalysis } from './file-analysis.js';
import type { Checker } from './checker.js';
import { cellContextFor, type ContextSpec } from '../glia/index.js';
import type { StdSources } from './std-sources.js';
import { canonicalUri, pathToUri, uriToPath } from './uri.js';

export interface WorkspaceLimits {
  /** Files found under the workspace folders are indexed up to this many. */
  maxFiles: number;
  /** Files on disk larger than this are not indexed. */
  maxFileBytes: number;
}

export const DEFAULT_LIMITS: WorkspaceLimits = { maxFiles: 5000, maxFileBytes: 2_000_000 };

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.hg', '.svn', 'out', 'build', '.vscode-test']);

interface Entry {
  uri: string;
  doc: TextDocument;
  open: boolean;
  cache: Map<string, ChunkData>;
  analysis?: FileAnalysis;
  running?: { version: number; promise: Promise<FileAnalysis | null> };
}

export class Workspace {
  private readonly entries = new Map<string, Entry>();
  roots: string[] = [];
  limits: WorkspaceLimits = DEFAULT_LIMITS;

  constructor(private readonly checker: Checker, readonly std: StdSources, private readonly pause: () => Promise<void>) {}

  /** The editor opened or changed a document. */
  setOpen(live: TextDocument): void {
    // The documents manager updates its TextDocument in place; an analysis
    // needs the text it was made from, so each version gets its own snapshot.
    const doc = TextDocument.create(live.uri, live.languageId, live.version, live.getText());
    const uri = canonicalUri(doc.uri);
    const e = this.entries.get(uri);
    if (e) { e.doc = doc; e.open = true; return; }
    this.entries.set(uri, { uri, doc, open: true, cache: new Map() });
  }

  /** The editor closed a document: from now on its text is the file's on disk (if it has one). */
  setClosed(uri: string): void {
    const key = canonicalUri(uri);
    const e = this.entries.get(key);
    if (!e) return;
    e.open = false;
    if (!this.reload(key)) this.entries.delete(key);
  }

  /** A file changed on disk; open documents keep the editor's text. */
  fileChanged(uri: string, deleted: boolean): void {
    const key = canonicalUri(uri);
    const e = this.entries.get(key);
    if (e?.open) return;
    if (deleted) { this.entries.delete(key); return; }
    this.reload(key);
  }

  isOpen(uri: string): boolean { return !!this.entries.get(canonicalUri(uri))?.open; }

  openUris(): string[] { return [...this.entries.values()].filter((e) => e.open).map((e) => e.uri); }

  /** Every workspace file (open or on disk), not the std sources. */
  fileUris(): string[] { return [...this.entries.values()].filter((e) => !this.std.keyOf(e.uri)).map((e) => e.uri); }

  /** Finds the .glia files under the workspace folders. */
  scanFolders(): void {
    let count = 0;
    const walk = (dir: string, depth: number) => {
      if (depth > 20 || count >= this.limits.maxFiles) return;
      let names: string[];
      try { names = readdirSync(dir); } catch { return; }
      for (const name of names) {
        if (count >= this.limits.maxFiles) return;
        const p = join(dir, name);
        let st;
        try { st = statSync(p); } catch { continue; }
        if (st.isDirectory()) { if (!SKIP_DIRS.has(name) && !name.startsWith('.')) walk(p, depth + 1); }
        else if (name.endsWith('.glia') && st.isFile() && st.size <= this.limits.maxFileBytes) {
          const uri = pathToUri(p);
          if (!this.entries.has(uri) && this.reload(uri)) count++;
        }
      }
    };
    for (const r of this.roots) walk(r, 0);
  }

  /** The current analysis of a file, computing it when its text changed. Undefined for unknown files. */
  async analysis(uri: string): Promise<FileAnalysis | undefined> {
    const key = canonicalUri(uri);
    let e = this.entries.get(key);
    if (!e) {
      if (!this.load(key)) return undefined;
      e = this.entries.get(key)!;
    }
    for (;;) {
      const version = e.doc.version;
      if (e.analysis && e.analysis.doc === e.doc) return e.analysis;
      if (!e.running || e.running.version !== version) {
        const doc = e.doc;
        const entry = e;
        const promise = analyze(key, doc, this.fileName(key), {
          env: this.checker.env(), cache: e.cache, pause: this.pause,
          cancelled: () => entry.doc !== doc,
        }).then((a) => { if (a && entry.doc === doc) entry.analysis = a; return a; });
        e.running = { version, promise };
      }
      const a = await e.running.promise;
      if (a && a.doc === e.doc) return a;
      // The text changed while it was analysed: analyse the newer text.
      const now = this.entries.get(key);
      if (!now) return undefined;
      e = now;
    }
  }

  /** The analysis of a file if it is current, without computing one. */
  cachedAnalysis(uri: string): FileAnalysis | undefined {
    const e = this.entries.get(canonicalUri(uri));
    return e?.analysis && e.analysis.doc === e.doc ? e.analysis : undefined;
  }

  /**
   * A module's text for the checker, which follows imports synchronously:
   * an open document's text, else the file on disk.
   */
  moduleSource(path: string, fromFile: string): { source: string; file: string } | undefined {
    const rel = path.endsWith('.glia') ? path : `${path}.glia`;
    const base = isAbsolute(fromFile) ? dirname(fromFile) : undefined;
    if (!isAbsolute(rel) && !base) return undefined;
    const full = isAbsolute(rel) ? rel : resolve(base!, rel);
    const e = this.entries.get(pathToUri(full));
    if (e?.open) return { source: e.doc.getText(), file: full };
    try {
      const source = readRegularFile(full, this.limits.maxFileBytes);
      return source === undefined ? undefined : { source, file: full };
    } catch { return undefined; }
  }

  /** The context of the Glia cell whose entry `file` is (its cell.edn, open or on disk), or null. */
  cellProject(file: string): ContextSpec | null {
    if (!isAbsolute(file)) return null;
    return cellContextFor(file, (path) => {
      const e = this.entries.get(pathToUri(path));
      if (e?.open) return e.doc.getText();
      return readRegularFile(path, this.limits.maxFileBytes);
    });
  }

  /** The name spans are reported under: the file's path, or its URI when it has none. */
  fileName(uri: string): string {
    return this.std.keyOf(uri) ?? uriToPath(uri) ?? uri;
  }

  /** Loads a file the server has not seen: a std source, or a .glia file on disk. */
  private load(uri: string): boolean {
    if (this.entries.has(uri)) return true;
    return this.reload(uri);
  }

  private reload(uri: string): boolean {
    const key = this.std.keyOf(uri);
    let text: string | undefined = key ? this.std.source(key) : undefined;
    if (text === undefined) {
      const path = uriToPath(uri);
      if (!path) return false;
      text = readRegularFile(path, this.limits.maxFileBytes);
      if (text === undefined) return false;
    }
    const prev = this.entries.get(uri);
    const version = (prev?.doc.version ?? 0) + 1;
    const doc = TextDocument.create(uri, 'glia', version, text);
    if (prev) { prev.doc = doc; prev.analysis = undefined; }
    else this.entries.set(uri, { uri, doc, open: false, cache: new Map() });
    return true;
  }
}

/**
 * The text of a regular file no larger than `max`, else undefined: reading
 * a FIFO named x.glia would block the server for ever, and a device such as
 * /dev/zero would fill its heap.
 */
function readRegularFile(path: string, max: number): string | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > max) return undefined;
    return readFileSync(path, 'utf8');
  } catch { return undefined; }
}
