// The terminal app's parts without a terminal: keys from raw input, the
// editor's moves, when Enter evaluates, highlighting and bracket matching,
// completion, the history file and how values are laid out and folded.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyReader } from '../../shell/keys.js';
import * as ed from '../../shell/editor.js';
import { balance } from '../../shell/balance.js';
import { matchingBrackets, paintLines, indentAt } from '../../shell/highlight.js';
import { complete, commonPrefix, definitionsIn, type Names } from '../../shell/complete.js';
import { History, searchBack } from '../../shell/history.js';
import { pretty, fold, paintRendered, FOLD_LINES } from '../../shell/render.js';
import { tokenize } from '../../../glia/analysis/tokens.js';
import { style } from '../../cli/colour.js';

describe('keys', () => {
  it('tells Backspace from Delete, reads arrows, Alt and Ctrl keys, and keeps a paste whole', () => {
    const r = new KeyReader();
    expect(r.read('ab\x7f\x1b[3~\x1b[A\x1bb\x01\r\t')).toEqual([
      { name: 'text', text: 'ab' }, { name: 'backspace' }, { name: 'delete' }, { name: 'up' }, { name: 'word-left' },
      { name: 'ctrl', ctrl: 'a' }, { name: 'enter' }, { name: 'tab' },
    ]);
    // A bracketed paste split over two chunks, its newline kept as text.
    expect(r.read('\x1b[200~(+ 1\r')).toEqual([]);
    expect(r.read(' 2)\x1b[201~x')).toEqual([{ name: 'paste', text: '(+ 1\n 2)' }, { name: 'text', text: 'x' }]);
  });
});

describe('editor', () => {
  it('moves by lines keeping the column, and by words', () => {
    let s = ed.of('(defn f [x]\n  (* x x))', 4);
    s = ed.down(s);
    expect(s.cursor).toBe(12 + 4);
    expect(ed.onLastLine(s)).toBe(true);
    s = ed.up(s);
    expect(s.cursor).toBe(4);
    expect(ed.wordRight(ed.of('(defn f', 0)).cursor).toBe(5);
    expect(ed.deleteWordLeft(ed.of('(inc foo-bar')).text).toBe('(inc ');
    expect(ed.backspace(ed.of('a😀')).text).toBe('a');
    expect(ed.killToEnd(ed.of('ab\ncd', 1)).text).toBe('a\ncd');
  });
});

describe('balance', () => {
  it('asks the reader: open brackets and strings wait, brackets in strings and comments do not count', () => {
    expect(balance('(+ 1 2)')).toBe('complete');
    expect(balance('(+ 1')).toBe('incomplete');
    expect(balance('"abc')).toBe('incomplete');
    expect(balance('(str ")")')).toBe('complete');
    expect(balance('(a ; )\n')).toBe('incomplete');
    expect(balance("'")).toBe('incomplete');
    expect(balance('(foo))')).toBe('complete'); // a stray closer: evaluating reports it
    expect(balance('  ; only a comment')).toBe('empty');
  });
});

describe('highlight', () => {
  it('paints from the reader tokens and finds the matching bracket', () => {
    const text = '(if "(" [1 :k])';
    const tokens = tokenize(text);
    expect(matchingBrackets(tokens, text.length)).toEqual([0, text.length - 1]);
    expect(matchingBrackets(tokens, 8)).toEqual([8, 13]);
    const [line] = paintLines(text, tokens, null);
    expect(line!.find((s) => s.text === 'if')!.paint).toBe('special');
    expect(line!.find((s) => s.text === '"("')!.paint).toBe('string');
    expect(line!.find((s) => s.text === ':k')!.paint).toBe('keyword');
    expect(indentAt('(let [a 1\nb', tokenize('(let [a 1\nb'), 10)).toBe(6);
    expect(indentAt('(defn f []\n', tokenize('(defn f []\n'), 11)).toBe(2);
  });
});

describe('completion', () => {
  const names: Names = { core: () => ['map', 'mapv', 'inc'], defined: ['my-thing'], aliases: new Map([['str', ['join', 'split']]]), capabilities: ['host'] };
  it('completes capability methods from the schema table after (perform cap :', () => {
    const c = complete('(perform host :pe', 17, names)!;
    expect(c.candidates.map((x) => x.text)).toEqual([':peers']);
    expect(c.candidates[0]!.detail).toMatch(/peers/);
    expect(complete('(perform identity ', 18, names)!.candidates.map((x) => x.text)).toEqual([':peer-id', ':public-key', ':signer', ':verify']);
  });
  it('completes names in scope, aliases and alias members', () => {
    expect(complete('(map', 4, names)!.candidates.map((x) => x.text)).toEqual(['map', 'mapv']);
    expect(commonPrefix(complete('(ma', 3, names)!.candidates)).toBe('ma');
    expect(complete('(my', 3, names)!.candidates.map((x) => x.text)).toEqual(['my-thing']);
    expect(complete('(st', 3, names)!.candidates.map((x) => x.text)).toContain('str/');
    expect(complete('(str/j', 6, names)!.candidates.map((x) => x.text)).toEqual(['str/join']);
    expect(complete('"(ma', 4, names)).toBeNull();
  });
  it('finds definitions and imports in evaluated source', () => {
    expect(definitionsIn('(defn f [] 1) (def ^:private g 2) (import "ww/string" :as s)')).toEqual({ defined: ['f', 'g'], imports: [{ alias: 's', path: 'ww/string' }] });
  });
});

describe('history', () => {
  it('keeps entries of several lines, skips repeats, is capped, and sees another session\'s entries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ww-hist-'));
    try {
      const path = join(dir, 'sub', 'history');
      const a = new History(path, 5);
      a.add('(+ 1\n 2)');
      a.add('(+ 1\n 2)');
      a.add('   ');
      expect(a.entries()).toEqual(['(+ 1\n 2)']);
      const b = new History(path, 5);
      b.add('(b)');
      expect(a.entries()).toEqual(['(+ 1\n 2)', '(b)']);
      for (let i = 0; i < 10; i++) a.add(`(n ${i})`);
      expect(a.entries()).toHaveLength(5);
      expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(5);
      expect(searchBack(a.entries(), 'n 7', a.entries().length)).toBe(2);
      writeFileSync(path, 'not json\n"(ok)"\n');
      expect(new History(path).entries()).toEqual(['not json', '(ok)']);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('render', () => {
  it('lays out a wide value to the width, maps one entry a line, and folds long values', () => {
    expect(pretty('[1 2 3]', 80)).toBe('[1 2 3]');
    const m = pretty('{:alpha [1 2 3], :beta "a long string value here"}', 30);
    expect(m.split('\n')).toEqual(['{:alpha [1 2 3],', ' :beta "a long string value here"}']);
    const long = pretty(`[${Array.from({ length: 500 }, (_, i) => i).join(' ')}]`, 40);
    expect(long.split('\n').every((l) => l.length <= 40)).toBe(true);
    const f = fold(long);
    expect(f.shown.split('\n')).toHaveLength(FOLD_LINES);
    expect(f.hiddenLines).toBe(long.split('\n').length - FOLD_LINES);
    expect(pretty('"a string with ( and [ inside, long enough to be wider than the width"', 20)).toMatch(/^"a string/);
  });
  it('colours a rendered diagnostic only when colour is on', () => {
    const r = 'error[arithmetic]: divide by zero  --> <shell>:1:4\n  |\n1 | (/ 1 0)\n  | ^\nhint: check the divisor';
    expect(paintRendered(r, style(false))).toBe(r);
    const c = paintRendered(r, style(true));
    expect(c).toMatch(/\x1b\[1m\x1b\[31merror\[arithmetic\]/);
    expect(c.replace(/\x1b\[[0-9;]*m/g, '')).toBe(r);
  });
});
