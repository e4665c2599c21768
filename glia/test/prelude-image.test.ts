// The precompiled prelude (glia/eval/prelude-image.ts): the image in
// glia/generated/ is what the current prelude and compiler give, and a
// Session started from it is the Session compiled from source: the same
// namespaces and vars (names, order, flags, function metadata, tier) and
// the same results on conformance cases, on both tiers.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, type Tier } from '../eval/session.js';
import { PRELUDE_IMAGES } from '../generated/prelude-image.js';
import { preludeImageModule, constCode } from '../eval/prelude-image-build.js';
import { GEN, FN_INFO } from '../values/fn.js';
import { prStr } from '../values/printer.js';
import { GliaError, errorType } from '../values/errors.js';
import { kw } from '../values/keyword.js';
import { sym } from '../values/symbol.js';
import { setSpan } from '../span.js';
import { loadCases } from '../../test/conformance/cases.js';
import { localEffects } from '../../runtime/host/local-effects.js';

const here = dirname(fileURLToPath(import.meta.url));
const TIERS: Tier[] = ['auto', 'resumable'];

/** Everything about a session's namespaces that code compiled against it can see. */
function shape(s: Session): unknown[] {
  const out: unknown[] = [];
  for (const ns of s.registry.namespaces.values()) {
    for (const v of ns.vars.values()) {
      const f = v.value;
      out.push([v.fqn, v.bound, v.macro, v.privateVar, v.doc ?? null, typeof f,
        typeof f === 'function' ? [!!f[GEN], JSON.stringify(f[FN_INFO] ?? null)] : prStr(f), [...v.pureAssumers]]);
    }
  }
  return out;
}

describe('the prelude image', () => {
  it('is built (npm run build and the test setup make it)', () => {
    expect(PRELUDE_IMAGES).not.toBeNull();
  });

  it('is what the current prelude and compiler compile to', () => {
    const file = join(here, '../generated/prelude-image.ts');
    expect(readFileSync(file, 'utf8') === preludeImageModule(PRELUDE_IMAGES!.digest)).toBe(true);
  });

  for (const tier of TIERS) {
    it(`gives the namespaces and vars compiling from source gives (${tier})`, () => {
      const fromImage = new Session({ tier });
      const fromSource = new Session({ tier, prelude: 'source' });
      expect(shape(fromImage)).toEqual(shape(fromSource));
      expect(fromImage.warnings).toEqual(fromSource.warnings);
    });
  }

  it('runs prelude code with its locations: an error inside a prelude function names core.glia', async () => {
    const frames: string[] = [];
    for (const prelude of ['image', 'source'] as const) {
      const s = new Session({ prelude });
      // -for-expand is written in the prelude; it throws on an unknown modifier.
      const e = await s.evalString("(-for-expand '[x [1] :bogus 2] 'x)", '<t>').catch((x) => x);
      expect(e).toBeInstanceOf(GliaError);
      expect(prStr(errorType((e as GliaError).value))).toBe(':glia.error/malformed');
      frames.push((e as GliaError).gliaStack.map((f) => `${f.name} ${f.span?.file}:${f.span?.line}`).join(' / '));
    }
    expect(frames[0]).toMatch(/glia\/prelude\/core\.glia:\d+/);
    expect(frames[0]).toBe(frames[1]);
  });

  it('writes constants back as they were (symbols with spans, keywords, collections, numbers)', () => {
    expect(constCode(kw('a', 'b'))).toBe('c.kw("a", "b")');
    expect(constCode(-0)).toBe('-0');
    expect(constCode(12n)).toBe('12n');
    expect(constCode(setSpan(sym('x'), { file: 'f', line: 1, col: 2, endLine: 1, endCol: 3, offset: 1, endOffset: 2 })))
      .toBe('c.span(c.sym(null, "x"), {"file":"f","line":1,"col":2,"endLine":1,"endCol":3,"offset":1,"endOffset":2})');
    expect(() => constCode(new Date())).toThrow(/cannot write a constant of type Date/);
  });
});

// A sample of the conformance corpus (every eighth case), on both tiers,
// started from the image and from source: the same value, error and output.
const cases = loadCases(join(here, '../../test/conformance')).filter((_, i) => i % 8 === 0);

async function outcome(file: string, source: string, tier: Tier, prelude: 'image' | 'source'): Promise<string> {
  let out = '';
  const s = new Session({ ...localEffects(dirname(file), (t) => { out += t; }), tier, prelude });
  s.currentFile = file;
  try {
    return `value ${prStr(await s.evalString(source, file))} stdout ${JSON.stringify(out)}`;
  } catch (e) {
    if (e instanceof GliaError) return `error ${prStr(errorType(e.value))} ${JSON.stringify(e.span ?? null)} stdout ${JSON.stringify(out)}`;
    throw e;
  }
}

describe('conformance cases from the image and from source', () => {
  it('has a sample', () => expect(cases.length).toBeGreaterThan(40));
  for (const tier of TIERS) {
    it(`agree (${tier})`, async () => {
      for (const c of cases) {
        expect(await outcome(c.file, c.source, tier, 'image'), c.name).toBe(await outcome(c.file, c.source, tier, 'source'));
      }
    }, 120_000);
  }
});
