// Language-server benchmark: a real server process (dist/lsp/server-main.js)
// driven over stdio by a JSON-RPC client, as an editor drives it, on a
// generated 1,000-line file. It measures, per edit, the time from sending
// didChange to the first publishDiagnostics for that version (the quick
// pass: reader diagnostics, earlier check results carried over) and to
// glia/diagnosticsComplete (the whole file checked again), and the round
// trip of completion and hover requests. Two edits per round: a digit
// replaced (no text moves) and a space inserted (every form below moves).
// Two servers run side by side, edit for edit, in alternating order: one
// as editors get it (the check reuses unchanged forms' analyses) and one
// with `incrementalCheck: false` (every check from scratch, as before).
// The peer, in the same run and process as this client, is the checker
// alone on the same text (checkSource, what `ww check` does for one file).
// Run with `npm run bench -- lsp [--rounds N]`; doc/performance.md records
// the figures.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node.js';
import { checkSource, CheckWorld, read } from '../glia/index.js';
import { median } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = `${ROOT}dist/lsp/server-main.js`;
const WARMUP = 5;
const RUNS = 21;

/** A plausible 1,000-line Glia file: documented functions with destructuring, lets, macros, effects. */
export function generateFile(lines = 1000): string {
  const out: string[] = ['(ns bench.pipeline\n  (:import [ww.string :as str]))\n'];
  let count = 2;
  for (let i = 0; count < lines; i++) {
    const form = `(defn step-${i}
  "Step ${i} of the pipeline: keeps the items over ${i} and totals them."
  [state {:keys [items limit] :or {limit ${i}}}]
  (let [xs (filter #(> % ${i}) items)
        total (reduce + 0 xs)
        label (str/join "-" ["step" ${i}])]
    (when (> total limit)
      (println label "over" total))
    (-> state
        (assoc :step-${i} {:total total :count (count xs)})
        (update :steps (fnil conj []) ${i}))))
`;
    out.push(form);
    count += form.split('\n').length;
  }
  return out.join('\n');
}

function p90(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.9))]!;
}

export async function main(args: string[] = []): Promise<number> {
  if (!existsSync(SERVER)) { console.error('bench lsp: dist/lsp/server-main.js is missing; run `npm run build` first'); return 1; }
  const at = args.indexOf('--rounds');
  const rounds = at >= 0 ? Number(args[at + 1]) : RUNS;
  if (!Number.isInteger(rounds) || rounds < 1) { console.error("bench lsp: --rounds takes a positive whole number; run 'npm run bench -- lsp --rounds 21'"); return 2; }
  const text = generateFile();
  const lineCount = text.split('\n').length;

  // The peer: the checker alone, in this process.
  const world = new CheckWorld();
  const checkTimes: number[] = [];
  const readTimes: number[] = [];
  for (let i = 0; i < WARMUP + rounds; i++) {
    let t = performance.now();
    read(text, '/bench/pipeline.glia');
    const r = performance.now() - t;
    t = performance.now();
    checkSource(text, { file: '/bench/pipeline.glia' }, world);
    const c = performance.now() - t;
    if (i >= WARMUP) { readTimes.push(r); checkTimes.push(c); }
  }

  const servers = [await Server.start(text, true), await Server.start(text, false)];
  const lines = text.split('\n');
  // One-character edits: the digit in `(filter #(> % N)` of a different form each time.
  const digits: Array<{ line: number; character: number }> = [];
  lines.forEach((l, i) => { const c = l.indexOf('(filter #(> % '); if (c >= 0) digits.push({ line: i, character: c + '(filter #(> % '.length }); });
  // Insertions: a space at the start of a docstring line (inside a form; the forms below it move).
  const docLines: number[] = [];
  lines.forEach((l, i) => { if (l.startsWith('  "Step ')) docLines.push(i); });
  for (let i = 0; i < WARMUP + rounds; i++) {
    const pos = digits[(i * 7) % digits.length]!;
    const replace = { range: { start: pos, end: { line: pos.line, character: pos.character + 1 } }, text: String(i % 10) };
    const line = docLines[(i * 11) % docLines.length]!;
    const insert = { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: ' ' };
    // Alternate which server goes first, so neither always runs on a machine the other just warmed or loaded.
    const order = i % 2 ? [servers[1]!, servers[0]!] : servers;
    for (const s of order) await s.edit(replace, i >= WARMUP ? 'replace' : null);
    for (const s of order) await s.edit(insert, i >= WARMUP ? 'insert' : null);
  }

  for (const s of servers) await s.requests(lines, digits, rounds);
  for (const s of servers) await s.stop();

  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const checker = median(checkTimes);
  const [inc, scratch] = servers as [Server, Server];
  console.log(`lsp benchmark: ${lineCount}-line file, ${text.length} characters, median (p90) of ${rounds} rounds after ${WARMUP} warm-ups; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
  console.log('| measure | incremental (as shipped) | from scratch (incrementalCheck: false) | incremental / checker alone |');
  console.log('|---|---|---|---|');
  const cell = (xs: number[]) => `${ms(median(xs))} (${ms(p90(xs))})`;
  const row = (name: string, a: number[], b: number[]) => console.log(`| ${name} | ${cell(a)} | ${cell(b)} | ${(median(a) / checker).toFixed(2)} |`);
  row('digit replaced: didChange → first publishDiagnostics (quick pass)', inc.quick.replace, scratch.quick.replace);
  row('digit replaced: didChange → diagnosticsComplete (full check)', inc.full.replace, scratch.full.replace);
  row('space inserted: didChange → first publishDiagnostics (quick pass)', inc.quick.insert, scratch.quick.insert);
  row('space inserted: didChange → diagnosticsComplete (full check)', inc.full.insert, scratch.full.insert);
  row('completion round trip', inc.completion, scratch.completion);
  row('hover round trip', inc.hover, scratch.hover);
  console.log(`| peer: checkSource on the same text, in process | ${cell(checkTimes)} | | 1.00 |`);
  console.log(`| peer: read alone, in process | ${cell(readTimes)} | | ${(median(readTimes) / checker).toFixed(2)} |`);
  console.log(`\nopen → first full diagnostics: ${ms(inc.openMs)} (incremental), ${ms(scratch.openMs)} (from scratch)`);
  return 0;
}

type Change = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };

/** One language server process and what was measured on it. */
class Server {
  readonly quick = { replace: [] as number[], insert: [] as number[] };
  readonly full = { replace: [] as number[], insert: [] as number[] };
  readonly completion: number[] = [];
  readonly hover: number[] = [];
  openMs = 0;
  private version = 1;
  private readonly firstPublish = new Map<number, number>();
  private readonly complete = new Map<number, number>();
  private readonly wake: Array<() => void> = [];
  private readonly uri: string;

  private constructor(private readonly conn: MessageConnection, private readonly child: ChildProcess, incremental: boolean) {
    this.uri = pathToFileURL(`/bench/${incremental ? 'incremental' : 'scratch'}/pipeline.glia`).href;
    conn.onNotification('textDocument/publishDiagnostics', (p: { version?: number }) => {
      if (p.version !== undefined && !this.firstPublish.has(p.version)) this.firstPublish.set(p.version, performance.now());
      for (const w of this.wake.splice(0)) w();
    });
    conn.onNotification('glia/diagnosticsComplete', (p: { version: number }) => {
      this.complete.set(p.version, performance.now());
      for (const w of this.wake.splice(0)) w();
    });
    conn.onNotification('window/logMessage', () => {});
    conn.listen();
  }

  static async start(text: string, incremental: boolean): Promise<Server> {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['--stack-size=3800', SERVER, '--stdio'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const s = new Server(conn, child, incremental);
    // checkDelayMs 0: the full check starts at once, so its own cost is measured, not the typing pause.
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { checkDelayMs: 0, incrementalCheck: incremental } });
    await conn.sendNotification('initialized', {});
    const openStart = performance.now();
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: s.uri, languageId: 'glia', version: 1, text } });
    await s.until(() => s.complete.has(1));
    s.openMs = s.complete.get(1)! - openStart;
    return s;
  }

  private async until(ok: () => boolean): Promise<void> { while (!ok()) await new Promise<void>((r) => this.wake.push(r)); }

  /** Sends one change and waits for its full check; records the times under `kind` (null: a warm-up). */
  async edit(change: Change, kind: 'replace' | 'insert' | null): Promise<void> {
    const v = ++this.version;
    const sent = performance.now();
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri: this.uri, version: v }, contentChanges: [change] });
    await this.until(() => this.complete.has(v));
    if (kind) { this.quick[kind].push(this.firstPublish.get(v)! - sent); this.full[kind].push(this.complete.get(v)! - sent); }
  }

  /** Completion and hover inside `(filter ...` after "fil": locals, the file's definitions and glia.core. */
  async requests(lines: string[], digits: Array<{ line: number; character: number }>, rounds: number): Promise<void> {
    for (let i = 0; i < WARMUP + rounds; i++) {
      const pos = digits[(i * 11) % digits.length]!;
      const at = { line: pos.line, character: lines[pos.line]!.indexOf('(filter') + 4 };
      let t = performance.now();
      const items: any = await this.conn.sendRequest('textDocument/completion', { textDocument: { uri: this.uri }, position: at });
      const c = performance.now() - t;
      if (!items.items.some((x: any) => x.label === 'filter')) throw new Error('completion did not offer filter');
      t = performance.now();
      const h: any = await this.conn.sendRequest('textDocument/hover', { textDocument: { uri: this.uri }, position: at });
      const hv = performance.now() - t;
      if (!h?.contents?.value?.includes('filter')) throw new Error('hover did not describe filter');
      if (i >= WARMUP) { this.completion.push(c); this.hover.push(hv); }
    }
  }

  async stop(): Promise<void> {
    await this.conn.sendRequest('shutdown');
    await this.conn.sendNotification('exit');
    this.conn.dispose();
    await new Promise<void>((r) => { if (this.child.exitCode !== null) r(); else this.child.once('exit', () => r()); });
  }
}
