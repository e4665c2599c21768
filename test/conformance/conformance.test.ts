// The conformance corpus: every case runs on both tiers (auto and
// resumable) and must give the value, output or error its header states.
import { describe, it, expect } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCases, type Case } from './cases.js';
import { Session, type Tier } from '../../glia/eval/session.js';
import { prStr } from '../../glia/values/printer.js';
import { localEffects } from '../../runtime/host/local-effects.js';
import { errorCode } from '../../runtime/cli/report.js';
import { GliaError } from '../../glia/values/errors.js';

const here = dirname(fileURLToPath(import.meta.url));
const cases = loadCases(here);

export async function runCase(c: Case, tier: Tier): Promise<{ value?: string; error?: string; stdout: string }> {
  let out = '';
  const session = new Session({ ...localEffects(dirname(c.file), (s) => { out += s; }), tier });
  session.currentFile = c.file;
  try {
    const v = await session.evalString(c.source, c.file);
    return { value: prStr(v), stdout: out };
  } catch (e) {
    if (e instanceof GliaError) return { error: errorCode(e.value), stdout: out };
    throw e;
  }
}

describe('conformance corpus', () => {
  it('has at least 250 cases, each with an expectation', () => {
    expect(cases.length).toBeGreaterThanOrEqual(250);
    for (const c of cases) expect(c.expect !== undefined || c.error !== undefined, c.name).toBe(true);
  });
  for (const tier of ['auto', 'resumable'] as Tier[]) {
    describe(tier, () => {
      for (const c of cases) {
        it(`${c.name}: ${c.description}`, async () => {
          const r = await runCase(c, tier);
          if (c.error !== undefined) {
            expect(r.error ?? `value ${r.value}`).toBe(c.error);
          } else {
            expect(r.error === undefined ? r.value : `error ${r.error}`).toBe(c.expect);
          }
          if (c.stdout) expect(r.stdout).toBe(c.stdout.map((l) => l + '\n').join(''));
        });
      }
    });
  }
});
