// The Ink half of the terminal app: draws the controller's snapshot (the
// log above the prompt through <Static>, then the editor with its colours,
// the cursor and the matching bracket, the completion list or the history
// search) and feeds it keys read from the terminal. Loaded only when the
// app starts (app.ts imports it dynamically), so no other command pays for
// React and Ink. Written with createElement: the project's TypeScript has
// no JSX, and one small tree does not warrant adding it.
import React, { Fragment, useSyncExternalStore, type ReactNode } from 'react';
import { Box, Static, Text, render } from 'ink';
import pc from 'picocolors';
import { tokenize } from '../../glia/analysis/tokens.js';
import { matchingBrackets, paintLines, type Paint, type Segment } from './highlight.js';
import { lineCol } from './editor.js';
import { KeyReader } from './keys.js';
import { ShellController, type Snapshot, type LogItem } from './controller.js';
import { colourWanted, style } from '../cli/colour.js';
import type { Session } from '../session/session.js';
import { Session as GliaSession } from '../../glia/eval/session.js';
import { SOURCES } from '../../glia/generated/sources.js';
import { definitionsIn } from './complete.js';
import { writeFileSync } from 'node:fs';
import type { ShellAppOptions } from './app.js';

const h = React.createElement;
type Colours = ReturnType<typeof pc.createColors>;

function palette(c: Colours): Record<Paint, (s: string) => string> {
  return {
    comment: (s) => c.gray(s), string: (s) => c.green(s), number: (s) => c.cyan(s), keyword: (s) => c.magenta(s),
    symbol: (s) => s, special: (s) => c.bold(c.blue(s)), open: (s) => s, close: (s) => s,
    'macro-char': (s) => c.yellow(s), constant: (s) => c.cyan(s), bad: (s) => c.red(c.underline(s)), plain: (s) => s,
    match: (s) => c.bold(c.underline(c.cyan(s))),
  };
}

/** Always on, even with NO_COLOR: the cursor is not a colour, and the editor needs one. */
const inverse = pc.createColors(true).inverse;

/** One line of the editor as a string with escapes, the cursor drawn at `cursorCol` (or none). */
function drawLine(segs: Segment[], paint: Record<Paint, (s: string) => string>, cursorCol: number | null): string {
  let out = '';
  let col = 0;
  let drawn = cursorCol === null;
  for (const s of segs) {
    const len = s.text.length;
    if (!drawn && cursorCol! >= col && cursorCol! < col + len) {
      const at = cursorCol! - col;
      const cp = s.text.codePointAt(at)! > 0xffff ? 2 : 1;
      out += paint[s.paint](s.text.slice(0, at)) + inverse(s.text.slice(at, at + cp)) + paint[s.paint](s.text.slice(at + cp));
      drawn = true;
    } else out += paint[s.paint](s.text);
    col += len;
  }
  if (!drawn) out += inverse(' ');
  return out;
}

interface ViewProps { ctl: ShellController; colours: Colours; rows: () => number; columns: () => number }

function Shell({ ctl, colours, rows, columns }: ViewProps) {
  const snap: Snapshot = useSyncExternalStore((f) => ctl.subscribe(f), () => ctl.snapshot());
  const dim = colours.dim;
  const parts: ReactNode[] = [];
  if (snap.partial) parts.push(h(Text, { key: 'partial' }, snap.partial));
  if (snap.search) {
    const entries = ctl.searchEntries();
    const found = snap.search.index >= 0 ? entries[snap.search.index] ?? '' : '';
    const label = snap.search.index >= 0 || snap.search.query === '' ? '(reverse-i-search)' : '(failing reverse-i-search)';
    parts.push(h(Text, { key: 'search' }, `${dim(label)}\`${snap.search.query}': ${found.split('\n').join(dim(' ⏎ '))}`));
  } else {
    parts.push(h(Box, { key: 'editor', flexDirection: 'column' }, ...editorLines(ctl, snap, colours, rows())));
  }
  if (snap.candidates && snap.candidates.length) parts.push(h(Text, { key: 'cands' }, candidateList(snap, colours, columns())));
  if (snap.running) parts.push(h(Text, { key: 'running' }, dim('evaluating… Ctrl-C stops it')));
  if (snap.note) parts.push(h(Text, { key: 'note' }, dim(snap.note)));
  // <Static> beside the live part, not inside its box: Ink then erases exactly the live lines before it prints new log lines.
  return h(Fragment, null,
    h(Static, { key: 'log', items: snap.log, children: (item: unknown) => h(Text, { key: (item as LogItem).id }, (item as LogItem).text) }),
    h(Box, { key: 'live', flexDirection: 'column' }, ...parts));
}

function editorLines(ctl: ShellController, snap: Snapshot, colours: Colours, rows: number): ReactNode[] {
  const { text, cursor } = snap.editor;
  const tokens = tokenize(text);
  const lines = paintLines(text, tokens, matchingBrackets(tokens, cursor));
  const at = lineCol(text, cursor);
  const paint = palette(colours);
  // A form taller than the terminal is shown in a window around the cursor, so Ink never redraws the whole screen.
  const room = Math.max(3, rows - 4);
  let from = 0, to = lines.length;
  if (lines.length > room) {
    from = Math.max(0, Math.min(at.line - Math.floor(room / 2), lines.length - room));
    to = from + room;
  }
  const out: ReactNode[] = [];
  if (from > 0) out.push(h(Text, { key: 'above' }, colours.dim(`  ↑ ${from} more line${from === 1 ? '' : 's'}`)));
  for (let i = from; i < to; i++) {
    const prefix = colours.dim(i === 0 ? ctl.prompt : ctl.continuation);
    out.push(h(Text, { key: i }, prefix + drawLine(lines[i]!, paint, i === at.line ? at.col : null)));
  }
  if (to < lines.length) out.push(h(Text, { key: 'below' }, colours.dim(`  ↓ ${lines.length - to} more line${lines.length - to === 1 ? '' : 's'}`)));
  return out;
}

function candidateList(snap: Snapshot, colours: Colours, columns: number): string {
  const cands = snap.candidates!;
  const width = Math.max(...cands.map((c) => c.text.length)) + 2;
  const perRow = Math.max(1, Math.floor(columns / width));
  const shown = cands.slice(0, perRow * 4);
  const rows: string[] = [];
  for (let i = 0; i < shown.length; i += perRow) rows.push(shown.slice(i, i + perRow).map((c) => c.text.padEnd(width)).join('').trimEnd());
  // One candidate's detail (a method's signature) is worth a line when the list is short.
  if (cands.length <= perRow && cands.length <= 6) return cands.map((c) => c.text + (c.detail ? colours.dim('  ' + c.detail) : '')).join('\n');
  if (cands.length > shown.length) rows.push(colours.dim(`… ${cands.length - shown.length} more`));
  return rows.join('\n');
}

/** Names that need the compiler's registry, from a Session of the evaluator's own kind, built on first use. */
function registryNamesLoader(): () => { core: string[]; modules: Map<string, string[]> } {
  let cached: { core: string[]; modules: Map<string, string[]> } | null = null;
  return () => cached ??= buildRegistryNames();
}

function buildRegistryNames(): { core: string[]; modules: Map<string, string[]> } {
  const s = new GliaSession({});
  const core = [...s.registry.core.vars.keys()].filter((n) => !n.startsWith('-'));
  const modules = new Map<string, string[]>();
  for (const [name, ns] of s.registry.namespaces) {
    if (name === 'glia.core' || name === 'user') continue;
    modules.set(name.replace(/\./g, '/'), [...ns.vars.keys()].filter((n) => !n.startsWith('-')));
  }
  for (const [key, text] of Object.entries(SOURCES)) {
    const m = /^std\/(.*)\.glia$/.exec(key);
    if (m) modules.set(m[1]!, definitionsIn(text).defined);
  }
  return { core, modules };
}

export async function run(session: Session, opts: ShellAppOptions): Promise<number> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const colour = colourWanted(stdout);
  const colours = pc.createColors(colour);
  const ctl = new ShellController(session, {
    historyPath: opts.historyPath,
    style: style(colour),
    width: () => stdout.columns || 80,
    registryNames: registryNamesLoader(),
  });
  const probe = process.env.WW_SHELL_PROBE ? startProbe(process.env.WW_SHELL_PROBE, stdout) : null;
  const reader = new KeyReader();
  const onData = (chunk: string | Buffer) => {
    probe?.key();
    for (const k of reader.read(typeof chunk === 'string' ? chunk : chunk.toString('utf8'))) {
      // A fault in handling one key is shown under the prompt, never a crash that leaves the terminal raw.
      try { ctl.key(k); } catch (e) { ctl.fault(e); }
    }
  };
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.on('data', onData);
  stdin.resume();
  // Bracketed paste: a pasted form arrives whole, its newlines not taken as Enter.
  stdout.write('\x1b[?2004h');
  let ink: ReturnType<typeof render> | undefined;
  try {
    ink = render(h(Shell, { ctl, colours, rows: () => stdout.rows || 24, columns: () => stdout.columns || 80 }), {
      stdout, stdin, exitOnCtrlC: false, patchConsole: false, maxFps: 120, incrementalRendering: true,
    });
    return await ctl.done;
  } finally {
    // Whatever happened, the terminal is given back as it was found.
    if (ink) {
      ink.unmount();
      await ink.waitUntilExit().catch(() => {});
    }
    stdin.off('data', onData);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
    stdout.write('\x1b[?2004l');
    probe?.finish();
  }
}

/**
 * WW_SHELL_PROBE=FILE (the shell benchmark): times each key from its
 * arrival to the next write to the terminal (the repaint it caused), in
 * wall-clock time and in this process's CPU time (which a loaded machine
 * disturbs less), and the first prompt from the process's start; written
 * to FILE as JSON when the shell ends.
 */
function startProbe(file: string, stdout: NodeJS.WriteStream) {
  const pending: { wall: number; cpu: NodeJS.CpuUsage }[] = [];
  const latencies: number[] = [];
  const cpuLatencies: number[] = [];
  let firstPrompt: number | null = null;
  const write = stdout.write.bind(stdout);
  stdout.write = ((chunk: any, ...rest: any[]) => {
    const r = write(chunk, ...rest);
    const now = performance.now();
    if (firstPrompt === null && String(chunk).includes('=>')) firstPrompt = now;
    for (const t of pending) {
      latencies.push(now - t.wall);
      const c = process.cpuUsage(t.cpu);
      cpuLatencies.push((c.user + c.system) / 1000);
    }
    pending.length = 0;
    return r;
  }) as typeof stdout.write;
  return {
    key: () => { pending.push({ wall: performance.now(), cpu: process.cpuUsage() }); },
    finish: () => {
      stdout.write = write as typeof stdout.write;
      writeFileSync(file, JSON.stringify({ firstPromptMs: firstPrompt, latenciesMs: latencies, cpuLatenciesMs: cpuLatencies }));
    },
  };
}
