// Golden diagnostics: each .glia file under reader/, compiler/ and checker/
// sits beside a .expected file holding the diagnostics (code, span, message,
// hint) it must produce. `npm run golden:accept` rewrites the .expected
// files from the current output; review the diff before committing.
// checker/ cases go through `ww check`'s checker (nothing runs); their
// .expected also shows the context and each top-level form's effects, and
// subfolders are followed (a case under init.d/ is an init.d script).
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { read } from '../../glia/reader/read.js';
import { Session, StaticError } from '../../glia/eval/session.js';
import { CATALOG, type Diagnostic } from '../../glia/diagnostics.js';
import { checkSource } from '../../glia/compile/check.js';

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

/** The checker's view of a case: diagnostics, then the context and the effects of each form. */
function checkerReport(source: string, name: string): string {
  const dir = join(here, 'checker');
  const r = checkSource(source, {
    file: name,
    loadModule: (path, from) => {
      const file = join(dirname(from), path.endsWith('.glia') ? path : `${path}.glia`);
      return existsSync(join(dir, file)) ? { source: readFileSync(join(dir, file), 'utf8'), file } : undefined;
    },
  });
  const forms = r.forms.map((f) => {
    const head = `${f.span.line}:${f.span.col} ${f.effects.length ? `{${f.effects.join(', ')}}` : '{}'}`;
    return f.defines ? `${head} defines ${f.defines.macro ? 'macro ' : ''}${f.defines.name} ${f.defines.signature} {${f.defines.effects.join(', ')}}` : head;
  });
  return (r.diagnostics.length ? render(r.diagnostics) : '') + `-- context: ${r.context.name}\n` + forms.map((l) => `-- ${l}\n`).join('');
}

function golden(kind: 'reader' | 'compiler' | 'checker', produce: (src: string, name: string) => Promise<string> | string) {
  describe(`${kind} diagnostics`, () => {
    const dir = join(here, kind);
    const cases = (readdirSync(dir, { recursive: true }) as string[]).map((x) => x.split('\\').join('/'));
    for (const f of cases.filter((x) => x.endsWith('.glia')).sort()) {
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
golden('checker', checkerReport);

// The checker cases must show every code `ww check` can report. The rest of
// the catalog is raised only while running (the conformance corpus covers
// those), read/too-large needs a 1 MiB string literal, which
// glia/test/check.test.ts builds instead of keeping it in a file, and
// read/bad-utf8 is found in bytes before any text reaches the reader
// (glia/test/utf8.test.ts; for every command, runtime/test/bad-input.test.ts).
const STATIC_CODES = [
  'unbound-symbol', 'arity-mismatch', 'recur-not-tail', 'recur-arity', 'malformed', 'bad-binding', 'unknown-alias',
  'unknown-module', 'too-deep', 'macro-error', 'stale-pure-assumption',
  'effect-not-allowed', 'method-arity', 'method-arg-type', 'resume-outside-handler', 'unknown-context',
  'dynamic-target', 'unused-binding', 'shadowed-capability', 'unknown-method', 'permission-denied',
];
it('checker cases cover every reader, compiler and checker code', () => {
  const dir = join(here, 'checker');
  const seen = new Set<string>();
  for (const f of (readdirSync(dir, { recursive: true }) as string[]).filter((x) => x.endsWith('.expected'))) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/^(?:error|warning)\[([^\]]+)\]/gm)) seen.add(m[1]!);
  }
  const wanted = [...Object.keys(CATALOG).filter((c) => c.startsWith('read/') && c !== 'read/too-large' && c !== 'read/bad-utf8'), ...STATIC_CODES];
  expect(STATIC_CODES.filter((c) => !(c in CATALOG))).toEqual([]);
  expect(wanted.filter((c) => !seen.has(c))).toEqual([]);
});
