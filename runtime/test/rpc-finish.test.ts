// Return.noFinishNeeded (rpc.capnp, Cap'n Proto 1.0): results without
// capabilities drop their answer at the Return, and the caller sends no
// Finish for them; results with capabilities still wait for Finish. A peer
// that predates the flag (C++ 0.9, capnp-es) sends Finish anyway, and that
// Finish is accepted; a Finish for a question never asked is still a
// protocol error.
import { describe, it, expect } from 'vitest';
import * as $ from 'capnp-es';
import * as rpc from 'capnp-es/capnp/rpc';
import { Connection } from '../rpc/conn.js';
import { pipePair, type MessageTransport } from '../rpc/transport.js';
import * as vats from './fixtures/generated/vats.js';
import { pingService } from './fixtures/ping-service.js';
import { tap } from './rpc-tap.js';

const gen: any = vats;

const service = pingService;

/** Counts the kinds of the messages a transport sends. */
const counted = (t: MessageTransport, kinds: string[]) => tap(t, (k) => kinds.push(k));

describe('noFinishNeeded between two of our connections', () => {
  it('a call whose results hold no capability needs no Finish; one whose results hold one does', async () => {
    const [a, b] = pipePair();
    const sent: string[] = [];
    const client = new Connection(counted(a, sent));
    const server = new Connection(b, { bootstrap: service() });
    const svc = new gen.Svc$Client(await client.bootstrapClient());
    sent.length = 0;
    for (let i = 0; i < 5; i++) expect((await svc.ping((p: any) => { p.n = BigInt(i); }).promise()).n).toBe(BigInt(i + 1));
    expect(sent).toEqual(['CALL', 'CALL', 'CALL', 'CALL', 'CALL']);
    expect(server.stats().answers).toBe(0); // each answer went with its Return
    sent.length = 0;
    const sub = svc.sub().getSub();
    expect((await sub.get().promise()).v).toBe(7n);
    expect(sent.filter((k) => k === 'FINISH').length).toBe(1); // sub's results hold a capability: Finish
    await new Promise((r) => setTimeout(r, 10));
    expect(server.stats().answers).toBe(0); // sub's answer went with its Finish
    expect(client.isClosed || server.isClosed).toBe(false);
    client.close();
  });
});

/** A peer written by hand: sends the messages given, reads what comes back. */
function rawPeer() {
  const [raw, theirs] = pipePair();
  const conn = new Connection(theirs, { bootstrap: service() });
  const send = (build: (m: rpc.Message) => void) => {
    const msg = new $.Message();
    build(msg.initRoot(rpc.Message));
    raw.send(new Uint8Array(msg.toArrayBuffer()));
  };
  const next = async (): Promise<rpc.Message | null> => {
    const f = await raw.recv();
    return f ? new $.Message(f, false).getRoot(rpc.Message) : null;
  };
  const ping = (qid: number, n: bigint) => send((m) => {
    const c = m._initCall();
    c.questionId = qid;
    c.interfaceId = gen.Svc$Client.interfaceId;
    c.methodId = 0;
    c._initTarget()._initPromisedAnswer().questionId = 0;
    const p = $.utils.getPointerAs(0, gen.Svc_Ping$Params, c._initParams());
    $.utils.initStruct(gen.Svc_Ping$Params._capnp.size, p);
    (p as any).n = n;
  });
  const finish = (qid: number) => send((m) => { m._initFinish().questionId = qid; });
  return { conn, send, next, ping, finish };
}

describe('noFinishNeeded with a peer that predates it', () => {
  it('accepts the Finish such a peer sends anyway, and the question id is used again', async () => {
    const peer = rawPeer();
    peer.send((m) => { m._initBootstrap().questionId = 0; });
    expect((await peer.next())!.which()).toBe(rpc.Message_Which.RETURN);
    for (let round = 0; round < 3; round++) {
      peer.ping(1, BigInt(round));
      const r = (await peer.next())!;
      expect(r.which()).toBe(rpc.Message_Which.RETURN);
      expect(r.return.answerId).toBe(1);
      expect(r.return.noFinishNeeded).toBe(true);
      expect(($.utils.getAs(gen.Svc_Ping$Results, r.return.results.content) as any).n).toBe(BigInt(round + 1));
      peer.finish(1); // as C++ 0.9 does: the flag is unknown to it
    }
    await new Promise((r) => setTimeout(r, 10));
    expect(peer.conn.isClosed).toBe(false);
    expect(peer.conn.stats().answers).toBe(1); // the bootstrap answer, not yet finished
    peer.conn.close();
  });

  it('still aborts on a Finish for a question never asked', async () => {
    const peer = rawPeer();
    peer.finish(41);
    const abort = (await peer.next())!;
    expect(abort.which()).toBe(rpc.Message_Which.ABORT);
    expect(abort.abort.reason).toMatch(/Finish for question 41/);
    const why = await peer.conn.closed;
    expect(why.message).toMatch(/Finish for question 41/);
  });

  it('a second Finish for the same answer is a protocol error again', async () => {
    const peer = rawPeer();
    peer.send((m) => { m._initBootstrap().questionId = 0; });
    await peer.next();
    peer.ping(1, 1n);
    expect((await peer.next())!.return.noFinishNeeded).toBe(true);
    peer.finish(1);
    peer.finish(1);
    expect((await peer.next())!.which()).toBe(rpc.Message_Which.ABORT);
  });
});
