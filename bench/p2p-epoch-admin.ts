// Admin epoch adoption latency (`npm run bench -- p2p-epoch-admin [--runs N]`):
// a real `ww run` (127.0.0.1, ports from 0, --no-mdns) whose image's init.d
// script holds the grafted host and calls `(perform host :id)` in a loop,
// 1 ms apart, printing `stale` the first time the call fails
// :glia.error/stale-epoch. Each run POSTs /epoch/advance on the admin
// server and takes the time from just before the POST is sent to the
// moment the script's `stale` line reaches this process (through the
// node's log on stderr): what a holder of an old capability sees. The
// POST's own answer (which waits for init.d to start again) is timed too.
// Before each run, the script of the current epoch has said it is
// holding. Each figure is the median of its runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { findRoot } from './cells.js';
import { median } from './stats.js';

interface LogLine { msg: string; [k: string]: unknown }

/** `ww run` on loopback in a home of its own, its JSON log lines collected as they come. */
function startNode(image: string, home: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, WW_HOST_STATE_PATH: join(home, 'host.json'), WW_CACHE_DIR: join(tmpdir(), 'ww-bench-node-cache') };
  delete env.NODE_OPTIONS;
  const child: ChildProcess = spawn(process.execPath, ['--stack-size=3800', join(findRoot(), 'bin', 'ww.js'), 'run', image, '--log-format', 'json', '--no-mdns',
    '--listen', '/ip4/127.0.0.1/tcp/0', '--http-listen', 'off', '--with-http-admin', '127.0.0.1:0',
    '--identity', join(home, 'id'), '--ipfs-repo', join(home, 'ipfs')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: LogLine[] = [];
  const waiters: Array<{ pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = [];
  let buf = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    buf += c;
    let at;
    while ((at = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, at);
      buf = buf.slice(at + 1);
      let l: LogLine;
      try { l = JSON.parse(text); } catch { continue; }
      lines.push(l);
      for (const w of [...waiters]) if (w.pred(l)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(l); }
    }
  });
  const waitFor = (pred: (l: LogLine) => boolean, ms: number, what: string) => new Promise<LogLine>((resolve, reject) => {
    const seen = lines.find(pred);
    if (seen) { resolve(seen); return; }
    const t = setTimeout(() => reject(new Error(`the node did not log ${what} within ${ms} ms`)), ms);
    waiters.push({ pred, resolve: (l) => { clearTimeout(t); resolve(l); } });
  });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
  return { lines, waitFor, stop };
}

const HOLDER = `;; Calls a capability in a loop until its epoch ends.
(println "holding" (perform host :id))
(loop []
  (if (try (perform host :id) (perform :sleep 1) true
        (catch :glia.error/stale-epoch e false))
    (recur)
    (println "stale")))
`;


export async function main(args: string[]): Promise<number> {
  const i = args.indexOf('--runs');
  const runs = i >= 0 ? Number(args[i + 1]) : 7;
  if (!Number.isInteger(runs) || runs < 1) { console.error('bench p2p-epoch-admin: --runs takes a whole number from 1'); return 2; }
  const image = mkdtempSync(join(tmpdir(), 'ww-bench-epoch-'));
  mkdirSync(join(image, 'etc', 'init.d'), { recursive: true });
  writeFileSync(join(image, 'etc', 'init.d', '10-holder.glia'), HOLDER);
  const home = mkdtempSync(join(tmpdir(), 'ww-bench-epoch-home-'));
  const node = startNode(image, home);
  try {
    const admin = `http://${(await node.waitFor((l) => typeof l.admin === 'string', 60_000, 'its admin address')).admin}`;
    const said = (what: string) => (l: LogLine) => l.msg === `10-holder.glia: ${what}` || l.msg.startsWith(`10-holder.glia: ${what} `);
    const firstStale: number[] = [];
    const answered: number[] = [];
    let seen = 0;
    for (let run = 0; run < runs; run++) {
      // The script of the current epoch holds its capabilities.
      await node.waitFor((l) => said('holding')(l) && node.lines.indexOf(l) >= seen, 120_000, `the holder of run ${run}`);
      seen = node.lines.length;
      const stale = node.waitFor((l) => said('stale')(l) && node.lines.indexOf(l) >= seen, 60_000, `the stale-epoch of run ${run}`).then(() => performance.now());
      const t0 = performance.now();
      const r = await fetch(`${admin}/epoch/advance`, { method: 'POST', body: `bench run ${run}` });
      const tAnswer = performance.now();
      if (r.status !== 200) throw new Error(`POST /epoch/advance answered ${r.status}: ${await r.text()}`);
      await r.text();
      firstStale.push((await stale) - t0);
      answered.push(tAnswer - t0);
    }
    const f = (x: number) => x.toFixed(1);
    console.log(`bench p2p-epoch-admin adopt_ms_p50=${f(median(firstStale))} adopt_ms_max=${f(Math.max(...firstStale))} post_answer_ms_p50=${f(median(answered))} runs=${runs} target_ms=1000`);
    return 0;
  } finally {
    await node.stop();
    rmSync(image, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}
