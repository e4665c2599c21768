// The WASI 0.2 host, through real components: what a cell sees of its
// arguments, environment, stdio, exit, clocks and filesystem, and that the
// surface table and the implementation agree.
import { afterAll, describe, expect, it } from 'vitest';
import { collect, testRuntime } from './helpers.js';
import { watFixture } from './wat-fixtures.js';
import { WASI_SURFACE, jsClassName, jsName } from '../../cell/wasi/surface.js';
import { wasiInterfaces } from '../../cell/wasi/host.js';
import { CellIo } from '../../cell/wasi/io.js';
import { Doorbells, Ring } from '../../cell/ring.js';
import { streamTransport } from '../../rpc/transport.js';

const t = testRuntime();
afterAll(() => t.done());

async function run(name: string, opts: Parameters<Awaited<ReturnType<typeof t.rt.load>>['spawn']>[0] = {}, stdin?: Uint8Array | string) {
  const p = (await t.rt.load(await watFixture(name))).spawn(opts);
  p.stdin.end(stdin ?? '');
  const [stdout, stderr, status] = await Promise.all([collect(p.stdout), collect(p.stderr), p.result()]);
  return { stdout, stderr, status };
}

describe('the WASI surface', () => {
  it('every function and resource method the surface lists is implemented, and nothing more is exported', () => {
    const ring = Ring.create(16);
    const impl = wasiInterfaces({
      io: new CellIo(new Doorbells(), 1 << 20, () => { throw new Error('no'); }),
      args: [], env: [], stdin: ring, stdout: ring, stderr: ring, exit: () => { throw new Error('exit'); },
    });
    expect(Object.keys(impl).sort()).toEqual(Object.keys(WASI_SURFACE).sort());
    for (const [iface, fns] of Object.entries(WASI_SURFACE)) {
      const exported = impl[iface]!;
      for (const fn of fns) {
        const m = /^\[(method|static|constructor)\]([^.]+)(?:\.(.+))?$/.exec(fn);
        if (!m) { expect(typeof exported[jsName(fn)], `${iface}#${fn}`).toBe('function'); continue; }
        const cls = exported[jsClassName(m[2]!)] as any;
        expect(typeof cls, `${iface}: class for ${fn}`).toBe('function');
        if (m[1] === 'method') expect(typeof cls.prototype[jsName(m[3]!)], `${iface}#${fn}`).toBe('function');
      }
    }
    // No interface offers sockets or HTTP.
    expect(Object.keys(impl).filter((k) => /sockets|http/.test(k))).toEqual([]);
  });
});

describe('a cell sees', () => {
  it('exactly the arguments and environment the spawn passed, byte for byte, with argv[0] its name', async () => {
    const args = ['plain', 'with space', '', 'ünïcødé ✓', 'quote"and\\back', '--flag=x'];
    const env = { A: '1', EMPTY: '', 'WITH.DOT': 'a=b=c', UNI: 'ß' };
    const { stdout, status } = await run('argv-env', { args, env });
    expect(status).toEqual({ code: 0 });
    const [argPart, envPart] = stdout.toString('utf8').split('\x01');
    const seenArgs = argPart!.split('\0').slice(0, -1);
    expect(seenArgs.slice(1)).toEqual(args);
    expect(seenArgs[0]).toMatch(/^bafkrei/);
    expect(envPart!.split('\0').slice(0, -1)).toEqual(Object.entries(env).map(([k, v]) => `${k}=${v}`));
  });

  it('nothing of the node\'s environment, and WW_CELL_MODE only as the spawn sets it', async () => {
    const { stdout } = await run('argv-env', { mode: 'raw', env: { WW_CELL_MODE: 'forged' } });
    const envPart = stdout.toString().split('\x01')[1]!;
    expect(envPart.split('\0').slice(0, -1)).toEqual(['WW_CELL_MODE=raw']);
    expect(envPart).not.toContain('PATH=');
  });

  it('stdin on stdout, every byte value intact, through the 64 KiB rings many times over', async () => {
    const data = new Uint8Array(1_000_003);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
    const { stdout, status } = await run('echo', { mode: 'raw' }, data);
    expect(status).toEqual({ code: 0 });
    expect(stdout.length).toBe(data.length);
    expect(Buffer.from(data).equals(stdout)).toBe(true);
  });

  it('an exit code: exit-with-code gives it, run returning err gives 1, stderr is kept apart', async () => {
    expect((await run('exit', { args: ['x'.repeat(42)] })).status).toEqual({ code: 42 });
    const three = await run('exit', { args: ['abc'] });
    expect(three.status).toEqual({ code: 3 });
    expect(three.stderr.toString()).toBe('bye');
    expect(three.stdout.length).toBe(0);
    expect((await run('exit')).status).toEqual({ code: 1 });
  });

  it('no preopened directory', async () => {
    expect((await run('preopens')).stdout.toString()).toBe('0');
  });

  it('a monotonic clock whose pollables block for their duration', async () => {
    const { stdout } = await run('sleep');
    const ns = stdout.readBigUInt64LE(0);
    expect(ns).toBeGreaterThanOrEqual(100_000_000n);
    expect(ns).toBeLessThan(2_000_000_000n);
  });

  it('its output promptly, even when it writes in a burst and then computes without calling the host', async () => {
    const p = (await t.rt.load(await watFixture('burst'))).spawn({ limits: { timeoutMs: 10_000 } });
    p.stdin.end();
    let text = '';
    const started = Date.now();
    await new Promise<void>((resolve) => p.stdout.on('data', (b: Buffer) => { text += b.toString(); if (text === 'first\nsecond\n') resolve(); }));
    // Seen while the cell still spins, long before its budget.
    expect(Date.now() - started).toBeLessThan(3000);
    p.kill();
    expect((await p.result() as { error: { code: string } }).error.code).toBe('cell/killed');
  });

  it('a trap, reported as :cell/trap', async () => {
    const { status } = await run('trap');
    expect('error' in status && status.error.code).toBe('cell/trap');
    expect('error' in status && status.error.message).toMatch(/unreachable/);
  });
});

describe('stdio as one byte stream', () => {
  it('carries Cap\'n Proto frames through a cell: duplex() under the RPC layer\'s streamTransport (the seam for vat mode)', async () => {
    const p = (await t.rt.load(await watFixture('echo'))).spawn({ mode: 'raw' });
    const transport = streamTransport(p.duplex());
    // Standard framing: segment count - 1, the segment's size in words, then the segment.
    const frame = (word: number) => Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, word, 1, 2, 3, 4, 5, 6, 7]);
    for (let i = 0; i < 50; i++) transport.send(frame(i));
    for (let i = 0; i < 50; i++) expect([...(await transport.recv())!]).toEqual([...frame(i)]);
    p.stdin.end();
    expect(await p.wait()).toBe(0);
    expect(await transport.recv()).toBe(null);
  });
});
