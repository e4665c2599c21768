// Reading `ww eval --json` output, and how the extension runs `ww`: pure
// functions of the extension, checked without VS Code.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { parseEvalOutput } from '../../vscode-extension/src/eval-result.js';
import { wwCommand } from '../../vscode-extension/src/ww-command.js';
import { oneLine } from '../../vscode-extension/src/inline-text.js';

describe('parseEvalOutput', () => {
  it('reads the value, and what the code printed before it', () => {
    expect(parseEvalOutput('{"value":"3","error":null}\n', '', 0)).toEqual({ ok: true, value: '3', output: '', log: '' });
    expect(parseEvalOutput('hi\nthere\n{"value":"nil","error":null}\n', '', 0))
      .toEqual({ ok: true, value: 'nil', output: 'hi\nthere\n', log: '' });
  });

  it('finds the result after output that did not end its line', () => {
    expect(parseEvalOutput('no newline{"value":"[1 2]","error":null}\n', 'warning[x]: y', 0))
      .toEqual({ ok: true, value: '[1 2]', output: 'no newline', log: 'warning[x]: y' });
  });

  it('describes an error with its code, position, hint and stack', () => {
    const json = JSON.stringify({ value: null, error: { code: 'arithmetic', severity: 'error', message: 'divide by zero',
      hint: 'check the divisor', file: '<expr>', line: 4, col: 2, stack: ['<top level> (<expr>:4:2)'] } });
    const r = parseEvalOutput(json + '\n', '', 1);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toBe('error[arithmetic]: divide by zero (line 4, column 2)');
    expect(r.detail).toBe('error[arithmetic]: divide by zero (line 4, column 2)\nhint: check the divisor\nstack:\n  <top level> (<expr>:4:2)');
  });

  it('shows a position in the evaluated text as its place in the file, and names other files', () => {
    const at = (file: string) => JSON.stringify({ value: null, error: { code: 'x', message: 'm', file, line: 1, col: 3 } }) + '\n';
    const shifted = (p: { line: number; col: number }) => ({ line: p.line + 40, col: p.col + 2 });
    expect(parseEvalOutput(at('<expr>'), '', 1, null, shifted)).toMatchObject({ message: 'error[x]: m (line 41, column 5)' });
    expect(parseEvalOutput(at('/w/lib.glia'), '', 1, null, shifted)).toMatchObject({ message: 'error[x]: m (/w/lib.glia:1:3)' });
  });

  it('explains a run that printed no result', () => {
    const exited = parseEvalOutput('bye\n', '', 3);
    expect(exited).toMatchObject({ ok: false, output: 'bye\n' });
    expect(!exited.ok && exited.message).toContain('status 3');
    const crashed = parseEvalOutput('', 'error[internal]: boom\n  at x\n', 1);
    expect(crashed).toMatchObject({ ok: false, message: 'error[internal]: boom', detail: 'error[internal]: boom\n  at x' });
    expect(parseEvalOutput('', '', null, 'SIGKILL')).toMatchObject({ ok: false, message: 'ww eval was stopped (SIGKILL)' });
    // A value that merely looks like the result line is printed output, not the result.
    expect(parseEvalOutput('{"value": 1}\n', '', 0)).toMatchObject({ ok: false });
  });
});

describe('wwCommand', () => {
  const base = { extensionPath: '/ext', execPath: '/vscode/code', platform: 'linux' as const };

  it('runs the bundled CLI on VS Code\'s Node by default, with the ww bin\'s stack size', () => {
    expect(wwCommand({ ...base, wwPath: '' }, ['eval', '--json', '(+ 1 2)'])).toEqual({
      command: '/vscode/code',
      args: ['--stack-size=3800', join('/ext', 'server', 'ww.js'), 'eval', '--json', '(+ 1 2)'],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
  });

  it('leaves the stack size alone on Windows, where the main thread stack is smaller', () => {
    expect(wwCommand({ ...base, platform: 'win32', wwPath: '  ' }, ['eval']).args).toEqual([join('/ext', 'server', 'ww.js'), 'eval']);
  });

  it('runs the ww the setting names instead', () => {
    expect(wwCommand({ ...base, wwPath: ' ww ' }, ['eval', 'x'])).toEqual({ command: 'ww', args: ['eval', 'x'], env: {} });
  });
});

describe('oneLine', () => {
  it('flattens a multi-line value and cuts a long one', () => {
    expect(oneLine('{:a 1\n :b 2}')).toBe('{:a 1 :b 2}');
    const long = oneLine('x'.repeat(500));
    expect(long).toHaveLength(160);
    expect(long.endsWith('…')).toBe(true);
  });
});
