// The evaluator and a built Glia cell agree: every program in programs.ts
// runs in Session.evalString and in one raw-mode cell made by `ww build`
// (program i is (nth programs i), chosen by the cell's argument); the
// value's pr-str, the :stdout trace before it, or the uncaught error must
// be the same.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../../glia/eval/session.js';
import { read } from '../../../glia/reader/read.js';
import { kw } from '../../../glia/values/keyword.js';
import { runHttpCell } from '../../cell/cgi.js';
import { prStr } from '../../../glia/values/printer.js';
import type { Executor } from '../../cell/executor.js';
import { errorLine } from '../../cell/guest/error-line.js';
import { collect, testRuntime } from '../cell/helpers.js';
import { assertBuilt } from '../ww-process.js';
import { builtCell } from './built-cells.js';
import { PROGRAMS, programsCell } from './programs.js';

const t = testRuntime({ shared: true });
let cell: Executor;
beforeAll(async () => {
  assertBuilt();
  const dir = join(tmpdir(), 'ww-programs-project');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cell.edn'), '{:name "programs" :mode :raw :entry "programs.glia"}\n');
  writeFileSync(join(dir, 'programs.glia'), programsCell());
  cell = await t.rt.load((await builtCell(dir, 'programs')).wasm, 'programs.wasm');
}, 300_000);
afterAll(() => t.done());

/** What the evaluator gives: the trace and the value, or the trace and the error line (without its location). */
async function evaluate(program: string): Promise<{ trace: string; value?: string; error?: string }> {
  let trace = '';
  const s = new Session({ stdout: (text) => { trace += text; } });
  try {
    const value = prStr(await s.evalString(program, '<program>'));
    return { trace, value };
  } catch (e) {
    return { trace, error: errorLine(e).replace(/  --> .*$/, '') };
  }
}

async function inCell(i: number): Promise<{ trace: string; value?: string; error?: string }> {
  const p = cell.spawn({ mode: 'raw', args: [String(i)] });
  p.stdin.end();
  const [out, err, code] = await Promise.all([collect(p.stdout), collect(p.stderr), p.wait()]);
  const text = out.toString('utf8');
  const nul = text.lastIndexOf('\u0000');
  if (code !== 0) return { trace: text, error: err.toString('utf8').trim().split('\n')[0]!.replace(/  --> .*$/, '') };
  return { trace: text.slice(0, nul), value: text.slice(nul + 1) };
}

describe('the evaluator and a built cell give the same value and the same :stdout trace', () => {
  PROGRAMS.forEach((program, i) => {
    it(program, async () => {
      const [want, got] = await Promise.all([evaluate(program), inCell(i)]);
      expect(got).toEqual(want);
    });
  });

  it('covers values, output, handlers and errors (the set is not trivial)', async () => {
    const results = await Promise.all(PROGRAMS.map(evaluate));
    expect(results.filter((r) => r.error).length).toBeGreaterThanOrEqual(2);
    expect(results.filter((r) => r.trace).length).toBeGreaterThanOrEqual(5);
  });
});

describe('the cell runtime\'s protocols', () => {
  it('raw: main gets the arguments; :stdin reads all of stdin once; an integer result is the exit code', async () => {
    const p = cell.spawn({ mode: 'raw', args: ['echo', 'a b', 'c'] });
    p.stdin.end('from stdin ✓');
    const [out, code] = await Promise.all([collect(p.stdout), p.wait()]);
    expect(out.toString('utf8')).toBe('a b|from stdin ✓|""');
    expect(code).toBe(3);
  });

  it('http: handle gets {:method :path :query :script-name :headers :body}; its map becomes the CGI response; println goes to stderr', async () => {
    const r = await runHttpCell(cell, {
      method: 'POST', url: '/app/items/7?x=1&y=two', scriptName: '/app',
      headers: [['content-type', 'text/plain'], ['x-trace', 'abc']], body: new TextEncoder().encode('payload ✓'),
    });
    expect(r.status).toBe(201);
    expect(r.headers).toContainEqual(['content-type', 'application/edn']);
    expect(r.headers).toContainEqual(['x-echo', 'yes']);
    expect(new TextDecoder().decode(r.stderr)).toBe('to stderr in http mode\n');
    const req = read(new TextDecoder().decode(r.body), 'body').forms[0];
    expect(req.get(kw('method'))).toBe('POST');
    expect(req.get(kw('path'))).toBe('/items/7');
    expect(req.get(kw('query'))).toBe('x=1&y=two');
    expect(req.get(kw('script-name'))).toBe('/app');
    expect(req.get(kw('body'))).toBe('payload ✓');
    expect(req.get(kw('headers')).get('content-type')).toBe('text/plain');
    expect(req.get(kw('headers')).get('x-trace')).toBe('abc');
  });

  it('http: an error escaping handle, or a value that is no response, answers 500 with the error (also on stderr), exit 1', async () => {
    const thrown = await runHttpCell(cell, { method: 'GET', url: '/throw', headers: [] });
    expect(thrown.status).toBe(500);
    expect(new TextDecoder().decode(thrown.body)).toMatch(/^error\[app\/bad\]: nope/);
    expect(new TextDecoder().decode(thrown.stderr)).toMatch(/error\[app\/bad\]: nope/);
    expect(thrown.exitCode).toBe(1);
    const odd = await runHttpCell(cell, { method: 'GET', url: '/not-a-response', headers: [] });
    expect(odd.status).toBe(500);
    expect(new TextDecoder().decode(odd.body)).toMatch(/^error\[type-mismatch\]: handle must return a response map/);
  });

  it('vat: a Glia cell without an :export refuses it with a coded error and exit 2', async () => {
    const p = cell.spawn({ mode: 'vat' });
    p.stdin.end();
    const [err, code] = await Promise.all([collect(p.stderr), p.wait()]);
    expect(code).toBe(2);
    expect(err.toString()).toContain('error[cell/unsupported-mode]');
  });

  it('pid0: main runs as in raw mode, its output on stderr (stdout carries Cap\'n Proto)', async () => {
    const p = cell.spawn({ mode: 'pid0', args: ['0'] });
    const [out, err, code] = await Promise.all([collect(p.stdout), collect(p.stderr), p.wait()]);
    expect(code).toBe(0);
    expect(out.length).toBe(0);
    expect(err.toString('utf8')).toBe('\u00003');
  });
});
