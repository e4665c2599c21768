// Language-server benchmark: a real server process (dist/lsp/server-main.js)
// driven over stdio by a JSON-RPC client, as an editor drives it, on a
// generated 1,000-line file. It measures, per one-character edit, the time
// from sending didChange to the first publishDiagnostics for that version
// (the quick pass: reader diagnostics, earlier check results carried over)
// and to glia/diagnosticsComplete (the whole file checked again), and the
// round trip of completion and hover requests. The peer, in the same run
// and process as this client, is the checker alone on the same text
// (checkSource, what `ww check` does for one file). Run with
// `npm run bench -- lsp`; doc/performance.md records the figures.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
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

export async function main(): Promise<number> {
  if (!existsSync(SERVER)) { console.error('bench lsp: dist/lsp/server-main.js is missing; run `npm run build` first'); return 1; }
  const text = generateFile();
  const lineCount = text.split('\n').length;

  // The peer: the checker alone, in this process.
  const world = new CheckWorld();
  const checkTimes: number[] = [];
  const readTimes: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    let t = performance.now();
    read(text, '/bench/pipeline.glia');
    const r = performance.now() - t;
    t = performance.now();
    checkSource(text, { file: '/bench/pipeline.glia' }, world);
    const c = performance.now() - t;
    if (i >= WARMUP) { readTimes.push(r); checkTimes.push(c); }
  }

  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--stack-size=3800', SERVER, '--stdio'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const firstPublish = new Map<number, number>();
  const complete = new Map<number, number>();
  const wake: Array<() => void> = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: { version?: number }) => {
    if (p.version !== undefined && !firstPublish.has(p.version)) firstPublish.set(p.version, performance.now());
    for (const w of wake.splice(0)) w();
  });
  conn.onNotification('glia/diagnosticsComplete', (p: { version: number }) => {
    complete.set(p.version, performance.now());
    for (const w of wake.splice(0)) w();
  });
  conn.onNotification('window/logMessage', () => {});
  conn.listen();
  const until = async (ok: () => boolean) => { while (!ok()) await new Promise<void>((r) => wake.push(r)); };

  const uri = pathToFileURL('/bench/pipeline.glia').href;
  // checkDelayMs 0: the full check starts at once, so its own cost is measured, not the typing pause.
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { checkDelayMs: 0 } });
  await conn.sendNotification('initialized', {});
  const openStart = performance.now();
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'glia', version: 1, text } });
  await until(() => complete.has(1));
  const openMs = complete.get(1)! - openStart;

  // One-character edits: the digit in `(filter #(> % N)` of a different form each time.
  const lines = text.split('\n');
  const targets: Array<{ line: number; character: number }> = [];
  lines.forEach((l, i) => { const at = l.indexOf('(filter #(> % '); if (at >= 0) targets.push({ line: i, character: at + '(filter #(> % '.length }); });
  const quick: number[] = [];
  const full: number[] = [];
  let version = 1;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const pos = targets[(i * 7) % targets.length]!;
    version++;
    const v = version;
    const sent = performance.now();
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: pos, end: { line: pos.line, character: pos.character + 1 } }, text: String(i % 10) }],
    });
    await until(() => complete.has(v));
    if (i >= WARMUP) { quick.push(firstPublish.get(v)! - sent); full.push(complete.get(v)! - sent); }
  }

  const completion: number[] = [];
  const hover: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const pos = targets[(i * 11) % targets.length]!;
    // Inside `(filter ...` after "fil": locals, the file's definitions and glia.core.
    const at = { line: pos.line, character: lines[pos.line]!.indexOf('(filter') + 4 };
    let t = performance.now();
    const items: any = await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: at });
    const c = performance.now() - t;
    if (!items.items.some((x: any) => x.label === 'filter')) throw new Error('completion did not offer filter');
    t = performance.now();
    const h: any = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: at });
    const hv = performance.now() - t;
    if (!h?.contents?.value?.includes('filter')) throw new Error('hover did not describe filter');
    if (i >= WARMUP) { completion.push(c); hover.push(hv); }
  }

  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();

  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const checker = median(checkTimes);
  console.log(`lsp benchmark: ${lineCount}-line file, ${text.length} characters, median (p90) of ${RUNS} runs after ${WARMUP} warm-ups\n`);
  console.log('| measure | median | p90 | vs checker alone |');
  console.log('|---|---|---|---|');
  const row = (name: string, xs: number[]) => console.log(`| ${name} | ${ms(median(xs))} | ${ms(p90(xs))} | ${(median(xs) / checker).toFixed(2)} |`);
  row('didChange → first publishDiagnostics (quick pass)', quick);
  row('didChange → diagnosticsComplete (full check)', full);
  row('completion round trip', completion);
  row('hover round trip', hover);
  row('peer: checkSource on the same text, in process', checkTimes);
  row('peer: read alone, in process', readTimes);
  console.log(`\nopen → first full diagnostics: ${ms(openMs)}`);
  return 0;
}
