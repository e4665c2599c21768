// `ww cell run FILE.wasm`: runs a component as a cell on this machine with
// no grants, the way `wasmtime run` runs one: the arguments and
// environment given here and nothing else, stdio by mode, limits on. The
// cell's exit code becomes ww's; a refused load or a limit prints the
// structured error (error[cell/...]) on stderr and exits 1.
import { STATUS_CODES } from 'node:http';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { CellError } from '../cell/errors.js';
import { CellRuntime } from '../cell/runtime.js';
import { DEFAULT_LIMITS, type CellLimits } from '../cell/limits.js';
import { runHttpCell } from '../cell/cgi.js';
import { parse, UsageError } from './args.js';
import { readInput, readStream, InputError, COMPONENT_LIMIT, type InputLimit } from './read-input.js';
import { formatError } from './report.js';
import { cellProjectFor } from '../node/missing-cell.js';
import { errStyle, outStyle, paintHelp, paintFormatted } from './colour.js';

/** An http-mode request body from stdin: the listener's default cap (runtime/cell/http-listener.ts). */
const BODY_LIMIT: InputLimit = { maxBytes: 10 * 1024 * 1024, what: 'a request body' };
import type { Io } from './io.js';

export const CELL_HELP = `Usage: ww cell run FILE.wasm [options]

Runs a WebAssembly component (WASI 0.2) as a cell, with no grants: it sees
only the arguments and environment given here, no files, no network.

Options:
      --mode MODE          raw (default: stdin and stdout pass straight through),
                           http (WAGI: --request is sent, the CGI response printed),
                           vat (stdin and stdout pass straight through and carry
                           Cap'n Proto: the caller is the cell's peer)
      --arg A              an argument for the cell (repeat for more)
      --env K=V            an environment variable for the cell (repeat for more)
      --timeout-ms N       wall-clock and CPU budget in ms (default ${DEFAULT_LIMITS.timeoutMs}; 0 for none)
      --memory-mb N        memory ceiling in MiB (default ${DEFAULT_LIMITS.memoryBytes / 1024 / 1024})
      --request "M /path"  http mode: the request line (the body is read from stdin
                           unless stdin is a terminal)
  -h, --help               show this help

Exit status: the cell's exit code; 1 with error[cell/...] on stderr when the
component cannot load or the cell hits a limit or traps; 2 for a usage error.`;

/** Where a cell's stdio goes; the process's own by default. */
export interface CellStdio {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
}

const processStdio = (): CellStdio => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });

export async function cellCommand(args: string[], io: Io, stdio: CellStdio = processStdio()): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help') { io.out(paintHelp(CELL_HELP, outStyle(io)) + '\n'); return sub === undefined ? 2 : 0; }
  if (sub !== 'run') throw new UsageError(`unknown cell command '${sub}'\nrun 'ww cell --help' for usage`);
  const { values, positionals } = parse('cell run', rest, {
    mode: { type: 'string' },
    arg: { type: 'string', multiple: true },
    env: { type: 'string', multiple: true },
    'timeout-ms': { type: 'string' },
    'memory-mb': { type: 'string' },
    request: { type: 'string' },
  });
  if (values.help) { io.out(paintHelp(CELL_HELP, outStyle(io)) + '\n'); return 0; }
  if (positionals.length !== 1) throw new UsageError("ww cell run needs one FILE.wasm\nrun 'ww cell --help' for usage");
  const mode = values.mode ?? 'raw';
  if (mode !== 'raw' && mode !== 'http' && mode !== 'vat') throw new UsageError(`--mode must be raw, http or vat, not ${JSON.stringify(mode)}`);
  if (values.request !== undefined && mode !== 'http') throw new UsageError('--request is for --mode http');
  const env = (values.env ?? []).map((kv): [string, string] => {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env takes NAME=VALUE, not ${JSON.stringify(kv)}`);
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  });
  const limits: Partial<CellLimits> = {};
  if (values['timeout-ms'] !== undefined) {
    const ms = count('--timeout-ms', values['timeout-ms']);
    limits.timeoutMs = limits.cpuMs = ms === 0 ? null : ms;
  }
  if (values['memory-mb'] !== undefined) {
    const mb = count('--memory-mb', values['memory-mb']);
    if (mb === 0) throw new UsageError('--memory-mb must be at least 1');
    limits.memoryBytes = mb * 1024 * 1024;
  }
  const request = mode === 'http' ? requestLine(values.request ?? 'GET /') : undefined;

  const file = positionals[0]!;
  let wasm: Uint8Array;
  try { wasm = await readInput(file, COMPONENT_LIMIT); }
  catch (e) {
    if (!(e instanceof InputError)) throw e;
    // A missing bin/NAME.wasm of a cell project is a build not made yet: name it.
    const project = e.code === 'io' && !existsSync(file) && basename(dirname(file)) === 'bin' ? cellProjectFor(`bin/${basename(file)}`, [dirname(dirname(file))]) : null;
    const err = project === null ? e : new InputError(e.code, e.message, { hint: `it is what \`ww build ${project}\` makes of the cell project there: run that first` });
    io.err(formatError(err, new Map(), errStyle(io)) + '\n');
    return 1;
  }

  // No idle worker is kept: this process runs one cell and ends.
  const runtime = new CellRuntime({ warmWorkers: 0 });
  try {
    const cell = await runtime.load(wasm, basename(file));
    if (request) {
      const body = stdio.stdin.isTTY ? new Uint8Array(0) : await readStream(stdio.stdin, BODY_LIMIT);
      const r = await runHttpCell(cell, { ...request, headers: [], body }, { limits, args: values.arg ?? [] });
      const head = [`HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}`.trimEnd(), ...r.headers.map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
      await write(stdio.stderr, r.stderr);
      await write(stdio.stdout, Buffer.concat([Buffer.from(head), r.body]));
      return r.exitCode;
    }
    // raw and vat: stdio passes through. In vat mode the caller speaks Cap'n Proto to the cell
    // (with no grants here, there is no membrane of ours in between).
    const p = cell.spawn({ mode: mode === 'vat' ? 'vat' : 'raw', args: values.arg ?? [], env, limits });
    stdio.stdin.pipe(p.stdin);
    p.stdout.pipe(stdio.stdout, { end: false });
    p.stderr.pipe(stdio.stderr, { end: false });
    const status = await p.result();
    // Stop reading our stdin: the cell will not, and a pending read would keep ww alive.
    stdio.stdin.unpipe(p.stdin);
    stdio.stdin.pause();
    if ('destroy' in stdio.stdin && stdio.stdin !== process.stdin) stdio.stdin.destroy();
    await Promise.all([finished(p.stdout).catch(() => {}), finished(p.stderr).catch(() => {})]);
    if ('error' in status) throw status.error;
    return status.code;
  } catch (e) {
    if (e instanceof InputError) { io.err(formatError(e, new Map(), errStyle(io)) + '\n'); return 1; }
    if (!(e instanceof CellError)) throw e;
    io.err(paintFormatted(e.format(), errStyle(io)) + '\n');
    return 1;
  } finally {
    await runtime.close();
    if (stdio.stdin === process.stdin) process.stdin.unref?.();
  }
}

function count(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} takes a whole number, not ${JSON.stringify(text)}`);
  return Number(text);
}

function requestLine(line: string): { method: string; url: string } {
  const m = /^([A-Z]+) (\/\S*)$/.exec(line.trim());
  if (!m) throw new UsageError(`--request takes "METHOD /path", such as "GET /status", not ${JSON.stringify(line)}`);
  return { method: m[1]!, url: m[2]! };
}

function write(s: Writable, bytes: Uint8Array): Promise<void> {
  if (bytes.length === 0) return Promise.resolve();
  return new Promise((res, rej) => s.write(bytes, (e) => (e ? rej(e) : res())));
}
