// Golden diagnostics: each .glia file under reader/ and compiler/ sits
// beside a .expected file holding the diagnostics (code, span, message,
// hint) it must produce. `npm run golden:accept` rewrites the .expected
// files from the current output; review the diff before committing.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { read } from '../../glia/reader/read.js';
import { Session, StaticError } from '../../glia/eval/session.js';
import type { Diagnostic } from '../../glia/diagnostics.js';

const here = dirname(fileURLToPath(import.meta.url));
const accept = process.env.GLIA_ACCEPT_GOLDEN === '1';

function render(ds: Diagnostic[]): string {
  return ds.map((d) => {
    const s = d.span;
    const head = `${d.severity}[${d.code}] ${s.line}:${s.col}-${s.endLine}:${s.endCol} ${d.message}`;
    return d.hint ? `${head}\n  hint: ${d.hint}` : head;
  }).join('\n') + '\n';
}

async function compilerDiagnostics(source: string, name: string): Promise<string> {
  let out = '';
  const session = new Session({ stdout: (t) => { out += t; } });
  let ds = session.check(source, name);
  let ran = false;
  if (!ds.some((d) => d.severity === 'error')) {
    // Some errors only show once earlier forms ran (an import's alias): run it.
    ran = true;
    try { await session.evalString(source, name); } catch (e) { if (e instanceof StaticError) ds = e.diagnostics; else throw e; }
  }
  return render(ds) + (ran ? `-- ran; stdout: ${JSON.stringify(out)}\n` : '-- rejected before running\n');
}

function golden(kind: 'reader' | 'compiler', produce: (src: string, name: string) => Promise<string> | string) {
  describe(`${kind} diagnostics`, () => {
    const dir = join(here, kind);
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.glia')).sort()) {
      it(f, async () => {
        const src = readFileSync(join(dir, f), 'utf8');
        const actual = await produce(src, f);
        const expectedFile = join(dir, f.replace(/\.glia$/, '.expected'));
        if (accept) { writeFileSync(expectedFile, actual); return; }
        expect(existsSync(expectedFile), `${expectedFile} is missing; run npm run golden:accept and review it`).toBe(true);
        expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
      });
    }
  });
}

golden('reader', (src, name) => render(read(src, name).diagnostics));
golden('compiler', compilerDiagnostics);
