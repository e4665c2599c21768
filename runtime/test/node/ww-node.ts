// Runs a real `ww run` (bin/ww.js, the compiled dist/) as a child process
// on loopback with ports from 0, in a temporary home of its own, and reads
// its JSON log lines as they come. Shared by the node's end-to-end tests;
// not a test file itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, SHARED_CELL_CACHE, assertBuilt } from '../ww-process.js';

export interface LogLine { time: string; level: string; msg: string; [k: string]: unknown }

export interface NodeProcess {
  child: ChildProcess;
  home: string;
  hostState: string;
  lines: LogLine[];
  /** Raw stderr (anything that was not a JSON line, too). */
  stderr(): string;
  /** Resolves with the first log line (seen or to come) for which `pred` holds; rejects after `ms`. */
  waitFor(pred: (l: LogLine) => boolean, ms?: number, what?: string): Promise<LogLine>;
  /** The WAGI base URL, once the node has logged it. */
  http(): Promise<string>;
  admin(): Promise<string>;
  peerId(): Promise<string>;
  /** The swarm addresses the node logged when it was up. */
  addrs(): Promise<string[]>;
  /** Sends `signal` and resolves with the exit code (null if killed), or rejects after `ms`. */
  stop(signal?: NodeJS.Signals, ms?: number): Promise<{ code: number | null; ms: number }>;
  exited: Promise<number | null>;
}

export interface StartOptions {
  /** Arguments after `ww run` (layers, flags); loopback and ports from 0 are added unless given. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Reuse a home (identity, repo) from an earlier node. */
  home?: string;
}

export function startNode(opts: StartOptions = {}): NodeProcess {
  assertBuilt();
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'ww-node-'));
  const args = opts.args ?? [];
  const has = (flag: string) => args.includes(flag);
  const argv = [
    '--stack-size=3800', BIN, 'run', ...args, '--log-format', 'json',
    ...(has('--listen') ? [] : ['--listen', '/ip4/127.0.0.1/tcp/0']),
    ...(has('--http-listen') ? [] : ['--http-listen', '127.0.0.1:0']),
    ...(has('--identity') ? [] : ['--identity', join(home, 'identity')]),
    ...(has('--ipfs-repo') ? [] : ['--ipfs-repo', join(home, 'ipfs')]),
    // mDNS multicasts on every interface; only the namespaced mDNS test turns it on.
    ...(has('--mdns') ? [] : ['--no-mdns']),
  ].filter((a) => a !== '--mdns');
  const hostState = join(home, 'host.json');
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, WW_HOST_STATE_PATH: hostState, WW_CACHE_DIR: SHARED_CELL_CACHE, NO_COLOR: '1', ...opts.env };
  delete env.NODE_OPTIONS;
  delete env.WW_LISTEN;
  delete env.IPFS_API;
  const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: LogLine[] = [];
  let raw = '';
  let buf = '';
  const waiters: Array<{ pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = [];
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    raw += chunk;
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, i);
      buf = buf.slice(i + 1);
      let l: LogLine;
      try { l = JSON.parse(text); } catch { continue; }
      lines.push(l);
      for (const w of [...waiters]) if (w.pred(l)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(l); }
    }
  });
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const waitFor = (pred: (l: LogLine) => boolean, ms = 60_000, what = 'a log line'): Promise<LogLine> => {
    const seen = lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the node did not log ${what} within ${ms} ms; its log:\n${raw}`)), ms);
      const w = { pred, resolve: (l: LogLine) => { clearTimeout(t); resolve(l); } };
      waiters.push(w);
      void exited.then((code) => {
        if (waiters.includes(w)) { clearTimeout(t); reject(new Error(`the node exited (${code}) before logging ${what}; its log:\n${raw}`)); }
      });
    });
  };
  const field = async (key: string) => (await waitFor((l) => l[key] !== undefined, 60_000, key))[key];
  return {
    child, home, hostState, lines, exited, waitFor,
    stderr: () => raw,
    http: async () => `http://${await field('http')}`,
    admin: async () => `http://${await field('admin')}`,
    peerId: async () => String(await field('peer_id')),
    addrs: async () => (await waitFor((l) => Array.isArray(l.addrs), 60_000, 'its addresses')).addrs as string[],
    stop: async (signal = 'SIGTERM', ms = 10_000) => {
      const t0 = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await Promise.race([exited, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`the node did not exit within ${ms} ms of ${signal}`)), ms))]);
      return { code, ms: Date.now() - t0 };
    },
  };
}

/** Stops the node if it still runs and removes its home. */
export async function cleanup(n: NodeProcess | undefined): Promise<void> {
  if (!n) return;
  if (n.child.exitCode === null && n.child.signalCode === null) { n.child.kill('SIGKILL'); await n.exited; }
  rmSync(n.home, { recursive: true, force: true });
}

/** GET with a deadline; the body as text. */
export async function get(url: string, ms = 20_000): Promise<{ status: number; body: string; headers: Headers }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(ms) });
  return { status: r.status, body: await r.text(), headers: r.headers };
}
