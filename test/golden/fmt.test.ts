// Golden formatter cases: each .glia file under fmt/ sits beside a .expected
// file holding what `ww fmt` makes of it, or, for source the formatter
// refuses, "-- refused" and the reader's diagnostics. Same mechanism as
// golden.test.ts: `npm run golden:accept` rewrites the .expected files from
// the current output; read every changed one against the style rules in
// glia/fmt/layout.ts before committing.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatGlia } from '../../glia/fmt/format.js';
import { read } from '../../glia/reader/read.js';
import { prStr } from '../../glia/values/printer.js';
import type { Diagnostic } from '../../glia/diagnostics.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fmt');
const accept = process.env.GLIA_ACCEPT_GOLDEN === '1';
const REFUSED = '-- refused\n';

function render(ds: Diagnostic[]): string {
  return ds.map((d) => {
    const s = d.span;
    const head = `${d.severity}[${d.code}] ${s.line}:${s.col}-${s.endLine}:${s.endCol} ${d.message}`;
    return d.hint ? `${head}\n  hint: ${d.hint}` : head;
  }).join('\n') + '\n';
}

function produce(src: string, name: string): string {
  const r = formatGlia(src, name);
  return r.ok ? r.text : REFUSED + render(r.diagnostics);
}

const cases = readdirSync(dir).filter((f) => f.endsWith('.glia')).sort();

describe('formatter goldens', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const f of cases) {
    it(f, () => {
      const src = readFileSync(join(dir, f), 'utf8');
      const actual = produce(src, f);
      const expectedFile = join(dir, f.replace(/\.glia$/, '.expected'));
      if (accept) { writeFileSync(expectedFile, actual); return; }
      expect(existsSync(expectedFile), `${expectedFile} is missing; run npm run golden:accept and review it`).toBe(true);
      const expected = readFileSync(expectedFile, 'utf8');
      expect(actual).toBe(expected);
      if (expected.startsWith(REFUSED)) return;
      // The expected text is already formatted, and means what the input meant.
      expect(produce(expected, f)).toBe(expected);
      expect(read(expected).forms.map((x) => prStr(x))).toEqual(read(src).forms.map((x) => prStr(x)));
    });
  }
});
