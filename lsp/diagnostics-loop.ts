// When diagnostics are computed and sent. Two passes per change:
//
//   1. at once: the reader's diagnostics of the new text (only the chunks
//      that changed are read again) with the checker's diagnostics of the
//      previous check carried over for the chunks that did not change;
//   2. once typing pauses (checkDelayMs after the last change): the whole
//      file checked again, then `glia/diagnosticsComplete` for that version.
//
// The checker reads and analyses the whole file, which on a 1,000-line file
// takes 50-100 ms (doc/performance.md; mostly analysis); doing that on
// every keystroke would make every answer wait for it. Both passes are
// tagged with the document version, and a pass for a version that has been
// replaced publishes for the newest text instead (the workspace always
// analyses the latest version).
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileAnalysis, FileDiagnostic } from './file-analysis.js';
import type { Workspace } from './workspace.js';
import type { Checker } from './checker.js';
import { carryOver, checkerDiagnostics, toLspDiagnostic } from './features/diagnostics.js';
import { canonicalUri } from './uri.js';

/** Sent after the full check of a version has been published: `{ uri, version }`. */
export const DIAGNOSTICS_COMPLETE = 'glia/diagnosticsComplete';

export const DEFAULT_CHECK_DELAY_MS = 100;

interface Checked { file: FileAnalysis; diags: FileDiagnostic[] }

export class DiagnosticsLoop {
  checkDelayMs = DEFAULT_CHECK_DELAY_MS;
  private readonly quick = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly last = new Map<string, Checked>();
  private draining = false;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly ws: Workspace,
    private readonly checker: Checker,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** A document was opened or changed. */
  changed(uri: string): void {
    this.quick.add(uri);
    if (!this.draining) { this.draining = true; setImmediate(() => { void this.drain(); }); }
    clearTimeout(this.timers.get(uri));
    this.timers.set(uri, setTimeout(() => { this.timers.delete(uri); void this.guard(() => this.full(uri)); }, this.checkDelayMs));
  }

  closed(uri: string): void {
    this.quick.delete(uri);
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.last.delete(canonicalUri(uri));
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private async drain(): Promise<void> {
    try {
      while (this.quick.size) {
        const uri = this.quick.values().next().value!;
        this.quick.delete(uri);
        await this.guard(() => this.fast(uri));
      }
    } finally {
      this.draining = false;
    }
  }

  private async fast(uri: string): Promise<void> {
    const file = await this.current(uri);
    if (!file) return;
    const prev = this.last.get(file.uri);
    if (prev?.file === file) return; // the full check got there first
    const carried = prev ? carryOver(prev.file, prev.diags, file) : [];
    await this.publish(uri, file, [...file.readDiagnostics, ...carried]);
  }

  private async full(uri: string): Promise<void> {
    // The quick pass of the same change goes out first: the check below
    // holds the event loop for as long as it runs.
    if (this.quick.has(uri) || this.draining) { this.rearm(uri); return; }
    let file = await this.current(uri);
    if (!file) return;
    await new Promise<void>((r) => setImmediate(r));
    if (this.quick.has(uri)) { this.rearm(uri); return; }
    file = await this.current(uri);
    if (!file) return;
    const diags = this.ws.std.keyOf(file.uri) ? [] : checkerDiagnostics(file, this.checker, this.ws.fileName(file.uri));
    this.last.set(file.uri, { file, diags });
    await this.publish(uri, file, [...file.readDiagnostics, ...diags]);
    await this.connection.sendNotification(DIAGNOSTICS_COMPLETE, { uri: this.documents.get(uri)?.uri ?? uri, version: file.version });
  }

  /** Tries the full check again shortly (after the quick pass that is under way). */
  private rearm(uri: string): void {
    if (this.timers.has(uri)) return;
    this.timers.set(uri, setTimeout(() => { this.timers.delete(uri); void this.guard(() => this.full(uri)); }, Math.max(1, this.checkDelayMs)));
  }

  /** The current analysis of an open document, or nothing once it is closed. */
  private async current(uri: string): Promise<FileAnalysis | undefined> {
    if (!this.documents.get(uri)) return undefined;
    const file = await this.ws.analysis(uri);
    return file && this.ws.isOpen(uri) && this.documents.get(uri) ? file : undefined;
  }

  private async publish(uri: string, file: FileAnalysis, diags: FileDiagnostic[]): Promise<void> {
    const live = this.documents.get(uri);
    if (!live) return;
    await this.connection.sendDiagnostics({ uri: live.uri, version: file.version, diagnostics: diags.map((d) => toLspDiagnostic(file, d)) });
  }

  private async guard(f: () => Promise<void>): Promise<void> {
    try { await f(); } catch (e) { this.onError(e); }
  }
}
