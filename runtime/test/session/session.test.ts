// The session core of `ww shell` and `ww mcp` with no node (--local):
// definitions persist, :stdout is captured, every error kind is data.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openSession } from '../../session/open-session.js';
import type { Session } from '../../session/session.js';

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
