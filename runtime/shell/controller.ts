// The terminal app's state and what each key does to it, apart from Ink:
// the app (ui.ts) only draws a snapshot and passes keys in. Finished output
// (the echoed input, values, errors, :stdout lines) goes to `log`, which
// the app prints once above the prompt (Ink's <Static>); everything else is
// redrawn on each change.
import * as ed from './editor.js';
import { balance } from './balance.js';
import { History, searchBack } from './history.js';
import { complete, commonPrefix, definitionsIn, type Candidate, type Names } from './complete.js';
import { pretty, fold, paintRendered } from './render.js';
import { SHELL_HELP } from './help.js';
import { paintWarning, type Style } from '../cli/colour.js';
import { read } from '../../glia/reader/read.js';
import { tokenize } from '../../glia/analysis/tokens.js';
import { indentAt } from './highlight.js';
import type { Key } from './keys.js';
import type { Session, EvalOutcome } from '../session/session.js';

export interface LogItem { id: number; text: string }

export interface Snapshot {
  editor: ed.EditorState;
  running: boolean;
  /** Ctrl-R: the query and the entry it found (-1: none). */
  search: { query: string; index: number } | null;
  /** Candidates shown under the prompt after a Tab that could not decide. */
  candidates: Candidate[] | null;
  /** A line of :stdout not yet ended by a newline. */
  partial: string;
  /** A one-line note under the prompt (Ctrl-C on an empty line, say). */
  note: string | null;
  log: LogItem[];
}

export interface ControllerOptions {
  historyPath: string;
  style: Style;
  /** Columns, for laying out values. */
  width: () => number;
  /** Names for completion that need the compiler's registry (glia.core, native modules), built on first use. */
  registryNames: () => { core: string[]; modules: Map<string, string[]> };
}

/** `12D3KooWAbc...xyz` as `12D3Ko…xyz123`; `local` as is. */
export function shortLabel(label: string): string {
  return label.length > 16 ? `${label.slice(0, 6)}…${label.slice(-6)}` : label;
}

export class ShellController {
  private state: Snapshot;
  private history: History;
  /** Where Up/Down is in the history: entries.length is the draft. */
  private histIndex = -1;
  private draft: ed.EditorState = ed.EMPTY;
  private abort: AbortController | null = null;
  private nextId = 0;
  private lastFolded: string | null = null;
  private defined: string[] = [];
  private aliases = new Map<string, string>();
  private listeners = new Set<() => void>();
  /** Resolves with the exit status when the shell ends. */
  readonly done: Promise<number>;
  private finish!: (code: number) => void;
  readonly prompt: string;
  readonly continuation: string;

  constructor(private readonly session: Session, private readonly opts: ControllerOptions) {
    this.history = new History(opts.historyPath);
    this.state = { editor: ed.EMPTY, running: false, search: null, candidates: null, partial: '', note: null, log: [] };
    this.done = new Promise((r) => { this.finish = r; });
    this.prompt = `${shortLabel(session.label)}=> `;
    this.continuation = ' '.repeat(Math.max(0, this.prompt.length - 4)) + '... ';
  }

  snapshot(): Snapshot { return this.state; }

  /** The history, for drawing what Ctrl-R found. */
  searchEntries(): readonly string[] { return this.history.entries(); }

  subscribe(f: () => void): () => void {
    this.listeners.add(f);
    return () => { this.listeners.delete(f); };
  }

  private set(patch: Partial<Snapshot>): void {
    this.state = { ...this.state, ...patch };
    for (const f of this.listeners) f();
  }

  private log(text: string): void {
    this.set({ log: [...this.state.log, this.item(text)] });
  }

  /** A fault in the app itself (not in evaluated code), shown under the prompt. */
  fault(e: unknown): void {
    this.set({ note: `error[internal]: ${e instanceof Error ? e.message : String(e)}` });
  }

  /** Each key as it arrives. */
  key(k: Key): void {
    const s = this.state;
    if (s.search) return this.searchKey(k);
    const e = s.editor;
    const edit = (next: ed.EditorState) => this.set({ editor: next, candidates: null, note: null });
    switch (k.name) {
      case 'text': return edit(ed.insert(e, k.text));
      case 'paste': return edit(ed.insert(e, k.text));
      case 'enter': return this.enter();
      case 'newline': return this.newline();
      case 'tab': return this.tab();
      case 'backspace': return edit(ed.backspace(e));
      case 'delete': return edit(ed.deleteForward(e));
      case 'left': return edit(ed.left(e));
      case 'right': return edit(ed.right(e));
      case 'home': return edit(ed.home(e));
      case 'end': return edit(ed.end(e));
      case 'word-left': return edit(ed.wordLeft(e));
      case 'word-right': return edit(ed.wordRight(e));
      case 'delete-word-left': return edit(ed.deleteWordLeft(e));
      case 'delete-word-right': return edit(ed.deleteWordRight(e));
      case 'up': return ed.onFirstLine(e) ? this.historyStep(-1) : edit(ed.up(e));
      case 'down': return ed.onLastLine(e) ? this.historyStep(1) : edit(ed.down(e));
      case 'escape': return this.set({ candidates: null, note: null });
      case 'ctrl': return this.ctrl(k.ctrl);
      default: return;
    }
  }

  private ctrl(c: string): void {
    const e = this.state.editor;
    const edit = (next: ed.EditorState) => this.set({ editor: next, candidates: null, note: null });
    switch (c) {
      case 'c':
        // No 'stopping' line: Ink 6.8 leaves the first live line in the
        // scrollback when a frame that just grew is followed at once by log
        // output (the interrupted error), seen under tmux.
        if (this.abort) { this.abort.abort(); return; }
        if (e.text) { this.log(this.echo(e.text) + this.opts.style.dim(' ^C')); this.histIndex = -1; return edit(ed.EMPTY); }
        return this.set({ note: 'Ctrl-D on an empty line exits', candidates: null });
      case 'd':
        if (!e.text && !this.abort) return this.exit(0);
        return edit(ed.deleteForward(e));
      case 'a': return edit(ed.home(e));
      case 'e': return edit(ed.end(e));
      case 'b': return edit(ed.left(e));
      case 'f': return edit(ed.right(e));
      case 'k': return edit(ed.killToEnd(e));
      case 'u': return edit(ed.killToStart(e));
      case 'w': return edit(ed.deleteWordLeft(e));
      case 'h': return edit(ed.backspace(e));
      case 'p': return this.historyStep(-1);
      case 'n': return this.historyStep(1);
      case 'r': {
        const entries = this.history.entries();
        this.draft = e;
        return this.set({ search: { query: '', index: entries.length - 1 }, candidates: null, note: null });
      }
      case 'g': return this.set({ candidates: null, note: null });
      default: return;
    }
  }

  private searchKey(k: Key): void {
    const s = this.state.search!;
    const entries = this.history.entries();
    const find = (query: string, from: number) => searchBack(entries, query, from);
    if (k.name === 'text' || k.name === 'paste') {
      const query = s.query + k.text;
      // Typing narrows from the entry found so far (or the newest).
      return this.set({ search: { query, index: find(query, (s.index >= 0 ? s.index : entries.length - 1) + 1) } });
    }
    if (k.name === 'backspace') {
      const query = s.query.slice(0, -1);
      return this.set({ search: { query, index: find(query, entries.length) } });
    }
    if (k.name === 'ctrl' && k.ctrl === 'r') {
      const next = find(s.query, s.index >= 0 ? s.index : entries.length);
      return this.set({ search: { query: s.query, index: next >= 0 ? next : s.index } });
    }
    if (k.name === 'escape' || (k.name === 'ctrl' && (k.ctrl === 'g' || k.ctrl === 'c'))) {
      return this.set({ search: null, editor: this.draft });
    }
    // Any other key takes the entry found and then acts as usual.
    const found = s.index >= 0 ? entries[s.index] : undefined;
    this.set({ search: null, editor: found !== undefined ? ed.of(found) : this.draft });
    if (found !== undefined) this.histIndex = s.index;
    if (k.name === 'enter' || k.name === 'left' || k.name === 'right' || k.name === 'home' || k.name === 'end' || k.name === 'ctrl') this.key(k);
  }

  private historyStep(dir: -1 | 1): void {
    const entries = this.history.entries();
    if (this.histIndex < 0 || this.histIndex > entries.length) this.histIndex = entries.length;
    const next = this.histIndex + dir;
    if (next < 0 || next > entries.length) return;
    if (this.histIndex === entries.length) this.draft = this.state.editor;
    this.histIndex = next;
    // Going up, the cursor lands at the end of the entry's first line, so
    // the next Up goes on through the history; going down, at the very end.
    const text = next === entries.length ? null : entries[next]!;
    const editor = text === null ? this.draft : dir < 0 ? ed.end(ed.of(text, 0)) : ed.of(text);
    this.set({ editor, candidates: null, note: null });
  }

  private newline(): void {
    const e = this.state.editor;
    const indent = indentFor(e);
    this.set({ editor: ed.insert(e, '\n' + ' '.repeat(indent)), candidates: null, note: null });
  }

  private enter(): void {
    const e = this.state.editor;
    if (this.abort) return; // one evaluation at a time; the text stays
    const b = balance(e.text);
    if (b === 'incomplete') return this.newline();
    this.histIndex = -1;
    if (b === 'empty') {
      this.log(this.echo(e.text));
      return this.set({ editor: ed.EMPTY, candidates: null, note: null });
    }
    void this.submit(e.text);
  }

  private tab(): void {
    const e = this.state.editor;
    const c = complete(e.text, e.cursor, this.names());
    if (!c) {
      // Nothing to complete (start of a line, inside a string): a tab indents.
      return this.set({ editor: ed.insert(e, '  '), candidates: null });
    }
    if (c.candidates.length === 0) return this.set({ candidates: [], note: `no completions for ${c.prefix || 'this'}` });
    const common = commonPrefix(c.candidates);
    const only = c.candidates.length === 1;
    if (common.length > c.prefix.length || only) {
      const insert = (only ? c.candidates[0]!.text : common).slice(c.prefix.length);
      const after = e.text[e.cursor];
      const space = only && !insert.endsWith('/') && (after === undefined || /[\s)\]}]/.test(after)) && after !== ' ' ? ' ' : '';
      return this.set({ editor: ed.insert(e, insert + space), candidates: only ? null : c.candidates, note: null });
    }
    this.set({ candidates: c.candidates, note: null });
  }

  private names(): Names {
    const reg = this.opts.registryNames();
    const aliases = new Map<string, readonly string[]>();
    for (const [alias, path] of this.aliases) aliases.set(alias, reg.modules.get(path) ?? []);
    return { core: () => reg.core, defined: this.defined, aliases, capabilities: this.session.capabilityNames() };
  }

  /** The input as it was typed, with its prompt, for the log. */
  echo(text: string): string {
    const lines = text.split('\n');
    return lines.map((l, i) => this.opts.style.dim(i === 0 ? this.prompt : this.continuation) + l).join('\n');
  }

  private async submit(text: string): Promise<void> {
    this.history.add(text);
    const cmd = text.trim();
    const s = this.opts.style;
    // Each step is one update: what goes to the log and what changes below
    // it are drawn together (Ink writes <Static> output and redraws the
    // prompt in one go), so no half-state line is left in the scrollback.
    const echo = this.item(this.echo(text));
    const reset = { editor: ed.EMPTY, candidates: null, note: null };
    if (cmd === 'help' || cmd === ':help') return this.set({ ...reset, log: [...this.state.log, echo, this.item(SHELL_HELP)] });
    if (cmd === ':more') return this.set({ ...reset, log: [...this.state.log, echo, this.item(this.lastFolded ?? s.dim('nothing was folded'))] });
    this.abort = new AbortController();
    this.set({ ...reset, running: true, log: [...this.state.log, echo] });
    let outcome: EvalOutcome;
    try {
      outcome = await this.session.evaluate(text, { signal: this.abort.signal, onStdout: (t) => this.stdout(t) });
    } catch (err) {
      // Session.evaluate does not throw for bad code; anything else is the session's own failure.
      const message = err instanceof Error ? err.message : String(err);
      outcome = { ok: false, values: [], error: { code: 'internal', message, span: null, hint: null, rendered: `error[internal]: ${message}` } };
    }
    this.abort = null;
    const out: string[] = [];
    if (this.state.partial) out.push(this.state.partial);
    for (const w of outcome.warnings ?? []) out.push(paintWarning(w, s));
    const isDoc = /^\(\s*doc\s/.test(cmd);
    for (const v of outcome.values) out.push(this.value(v, isDoc));
    if (outcome.ok) {
      const found = definitionsIn(text);
      for (const d of found.defined) { this.defined = this.defined.filter((x) => x !== d); this.defined.push(d); }
      for (const i of found.imports) this.aliases.set(i.alias, i.path);
    } else {
      out.push(paintRendered(outcome.error.rendered, s));
      if (outcome.definitionsLost) {
        this.defined = [];
        this.aliases.clear();
        out.push(s.dim('the evaluation did not stop when asked, so its thread was restarted: earlier definitions are gone'));
      }
    }
    this.set({ running: false, note: null, partial: '', log: [...this.state.log, ...out.map((t) => this.item(t))] });
    if (outcome.ok && outcome.exit !== undefined) this.exit(outcome.exit);
  }

  private item(text: string): LogItem { return { id: this.nextId++, text }; }

  /** One value: pretty-printed, folded when long; a docstring from (doc ...) as plain text. */
  private value(printed: string, isDoc: boolean): string {
    if (isDoc && printed.startsWith('"')) {
      const v = read(printed).forms[0];
      if (typeof v === 'string') return v;
    }
    const text = pretty(printed, this.opts.width());
    const f = fold(text);
    if (f.hiddenLines === 0 && f.hiddenChars === 0) return text;
    this.lastFolded = text;
    const what = f.hiddenLines > 0 ? `${f.hiddenLines} more line${f.hiddenLines === 1 ? '' : 's'}` : `${f.hiddenChars} more characters`;
    return `${f.shown}\n${this.opts.style.dim(`… ${what} folded; :more shows the whole value`)}`;
  }

  private stdout(chunk: string): void {
    const text = this.state.partial + chunk;
    const cut = text.lastIndexOf('\n');
    if (cut < 0) return this.set({ partial: text });
    this.set({ partial: text.slice(cut + 1), log: [...this.state.log, this.item(text.slice(0, cut))] });
  }

  private exit(code: number): void {
    this.abort?.abort();
    this.finish(code);
  }
}

/** The indentation of a new line opened at the cursor: inside open forms, under them. */
function indentFor(e: ed.EditorState): number {
  return indentAt(e.text, tokenize(e.text), e.cursor);
}
