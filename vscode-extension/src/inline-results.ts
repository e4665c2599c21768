// Evaluation results shown after the line where the form ends, as an
// after-line decoration: a value in one colour, an error in another
// (the `glia.inlineResultForeground` and `glia.inlineErrorForeground`
// theme colours). A document's results go as soon as it is edited, since
// they may no longer match the code.
import * as vscode from 'vscode';
import type { EvalOutcome } from './eval-result.js';
import { oneLine } from './inline-text.js';

export class InlineResults implements vscode.Disposable {
  private readonly value = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('glia.inlineResultForeground'), margin: '0 0 0 1.5em' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly error = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('glia.inlineErrorForeground'), margin: '0 0 0 1.5em' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  /** Documents (by URI) that show results now. */
  private readonly shown = new Set<string>();
  private readonly onEdit = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length > 0) this.clear(e.document);
  });

  /** Shows a placeholder while the form runs. */
  pending(editor: vscode.TextEditor, line: number): void {
    this.set(editor, line, this.value, '=> …', new vscode.MarkdownString('Evaluating…'));
  }

  show(editor: vscode.TextEditor, line: number, outcome: EvalOutcome): void {
    if (outcome.ok) {
      const hover = new vscode.MarkdownString();
      hover.appendCodeblock(outcome.value, 'glia');
      if (outcome.output) hover.appendMarkdown('Printed:').appendCodeblock(outcome.output, 'text');
      this.set(editor, line, this.value, `=> ${oneLine(outcome.value)}`, hover);
    } else {
      const hover = new vscode.MarkdownString().appendCodeblock(outcome.detail || outcome.message, 'text');
      this.set(editor, line, this.error, `✗ ${oneLine(outcome.message)}`, hover);
    }
  }

  clear(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    if (!this.shown.delete(key)) return;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== key) continue;
      editor.setDecorations(this.value, []);
      editor.setDecorations(this.error, []);
    }
  }

  clearAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      editor.setDecorations(this.value, []);
      editor.setDecorations(this.error, []);
    }
    this.shown.clear();
  }

  dispose(): void {
    this.onEdit.dispose();
    this.value.dispose();
    this.error.dispose();
  }

  // One result per editor: the new one replaces the last, in either colour.
  private set(editor: vscode.TextEditor, line: number, type: vscode.TextEditorDecorationType, text: string, hover: vscode.MarkdownString): void {
    const end = editor.document.lineAt(line).range.end;
    const decoration: vscode.DecorationOptions = {
      range: new vscode.Range(end, end),
      hoverMessage: hover,
      renderOptions: { after: { contentText: text } },
    };
    editor.setDecorations(type === this.value ? this.error : this.value, []);
    editor.setDecorations(type, [decoration]);
    this.shown.add(editor.document.uri.toString());
  }
}
