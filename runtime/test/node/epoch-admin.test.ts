// Epochs advanced through the admin server (POST /epoch/advance), on a
// real `ww run`: its image's init.d script grafts one capability of every
// kind the node hands out (host, routing, ipfs, identity, http-client, runtime, an Executor from runtime :load, the host's
// HttpListener, and a WAGI Registration), keeps them, and reports what
// each says once the epoch has ended: every one fails :stale-epoch. The
// script runs again under the new epoch, its fresh graft works, and its
// route is registered again and answers. Advances asked for at once are
// adopted one after the other, in order; a bad body is refused.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, cleanup, get, type NodeProcess, type LogLine } from './ww-node.js';
import { watFixture } from '../cell/wat-fixtures.js';
import { ww } from '../ww-process.js';

const HOLD = `;; Holds one capability of every kind, then waits for its epoch to end.
(def token (now-ms))
(def wasm (load "/bin/cgi.wasm"))
(def listener (:http-listener (perform host :network)))
(def exec (perform runtime :load wasm))
(def reg (perform host :listen (cell wasm) "/held"))
(println "holding" token (perform host :id) (perform routing :hash "k") (perform identity :peer-id) (perform exec :cid)
         (count (perform ipfs :add (bytes "x"))))
(defn probe [f] (try (f) :ok (catch :glia.error/stale-epoch e :stale-epoch) (catch _ e (:glia.error/type e))))
(loop [] (when (= :ok (probe #(perform host :id))) (perform :sleep 20) (recur)))
(println "stale" token
  {:host (probe #(perform host :id))
   :routing (probe #(perform routing :hash "k"))
   :ipfs (probe #(perform ipfs :add (bytes "x")))
   :identity (probe #(perform identity :peer-id))
   :http-client (probe #(perform http-client :get "http://127.0.0.1:9/" []))
   :runtime (probe #(perform runtime :load wasm))
   :executor (probe #(perform exec :cid))
   :http-listener (probe #(perform listener :listen {:wasm wasm} "/other"))
   :registration (probe #(perform reg :cancel))})
`;

const KINDS = ['host', 'routing', 'ipfs', 'identity', 'http-client', 'runtime', 'executor', 'http-listener', 'registration'];

let image: string;
let node: NodeProcess;
let admin: string;
let http: string;

const said = (l: LogLine, what: string) => l.script === 'etc/init.d/10-hold.glia' && l.msg.startsWith(`10-hold.glia: ${what} `);
const tokenOf = (l: LogLine) => l.msg.split(' ')[2]!;

async function advance(body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const r = await fetch(`${admin}/epoch/advance`, { method: 'POST', ...(body !== undefined ? { body } : {}), headers, signal: AbortSignal.timeout(60_000) });
  return { status: r.status, text: await r.text() };
}

beforeAll(async () => {
  image = mkdtempSync(join(tmpdir(), 'ww-epoch-admin-'));
  mkdirSync(join(image, 'etc', 'init.d'), { recursive: true });
  mkdirSync(join(image, 'bin'), { recursive: true });
  writeFileSync(join(image, 'bin', 'cgi.wasm'), await watFixture('cgi'));
  writeFileSync(join(image, 'etc', 'init.d', '10-hold.glia'), HOLD);
  node = startNode({ args: [image, '--with-http-admin', '127.0.0.1:0', '--http-dial', '127.0.0.1'] });
  admin = await node.admin();
  http = await node.http();
  const l = await node.waitFor((l) => said(l, 'holding') || (l.script === 'etc/init.d/10-hold.glia' && l.level === 'error'), 90_000, 'the script holding its capabilities');
  expect(l.msg).toMatch(/^10-hold\.glia: holding /);
}, 120_000);

afterAll(async () => { await cleanup(node); rmSync(image, { recursive: true, force: true }); });

describe('POST /epoch/advance', () => {
  it('revokes every kind of capability (:stale-epoch), re-runs init.d with a fresh graft, and registers its route again', async () => {
    const first = node.lines.find((l) => said(l, 'holding'))!;
    expect((await get(`${http}/held`)).status).toBe(201);

    const r = await advance(JSON.stringify({ reason: 'rotate everything' }), { 'content-type': 'application/json' });
    expect(r.status, r.text).toBe(200);
    const e = JSON.parse(r.text);
    expect(e).toMatchObject({ seq: 1, previous_head: '', source: 'admin', reason: 'rotate everything' });
    expect(e.head).toMatch(/^bafkrei[a-z2-7]{52}$/);

    const adopted = await node.waitFor((l) => /^epoch 1 adopted from admin/.test(l.msg), 10_000, 'the adoption line');
    expect(adopted).toMatchObject({ epoch_seq: '1', epoch_head: e.head, epoch_source: 'admin', epoch_reason: 'rotate everything', epoch_image: null });

    // The old script saw its capabilities go stale, every one of them.
    const stale = await node.waitFor((l) => said(l, 'stale') && tokenOf(l) === tokenOf(first), 30_000, 'the old script reporting');
    for (const k of KINDS) expect(stale.msg, k).toContain(`:${k} :stale-epoch`);

    // The script ran again: its fresh graft works (it printed what its capabilities said) and its route serves.
    const again = await node.waitFor((l) => said(l, 'holding') && tokenOf(l) !== tokenOf(first), 60_000, 'the script holding again');
    expect(again.msg).toContain(await node.peerId());
    const served = await get(`${http}/held/x`);
    expect(served.status).toBe(201);
    expect(served.body).toMatch(/SCRIPT_NAME=\/held/);
  }, 150_000);

  it('takes the reason as text, and adopts advances asked for at once one after the other, in order', async () => {
    const [a, b] = await Promise.all([advance('first of two'), advance('second of two', { 'content-type': 'text/plain' })]);
    const ea = JSON.parse(a.text);
    const eb = JSON.parse(b.text);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(new Set([ea.seq, eb.seq])).toEqual(new Set([2, 3]));
    const [lo, hi] = ea.seq < eb.seq ? [ea, eb] : [eb, ea];
    expect(hi.previous_head).toBe(lo.head);
    const lines = node.lines.filter((l) => /^epoch [23] adopted/.test(l.msg)).map((l) => l.epoch_seq);
    expect(lines).toEqual(['2', '3']);
    expect([ea.reason, eb.reason]).toEqual(['first of two', 'second of two']);
    // The empty body gets the default reason.
    const c = await advance();
    expect(JSON.parse(c.text)).toMatchObject({ seq: 4, reason: 'POST /epoch/advance', previous_head: hi.head });
  }, 120_000);

  it('refuses an oversized body (413), a body that is not {"reason": "..."} (400) and GET (405); none advances', async () => {
    const big = await advance('x'.repeat(64 * 1024));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text)).toMatchObject({ code: 'node/too-large' });
    const bad = await advance('{"reason": 42}', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ code: 'node/epoch' });
    expect((await advance('{not json')).status).toBe(400);
    const g = await fetch(`${admin}/epoch/advance`);
    expect([g.status, g.headers.get('allow')]).toEqual([405, 'POST']);
    // The other routes still refuse POST.
    expect((await fetch(`${admin}/healthz`, { method: 'POST' })).status).toBe(405);
    const next = await advance('after the refusals');
    expect(JSON.parse(next.text).seq).toBe(5);
    expect(node.child.exitCode).toBe(null);
  }, 120_000);
});

describe('epoch flags', () => {
  it('refuses a bad --epoch-poll-ms, and --epoch-poll-ms without --epoch-ipns', async () => {
    // At once: each is a ww process start, slow on a loaded machine.
    const [low, frac, alone] = await Promise.all([
      ww(['run', '--epoch-ipns', '/ipns/self', '--epoch-poll-ms', '99']),
      ww(['run', '--epoch-ipns', '/ipns/self', '--epoch-poll-ms', '1.5']),
      ww(['run', '--epoch-poll-ms', '500']),
    ]);
    for (const r of [low, frac]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/--epoch-poll-ms takes a whole number of milliseconds, at least 100/);
    }
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/give --epoch-ipns NAME too/);
  }, 90_000);
});
