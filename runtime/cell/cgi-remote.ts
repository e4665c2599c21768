// http mode through an Executor capability: one CGI request run by a cell
// that an Executor hook spawns, wherever it lives (this process, another
// vat, behind a membrane policy). Every step is a real call on the hook:
// Executor.spawn with the CGI environment, then Process.stdin/stdout/
// stderr/wait pipelined on it, so a policy sees the spawn and refuses it
// when the holder may not spawn, and nothing reaches the executor's
// component around it. runtime/cell/cgi.ts is the same exchange with a
// local Executor, without RPC.
//
// The node does not trust the far side to bound what it sends: the
// response is read up to `maxOutputBytes` (stdout and stderr together, as
// a local cell's output limit counts them), and past it the cell is killed
// and the request fails :cell/output-limit. Cell errors come back across
// RPC as `failed: cell/<code>: message` (runtime/cell/servers.ts) and are
// turned back into the CellError they were.
import * as $ from 'capnp-es';
import { Executor$Client, Executor_Cid$Results, Process$Client, ByteStream$Client, ByteStream_Read$Results, Process_Wait$Results } from '../../schema/generated/system.js';
import type { Hook } from '../rpc/hooks.js';
import { RpcError, toRpcError } from '../rpc/errors.js';
import { writeExports } from '../membrane/membrane.js';
import { cgiEnvironment, parseCgiResponse, type CgiRequest, type CgiResponse } from './cgi.js';
import { CELL_ERRORS, CellError, type CellErrorCode } from './errors.js';
import { DEFAULT_LIMITS } from './limits.js';

/** What each spawn gets besides the request: Executor.spawn's parameters, as the CellSpec gave them. */
export interface RemoteSpawn {
  args: readonly string[];
  /** `KEY=VALUE` strings; the CGI meta-variables win a clash, and WW_CELL_MODE is always http. */
  env: readonly string[];
  caps: ReadonlyArray<{ name: string; interfaceId: bigint; cap: Hook }>;
  /** Limits as on the wire (0: the executor's default); null for none given. */
  limits: { wallClockMs: bigint; cpuMs: bigint; memoryBytes: bigint; outputBytes: bigint } | null;
}

const SPAWN = Executor$Client.methods[0]!;
const CID = Executor$Client.methods[1]!;
const [STDIN, STDOUT, STDERR, WAIT, , KILL] = Process$Client.methods;
const [READ, WRITE, CLOSE] = ByteStream$Client.methods;
/** Bytes per ByteStream call: well under the RPC message limit. */
const CHUNK = 1024 * 1024;
const FIRST = [{ field: 0 }];

/** The component's CID, as the executor reports it. */
export async function remoteCid(executor: Hook): Promise<string> {
  const s = await executor.call({ method: CID }).struct();
  return $.utils.getAs(Executor_Cid$Results, s).cid;
}

/** Runs one request through a cell the executor spawns, and parses its answer. */
export async function runHttpCellRemote(executor: Hook, req: CgiRequest, spec: RemoteSpawn, signal: AbortSignal,
  maxOutputBytes: number = DEFAULT_LIMITS.outputBytes): Promise<CgiResponse> {
  const cgi = cgiEnvironment(req);
  const keyOf = (kv: string) => kv.slice(0, Math.max(0, kv.indexOf('=')));
  const env = [
    ...spec.env.filter((kv) => { const k = keyOf(kv); return k !== 'WW_CELL_MODE' && !cgi.some(([c]) => c === k); }),
    ...cgi.map(([k, v]) => `${k}=${v}`),
    'WW_CELL_MODE=http',
  ];
  const proc = executor.call({
    method: SPAWN,
    paramsFunc: (p: any) => {
      const a = p._initArgs(spec.args.length); spec.args.forEach((x, i) => a.set(i, x));
      const e = p._initEnv(env.length); env.forEach((x, i) => e.set(i, x));
      writeExports(p._initCaps(spec.caps.length), spec.caps);
      if (spec.limits) Object.assign(p._initLimits(), spec.limits);
    },
  }).pipelineHook(FIRST);
  const kill = () => { proc.call({ method: KILL! }).struct().catch(() => {}); };
  if (signal.aborted) kill();
  else signal.addEventListener('abort', kill, { once: true });

  const stream = (m: typeof STDIN) => proc.call({ method: m! }).pipelineHook(FIRST);
  // The body goes in while the answer comes out: a cell may answer before it has read everything.
  void writeAll(stream(STDIN), req.body ?? new Uint8Array(0)).catch(() => {});
  let total = 0;
  const drain = async (h: Hook, keep: boolean): Promise<Uint8Array> => {
    const chunks: Uint8Array[] = [];
    for (;;) {
      const r = $.utils.getAs(ByteStream_Read$Results, await h.call({ method: READ!, paramsFunc: (p: any) => { p.maxBytes = CHUNK; } }).struct());
      const data = r.data.toUint8Array();
      total += data.length;
      if (total > maxOutputBytes) {
        kill();
        throw new CellError('cell/output-limit', `the cell wrote more than ${maxOutputBytes} bytes`, { outputBytes: maxOutputBytes });
      }
      if (keep && data.length) chunks.push(new Uint8Array(data));
      if (r.eof) return Buffer.concat(chunks);
    }
  };
  const waited = proc.call({ method: WAIT! }).struct().then((s) => $.utils.getAs(Process_Wait$Results, s).exitCode);
  try {
    const [stdout, , code] = await Promise.all([drain(stream(STDOUT), true), drain(stream(STDERR), false), waited]);
    if (code !== 0 && stdout.length === 0) {
      throw new CellError('cell/bad-cgi', `the cell exited with code ${code} without writing a response`, { exitCode: code });
    }
    return parseCgiResponse(stdout);
  } catch (e) {
    waited.catch(() => {});
    throw cellErrorOf(e);
  }
}

async function writeAll(stdin: Hook, body: Uint8Array): Promise<void> {
  for (let at = 0; at < body.length; at += CHUNK) {
    const chunk = body.subarray(at, at + CHUNK);
    await stdin.call({ method: WRITE!, paramsFunc: (p: any) => { p._initData(chunk.length).copyBuffer(chunk); } }).struct();
  }
  await stdin.call({ method: CLOSE! }).struct();
}

/** A failure from the far side as the CellError it was (`failed: cell/timeout: ...`), else as it came. */
export function cellErrorOf(e: unknown): CellError | RpcError {
  if (e instanceof CellError) return e;
  const r = toRpcError(e);
  const m = r.code === 'failed' ? /^(cell\/[a-z-]+): ([\s\S]*)$/.exec(r.message) : null;
  if (m && m[1]! in CELL_ERRORS) return new CellError(m[1] as CellErrorCode, m[2]!);
  return r;
}
