// A stand-in for the `vscode` module, with just what the Glia extension
// touches. It exists because VS Code itself cannot be downloaded or run
// here; the extension's activation and commands are driven against it, and
// everything below the `vscode` API (finding the form, running `ww eval`)
// runs for real.

export class Disposable {
  constructor(private readonly fn: () => void = () => {}) {}
  dispose(): void { this.fn(); }
}

type Listener<T> = (e: T) => void;
class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  event = (l: Listener<T>): Disposable => { this.listeners.add(l); return new Disposable(() => this.listeners.delete(l)); };
  fire(e: T): void { for (const l of [...this.listeners]) l(e); }
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}
export class Range {
  constructor(readonly start: Position, readonly end: Position) {}
}
export class ThemeColor {
  constructor(readonly id: string) {}
}
export class MarkdownString {
  value = '';
  appendMarkdown(s: string): this { this.value += s; return this; }
  appendCodeblock(code: string, lang = ''): this { this.value += `\n\`\`\`${lang}\n${code}\n\`\`\`\n`; return this; }
}
export enum DecorationRangeBehavior { OpenOpen = 0, ClosedClosed = 1, OpenClosed = 2, ClosedOpen = 3 }

export class Uri {
  private constructor(readonly scheme: string, readonly fsPath: string) {}
  static file(path: string): Uri { return new Uri('file', path); }
  static untitled(name: string): Uri { return new Uri('untitled', name); }
  toString(): string { return `${this.scheme}://${this.fsPath}`; }
}

/** A text document over a string, with VS Code's offset and line arithmetic. */
export class FakeDocument {
  version = 1;
  constructor(readonly uri: Uri, private text: string, readonly languageId = 'glia') {}
  getText(): string { return this.text; }
  offsetAt(p: Position): number {
    const lines = this.text.split('\n');
    let off = 0;
    for (let i = 0; i < p.line; i++) off += lines[i]!.length + 1;
    return off + p.character;
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, offset).split('\n');
    return new Position(before.length - 1, before[before.length - 1]!.length);
  }
  lineAt(line: number) {
    const text = this.text.split('\n')[line]!;
    return { text, range: new Range(new Position(line, 0), new Position(line, text.length)) };
  }
  /** Replaces the whole text, as an edit would, and tells the listeners. */
  edit(text: string): void {
    this.text = text;
    this.version++;
    workspaceEvents.changeDocument.fire({ document: this, contentChanges: [{ text }] });
  }
}

export interface FakeDecorationType { options: any; disposed: boolean; dispose(): void }

export class FakeEditor {
  /** The decorations currently set, by decoration type. */
  readonly decorations = new Map<FakeDecorationType, any[]>();
  selection: { active: Position };
  constructor(readonly document: FakeDocument, cursor: number) {
    this.selection = { active: document.positionAt(cursor) };
  }
  setDecorations(type: FakeDecorationType, ds: any[]): void { this.decorations.set(type, ds); }
  /** Every decoration shown, with its colour's theme id. */
  shown(): Array<{ line: number; text: string; color: string; hover: string }> {
    return [...this.decorations].flatMap(([type, ds]) => ds.map((d) => ({
      line: d.range.start.line,
      text: d.renderOptions.after.contentText,
      color: type.options.after.color.id,
      hover: d.hoverMessage?.value ?? '',
    })));
  }
}

const workspaceEvents = {
  changeDocument: new Emitter<any>(),
  changeConfiguration: new Emitter<any>(),
};

/** What the fake recorded, and the knobs a test turns. */
export const fake = {
  settings: new Map<string, unknown>(),
  commands: new Map<string, (...args: any[]) => any>(),
  messages: [] as Array<{ kind: 'info' | 'error'; text: string }>,
  channels: new Map<string, string[]>(),
  watchers: [] as string[],
  reset(): void {
    this.settings.clear(); this.commands.clear(); this.messages.length = 0; this.channels.clear(); this.watchers.length = 0;
    window.activeTextEditor = undefined;
    window.visibleTextEditors = [];
  },
  changeSetting(key: string, value: unknown): void {
    this.settings.set(key, value);
    workspaceEvents.changeConfiguration.fire({ affectsConfiguration: (s: string) => key === s || key.startsWith(s + '.') });
  },
};

export const window = {
  activeTextEditor: undefined as FakeEditor | undefined,
  visibleTextEditors: [] as FakeEditor[],
  createOutputChannel(name: string, _opts?: { log: true }) {
    const lines: string[] = [];
    fake.channels.set(name, lines);
    return { name, append: (s: string) => lines.push(s), appendLine: (s: string) => lines.push(s + '\n'), dispose() {} };
  },
  createTextEditorDecorationType(options: any): FakeDecorationType {
    return { options, disposed: false, dispose() { this.disposed = true; } };
  },
  showInformationMessage(text: string) { fake.messages.push({ kind: 'info', text }); return Promise.resolve(undefined); },
  showErrorMessage(text: string) { fake.messages.push({ kind: 'error', text }); return Promise.resolve(undefined); },
};

export const workspace = {
  workspaceFolders: undefined as undefined | Array<{ uri: Uri }>,
  getConfiguration(section: string) {
    return { get: <T>(key: string, dflt: T): T => (fake.settings.has(`${section}.${key}`) ? fake.settings.get(`${section}.${key}`) as T : dflt) };
  },
  onDidChangeTextDocument: workspaceEvents.changeDocument.event,
  onDidChangeConfiguration: workspaceEvents.changeConfiguration.event,
  createFileSystemWatcher(glob: string) { fake.watchers.push(glob); return new Disposable(); },
};

export const commands = {
  registerCommand(id: string, fn: (...args: any[]) => any): Disposable {
    fake.commands.set(id, fn);
    return new Disposable(() => fake.commands.delete(id));
  },
};
