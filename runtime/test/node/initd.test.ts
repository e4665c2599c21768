// init.d on a real node: scripts run in lexicographic order, each checked
// first under the init.d context; a broken one is logged with its name,
// code and location and skipped while the others run; a script that loops
// (sleeping, or spinning without ever performing) neither holds up the
// boot nor keeps the node from stopping; a script that throws, or is not
// UTF-8, is logged and the node stays up.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, cleanup, type NodeProcess, type LogLine } from './ww-node.js';

let image: string;
let node: NodeProcess;

function script(name: string, text: string | Uint8Array): void {
  writeFileSync(join(image, 'etc', 'init.d', name), text);
}

const scriptLines = (file: string) => node.lines.filter((l) => l.script === `etc/init.d/${file}`);
const done = (file: string) => (l: LogLine) => l.script === `etc/init.d/${file}` && /finished|exited|error|not run|skipped/.test(l.msg);

beforeAll(async () => {
  image = mkdtempSync(join(tmpdir(), 'ww-initd-'));
  mkdirSync(join(image, 'etc', 'init.d'), { recursive: true });
  mkdirSync(join(image, 'lib'), { recursive: true });
  mkdirSync(join(image, 'data'), { recursive: true });
  writeFileSync(join(image, 'lib', 'greet.glia'), '(ns greet)\n(defn hello [who] (str "hello, " who))\n');
  writeFileSync(join(image, 'data', 'note.txt'), 'from the image');
  script('10-first.glia', '(import "greet" :as g)\n(println (g/hello "init.d"))\n(println "peer" (perform host :id))\n');
  // An unbound name: a static error, so nothing of it runs (not even the println before it).
  script('20-broken.glia', '(println "broken ran")\n(undefined-thing 1)\n');
  // http-client is granted only with --http-dial, which this node does not have.
  script('25-http.glia', '(perform http-client :get "http://127.0.0.1:9/")\n');
  script('30-loads.glia', '(println (load-string "/data/note.txt"))\n');
  script('35-missing.glia', '(load "/data/nope.bin")\n');
  // A service: loops for ever with a pause; the next script must still start.
  script('40-service.glia', '(loop [i 0] (when (= i 1) (println "service tick")) (perform :sleep 50) (recur (inc i)))\n');
  // Spins without performing: only its worker is busy.
  script('50-spin.glia', '(println "spinning")\n(loop [] (recur))\n');
  script('60-throws.glia', '(println "about to throw")\n(throw (ex-info "boom" {:type :app/boom}))\n');
  script('70-latin1.glia', new Uint8Array([0x28, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x6c, 0x6e, 0x20, 0x22, 0xe9, 0x22, 0x29, 0x0a]));
  script('80-effect.glia', '(perform :app/unknown 1)\n');
  script('90-last.glia', '(println "last script ran")\n(perform :exit 3)\n');
  script('not-a-script.txt', '(println "never")');
  node = startNode({ args: [image, '--http-listen', 'off'] });
  await node.waitFor(done('90-last.glia'), 90_000, 'the last script ending');
}, 120_000);

afterAll(async () => { await cleanup(node); rmSync(image, { recursive: true, force: true }); });

describe('init.d', () => {
  it('runs the scripts in lexicographic order, each reaching its capabilities and lib/ modules', async () => {
    const outputs = node.lines.filter((l) => typeof l.script === 'string' && /: /.test(l.msg) && !/init\.d /.test(l.msg)).map((l) => l.msg);
    // The service's tick comes after its first pause, so it is not in the order.
    expect(outputs).toContain('40-service.glia: service tick');
    const order = ['10-first.glia: hello, init.d', '30-loads.glia: from the image', '50-spin.glia: spinning', '60-throws.glia: about to throw', '90-last.glia: last script ran'];
    const seen = order.map((o) => outputs.indexOf(o));
    expect(seen.every((i) => i >= 0), `outputs: ${JSON.stringify(outputs)}`).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(outputs).toContain(`10-first.glia: peer ${await node.peerId()}`);
    expect(node.lines.some((l) => /not-a-script/.test(l.msg))).toBe(false);
  });

  it('checks a script before it runs: an error is logged with name, code and location, and nothing of it runs', () => {
    const lines = scriptLines('20-broken.glia');
    const err = lines.find((l) => l.level === 'error' && l.code === 'unbound-symbol');
    expect(err?.msg).toMatch(/^init\.d 20-broken\.glia:2:2: error\[unbound-symbol\]: .*undefined-thing/);
    expect(err?.line).toBe(2);
    expect(lines.some((l) => /broken ran/.test(l.msg))).toBe(false);
    expect(lines.some((l) => /not run: it has errors/.test(l.msg))).toBe(true);
  });

  it('says that http-client needs --http-dial when a script uses it on a node started without', () => {
    const err = scriptLines('25-http.glia').find((l) => l.code === 'unbound-symbol');
    expect(err?.msg).toMatch(/25-http\.glia:1:10: error\[unbound-symbol\]: unable to resolve symbol 'http-client'/);
    expect(err?.hint).toMatch(/^http-client is granted only when the node is started with --http-dial HOST .*; this node was started without it$/);
  });

  it('checks effects against the init.d context', () => {
    const err = scriptLines('80-effect.glia').find((l) => l.code === 'effect-not-allowed');
    expect(err?.msg).toMatch(/80-effect\.glia:1:1: error\[effect-not-allowed\]: :app\/unknown/);
  });

  it('fails a :load of a path the image lacks with a coded error naming it', () => {
    const err = scriptLines('35-missing.glia').find((l) => l.level === 'error');
    expect(err?.msg).toMatch(/^init\.d 35-missing\.glia:1:1: error\[cap-call-failed\]: cannot load \/data\/nope\.bin: \/data\/nope\.bin is not in the image/);
  });

  it('logs a script that throws with its error code and location, and goes on', () => {
    const err = scriptLines('60-throws.glia').find((l) => l.level === 'error');
    expect(err?.msg).toMatch(/^init\.d 60-throws\.glia:2:\d+: error\[:app\/boom\]: boom/);
  });

  it('refuses a script that is not UTF-8, naming the byte, and runs the rest', () => {
    const err = scriptLines('70-latin1.glia').find((l) => l.level === 'error');
    expect(err?.code).toBe('read/bad-utf8');
    expect(err?.msg).toMatch(/70-latin1\.glia:1:11: error\[read\/bad-utf8\].*0xe9/);
  });

  it('lets a looping service and a spinning script run beside the boot, and logs an :exit code', () => {
    expect(scriptLines('40-service.glia').some((l) => /keeps running in the background/.test(l.msg))).toBe(true);
    expect(scriptLines('50-spin.glia').some((l) => /keeps running in the background/.test(l.msg))).toBe(true);
    expect(scriptLines('90-last.glia').find((l) => /exited with 3/.test(l.msg))?.exit_code).toBe(3);
  });

  it('stops on SIGTERM with scripts still looping, exit code 0', async () => {
    const { code } = await node.stop('SIGTERM', 10_000);
    expect(code).toBe(0);
  });
});
