// Hostile cells: each tries something a cell must not get away with, and
// each must be contained (refused at load, or stopped with a coded error,
// or simply given nothing) while the node keeps answering: a bystander
// cell runs beside every one of them, and a timer in this process keeps
// ticking. (The issue's corpus also has "calling the membrane after its
// epoch advanced"; cells reach no membrane until vat mode exists.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco';
import { CellError } from '../../cell/errors.js';
import type { Executor } from '../../cell/executor.js';
import type { CellLimits } from '../../cell/limits.js';
import { collect, testRuntime } from './helpers.js';
import { watFixture } from './wat-fixtures.js';

const t = testRuntime();
let echo: Executor;
let ticks = 0;
let timer: NodeJS.Timeout;
beforeAll(async () => {
  echo = await t.rt.load(await watFixture('echo'));
  timer = setInterval(() => ticks++, 5);
});
afterAll(async () => { clearInterval(timer); await t.done(); });

/** Runs the hostile cell beside a bystander; returns how it ended and what it wrote. */
async function contain(name: string, opts: { limits?: Partial<CellLimits>; env?: Record<string, string>; stdin?: 'open' } = {}) {
  const before = ticks;
  const cell = await t.rt.load(await watFixture(name));
  const spawn: Parameters<Executor['spawn']>[0] = { limits: { timeoutMs: 2000, ...opts.limits } };
  if (opts.env) spawn.env = opts.env;
  const p = cell.spawn(spawn);
  if (opts.stdin !== 'open') p.stdin.end();
  const by = echo.spawn();
  by.stdin.end('bystander');
  const [status, out, byOut, byCode] = await Promise.all([p.result(), collect(p.stdout), collect(by.stdout), by.wait(), collect(p.stderr)]);
  expect(byOut.toString()).toBe('bystander');
  expect(byCode).toBe(0);
  return { status, out, ticked: ticks - before };
}

function code(s: { status: Awaited<ReturnType<import('../../cell/process.js').CellProcess['result']>> }): string {
  return 'error' in s.status ? s.status.error.code : `exit ${s.status.code}`;
}

async function refused(bytes: Uint8Array): Promise<CellError> {
  try { await t.rt.load(bytes); } catch (e) { return e as CellError; }
  throw new Error('loaded');
}

describe('hostile cells are contained', () => {
  it('1. reading a file: there is no directory to read from', async () => {
    const r = await contain('preopens');
    expect(r.out.toString()).toBe('0');
  });

  it('2. opening /etc/passwd through a descriptor it was never given: bad-descriptor', async () => {
    const r = await contain('open-file');
    expect(code(r)).toBe('exit 0');
    expect([...r.out]).toEqual([1, 3]); // err, error-code bad-descriptor
  });

  it('3. reading the environment: only what the spawn passed', async () => {
    const r = await contain('argv-env', { env: { ONLY: 'this' } });
    expect(r.out.toString().split('\x01')[1]).toBe('ONLY=this\0');
  });

  it('4. opening a socket: the component does not load', async () => {
    expect((await refused(await watFixture('socket'))).code).toBe('cell/denied-import');
  });

  it('5. making an HTTP request: the component does not load', async () => {
    const e = await refused(await parse(`(component
      (import "wasi:http/outgoing-handler@0.2.0" (instance (export "handle" (func (param "r" u32) (result u32)))))
      (core module $m (func (export "run") (result i32) (i32.const 0)))
      (core instance $i (instantiate $m))
      (func $run (result (result)) (canon lift (core func $i "run")))
      (instance $r (export "run" (func $run)))
      (export "wasi:cli/run@0.2.0" (instance $r)))`));
    expect(e.code).toBe('cell/denied-import');
    expect(e.message).toContain('wasi:http/outgoing-handler@0.2.0');
  });

  it('6. importing a host interface that does not exist: the component does not load', async () => {
    const e = await refused(await parse(`(component
      (import "ww:host/secrets" (instance (export "get" (func (result u32)))))
      (core module $m (func (export "run") (result i32) (i32.const 0)))
      (core instance $i (instantiate $m))
      (func $run (result (result)) (canon lift (core func $i "run")))
      (instance $r (export "run" (func $run)))
      (export "wasi:cli/run@0.2.12" (instance $r)))`));
    expect(e.code).toBe('cell/denied-import');
  });

  it('7. spinning forever: killed at its budget while the event loop ticks', async () => {
    const r = await contain('loop', { limits: { timeoutMs: 300 } });
    expect(code(r)).toBe('cell/timeout');
    expect(r.ticked).toBeGreaterThan(10);
  });

  it('8. spinning forever on a CPU budget: killed for CPU time', async () => {
    const r = await contain('loop', { limits: { timeoutMs: 10_000, cpuMs: 200 } });
    expect(code(r)).toBe('cell/timeout');
    expect('error' in r.status && r.status.error.details.limit).toBe('cpu');
  });

  it('9. growing memory without end: killed at the ceiling', async () => {
    expect(code(await contain('grow', { limits: { memoryBytes: 4 << 20 } }))).toBe('cell/memory');
  });

  it('10. starting with more memory than allowed: never starts', async () => {
    expect(code(await contain('big-memory', { limits: { memoryBytes: 8 << 20 } }))).toBe('cell/memory');
  });

  it('11. asking the host to allocate 1 TiB for it: refused as memory', async () => {
    expect(code(await contain('random-huge'))).toBe('cell/memory');
  });

  it('12. flooding stdout: cut at the cap', async () => {
    const r = await contain('flood', { limits: { outputBytes: 200_000 } });
    expect(code(r)).toBe('cell/output-limit');
    expect(r.out.length).toBe(200_000);
  });

  it('13. using a stream handle it was never given: a trap', async () => {
    const r = await contain('forged-handle');
    expect(code(r)).toBe('cell/trap');
    expect('error' in r.status && r.status.error.message).toMatch(/not an output-stream/);
  });

  it('14. dropping a handle twice: a trap', async () => {
    expect(code(await contain('drop-twice'))).toBe('cell/trap');
  });

  it('15. polling nothing: a trap', async () => {
    expect(code(await contain('empty-poll'))).toBe('cell/trap');
  });

  it('16. recursing without end: a trap (stack overflow)', async () => {
    const r = await contain('recurse');
    expect(code(r)).toBe('cell/trap');
    expect('error' in r.status && r.status.error.message).toMatch(/stack overflow/);
  });

  it('17. writing from past the end of its memory: only its own memory is read', async () => {
    // jco's glue clamps an out-of-bounds list to the memory (the component
    // model would trap): the cell gets what lies in its own 64 KiB, never more.
    const r = await contain('out-of-bounds');
    expect(r.out.length).toBeLessThanOrEqual(536);
  });

  it('18. waiting on stdin that never closes: killed at its budget', async () => {
    expect(code(await contain('echo', { limits: { timeoutMs: 300 }, stdin: 'open' }))).toBe('cell/timeout');
  });

  it('19. trapping: reported, and its worker is not used again', async () => {
    expect(code(await contain('trap'))).toBe('cell/trap');
  });
});
