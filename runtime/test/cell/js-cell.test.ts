// A JavaScript cell built with componentize-js: ~12 MiB of StarlingMonkey
// that imports the WASI 0.2 surface a real toolchain imports (clocks,
// random, filesystem, terminals, streams, ...). It must load and run in
// both modes with nothing but our host. (Building it takes 5-60 s, once;
// see js-fixture.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHttpCell } from '../../cell/cgi.js';
import type { Executor } from '../../cell/executor.js';
import { collect, testRuntime } from './helpers.js';
import { jsFixture } from './js-fixture.js';

const t = testRuntime();
let cell: Executor;
/**
 * Turns of the event loop while the cell was loaded: a setImmediate chain
 * advances once per turn. jco's translation runs on a worker thread, so the
 * loop keeps turning (thousands of times over seconds of work); translating
 * on this thread would leave it a few turns, between the load's awaits.
 * A count of turns, not a duration, so machine load does not decide it.
 */
let turns = 0;
beforeAll(async () => {
  const bytes = await jsFixture();
  let loading = true;
  const spin = () => { if (!loading) return; turns++; setImmediate(spin); };
  setImmediate(spin);
  try { cell = await t.rt.load(bytes); } finally { loading = false; }
}, 300_000);
afterAll(() => t.done());

describe('a componentize-js cell', () => {
  it('is translated (seconds of jco work, on an empty cache) without stalling the event loop', () => {
    expect(t.rt.stats.translations).toBe(1);
    expect(turns).toBeGreaterThan(200);
  });

  it('raw mode: sees its arguments and environment, copies stdin, exits with its code', async () => {
    const p = cell.spawn({ mode: 'raw', args: ['one', 'two words', 'ünï'], env: { GREETING: 'hi', EXIT_CODE: '7' } });
    p.stdin.end('from stdin ✓');
    const [out, code] = await Promise.all([collect(p.stdout), p.wait()]);
    const text = out.toString('utf8');
    const nl = text.indexOf('\n');
    const seen = JSON.parse(text.slice(0, nl));
    expect(seen.args.slice(1)).toEqual(['one', 'two words', 'ünï']);
    expect(seen.env).toEqual({ GREETING: 'hi', EXIT_CODE: '7', WW_CELL_MODE: 'raw' });
    expect(text.slice(nl + 1)).toBe('from stdin ✓');
    expect(code).toBe(7);
  });

  it('http mode: answers a request through CGI', async () => {
    const r = await runHttpCell(cell, { method: 'POST', url: '/echo/path?k=v', scriptName: '/echo', headers: [['content-type', 'text/plain']], body: new TextEncoder().encode('ping') });
    expect(r.status).toBe(200);
    expect(r.headers).toContainEqual(['X-Cell', 'js']);
    const body = JSON.parse(new TextDecoder().decode(r.body));
    expect(body).toMatchObject({ method: 'POST', path: '/path', query: 'k=v', body: 'ping' });
    expect(body.env.CONTENT_TYPE).toBe('text/plain');
  });
});
