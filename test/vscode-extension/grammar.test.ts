// The TextMate grammar (vscode-extension/syntaxes/glia.tmLanguage.json),
// tested with vscode-tmgrammar-test: the real vscode-textmate engine and
// Oniguruma, the same ones VS Code tokenizes with. Each sample file under
// vscode-extension/test/grammar/ holds Glia lines followed by `; ^^^ scope`
// assertion lines.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ext = join(root, 'vscode-extension');
const samples = join(ext, 'test/grammar');
const cli = join(root, 'node_modules/vscode-tmgrammar-test/dist/unit.js');

function runSamples(pattern: string) {
  const r = spawnSync(process.execPath, [cli, '--compact', '-g', join(ext, 'syntaxes/glia.tmLanguage.json'), '--config', join(ext, 'package.json'), pattern],
    { cwd: root, encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('Glia TextMate grammar', () => {
  const files = readdirSync(samples).filter((f) => f.endsWith('.glia')).sort();

  it('has sample files for every token class', () => {
    expect(files).toEqual([
      'comments-strings.glia', 'forms.glia', 'keywords-symbols.glia',
      'numbers-constants.glia', 'reader-macros-brackets.glia', 'unsupported.glia',
    ]);
  });

  for (const f of files) {
    it(`passes the scope assertions in ${f}`, () => {
      const { status, output } = runSamples(join(samples, f));
      expect(output).not.toContain('failed');
      expect(status, output).toBe(0);
    });
  }

  it('fails a sample whose assertion is wrong (the runner really checks)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glia-grammar-'));
    try {
      const wrong = join(dir, 'wrong.glia');
      writeFileSync(wrong, '; SYNTAX TEST "source.glia" "a deliberately wrong assertion"\n(perform :x)\n;^^^^^^^ keyword.control.special.glia\n');
      const { status, output } = runSamples(wrong);
      expect(status).not.toBe(0);
      expect(output).toContain('keyword.control.special.glia');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
