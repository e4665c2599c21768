// The layer rules of ARCHITECTURE.md, checked over the source text:
// glia/ imports nothing from runtime/, lsp/, Node built-ins or the
// platform libraries; runtime/ may import glia/.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) { if (e !== 'test' && e !== 'node_modules') walk(p); }
      else if (/\.(ts|mts|js|mjs)$/.test(e)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) specs.push(m[1] ?? m[2] ?? m[3]!);
  return specs;
}

const FORBIDDEN_IN_GLIA = [/^node:/, /^(fs|path|os|child_process|net|http|https|worker_threads|process)$/, /libp2p/, /^ink/, /^react/, /^vscode/, /helia/, /capnp/];

describe('layer rules', () => {
  const gliaFiles = sources(join(root, 'glia'));

  it('finds the glia sources', () => {
    expect(gliaFiles.length).toBeGreaterThan(20);
  });

  it('glia/ imports only glia/ and its pure libraries', () => {
    const bad: string[] = [];
    for (const f of gliaFiles) {
      for (const spec of importsOf(f)) {
        const rel = relative(root, f);
        if (spec.startsWith('.')) {
          const target = relative(root, resolve(dirname(f), spec));
          if (!target.startsWith('glia')) bad.push(`${rel} imports ${spec} (outside glia/)`);
        } else if (FORBIDDEN_IN_GLIA.some((r) => r.test(spec))) bad.push(`${rel} imports ${spec}`);
        else if (!['immutable', 'chevrotain'].includes(spec)) bad.push(`${rel} imports ${spec} (not an allowed library)`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('glia/ does not touch the process or the file system through globals', () => {
    const bad = gliaFiles.filter((f) => /\bprocess\.(env|exit|stdout|stderr|argv|cwd)|\brequire\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(bad).toEqual([]);
  });
});

// lsp/ sits beside runtime/ on top of glia/ (ARCHITECTURE.md): it may use
// glia/, Node's built-ins and the language-server libraries, never runtime/.
const ALLOWED_IN_LSP = [/^node:/, /^vscode-languageserver(\/node)?$/, /^vscode-languageserver-textdocument$/];

describe('layer rules for lsp/', () => {
  const lspFiles = sources(join(root, 'lsp'));

  it('finds the lsp sources', () => {
    expect(lspFiles.length).toBeGreaterThan(10);
  });

  it('lsp/ imports only lsp/, glia/, Node built-ins and vscode-languageserver', () => {
    const bad: string[] = [];
    for (const f of lspFiles) {
      for (const spec of importsOf(f)) {
        const rel = relative(root, f);
        if (spec.startsWith('.')) {
          const target = relative(root, resolve(dirname(f), spec));
          if (!target.startsWith('lsp') && !target.startsWith('glia')) bad.push(`${rel} imports ${spec} (outside lsp/ and glia/)`);
        } else if (!ALLOWED_IN_LSP.some((r) => r.test(spec))) bad.push(`${rel} imports ${spec} (not an allowed library)`);
      }
    }
    expect(bad).toEqual([]);
  });
});
