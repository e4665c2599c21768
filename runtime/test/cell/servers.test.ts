// The cell host's capability servers (runtime/cell/servers.ts) over real
// RPC: vat A serves a Runtime through a Membrane graft, vat B grafts it
// and loads, spawns, talks to and waits for real WAT cells. Errors keep
// their cell type across the wire; attenuation and the epoch hold.
import { afterAll, describe, expect, it } from 'vitest';
import { Connection } from '../../rpc/conn.js';
import { pipePair } from '../../rpc/transport.js';
import { toHook, type Hook } from '../../rpc/hooks.js';
import { RpcError } from '../../rpc/errors.js';
import { Membrane, readGraft } from '../../membrane/membrane.js';
import { Epoch } from '../../membrane/epoch.js';
import { Policy, allowOnly } from '../../membrane/policy.js';
import { Membrane$Client } from '../../../schema/generated/membrane.js';
import { Runtime$Client, Executor$Client, Process$Client, ByteStream$Client } from '../../../schema/generated/system.js';
import { runtimeServer } from '../../cell/servers.js';
import { testRuntime } from './helpers.js';
import { watFixture } from './wat-fixtures.js';

const t = testRuntime();
afterAll(() => t.done());

/** Vat B's view of a Membrane exporting `runtime` (with `policy`) from vat A. */
async function graftRuntime(policy?: Policy, epoch = new Epoch()): Promise<{ runtime: Runtime$Client; client: Connection }> {
  const server = toHook(runtimeServer(t.rt, { epoch }))!;
  const membrane = new Membrane(() => [{ name: 'runtime', interfaceId: Runtime$Client.interfaceId, cap: server, ...(policy ? { policy } : {}) }], epoch);
  const [a, b] = pipePair();
  new Connection(a, { bootstrap: membrane.server() });
  const client = new Connection(b);
  const m = new Membrane$Client(await client.bootstrapClient() as any);
  const g = readGraft(await m.graft().promise());
  return { runtime: new Runtime$Client(g.find((e) => e.name === 'runtime')!.cap as any), client };
}

async function load(runtime: Runtime$Client, name: string): Promise<Executor$Client> {
  const wasm = await watFixture(name);
  return runtime.load((p) => { p._initWasm(wasm.length).copyBuffer(wasm); }).getExecutor();
}

function spawn(exec: Executor$Client, o: { args?: string[]; env?: string[]; wallClockMs?: bigint } = {}): Process$Client {
  return exec.spawn((p) => {
    const a = p._initArgs(o.args?.length ?? 0); (o.args ?? []).forEach((x, i) => a.set(i, x));
    const e = p._initEnv(o.env?.length ?? 0); (o.env ?? []).forEach((x, i) => e.set(i, x));
    p._initCaps(0);
    if (o.wallClockMs !== undefined) p._initLimits().wallClockMs = o.wallClockMs;
  }).getProcess();
}

async function readAll(s: ByteStream$Client): Promise<string> {
  let out = '';
  for (;;) {
    const r = await s.read((p) => { p.maxBytes = 4096; }).promise();
    out += Buffer.from(r.data.toUint8Array()).toString();
    if (r.eof) return out;
  }
}

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: RpcError) => e);

describe('Runtime, Executor and Process over RPC', () => {
  it('loads, spawns with args and env, streams stdin to stdout, and waits for the exit code', async () => {
    const { runtime, client } = await graftRuntime();
    const exec = await load(runtime, 'echo');
    const proc = spawn(exec, { env: ['WW_CELL_MODE=raw'] });
    const stdin = proc.stdin().getStream(), stdout = proc.stdout().getStream();
    const data = new TextEncoder().encode('hello, cell\n');
    await stdin.write((p) => { p._initData(data.length).copyBuffer(data); }).promise();
    await stdin.close().promise();
    expect(await readAll(stdout)).toBe('hello, cell\n');
    expect((await proc.wait().promise()).exitCode).toBe(0);
    expect((await exec.cid().promise()).cid).toBe((await t.rt.load(await watFixture('echo'))).cid);
    client.close();
  });

  it('argv reaches the cell intact and its exit code comes back', async () => {
    const { runtime, client } = await graftRuntime();
    const proc = spawn(await load(runtime, 'exit'), { args: ['a b\u00e9c'], env: ['WW_CELL_MODE=raw'] });
    expect((await proc.wait().promise()).exitCode).toBe(Buffer.byteLength('a b\u00e9c'));
    expect(await readAll(proc.stderr().getStream())).toBe('bye');
    client.close();
  });

  it('a limit fails wait() with the cell error type in the reason', async () => {
    const { runtime, client } = await graftRuntime();
    const proc = spawn(await load(runtime, 'loop'), { env: ['WW_CELL_MODE=raw'], wallClockMs: 200n });
    const e = await failure(proc.wait().promise());
    expect(e).toBeInstanceOf(RpcError);
    expect(e.code).toBe('failed');
    expect(e.message).toMatch(/^cell\/timeout: the cell ran past its wall-clock budget of 200 ms/);
    client.close();
  });

  it('bad components and bad spawns fail with their cell error types', async () => {
    const { runtime, client } = await graftRuntime();
    const garbage = new TextEncoder().encode('not wasm at all');
    expect((await failure(runtime.load((p) => { p._initWasm(garbage.length).copyBuffer(garbage); }).promise())).message).toMatch(/^cell\/invalid: /);
    expect((await failure(runtime.load((p) => { const w = new Uint8Array(0); p._initWasm(0).copyBuffer(w); }).promise())).message).toMatch(/^cell\/invalid: /);
    const exec = await load(runtime, 'echo');
    expect((await failure(spawn(exec, { env: ['NOEQUALS'] }).wait().promise())).message).toMatch(/^cell\/bad-spawn: env entry 0/);
    expect((await failure(spawn(exec, { env: ['WW_CELL_MODE=warp'] }).wait().promise())).message).toMatch(/^cell\/bad-spawn: unknown cell mode/);
    client.close();
  });

  it('stdin and stdout are refused in pid0 and vat modes, where stdio is Cap\'n Proto; bootstrap is refused outside vat mode', async () => {
    const { runtime, client } = await graftRuntime();
    const exec = await load(runtime, 'echo');
    const pid0 = spawn(exec);
    expect((await failure(pid0.stdout().getStream().read((p) => { p.maxBytes = 1; }).promise())).message).toMatch(/stdout is not available in pid0 mode/);
    const raw = spawn(exec, { env: ['WW_CELL_MODE=raw'] });
    expect((await failure(raw.bootstrap().promise())).message).toMatch(/raw mode serves no capability/);
    await raw.kill().promise();
    expect((await failure(raw.wait().promise())).message).toMatch(/^cell\/killed: /);
    await pid0.kill().promise();
    client.close();
  });
});

describe('served through the membrane', () => {
  it('a Runtime attenuated without :load refuses load', async () => {
    const { runtime, client } = await graftRuntime(new Policy(allowOnly(Runtime$Client.interfaceId, [])));
    const e = await failure(load(runtime, 'echo').then((x) => x.cid().promise()));
    expect(e.code).toBe('permission-denied');
    expect(e.message).toContain('Runtime.load (@0)');
    client.close();
  });

  it('executors and processes obtained through a Runtime go stale with its epoch', async () => {
    const epoch = new Epoch();
    const { runtime, client } = await graftRuntime(undefined, epoch);
    const exec = await load(runtime, 'echo');
    await exec.cid().promise();
    epoch.advance('', 'test');
    for (const p of [exec.cid().promise(), runtime.load((q) => { q._initWasm(0); }).promise()]) {
      expect((await failure(p)).code).toBe('stale-epoch');
    }
    client.close();
  });
});
