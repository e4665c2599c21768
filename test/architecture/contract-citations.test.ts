// The project's contract is doc/language.md (with doc/capabilities.md and
// doc/cells.md). Code, tests and docs cite it, never the original brief,
// which is not in the repository, so a citation of the brief points at
// nothing a reader can open. This test fails when any file git tracks
// names the brief.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// Spelled in two parts so this file does not name it.
const BRIEF = new RegExp('GLIA' + '\\.md', 'i');

/** The files git tracks when there is a checkout, else a walk that skips build output. */
function repoFiles(): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z'], { cwd: root, maxBuffer: 64 << 20 });
    return out.toString('utf8').split('\0').filter(Boolean);
  } catch {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        if (e === 'node_modules' || e === 'dist' || e === '.git') continue;
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(relative(root, p));
      }
    };
    walk(root);
    return files;
  }
}

function citing(files: string[]): string[] {
  const bad: string[] = [];
  for (const f of files) {
    let text: Buffer;
    try { text = readFileSync(join(root, f)); } catch { continue; } // listed but deleted in the work tree
    if (text.includes(0)) continue; // binary
    const s = text.toString('utf8');
    s.split('\n').forEach((line, i) => { if (BRIEF.test(line)) bad.push(`${f}:${i + 1}: ${line.trim()}`); });
  }
  return bad;
}

describe('contract citations', () => {
  it('recognises a citation of the brief', () => {
    expect(BRIEF.test('see ' + 'GLIA' + '.md §5')).toBe(true);
    expect(BRIEF.test('see doc/language.md §7')).toBe(false);
  });

  it('no file of the repository cites the brief instead of doc/language.md', () => {
    const files = repoFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(citing(files)).toEqual([]);
  });
});
