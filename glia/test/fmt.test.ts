// The formatter's API (glia/fmt/format.ts): refusal, range formatting, and
// an indentation decision for every special form and macro Glia ships.
// Layout itself is pinned by the goldens (test/golden/fmt) and the
// properties (test/property/fmt.test.ts).
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatGlia, formatGliaRange } from '../fmt/format.js';
import { INDENT_RULES, CALL_STYLE, rulesFor } from '../fmt/indent-rules.js';
import { SPECIAL_FORMS } from '../compile/analyzer.js';
import { read } from '../reader/read.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('formatGlia', () => {
  it('refuses source that does not read, with the reader diagnostics and the file name', () => {
    const src = '(defn f [x]\n  (inc x)\n';
    const r = formatGlia(src, 'app.glia');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics).toEqual(read(src, 'app.glia').diagnostics);
    expect(r.diagnostics[0]).toMatchObject({ code: 'read/unclosed', span: { file: 'app.glia', line: 1, col: 1 } });
  });

  it('refuses regex and character literals, which Glia does not read, rather than guess', () => {
    for (const src of ['(re-find #"a+" s)', '(= c \\a)']) {
      const r = formatGlia(src);
      expect(r.ok, src).toBe(false);
      if (!r.ok) expect(r.diagnostics[0]!.code).toBe('read/bad-token');
    }
  });

  it('gives an empty file back empty and ends any other with one newline', () => {
    expect(formatGlia('')).toEqual({ ok: true, text: '' });
    expect(formatGlia(' \n\n')).toEqual({ ok: true, text: '' });
    expect(formatGlia('x')).toEqual({ ok: true, text: 'x\n' });
  });
});

describe('formatGliaRange', () => {
  const src = '(def a   1)\n\n(defn f [x]\n(inc x))\n(def b   2) (def c   3)\n';

  it('formats only the top-level forms the range touches, with the whitespace around them', () => {
    const at = src.indexOf('(inc');
    const r = formatGliaRange(src, at, at);
    expect(r.ok).toBe(true);
    if (!r.ok || !r.edit) throw new Error('expected an edit');
    const edited = src.slice(0, r.edit.start) + r.edit.text + src.slice(r.edit.end);
    expect(edited).toBe('(def a   1)\n\n(defn f [x]\n  (inc x))\n(def b   2) (def c   3)\n');
  });

  it('takes in the forms that share a line with the range', () => {
    const at = src.indexOf('(def c');
    const r = formatGliaRange(src, at, at + 3);
    if (!r.ok || !r.edit) throw new Error('expected an edit');
    const edited = src.slice(0, r.edit.start) + r.edit.text + src.slice(r.edit.end);
    expect(edited).toBe('(def a   1)\n\n(defn f [x]\n(inc x))\n(def b 2) (def c 3)\n');
  });

  it('agrees with whole-file formatting when the range covers the file', () => {
    const r = formatGliaRange(src, 0, src.length);
    const whole = formatGlia(src);
    if (!r.ok || !r.edit || !whole.ok) throw new Error('expected an edit');
    expect(src.slice(0, r.edit.start) + r.edit.text + src.slice(r.edit.end)).toBe(whole.text);
  });

  it('gives no edit for an already formatted range, or one with no form', () => {
    expect(formatGliaRange('(def a 1)\n', 0, 3)).toEqual({ ok: true, edit: null });
    expect(formatGliaRange('', 0, 0)).toEqual({ ok: true, edit: null });
  });

  it('refuses a document that does not read', () => {
    expect(formatGliaRange('(def a 1)\n(oops', 0, 2).ok).toBe(false);
  });
});

describe('indentation rules', () => {
  const macros = (file: string) => [...readFileSync(join(root, file), 'utf8').matchAll(/^\(defmacro\s+(\S+)/gm)].map((m) => m[1]!);

  it('decide on every special form, prelude macro and std macro: a body rule or call style', () => {
    const std = readdirSync(join(root, 'std/ww')).filter((f) => f.endsWith('.glia')).flatMap((f) => macros(join('std/ww', f)));
    const names = [...SPECIAL_FORMS, ...macros('glia/prelude/core.glia'), ...std];
    expect(names.length).toBeGreaterThan(50);
    const undecided = names.filter((n) => !(n in INDENT_RULES) && !CALL_STYLE.has(n) && rulesFor(n) === undefined);
    expect(undecided).toEqual([]);
  });

  it('match a head by its name, whatever its namespace, and def.../with-... by pattern', () => {
    expect(rulesFor('t/deftest')).toBe(INDENT_RULES['deftest']);
    expect(rulesFor('glia.core/let')).toBe(INDENT_RULES['let']);
    expect(rulesFor('defwidget')).toEqual([{ kind: 'inner', depth: 0 }]);
    expect(rulesFor('with-open')).toEqual([{ kind: 'inner', depth: 0 }]);
    expect(rulesFor('assoc')).toBeUndefined();
    expect(rulesFor('/')).toBeUndefined();
    expect(rulesFor('toString')).toBeUndefined(); // not an Object.prototype key
  });
});
