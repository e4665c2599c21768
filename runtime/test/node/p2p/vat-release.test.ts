// Releasing a vat capability held through a graft, between two real nodes
// in this process (real swarms on 127.0.0.1, our RPC on libp2p streams, a
// real WASM cell): the policy wrapper every grafted capability comes in
// passes its last release on, so a dialed vat's libp2p stream closes when
// its holder lets go (an explicit release or the end of the holder's
// session), a vat shared by two holders stays open until both have, and a
// self-dialed VatListener.listen cell ends with its last release.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Host$Client } from '../../../../schema/generated/system.js';
import { testRuntime } from '../../cell/helpers.js';
import { rpcFixture } from '../../cell/rpc-fixture.js';
import { graftedSession, type GraftedSession } from '../cap-session.js';
import { waitFor } from '../swarm-helpers.js';
import { RpcCap } from '../../../membrane/glia-cap.js';
import { p2pNode, connect, type P2pNode } from './p2p-node.js';

const t = testRuntime({ shared: true });
let a: P2pNode, b: P2pNode;

beforeAll(async () => {
  a = await p2pNode(t.rt);
  b = await p2pNode(t.rt, { bootstrap: [a.swarm.getMultiaddrs()[0]!.toString()] });
  await connect(b, a);
}, 60_000);

afterAll(async () => {
  for (const n of [a, b]) await n?.stop();
  await t.done();
});

/** A Glia session of its own on `node`, holding its Host through a graft (as a script's session does). */
const session = (node: P2pNode): Promise<GraftedSession> =>
  graftedSession([{ name: 'host', interfaceId: Host$Client.interfaceId, cap: node.host }], node.epoch);

/** Open streams of /ww/0.1.0/vat/NAME that `from` opened to `on`, as `on` sees them. */
const vatStreams = (on: P2pNode, from: P2pNode, name: string) =>
  on.swarm.getConnections(from.swarm.peerId).flatMap((c) => c.streams).filter((s) => s.protocol === `/ww/0.1.0/vat/${name}`).length;

/**
 * The script's own reference to a capability it holds in `name`, released
 * as the RPC layer does when that reference is collected: the import
 * handle is closed and a Release goes to the node.
 */
async function release(s: GraftedSession, name: string): Promise<void> {
  const v = await s.session.evalString(name);
  expect(v).toBeInstanceOf(RpcCap);
  (v as RpcCap).hook.settled().close();
}

const caught = (s: GraftedSession, src: string) => s.eval(`(try ${src} nil (catch _ e [(:glia.error/type e) (:glia.error/message e)]))`);

describe('releasing a dialed vat', () => {
  beforeAll(async () => {
    await a.glia.eval('(defcap pinger :ping (fn [] :pong))');
    for (const name of ['rel-explicit', 'rel-session', 'rel-shared']) await a.glia.eval(`(perform host :serve-vat pinger "${name}")`);
  }, 30_000);

  it('closes its libp2p stream when the holder releases its reference', async () => {
    const s = await session(b);
    await s.eval(`(def v (perform host :dial-vat "${a.id}" "rel-explicit"))`);
    expect(await s.eval('(perform v :ping)')).toBe(':pong');
    expect(vatStreams(a, b, 'rel-explicit')).toBe(1);
    await release(s, 'v');
    await waitFor('the dialed stream to close on A', () => vatStreams(a, b, 'rel-explicit') === 0);
    expect(await caught(s, '(perform v :ping)')).toMatch(/^\[:glia\.error\/cap-call-failed .*released/);
    s.close();
  }, 60_000);

  it('closes its libp2p stream when the holder\'s session ends', async () => {
    const s = await session(b);
    await s.eval(`(def v (perform host :dial-vat "${a.id}" "rel-session"))`);
    expect(await s.eval('(perform v :ping)')).toBe(':pong');
    expect(vatStreams(a, b, 'rel-session')).toBe(1);
    s.close();
    await waitFor('the dialed stream to close on A', () => vatStreams(a, b, 'rel-session') === 0);
  }, 60_000);

  it('shared by two holders, stays open until the last lets go', async () => {
    // Holder 1: the script's reference. Holder 2: B serves what it dialed as
    // "relay" (VatListener.serve keeps a reference of its own, under its epoch policy).
    const s = await session(b);
    await s.eval(`(def v (perform host :dial-vat "${a.id}" "rel-shared"))`);
    await s.eval('(def reg (perform host :serve-vat v "relay"))');
    await release(s, 'v');
    // A caller of the relay (B dialing itself: holder 3) still reaches A over that stream.
    const other = await session(b);
    await other.eval(`(def r (perform host :dial-vat "${b.id}" "relay"))`);
    expect(await other.eval('(perform r :ping)')).toBe(':pong');
    // The registration's reference goes; the relay's caller still holds one.
    await s.eval('(perform reg :cancel)');
    expect(await other.eval('(perform r :ping)')).toBe(':pong');
    expect(vatStreams(a, b, 'rel-shared')).toBe(1);
    // The last holder lets go.
    await release(other, 'r');
    await waitFor('the dialed stream to close on A', () => vatStreams(a, b, 'rel-shared') === 0);
    s.close(); other.close();
  }, 60_000);
});

describe('releasing a self-dialed cell', () => {
  it('ends the VatListener.listen cell started for this node\'s own dial', async () => {
    const rpc = await rpcFixture();
    const net = await new Host$Client(a.host as any).network().promise();
    const reg = await net.vatListener.listen((p: any) => {
      const cell = p._initCell();
      cell._initWasm(rpc.length).copyBuffer(rpc);
      const args = cell._initArgs(2);
      args.set(0, 'serve');
      args.set(1, '/ip4/127.0.0.1/tcp/1');
      p.name = 'cell-release';
    }).promise();
    const s = await session(a);
    await s.eval(`(def c (perform host :dial-vat "${a.id}" "cell-release"))`);
    // The test cell's Host does not say its interface (Typed), so it is called through the schema, on the script's reference.
    const c = await s.session.evalString('c') as RpcCap;
    expect((await new Host$Client(c.hook as any).id().promise()).peerId).toBe('vat-cell');
    const ended = () => a.log.filter((l) => l.startsWith('vat cell-release: cell ') && l.includes('for this node ended'));
    expect(ended()).toHaveLength(0);
    await release(s, 'c');
    await waitFor('the cell to end', () => ended().length === 1, 60_000);
    expect(ended()[0]).toMatch(/its last reference was released/);
    await reg.registration.cancel().promise();
    s.close();
  }, 300_000);
});
