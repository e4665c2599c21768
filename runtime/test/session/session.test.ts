// The session core of `ww shell` and `ww mcp` with no node (--local), on
// its worker thread: definitions persist, :stdout is captured, every error
// kind is data, and an evaluation that never yields can be stopped.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openSession, inProcessSession } from '../../session/open-session.js';
import type { Session, EvalOutcome } from '../../session/session.js';

let s: Session;
beforeAll(async () => { s = await openSession({ local: true }); });
afterAll(async () => { await s.close(); });

describe('a local session', () => {
  it('is labelled local and binds no capabilities', () => {
    expect(s.label).toBe('local');
    expect(s.capabilityNames()).toEqual([]);
  });

  it('gives the pr-str of each form, and keeps definitions across calls', async () => {
    expect(await s.evaluate('(def x 41) (defn inc2 [n] (+ n 2))')).toMatchObject({ ok: true, values: ["#'user/x", "#'user/inc2"] });
    expect(await s.evaluate('(inc2 x) "s" [1 :a]')).toMatchObject({ ok: true, values: ['43', '"s"', '[1 :a]'] });
  });

  it('captures :stdout into onStdout, in order, and never onto the process', async () => {
    const seen: string[] = [];
    const write = process.stdout.write;
    let leaked = '';
    process.stdout.write = ((chunk: any, ...rest: any[]) => { leaked += String(chunk); return (write as any).call(process.stdout, chunk, ...rest); }) as any;
    try {
      const out = await s.evaluate('(println "hello") (prn [1 2]) 7', { onStdout: (t) => seen.push(t) });
      expect(out).toMatchObject({ ok: true, values: ['nil', 'nil', '7'] });
    } finally { process.stdout.write = write; }
    expect(seen.join('')).toBe('hello\n[1 2]\n');
    expect(leaked).not.toContain('hello');
  });

  it('gives a read error with its code, 1-based span, hint and code frame', async () => {
    const out = await s.evaluate('(+ 1 2)\n  (foo 1))');
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.code).toBe('read/unexpected-close');
    expect(out.error.span).toMatchObject({ line: 2, col: 10, endLine: 2, endCol: 11 });
    expect(out.error.hint).toBeTruthy();
    expect(out.error.rendered).toContain('error[read/unexpected-close]');
    expect(out.error.rendered).toContain('2 |   (foo 1))');
    expect(out.values).toEqual([]);
  });

  it('gives a compile error (unbound symbol) with a hint, and nothing of the text runs', async () => {
    const seen: string[] = [];
    const out = await s.evaluate('(println "ran")\n(nope 1)', { onStdout: (t) => seen.push(t) });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.code).toBe('unbound-symbol');
    expect(out.error.span).toMatchObject({ line: 2, col: 2, endLine: 2, endCol: 6 });
    expect(out.error.rendered).toMatch(/2 \| \(nope 1\)\n\s+\|  \^\^\^\^/);
    expect(seen).toEqual([]);
  });

  it('gives a run-time error with the values of the forms before it', async () => {
    const out = await s.evaluate('(+ 1 2)\n(/ 1 0)');
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.values).toEqual(['3']);
    expect(out.error.code).toBe('arithmetic');
    expect(out.error.span).toMatchObject({ line: 2 });
    expect(out.error.rendered).toContain('error[arithmetic]');
  });

  it('gives a hint when the error has one', async () => {
    const out = await s.evaluate('(perform :exit "x")');
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.code).toBe('type-mismatch');
    expect(out.error.hint).toContain('(exit 0)');
    expect(out.error.rendered).toContain('hint:');
  });

  it('reports (exit n) as the exit status, with the forms before it', async () => {
    expect(await s.evaluate('1 (exit 3) 2')).toMatchObject({ ok: true, values: ['1'], exit: 3 });
  });

  it('still has its definitions after errors', async () => {
    expect(await s.evaluate('(inc2 x)')).toMatchObject({ ok: true, values: ['43'] });
  });
});

describe('the in-process session (no thread)', () => {
  it('evaluates and keeps definitions', async () => {
    const p = inProcessSession();
    expect(await p.evaluate('(def y 2)')).toMatchObject({ ok: true });
    expect(await p.evaluate('(* y 21)')).toMatchObject({ ok: true, values: ['42'] });
    await p.close();
  });
});

describe('an mcp session', () => {
  it('has no :load or :exit (the mcp context), and says so before running anything', async () => {
    const m = await openSession({ local: true, name: 'mcp' });
    try {
      const out = await m.evaluate('(println "ran") (exit 0)');
      expect(out.ok).toBe(false);
      if (out.ok) return;
      expect(out.error.code).toBe('effect-not-allowed');
      expect(out.error.rendered).toContain('<mcp 1>');
    } finally { await m.close(); }
  });
});

describe('the effect check of a text that uses earlier definitions', () => {
  for (const context of ['mcp', 'shell'] as const) {
    it(`${context}: refuses what the context does not allow before anything runs, though the text also calls an earlier function`, async () => {
      const p = inProcessSession({ context, name: context });
      try {
        const seen: string[] = [];
        expect(await p.evaluate('(defn note [x] (println "noted" x))')).toMatchObject({ ok: true });
        const out = await p.evaluate('(note "x") (def ran 1)\n(perform :not/allowed 1)', { onStdout: (t) => seen.push(t) });
        expect(out.ok).toBe(false);
        if (out.ok) return;
        expect(out.error.code).toBe('effect-not-allowed');
        expect(out.error.span).toMatchObject({ line: 2, col: 1 });
        expect(seen).toEqual([]);
        expect(out.values).toEqual([]);
        expect(await p.evaluate('ran')).toMatchObject({ ok: false, error: { code: 'unbound-symbol' } });
      } finally { await p.close(); }
    });
  }

  it('mcp: (load ...) beside a call of an earlier function and a std alias imported earlier is refused, nothing run', async () => {
    const p = inProcessSession({ context: 'mcp', name: 'mcp' });
    try {
      const seen: string[] = [];
      expect(await p.evaluate('(defn note [x] (println "noted" x)) (import "ww/string" :as str)')).toMatchObject({ ok: true });
      const out = await p.evaluate('(note (str/join "," ["a" "b"])) (load "/etc/passwd")', { onStdout: (t) => seen.push(t) });
      expect(out).toMatchObject({ ok: false, error: { code: 'effect-not-allowed', span: { line: 1, col: 33 } } });
      expect(seen).toEqual([]);
      // The same text without the load runs.
      expect(await p.evaluate('(note (str/join "," ["a" "b"]))', { onStdout: (t) => seen.push(t) })).toMatchObject({ ok: true });
      expect(seen.join('')).toBe('noted a,b\n');
    } finally { await p.close(); }
  });

  it('a capability the session lacks is refused before anything runs, saying on what condition a node grants it', async () => {
    for (const context of ['mcp', 'shell'] as const) {
      const p = inProcessSession({ context, name: context });
      try {
        const seen: string[] = [];
        const out = await p.evaluate('(println "ran") (perform http-client :get "http://127.0.0.1:9/")', { onStdout: (t) => seen.push(t) });
        expect(out).toMatchObject({ ok: false, error: { code: 'unbound-symbol', span: { line: 1, col: 26 } } });
        if (out.ok) return;
        expect(out.error.hint).toContain('http-client is granted only when the node is started with --http-dial HOST');
        expect(seen).toEqual([]);
      } finally { await p.close(); }
    }
  });

  it('mcp: a call of an earlier macro is not judged by its arguments (the macro decides what runs)', async () => {
    const p = inProcessSession({ context: 'mcp', name: 'mcp' });
    try {
      expect(await p.evaluate('(defmacro ignore [& body] nil)')).toMatchObject({ ok: true });
      expect(await p.evaluate('(ignore (load "/etc/passwd")) 7')).toMatchObject({ ok: true, values: ['nil', '7'] });
    } finally { await p.close(); }
  });
});

/** Evaluates `source` and aborts it once it has started (after its first :stdout). */
async function interrupted(session: Session, source: string): Promise<EvalOutcome> {
  const ac = new AbortController();
  return session.evaluate(source, { signal: ac.signal, onStdout: () => ac.abort() });
}

for (const tier of ['auto', 'resumable'] as const) {
  describe(`interrupting, tier ${tier}`, () => {
    it('stops (loop [] (recur)); the session keeps working with its definitions', async () => {
      const t = await openSession({ local: true, tier });
      try {
        expect(await t.evaluate('(def kept 7) (defn spin [] (loop [] (recur)))')).toMatchObject({ ok: true });
        const out = await interrupted(t, '(println "go")\n(loop [] (recur))');
        expect(out.ok).toBe(false);
        if (out.ok) return;
        expect(out.error.code).toBe('interrupted');
        expect(out.definitionsLost).toBeUndefined();
        expect(await interrupted(t, '(println "go") (spin)')).toMatchObject({ ok: false, error: { code: 'interrupted' } });
        expect(await t.evaluate('(+ kept 1)')).toMatchObject({ ok: true, values: ['8'] });
      } finally { await t.close(); }
    });
  });
}

describe('a builtin that will not stop', () => {
  it('is ended with its thread after the grace period; a fresh session answers and the outcome says the definitions are gone', async () => {
    const t = await openSession({ local: true });
    try {
      await t.evaluate('(def kept 7)');
      // nth walks an infinite range inside one JS builtin: no loop of Glia's polls the flag.
      const out = await interrupted(t, '(println "go") (nth (range) 1000000000000000)');
      expect(out).toMatchObject({ ok: false, definitionsLost: true, error: { code: 'interrupted' } });
      if (out.ok) return;
      expect(out.error.message).toContain('every definition is gone');
      expect(await t.evaluate('(+ 1 2)')).toMatchObject({ ok: true, values: ['3'] });
      expect(await t.evaluate('kept')).toMatchObject({ ok: false, error: { code: 'unbound-symbol' } });
    } finally { await t.close(); }
  });

  it('closing the session ends an evaluation in flight with an answer', async () => {
    const t = await openSession({ local: true });
    let started!: () => void;
    const go = new Promise<void>((r) => { started = r; });
    const p = t.evaluate('(println "go") (loop [] (recur))', { onStdout: () => started() });
    await go;
    await t.close();
    expect(await p).toMatchObject({ ok: false, error: { code: 'closed' } });
    expect(await t.evaluate('1')).toMatchObject({ ok: false, error: { code: 'closed' } });
  });

  it('an evaluation aborted before it starts does not run', async () => {
    const t = await openSession({ local: true });
    try {
      const ac = new AbortController();
      ac.abort();
      const seen: string[] = [];
      expect(await t.evaluate('(println "ran")', { signal: ac.signal, onStdout: (x) => seen.push(x) })).toMatchObject({ ok: false, error: { code: 'interrupted' } });
      expect(seen).toEqual([]);
    } finally { await t.close(); }
  });
});
