// The capability modes with a real component that speaks Cap'n Proto (the
// RPC test cell, componentize-js): a pid0 cell grafting its membrane over
// stdio and calling an attenuated host, a vat-mode cell serving a
// capability the host calls through Process.bootstrap, and an http-mode
// cell reaching its membrane through the ww:cell/membrane channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attenuate, Policy, allowOnly } from '../../membrane/policy.js';
import { Host$Client } from '../../../schema/generated/system.js';
import { hostHook } from './host-fixture.js';
import { spawnCell } from '../../cell/cell-session.js';
import { runHttpCell } from '../../cell/cgi.js';
import type { Executor } from '../../cell/executor.js';
import { collect, testRuntime } from './helpers.js';
import { rpcFixture } from './rpc-fixture.js';

const t = testRuntime({ shared: true });
let exec: Executor;
beforeAll(async () => { exec = await t.rt.load(await rpcFixture()); }, 300_000);
afterAll(() => t.done());

const lines = (b: Buffer) => b.toString().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const HOST = Host$Client.interfaceId;

describe('pid0 (WW_CELL_MODE unset): the membrane over stdio', () => {
  it('a cell sees exactly its grants, and cannot call what was attenuated away', async () => {
    const readOnlyId = attenuate(hostHook(), new Policy(allowOnly(HOST, [0])));
    const s = spawnCell(exec, {
      args: ['graft', 'call:host:id', 'call:host:addrs', 'call:host:peers', 'call:other:peers', 'call:other:addrs'],
      grants: [
        { name: 'other', interfaceId: HOST, cap: hostHook('12D3KooWother'), policy: new Policy(allowOnly(HOST, [2])) },
        { name: 'host', interfaceId: HOST, cap: readOnlyId },
      ],
    });
    expect(s.mode).toBe('pid0');
    const [err, code] = await Promise.all([collect(s.process.stderr), s.process.wait()]);
    expect(code).toBe(3); // the cell exits with the number of calls that failed
    const out = lines(err);
    expect(out[0]).toEqual({ cmd: 'graft', grants: ['host', 'other'] });
    expect(out[1]).toEqual({ cmd: 'call:host:id', ok: '12D3KooWnode' });
    expect(out[2].error).toMatch(/^permission-denied: Host\.addrs \(@1\) is not allowed/);
    expect(out[3].error).toMatch(/^permission-denied: Host\.peers \(@2\)/);
    // The export's own policy holds too.
    expect(out[4]).toEqual({ cmd: 'call:other:peers', ok: 2 });
    expect(out[5].error).toMatch(/^permission-denied: Host\.addrs/);
  }, 60_000);

  it('with no grants the graft is empty', async () => {
    const s = spawnCell(exec, { args: ['graft', 'call:host:id'] });
    const [err] = await Promise.all([collect(s.process.stderr), s.process.wait()]);
    expect(lines(err)).toEqual([{ cmd: 'graft', grants: [] }, { cmd: 'call:host:id', error: 'no grant host' }]);
  }, 60_000);
});

describe('vat mode: the cell\'s bootstrap capability', () => {
  it('the host calls the capability the cell serves, through Process.bootstrap; the cell ends when the connection does', async () => {
    // Before serving, the cell grafts and calls its own grant over the same connection.
    const s = spawnCell(exec, {
      env: { WW_CELL_MODE: 'vat' }, args: ['graft', 'call:host:id', 'serve', '/ip4/10.0.0.9/tcp/1', 'two'],
      grants: [{ name: 'host', interfaceId: HOST, cap: hostHook() }],
    });
    const host = new Host$Client(s.bootstrap() as any);
    expect((await host.id().promise()).peerId).toBe('vat-cell');
    const addrs = (await host.addrs().promise()).addrs;
    expect([addrs.get(0), addrs.get(1), addrs.get(2), addrs.get(3), addrs.get(4)]).toEqual(['graft', 'call:host:id', 'serve', '/ip4/10.0.0.9/tcp/1', 'two']);
    // A method the cell does not serve fails, and the connection lives on.
    await expect(host.peers().promise()).rejects.toMatchObject({ code: 'unimplemented' });
    expect((await host.id().promise()).peerId).toBe('vat-cell');
    s.conn!.close();
    const [err, code] = await Promise.all([collect(s.process.stderr), s.process.wait()]);
    expect(code).toBe(0);
    expect(lines(err)).toEqual([
      { cmd: 'graft', grants: ['host'] },
      { cmd: 'call:host:id', ok: '12D3KooWnode' },
      { cmd: 'serve', ended: 'the host closed the connection' },
    ]);
  }, 60_000);
});

describe('http mode: the ww:cell/membrane channel', () => {
  it('a CGI cell grafts its grants through the channel and answers with what they returned', async () => {
    const r = await runHttpCell(exec, { method: 'GET', url: '/x', headers: [] }, {
      args: ['graft', 'call:host:id', 'call:host:addrs'],
      grants: [{ name: 'host', interfaceId: HOST, cap: hostHook(), policy: new Policy(allowOnly(HOST, [0])) }],
    });
    expect(r.status).toBe(200);
    const out = lines(Buffer.from(r.body));
    expect(out[0]).toEqual({ cmd: 'graft', grants: ['host'] });
    expect(out[1]).toEqual({ cmd: 'call:host:id', ok: '12D3KooWnode' });
    expect(out[2].error).toMatch(/^permission-denied: Host\.addrs/);
  }, 60_000);

  it('without grants the channel is at its end: the graft fails at once and the cell still answers', async () => {
    const r = await runHttpCell(exec, { method: 'GET', url: '/x', headers: [] }, { args: ['graft'] });
    expect(r.status).toBe(200);
    expect(lines(Buffer.from(r.body))).toEqual([{ cmd: 'graft', error: 'the connection ended: the host closed the connection' }]);
  }, 60_000);
});
