// Hostile cells: each tries something a cell must not get away with, and
// each must be contained (refused at load, or stopped with a coded error,
// or simply given nothing) while the node keeps answering: a bystander
// cell runs beside every one of them, and a timer in this process keeps
// ticking. Cases 20 on attack the capability side: the membrane a cell
// reaches over stdio or the ww:cell/membrane channel, with a real
// component speaking Cap'n Proto (the RPC test cell).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco';
import { CellError } from '../../../runtime/cell/errors.js';
import type { Executor } from '../../../runtime/cell/executor.js';
import type { CellLimits } from '../../../runtime/cell/limits.js';
import { collect, testRuntime } from '../../../runtime/test/cell/helpers.js';
import { watFixture } from '../../../runtime/test/cell/wat-fixtures.js';
import { rpcFixture } from '../../../runtime/test/cell/rpc-fixture.js';
import { hostHook } from '../../../runtime/test/cell/host-fixture.js';
import { spawnCell, type CellSpawnOptions } from '../../../runtime/cell/cell-session.js';
import { runHttpCell } from '../../../runtime/cell/cgi.js';
import { Epoch } from '../../../runtime/membrane/epoch.js';
import { Policy, Revoker, allowOnly, attenuate } from '../../../runtime/membrane/policy.js';
import { Host$Client } from '../../../schema/generated/system.js';

const t = testRuntime({ shared: true });
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

function code(s: { status: Awaited<ReturnType<import('../../../runtime/cell/process.js').CellProcess['result']>> }): string {
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

  it('20. importing the membrane channel at another version, or a function it lacks: the component does not load', async () => {
    // The function is lowered and called, as a real cell's would be.
    const channel = (iface: string, fn: string) => parse(`(component
      (import "${iface}" (instance $ch (export "${fn}" (func (param "n" u32)))))
      (core func $f (canon lower (func $ch "${fn}")))
      (core module $m (import "ch" "f" (func (param i32))) (func (export "run") (result i32) (call 0 (i32.const 0)) (i32.const 0)))
      (core instance $i (instantiate $m (with "ch" (instance (export "f" (func $f))))))
      (func $run (result (result)) (canon lift (core func $i "run")))
      (instance $r (export "run" (func $run)))
      (export "wasi:cli/run@0.2.12" (instance $r)))`);
    expect((await refused(await channel('ww:cell/membrane@0.2.0', 'write'))).code).toBe('cell/denied-import');
    const e = await refused(await channel('ww:cell/membrane@0.1.0', 'close'));
    expect(e.code).toBe('cell/denied-import');
    expect(e.message).toContain('ww:cell/membrane@0.1.0');
  });
});

describe('hostile cells against their membrane', () => {
  const HOST = Host$Client.interfaceId;
  let rpc: Executor;
  beforeAll(async () => { rpc = await t.rt.load(await rpcFixture()); }, 300_000);

  /** Runs the RPC cell (pid0 unless `env` says otherwise) beside a bystander; its report lines and how it ended. */
  async function attack(args: string[], opts: Omit<CellSpawnOptions, 'args'> & { during?: (lines: () => any[]) => Promise<void> } = {}) {
    const before = ticks;
    const { during, ...spawn } = opts;
    const s = spawnCell(rpc, { args, limits: { timeoutMs: 20_000 }, ...spawn });
    const by = echo.spawn();
    by.stdin.end('bystander');
    let text = '';
    const report = s.mode === 'raw' ? s.process.stdout : s.process.stderr;
    report.on('data', (c: Buffer) => { text += c.toString(); });
    const lines = () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    if (s.mode === 'raw') s.process.stdin.end();
    const duringDone = during ? during(lines) : Promise.resolve();
    const [status, byOut] = await Promise.all([s.process.result(), collect(by.stdout), duringDone]);
    await new Promise((r) => setImmediate(r));
    expect(byOut.toString()).toBe('bystander');
    expect(ticks - before).toBeGreaterThan(0);
    return { status, lines: lines(), session: s };
  }

  it('21. calling the membrane after its epoch advanced: stale-epoch, until it grafts again', async () => {
    const epoch = new Epoch();
    const r = await attack(['graft', 'call:host:id', 'wait-epoch:1', 'call:host:id', 'graft', 'call:host:id'], {
      epoch, grants: [{ name: 'host', interfaceId: HOST, cap: hostHook() }],
      during: async (lines) => {
        while (!lines().some((l) => l.cmd === 'call:host:id')) await new Promise((res) => setTimeout(res, 5));
        epoch.advance('', 'test: revoke the cell');
      },
    });
    expect(r.lines[1]).toEqual({ cmd: 'call:host:id', ok: '12D3KooWnode' });
    expect(r.lines[2]).toEqual({ cmd: 'wait-epoch:1', reached: true });
    expect(r.lines[3].error).toMatch(/^stale-epoch: this capability was issued in epoch 0; the current epoch is 1/);
    expect(r.lines[5]).toEqual({ cmd: 'call:host:id', ok: '12D3KooWnode' });
  }, 60_000);

  it('22. forging capability ids over stdio: invalid capability id, nothing reached', async () => {
    const r = await attack(['graft', 'forge:7', 'forge:4095', 'forge:4294967295', 'call:host:id'], {
      grants: [{ name: 'host', interfaceId: HOST, cap: attenuate(hostHook(), new Policy(allowOnly(HOST, [1]))) }],
    });
    for (const l of r.lines.slice(1, 4)) expect(l.error).toMatch(/^failed: invalid capability id/);
    // The real grant is still attenuated: its id() is refused.
    expect(r.lines[4].error).toMatch(/^permission-denied: Host\.id/);
    expect(r.status).toEqual({ code: 4 });
  }, 60_000);

  it('23. forging capability ids over the membrane channel (raw mode): invalid capability id', async () => {
    const r = await attack(['graft', 'forge:2', 'forge:99', 'call:host:id'], {
      env: { WW_CELL_MODE: 'raw' }, grants: [{ name: 'host', interfaceId: HOST, cap: hostHook() }],
    });
    expect(r.lines[0]).toEqual({ cmd: 'graft', grants: ['host'] });
    expect(r.lines[1].error).toMatch(/^failed: invalid capability id/);
    expect(r.lines[2].error).toMatch(/^failed: invalid capability id/);
    expect(r.lines[3]).toEqual({ cmd: 'call:host:id', ok: '12D3KooWnode' });
  }, 60_000);

  it('24. malformed Cap\'n Proto on stdio: the connection closes on the frame error, the cell reads the end', async () => {
    const r = await attack(['garbage', 'graft'], { grants: [{ name: 'host', interfaceId: HOST, cap: hostHook() }] });
    const closed = await r.session.conn!.closed;
    expect(closed.message).toMatch(/frame declares 2147483648 segments; the limit is 512/);
    expect(r.lines[1].error).toMatch(/connection ended/);
    expect(r.status).toEqual({ code: 1 });
  }, 60_000);

  it('25. malformed Cap\'n Proto on the channel of an http cell: the connection closes; the cell still answers', async () => {
    const res = await runHttpCell(rpc, { method: 'GET', url: '/', headers: [] }, {
      args: ['garbage', 'graft', 'garbage'], grants: [{ name: 'host', interfaceId: HOST, cap: hostHook() }],
    });
    const lines = Buffer.from(res.body).toString().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[1].error).toMatch(/connection ended/);
    // Writing after the host closed the channel is dropped, not a hang.
    expect(lines[2]).toEqual({ cmd: 'garbage', sent: true });
  }, 60_000);

  it('26. calling a method attenuated away, and a grant revoked while held: permission-denied', async () => {
    const revoker = new Revoker();
    const r = await attack(['graft', 'call:host:peers', 'call:host:id', 'poll:host:id'], {
      grants: [{ name: 'host', interfaceId: HOST, cap: attenuate(hostHook(), new Policy(allowOnly(HOST, [0]), [revoker.guard()])) }],
      during: async (lines) => {
        while (!lines().some((l) => l.cmd === 'call:host:id')) await new Promise((res) => setTimeout(res, 5));
        revoker.revoke('the test took it back');
      },
    });
    expect(r.lines[1].error).toMatch(/^permission-denied: Host\.peers/);
    expect(r.lines[2]).toEqual({ cmd: 'call:host:id', ok: '12D3KooWnode' });
    // The cell calls until refused: the revocation holds on a capability already in its hands.
    expect(r.lines[3].error).toMatch(/^permission-denied: .*revoked \(the test took it back\)/);
  }, 60_000);

  it('27. a vat cell that exits instead of serving: bootstrap fails disconnected, at once', async () => {
    const s = spawnCell(rpc, { env: { WW_CELL_MODE: 'vat' }, args: [] });
    const host = new Host$Client(s.bootstrap() as any);
    await expect(host.id().promise()).rejects.toMatchObject({ code: 'disconnected' });
    expect(await s.process.wait()).toBe(0);
  }, 60_000);

  it('28. grants it was not given are not there: the graft holds exactly its own', async () => {
    const r = await attack(['graft', 'call:ipfs:id', 'call:runtime:id'], { grants: [{ name: 'host', interfaceId: HOST, cap: hostHook() }] });
    expect(r.lines[0]).toEqual({ cmd: 'graft', grants: ['host'] });
    expect(r.lines[1].error).toBe('no grant ipfs');
  }, 60_000);
});

