// Step 1 of `ww build` on its worker thread (runtime/cell/build/probe.ts):
// a cell's top level that never ends is a coded build error instead of a
// build that never ends, and an http cell whose `handle` never answers
// GET / is built without the warm-up that would ask it (the warm-up runs
// inside componentize-js, where nothing could stop it).
import { describe, expect, it } from 'vitest';
import { probeCell, PROBE_LIMITS } from '../../cell/build/probe.js';
import { BuildError } from '../../cell/build/errors.js';
import type { CellConfig } from '../../cell/guest/engine.js';

const cell = (source: string, mode: CellConfig['mode'] = 'http', extra: Partial<CellConfig> = {}): CellConfig =>
  ({ name: 'probe', version: '0.1.0', mode, file: 'probe.glia', source, grants: [{ name: 'host', methods: ['id'] }], ...extra });

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('probe passed'); }, (e) => e as BuildError);

describe('the build\'s probe of a cell', () => {
  it('says an http cell\'s handle answers GET /, also when it performs a grant that fails at build time', async () => {
    const r = await probeCell(cell('(defn handle [req] {:status 200 :body (str (:method req) (try (perform host :id) (catch _ e "-")))})'));
    expect(r.handleAnswers).toBe(true);
  });

  it('counts a handle that throws as answered (the warm-up ignores the throw)', async () => {
    expect((await probeCell(cell('(defn handle [req] (throw (ex-info "no" {})))'))).handleAnswers).toBe(true);
  });

  it('says a handle that loops for ever does not answer, and ends its thread', async () => {
    const r = await probeCell(cell('(defn handle [req] (loop [i 0] (recur (inc i))))'), { ...PROBE_LIMITS, handleMs: 1_500 });
    expect(r.handleAnswers).toBe(false);
  });

  it('also stops a handle stuck inside a builtin, where no loop of ours polls', async () => {
    const r = await probeCell(cell('(defn handle [req] {:status 200 :body (str (reduce + (range)))})'), { ...PROBE_LIMITS, handleMs: 1_500 });
    expect(r.handleAnswers).toBe(false);
  });

  it('asks no function of a raw cell', async () => {
    expect((await probeCell(cell('(defn main [args] (loop [] (recur)))', 'raw'))).handleAnswers).toBe(false);
  });

  it('refuses a top level that never ends with build/compile and a hint', async () => {
    const e = await failure(probeCell(cell('(def x (loop [i 0] (recur (inc i))))\n(defn handle [req] {})'), { topLevelMs: 1_500, handleMs: 1_500 }));
    expect(e).toBeInstanceOf(BuildError);
    expect(e.code).toBe('build/compile');
    expect(e.message).toBe('probe.glia\'s top level did not finish within 1.5 s at build time');
    expect(e.hint).toMatch(/entry function/);
  });

  it('reports a compile error with its code frame, as step 1 did on the main thread', async () => {
    const e = await failure(probeCell(cell('(defn handle [req]\n  (undefined-thing req))')));
    expect(e.code).toBe('build/compile');
    expect(e.message).toBe('probe.glia does not compile');
    expect(e.report).toContain('probe.glia:2:');
    expect(e.report).toContain('undefined-thing');
  });

  it('reports a missing entry function and a missing export', async () => {
    expect((await failure(probeCell(cell('(def x 1)')))).code).toBe('build/no-entry-fn');
    expect((await failure(probeCell(cell('(def x 1)', 'vat', { export: 'counter' })))).code).toBe('build/no-export');
  });
});
