// Shell benchmark (`npm run bench -- shell [--quick]`): the terminal app of
// `ww shell`, in a real pseudo-terminal (util-linux `script` gives the
// child a pty; this process writes the keys and reads the screen's bytes
// through it).
//   - start to first prompt: from spawn to the prompt's bytes on the
//     terminal, against nbb's REPL (`nbb`, its `user=>` prompt) started the
//     same way, in alternating rounds; once with `--local` (no node), and
//     once against a real `ww run` node on loopback (ports from 0, no mDNS,
//     a home of its own) that the shell finds by its host-state file and
//     logs in to (its prompt is the node's short peer id);
//     the CPU time to the prompt is printed beside the wall clock (*_cpu_ms);
//   - keystroke to repaint while typing a 40-line form, one key at a time
//     (each after the repaint of the one before): inside the app, from the
//     key's arrival on stdin to the app's next write to the terminal
//     (WW_SHELL_PROBE, runtime/shell/ui.ts), and outside it, from this
//     process's write into the pty to the first bytes back. Target: p99
//     under 16 ms (wall clock). The app's CPU time over the same span is
//     printed too (cpu_*): on a loaded machine the wall clock is mostly
//     waiting for a core.
// Prints one `bench shell row=...` line per row. BENCH_SHELL_RUNS sets the
// start-up rounds (default 7). `--quick` (the smoke test) runs one round
// without a warm-up and types a 4-line form: it checks that every row
// works, its figures mean nothing.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The repository: this file runs as dist/bench/shell.js (npm run bench) or as bench/shell.ts (the smoke test). */
function findRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'bin', 'ww.js')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('bench shell: cannot find the repository (bin/ww.js)');
  }
}
const ROOT = findRoot();
const BIN = join(ROOT, 'bin/ww.js');
const WW = [process.execPath, '--stack-size=3800', BIN, 'shell', '--local'];
const NBB = [process.execPath, join(ROOT, 'node_modules/nbb/cli.js')];
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** A command in a fresh pseudo-terminal of 120x50, its screen bytes collected. */
class Pty {
  readonly child: ChildProcessWithoutNullStreams;
  out = '';
  private waiters: (() => void)[] = [];
  constructor(argv: string[], env: NodeJS.ProcessEnv) {
    const cmd = `stty cols 120 rows 50; exec ${argv.map(q).join(' ')}`;
    this.child = spawn('script', ['-qfec', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => {
      this.out += d;
      const w = this.waiters; this.waiters = [];
      for (const f of w) f();
    });
  }
  /** Resolves once `test` holds for what the terminal received (a hang guard of 60 s). */
  until(test: (out: string) => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench shell: no ${what} after 60 s; the terminal shows ${JSON.stringify(strip(this.out).slice(-300))}`)), 60_000);
      const check = () => { if (test(this.out)) { clearTimeout(timer); resolve(); } else this.waiters.push(check); };
      check();
    });
  }
  /** The next bytes the terminal receives. */
  next(): Promise<void> { return new Promise((r) => this.waiters.push(r)); }
  write(s: string): void { this.child.stdin.write(s); }
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    setTimeout(() => this.child.kill('SIGKILL'), 5000).unref();
    this.child.stdin.end();
    this.child.kill('SIGTERM');
    await gone;
  }
}

function env(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, HOME: home, TERM: 'xterm-256color', ...extra };
  for (const k of ['CI', 'NO_COLOR', 'FORCE_COLOR', 'NODE_OPTIONS', 'WW_HOST_STATE_PATH', 'WW_IDENTITY', 'WW_LISTEN', 'IPFS_API']) delete e[k];
  return { ...e, ...extra };
}

/**
 * A real `ww run` node for the shell to log in to: loopback, ports from 0,
 * no mDNS, its identity, repo and host-state file in `home`. Resolves once
 * it has logged its peer id and addresses (it writes the host-state file
 * before it logs them).
 */
async function startNode(home: string): Promise<{ peerId: string; hostState: string; identity: string; stop(): Promise<void> }> {
  const hostState = join(home, 'host.json');
  const identity = join(home, 'identity');
  const e = env(home, { WW_HOST_STATE_PATH: hostState, WW_CACHE_DIR: join(tmpdir(), 'ww-bench-node-cache') });
  const child = spawn(process.execPath, ['--stack-size=3800', BIN, 'run', '--log-format', 'json', '--no-mdns',
    '--listen', '/ip4/127.0.0.1/tcp/0', '--http-listen', '127.0.0.1:0', '--identity', identity, '--ipfs-repo', join(home, 'ipfs')],
  { env: e, stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
  let log = '';
  try {
    const peerId = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench shell: the node logged no addresses within 60 s:\n${log}`)), 60_000);
      let peer: string | null = null;
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        log += d;
        for (const line of log.split('\n')) {
          let l: { peer_id?: string; addrs?: unknown };
          try { l = JSON.parse(line); } catch { continue; }
          peer ??= l.peer_id ?? null;
          if (peer && Array.isArray(l.addrs)) { clearTimeout(timer); resolve(peer); }
        }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`bench shell: ww run exited ${code}:\n${log}`)); });
    });
    if (!existsSync(hostState)) throw new Error(`bench shell: the node wrote no host-state file at ${hostState}`);
    return { peerId, hostState, identity, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * CPU time (user + system, every thread) used so far by `pid` and the
 * processes below it, from /proc in clock ticks (10 ms): on a machine
 * shared with other work it moves far less than the wall clock. Null where
 * there is no /proc.
 */
function treeCpuMs(pid: number): number | null {
  let stats: { pid: number; ppid: number; ticks: number }[];
  try {
    stats = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
      try {
        // Fields after the command name, which may hold spaces: state ppid ... utime(14) stime(15).
        const f = readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
        return [{ pid: Number(d), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) }];
      } catch { return []; }
    });
  } catch { return null; }
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of stats) if (!tree.has(s.pid) && tree.has(s.ppid)) { tree.add(s.pid); grew = true; }
  }
  // script(1) and the shell that execs the command are in the tree too; they use next to nothing.
  return stats.filter((s) => tree.has(s.pid)).reduce((a, s) => a + s.ticks, 0) * 10;
}

async function startToPrompt(argv: string[], prompt: RegExp, e: NodeJS.ProcessEnv): Promise<{ ms: number; cpuMs: number | null }> {
  const t0 = performance.now();
  const p = new Pty(argv, e);
  try {
    await p.until((o) => prompt.test(strip(o)), 'prompt');
    const ms = performance.now() - t0;
    return { ms, cpuMs: treeCpuMs(p.child.pid!) };
  } finally { await p.close(); }
}

/** `(defn ...)` of `n` lines (at least 4), as typed: the app indents each new line itself, so the lines carry no leading blanks. */
function typedForm(n: number): string[] {
  const lines = ['(defn bench-form [x]', '(let [a0 (+ x 0)'];
  for (let i = 1; i <= n - 4; i++) lines.push(`a${i} (+ a${i - 1} ${i})`);
  lines.push(`a${n - 3} (* a${n - 4} 2)]`, `a${n - 3}))`);
  return lines;
}

interface Stats { n: number; p50: number; p99: number; max: number }
function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1]! };
}
const f = (x: number) => x.toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * One start-to-prompt row: `ww` and nbb's REPL in alternating rounds
 * (after a warm-up of each unless quick), the medians, spreads and ratio.
 */
async function startRow(row: string, ww: { argv: string[]; prompt: RegExp; env: NodeJS.ProcessEnv }, home: string, runs: number, warm: boolean, extra: string[] = []): Promise<void> {
  const nbbPrompt = /user=> /;
  const w: number[] = [], n: number[] = [], wCpu: number[] = [], nCpu: number[] = [];
  if (warm) {
    await startToPrompt(ww.argv, ww.prompt, ww.env);
    await startToPrompt(NBB, nbbPrompt, env(home));
  }
  for (let i = 0; i < runs; i++) {
    const a = await startToPrompt(ww.argv, ww.prompt, ww.env);
    const b = await startToPrompt(NBB, nbbPrompt, env(home));
    w.push(a.ms); n.push(b.ms);
    if (a.cpuMs !== null && b.cpuMs !== null) { wCpu.push(a.cpuMs); nCpu.push(b.cpuMs); }
  }
  const wwMs = median(w), nbbMs = median(n);
  // CPU to the prompt (both threads of ww): what a loaded machine disturbs least.
  const cpu = wCpu.length ? [`ww_cpu_ms=${median(wCpu).toFixed(0)}`, `nbb_cpu_ms=${median(nCpu).toFixed(0)}`] : [];
  console.log([`bench shell row=${row}`, ...extra, `ww_ms=${f(wwMs)}`, `ww_spread=${f(Math.min(...w))}-${f(Math.max(...w))}`,
    `nbb_ms=${f(nbbMs)}`, `nbb_spread=${f(Math.min(...n))}-${f(Math.max(...n))}`, ...cpu, `runs=${runs}`,
    'target=ww_ms<=nbb_ms', `met=${wwMs <= nbbMs ? 'yes' : 'no'}`, `ratio=${(wwMs / nbbMs).toFixed(2)}`].join(' '));
}

export async function main(args: string[] = []): Promise<number> {
  const quick = args.includes('--quick');
  const home = mkdtempSync(join(tmpdir(), 'ww-bench-shell-'));
  const nodeHome = mkdtempSync(join(tmpdir(), 'ww-bench-shell-node-'));
  let node: Awaited<ReturnType<typeof startNode>> | null = null;
  try {
    const runs = quick ? 1 : Math.max(3, Number(process.env.BENCH_SHELL_RUNS) || 7);
    console.log(`# bench shell: a pty from util-linux script, 120x50; node ${process.version}`);
    const wwPrompt = /local=> /;
    // 1. Start to first prompt with --local, alternating with nbb.
    await startRow('start-to-prompt', { argv: WW, prompt: wwPrompt, env: env(home) }, home, runs, !quick);

    // 2. The same against a node: `ww shell` with no ADDR finds it by its host-state file.
    node = await startNode(nodeHome);
    const short = `${node.peerId.slice(0, 6)}…${node.peerId.slice(-6)}`;
    await startRow('start-to-prompt-node', {
      argv: [process.execPath, '--stack-size=3800', BIN, 'shell', '--identity', node.identity],
      prompt: new RegExp(`${short}=> `),
      env: env(home, { WW_HOST_STATE_PATH: node.hostState }),
    }, home, runs, !quick, [`peer=${short}`]);
    await node.stop();
    node = null;

    // 3. Keystroke to repaint over a 40-line form.
    const probeFile = join(home, 'probe.json');
    const p = new Pty(WW, env(home, { WW_SHELL_PROBE: probeFile }));
    const outside: number[] = [];
    const formLines = quick ? 4 : 40;
    try {
      await p.until((o) => wwPrompt.test(strip(o)), 'prompt');
      const lines = typedForm(formLines);
      for (const [i, line] of lines.entries()) {
        const keys = [...line, ...(i < lines.length - 1 ? ['\r'] : [])];
        for (const k of keys) {
          const repaint = p.next();
          const t0 = performance.now();
          p.write(k);
          await repaint;
          outside.push(performance.now() - t0);
          // Let the rest of this repaint arrive before the next key.
          await new Promise((r) => setTimeout(r, 2));
        }
      }
      // Evaluate it (the form balances), check the value, and leave with Ctrl-D.
      p.write('\r');
      await p.until((o) => strip(o).includes("#'user/bench-form"), 'value of the typed form');
      p.write('\x04');
      await new Promise<void>((resolve) => p.child.once('exit', () => resolve()));
    } finally { await p.close(); }
    const probe = JSON.parse(readFileSync(probeFile, 'utf8')) as { latenciesMs: number[]; cpuLatenciesMs: number[] };
    const inside = stats(probe.latenciesMs.slice(0, outside.length));
    const cpu = stats(probe.cpuLatenciesMs.slice(0, outside.length));
    const out = stats(outside);
    console.log(['bench shell row=keystroke-to-repaint', `keys=${outside.length}`, `form_lines=${formLines}`,
      `p50_ms=${f(inside.p50)}`, `p99_ms=${f(inside.p99)}`, `max_ms=${f(inside.max)}`,
      `cpu_p50_ms=${f(cpu.p50)}`, `cpu_p99_ms=${f(cpu.p99)}`,
      `pty_p50_ms=${f(out.p50)}`, `pty_p99_ms=${f(out.p99)}`, `pty_max_ms=${f(out.max)}`,
      'target_ms=16', `met=${inside.p99 < 16 ? 'yes' : 'no'}`].join(' '));
    return 0;
  } finally {
    await node?.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(nodeHome, { recursive: true, force: true });
  }
}
