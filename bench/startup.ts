// Start-up benchmark, the `startup` row of `npm run bench -- eval`: whole
// processes, started in turn so that load on the machine falls on each
// alike, timed from spawn to exit:
//   - `ww eval '(+ 1 2)'` against `nbb -e '(+ 1 2)'` (the target: at or below nbb);
//   - `ww --help` (the target: under 150 ms), with `node -e 0`, the floor
//     both sit on;
//   - an init.d script's worker thread (the thread `ww run` starts per
//     etc/init.d script), from `new Worker` to the script's first output,
//     against a worker that loads nothing;
//   - the language server, from spawn to the first diagnostic (an unbound
//     name) of a small file it is sent as soon as it answers `initialize`,
//     against `node -e 0`.
// Each figure is the median of BENCH_STARTUP_RUNS (default 11) rounds after
// one warm-up round, with the spread (fastest-slowest). `--before=DIR`
// adds the same `ww` commands run from another checkout (a built copy of
// an older commit), in the same rounds, for before/after figures.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';

interface Subject {
  key: string;
  /** Times one start; resolves to milliseconds, or throws when the output is wrong. */
  once: () => Promise<number>;
}

/** The same V8 stack `ww` asks for in its shebang (bin/ww.js). */
const WW_NODE_FLAGS = ['--stack-size=3800'];

function processSubject(key: string, cwd: string, args: string[], check: (stdout: string) => boolean): Subject {
  return {
    key,
    once: () => new Promise<number>((resolve, reject) => {
      let out = '';
      let err = '';
      const t0 = performance.now();
      const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
      child.on('error', reject);
      child.on('close', (code) => {
        const ms = performance.now() - t0;
        if (code !== 0 || !check(out)) reject(new Error(`${key}: exit ${code}, stdout ${JSON.stringify(out.slice(0, 200))}, stderr ${JSON.stringify(err.slice(-300))}`));
        else resolve(ms);
      });
    }),
  };
}

/**
 * An init.d script's worker, started as the node's runner starts it (its
 * built entry, a membrane to graft over a MessagePort), timed to the
 * script's first output line.
 */
function initdSubject(key: string, entry: URL): Subject {
  return {
    key,
    once: async () => {
      const { Membrane } = await import('../runtime/membrane/membrane.js');
      const { Connection } = await import('../runtime/rpc/conn.js');
      const { portTransport } = await import('../runtime/rpc/transport.js');
      const { port1, port2 } = new MessageChannel();
      const conn = new Connection(portTransport(port1), { bootstrap: new Membrane(() => []).server() });
      const t0 = performance.now();
      const worker = new Worker(entry, {
        workerData: { file: 'etc/init.d/00-hello.glia', source: '(println "hello")\n', modules: {}, grants: [], rpcPort: port2 },
        transferList: [port2],
        stdout: false, stderr: false,
      });
      try {
        return await new Promise<number>((resolve, reject) => {
          worker.on('message', (m: { t: string; text?: string; message?: string }) => {
            if (m.t === 'stdout') {
              if (m.text === 'hello\n') resolve(performance.now() - t0);
              else reject(new Error(`${key}: printed ${JSON.stringify(m.text)}`));
            } else if (m.t === 'failed' || m.t === 'diagnostics') reject(new Error(`${key}: ${JSON.stringify(m)}`));
          });
          worker.on('error', reject);
          worker.on('exit', (code) => reject(new Error(`${key}: the worker exited (${code}) before printing`)));
        });
      } finally {
        conn.close();
        await worker.terminate();
      }
    },
  };
}

/** The language server (dist/lsp/server-main.js of `dir`), from spawn to its first publishDiagnostics. */
function lspSubject(key: string, dir: string): Subject {
  return {
    key,
    once: async () => {
      const env = { ...process.env };
      delete env.NODE_OPTIONS;
      const t0 = performance.now();
      const child = spawn(process.execPath, [...WW_NODE_FLAGS, join(dir, 'dist/lsp/server-main.js'), '--stdio'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
      const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
      try {
        const first = new Promise<number>((resolve, reject) => {
          conn.onNotification('textDocument/publishDiagnostics', (p: { diagnostics: unknown[] }) => {
            // The first publish may be the reader's quick pass (nothing to say); the checker's follows.
            if (p.diagnostics.length > 0) resolve(performance.now() - t0);
          });
          child.once('exit', (code) => reject(new Error(`${key}: the server exited (${code})`)));
        });
        conn.onNotification('window/logMessage', () => {});
        conn.listen();
        await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
        await conn.sendNotification('initialized', {});
        await conn.sendNotification('textDocument/didOpen', {
          textDocument: { uri: pathToFileURL('/bench/start.glia').href, languageId: 'glia', version: 1, text: '(defn f [x] (+ x 1))\n(f (undefined-name))\n' },
        });
        return await first;
      } finally {
        conn.dispose();
        child.kill();
      }
    },
  };
}

/** A worker thread that loads nothing: the floor under the init.d worker. */
function emptyWorkerSubject(key: string): Subject {
  return {
    key,
    once: async () => {
      const t0 = performance.now();
      const worker = new Worker("require('node:worker_threads').parentPort.postMessage('hello')", { eval: true });
      const ms = await new Promise<number>((resolve, reject) => {
        worker.once('message', () => resolve(performance.now() - t0));
        worker.once('error', reject);
      });
      await worker.terminate();
      return ms;
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface Figure { medianMs: number; minMs: number; maxMs: number }

/** One warm-up round, then `runs` rounds; in each round every subject runs once, in turn. */
async function measureInTurn(subjects: Subject[], runs: number): Promise<Map<string, Figure | { error: string }>> {
  const times = new Map<string, number[]>(subjects.map((s) => [s.key, []]));
  const failed = new Map<string, string>();
  for (let round = -1; round < runs; round++) {
    for (const s of subjects) {
      if (failed.has(s.key)) continue;
      try {
        const ms = await s.once();
        if (round >= 0) times.get(s.key)!.push(ms);
      } catch (e) {
        failed.set(s.key, (e as Error).message.replace(/\s+/g, ' ').slice(0, 300));
      }
    }
  }
  const out = new Map<string, Figure | { error: string }>();
  for (const s of subjects) {
    const xs = times.get(s.key)!;
    out.set(s.key, failed.has(s.key) ? { error: failed.get(s.key)! } : { medianMs: median(xs), minMs: Math.min(...xs), maxMs: Math.max(...xs) });
  }
  return out;
}

const f1 = (x: number) => x.toFixed(1);

function fields(results: Map<string, Figure | { error: string }>, key: string): string[] {
  const r = results.get(key);
  if (!r) return [];
  if ('error' in r) return [`${key}_ms=na`, `${key}_error=${JSON.stringify(r.error)}`];
  return [`${key}_ms=${f1(r.medianMs)}`, `${key}_spread_ms=${f1(r.minMs)}-${f1(r.maxMs)}`];
}

function ratio(results: Map<string, Figure | { error: string }>, a: string, b: string): string {
  const x = results.get(a), y = results.get(b);
  return x && y && !('error' in x) && !('error' in y) ? (x.medianMs / y.medianMs).toFixed(2) : 'na';
}

const med = (results: Map<string, Figure | { error: string }>, key: string): number | null => {
  const r = results.get(key);
  return r && !('error' in r) ? r.medianMs : null;
};

/** Runs the start-up rows and prints `bench eval-startup ...` lines. */
export async function runStartup(root: string, args: { before?: string } = {}): Promise<void> {
  const runs = Math.max(11, Number(process.env.BENCH_STARTUP_RUNS) || 11);
  const ww = join(root, 'bin/ww.js');
  const nbbCli = join(root, 'node_modules/nbb/cli.js');
  const isThree = (s: string) => s.trim() === '3';
  const isHelp = (s: string) => s.startsWith('Usage: ww');
  const before = args.before && existsSync(join(args.before, 'bin/ww.js')) ? args.before : undefined;
  if (args.before && !before) console.log(`# bench eval-startup: --before=${args.before} has no bin/ww.js; left out`);

  console.log(`# bench eval-startup: whole processes in turn, median of ${runs} rounds after 1 warm-up, spread fastest-slowest; node ${process.version}`);

  // 1. ww eval against nbb (and the node floor), in turn.
  const evalSubjects = [
    processSubject('ww', root, [...WW_NODE_FLAGS, ww, 'eval', '(+ 1 2)'], isThree),
    processSubject('nbb', root, [nbbCli, '-e', '(+ 1 2)'], isThree),
    processSubject('node', root, ['-e', '0'], () => true),
    ...(before ? [processSubject('ww_before', before, [...WW_NODE_FLAGS, join(before, 'bin/ww.js'), 'eval', '(+ 1 2)'], isThree)] : []),
  ];
  const ev = await measureInTurn(evalSubjects, runs);
  const wwMs = med(ev, 'ww'), nbbMs = med(ev, 'nbb');
  console.log(['bench eval-startup program=eval', ...fields(ev, 'ww'), ...fields(ev, 'nbb'), ...fields(ev, 'node'), ...fields(ev, 'ww_before'),
    `runs=${runs}`, 'target=ww_ms<=nbb_ms', `met=${wwMs !== null && nbbMs !== null ? (wwMs <= nbbMs ? 'yes' : 'no') : 'na'}`,
    `ratio_vs_node=${ratio(ev, 'ww', 'node')}`, `ratio_vs_nbb=${ratio(ev, 'ww', 'nbb')}`, `ratio=${ratio(ev, 'ww', 'nbb')}`].join(' '));

  // 2. ww --help against node -e 0.
  const helpSubjects = [
    processSubject('ww', root, [...WW_NODE_FLAGS, ww, '--help'], isHelp),
    processSubject('node', root, ['-e', '0'], () => true),
    ...(before ? [processSubject('ww_before', before, [...WW_NODE_FLAGS, join(before, 'bin/ww.js'), '--help'], isHelp)] : []),
  ];
  const help = await measureInTurn(helpSubjects, runs);
  const helpMs = med(help, 'ww');
  console.log(['bench eval-startup program=help', ...fields(help, 'ww'), ...fields(help, 'node'), ...fields(help, 'ww_before'),
    `runs=${runs}`, 'target_ms=150', `met=${helpMs === null ? 'na' : helpMs < 150 ? 'yes' : 'no'}`,
    `ratio_vs_node=${ratio(help, 'ww', 'node')}`, `ratio=${ratio(help, 'ww', 'node')}`].join(' '));

  // 3. The init.d worker, to its first output, against an empty worker.
  const entry = (dir: string) => new URL(`file://${join(dir, 'dist/runtime/node/initd/worker.js')}`);
  const workerSubjects = [
    initdSubject('worker', entry(root)),
    emptyWorkerSubject('empty_worker'),
    ...(before && existsSync(join(before, 'dist/runtime/node/initd/worker.js')) ? [initdSubject('worker_before', entry(before))] : []),
  ];
  const wk = await measureInTurn(workerSubjects, runs);
  console.log(['bench eval-startup program=initd-worker', ...fields(wk, 'worker'), ...fields(wk, 'empty_worker'), ...fields(wk, 'worker_before'),
    `runs=${runs}`, `ratio_vs_empty=${ratio(wk, 'worker', 'empty_worker')}`, `ratio=${ratio(wk, 'worker', 'empty_worker')}`].join(' '));

  // 4. The language server to its first diagnostics.
  const lspSubjects = [
    lspSubject('lsp', root),
    processSubject('node', root, ['-e', '0'], () => true),
    ...(before && existsSync(join(before, 'dist/lsp/server-main.js')) ? [lspSubject('lsp_before', before)] : []),
  ];
  const ls = await measureInTurn(lspSubjects, runs);
  console.log(['bench eval-startup program=lsp-first-diagnostics', ...fields(ls, 'lsp'), ...fields(ls, 'node'), ...fields(ls, 'lsp_before'),
    `runs=${runs}`, `ratio_vs_node=${ratio(ls, 'lsp', 'node')}`, `ratio=${ratio(ls, 'lsp', 'node')}`].join(' '));
}
