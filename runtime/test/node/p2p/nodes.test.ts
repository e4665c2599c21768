// Three real `ww run` nodes on 127.0.0.1, each booted from a local image
// whose init.d scripts do the work, as a user's would:
//   A serves a counter, attenuated to :get and :inc, as the vat "counter",
//     provides it in the DHT, serves a raw echo stream through a WAT cell,
//     and serves "slow", whose method sleeps;
//   B finds A by routing, dials the counter, and serves it again,
//     narrowed to :get, as "relay";
//   C dials B's relay (:get works; :inc and :reset are refused), echoes
//     bytes through A's stream, then calls A's slow method; the test
//     SIGKILLs A and C's call fails :glia.error/disconnected in bounded time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, cleanup, type NodeProcess, type LogLine } from '../ww-node.js';
import { watFixture } from '../../cell/wat-fixtures.js';

const dirs: string[] = [];
let a: NodeProcess, b: NodeProcess, c: NodeProcess;

function image(scripts: Record<string, string>, files: Record<string, Uint8Array> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ww-p2p-image-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'etc', 'init.d'), { recursive: true });
  for (const [name, text] of Object.entries(scripts)) writeFileSync(join(dir, 'etc', 'init.d', name), text);
  for (const [name, bytes] of Object.entries(files)) { mkdirSync(join(dir, name, '..'), { recursive: true }); writeFileSync(join(dir, name), bytes); }
  return dir;
}

const said = (n: NodeProcess, script: string, text: string | RegExp) => (l: LogLine) =>
  l.script === `etc/init.d/${script}` && (typeof text === 'string' ? l.msg === `${script}: ${text}` : text.test(l.msg));

const KEY = `ww-p2p-test-${process.pid}`;

beforeAll(async () => {
  const echo = await watFixture('echo');
  a = startNode({ args: [image({
    '10-serve.glia': `
(def n (atom 41))
(defcap counter :get (fn [] @n) :inc (fn [] (swap! n inc)) :reset (fn [] (reset! n 0)))
(perform host :serve-vat (attenuate counter [:get :inc]) "counter")
(perform host :listen-stream (cell (load "/bin/echo.wasm")) "echo")
(defcap slow :wait (fn [] (perform :sleep 600000) :woke))
(perform host :serve-vat slow "slow")
(perform routing :provide "${KEY}")
(println "serving")
`,
  }, { 'bin/echo.wasm': echo }), '--http-listen', 'off'] });
  await a.waitFor(said(a, '10-serve.glia', 'serving'), 90_000, 'A serving');
  const boot = (await a.addrs())[0]!;
  const aId = await a.peerId();

  b = startNode({ args: [image({
    '10-relay.glia': `
(def a-id (loop [i 0]
  (let [found (perform routing :find "${KEY}")]
    (cond (seq found) (:peer-id (first found))
          (< i 60) (do (perform :sleep 500) (recur (inc i)))
          :else (throw (ex-info "A was not found by routing" {:type :test/not-found}))))))
(println "found" a-id)
(def ctr (perform host :dial-vat a-id "counter"))
(println "inc" (perform ctr :inc))
(perform host :serve-vat (attenuate ctr [:get]) "relay")
(println "relaying")
`,
  }), '--http-listen', 'off', '--bootstrap', boot] });
  await b.waitFor(said(b, '10-relay.glia', 'relaying'), 90_000, 'B relaying');
  const bId = await b.peerId();

  c = startNode({ args: [image({
    '10-use.glia': `
(defn outcome [f] (try (f) (catch _ e (:glia.error/type e))))
(def relay (perform host :dial-vat "${bId}" "relay"))
(println "get" (perform relay :get))
(println "inc" (outcome #(perform relay :inc)))
(println "reset" (outcome #(perform relay :reset)))
(def s (perform host :dial-stream "${aId}" "echo"))
(perform s :write (bytes "echo through a cell"))
(perform s :close)
(println "echoed" (loop [acc ""] (let [{:keys [data eof]} (perform s :read 64) acc (str acc (bytes->string data))] (if eof acc (recur acc)))))
(def slow (perform host :dial-vat "${aId}" "slow"))
(println "calling slow")
(println "slow" (outcome #(perform slow :wait)))
`,
  }), '--http-listen', 'off', '--bootstrap', boot] });
  await c.waitFor(said(c, '10-use.glia', 'calling slow'), 90_000, 'C calling slow');
}, 300_000);

afterAll(async () => {
  for (const n of [a, b, c]) await cleanup(n);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('three nodes', () => {
  it('B finds A by routing and calls the counter A serves', async () => {
    expect(b.lines.some(said(b, '10-relay.glia', `found ${await a.peerId()}`))).toBe(true);
    expect(b.lines.some(said(b, '10-relay.glia', 'inc 42'))).toBe(true);
  });

  it('C calls through B\'s relay: :get works, and the attenuation of both A and B holds', () => {
    const out = c.lines.filter((l) => l.script === 'etc/init.d/10-use.glia').map((l) => l.msg);
    expect(out).toContain('10-use.glia: get 42');
    expect(out).toContain('10-use.glia: inc :glia.error/permission-denied');
    expect(out).toContain('10-use.glia: reset :glia.error/permission-denied');
  });

  it('C echoes bytes through a WAT cell that A starts for the stream', () => {
    expect(c.lines.some(said(c, '10-use.glia', 'echoed echo through a cell'))).toBe(true);
  });

  it('A killed mid-call: C\'s call fails :glia.error/disconnected within the bound, and C stays up', async () => {
    await a.stop('SIGKILL');
    const line = await c.waitFor(said(c, '10-use.glia', /^10-use\.glia: slow /), 30_000, 'the slow call failing');
    expect(line.msg).toBe('10-use.glia: slow :glia.error/disconnected');
    expect(c.child.exitCode).toBeNull();
  }, 40_000);
});
