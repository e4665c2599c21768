// The extension client's layer rule (ARCHITECTURE.md): vscode-extension/src
// talks to Glia only through the language server and the `ww` CLI, both
// separate processes, so it imports no glia/, runtime/ or lsp/ code; and
// only language-client.ts imports vscode-languageclient, so tests can
// replace that one module.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'vscode-extension/src');

function importsOf(text: string): string[] {
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/gm;
  return [...text.matchAll(re)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!);
}

describe('vscode-extension/src imports', () => {
  const files = readdirSync(src).filter((f) => f.endsWith('.ts'));

  it('finds the sources', () => {
    expect(files).toContain('extension.ts');
  });

  it('imports only vscode, Node built-ins, each other, and (in one place) vscode-languageclient', () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const spec of importsOf(readFileSync(join(src, f), 'utf8'))) {
        const ok = spec === 'vscode' || spec.startsWith('node:')
          || (spec.startsWith('./') && !spec.slice(2).includes('/'))
          || (spec === 'vscode-languageclient/node' && f === 'language-client.ts');
        if (!ok) bad.push(`${f} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
