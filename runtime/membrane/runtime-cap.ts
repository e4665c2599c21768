// The Runtime capability as a Glia value: the schema's `:load`, plus the
// convenience Glia layers on it (doc/language.md §8, "Conveniences";
// listed for the checker in glia/compile/conveniences.ts):
//
//   (perform runtime :run wasm :args [...] :env {...} :caps {...} :limits {...})
//
// loads, spawns and waits in one step and returns the exit code. `wasm` is
// the component's bytes or a cell value, whose grants (runtime/membrane/
// cell-grants.ts) become the spawn's caps. Every step is a real call on
// the capability's hook (Runtime.load, then Executor.spawn and Process.wait
// pipelined on it), so an attenuated or revoked runtime refuses :run as it
// refuses :load, and a cell error comes back as the same Glia error type
// (:cell/timeout, ...) it is locally.
import * as $ from 'capnp-es';
import { List, Map as IMap } from 'immutable';
import { Keyword, kw } from '../../glia/values/keyword.js';
import { fail } from '../../glia/values/errors.js';
import { prStr } from '../../glia/values/printer.js';
import { toArray } from '../../glia/values/seq.js';
import { typeName } from '../../glia/core/type.js';
import { CapabilityBase } from '../../glia/values/capability.js';
import { CellValue } from '../../glia/values/cell.js';
import { Runtime$Client, Executor$Client, Process$Client, Process_Wait$Results } from '../../schema/generated/system.js';
import { writeExports, type ExportSpec } from './membrane.js';
import { RpcCap, capValueClasses, toGlia, type GliaBridge } from './glia-cap.js';
import { cellGrants } from './cell-grants.js';

const RUN_OPTIONS = ['args', 'env', 'caps', 'limits'];
const LIMIT_FIELDS: Record<string, 'wallClockMs' | 'cpuMs' | 'memoryBytes' | 'outputBytes'> = {
  'wall-clock-ms': 'wallClockMs', 'cpu-ms': 'cpuMs', 'memory-bytes': 'memoryBytes', 'output-bytes': 'outputBytes',
};

export class RuntimeCap extends RpcCap {
  override invoke(method: Keyword, args: any[]): Promise<unknown> {
    if (method.ns === null && method.name === 'run') return this.run(args);
    if (method.ns === null && method.name === 'load' && args[0] instanceof CellValue) return super.invoke(method, [args[0].wasm, ...args.slice(1)]);
    return super.invoke(method, args);
  }

  override methods(): Keyword[] | null {
    const ms = super.methods();
    return ms ? [...ms, kw('run')] : ms;
  }

  private async run(args: any[]): Promise<number> {
    const [wasmArg, ...rest] = args;
    if (wasmArg === undefined) fail('arity-mismatch', 'Runtime :run takes a component (bytes or a cell) and options', null, '(perform runtime :run wasm :args ["a"] :env {"K" "v"})');
    if (rest.length % 2 !== 0) fail('arity-mismatch', 'Runtime :run options come in :name value pairs', null, `the options are ${RUN_OPTIONS.map((o) => ':' + o).join(' ')}`);
    const opts = new Map<string, unknown>();
    for (let i = 0; i < rest.length; i += 2) {
      const k = rest[i];
      if (!(k instanceof Keyword) || k.ns !== null || !RUN_OPTIONS.includes(k.name)) {
        fail('type-mismatch', `Runtime :run has no option ${prStr(k)}`, null, `the options are ${RUN_OPTIONS.map((o) => ':' + o).join(' ')}`);
      }
      opts.set(k.name, rest[i + 1]);
    }
    let wasm: Uint8Array;
    let caps: ExportSpec[] = [];
    if (wasmArg instanceof CellValue) {
      wasm = wasmArg.wasm;
      caps = cellGrants(wasmArg, this.bridge);
    } else if (wasmArg instanceof Uint8Array) wasm = wasmArg;
    else return fail('type-mismatch', `Runtime :run expects the component's bytes or a cell, got ${typeName(wasmArg)}`, null, '(perform runtime :run (load "bin/app.wasm"))');
    if (opts.has('caps')) {
      if (wasmArg instanceof CellValue) fail('type-mismatch', 'Runtime :run takes grants from the cell value or from :caps, not both');
      caps = capsOf(opts.get('caps'), this.bridge);
    }
    const argv = strings(opts.get('args') ?? List(), ':args');
    const env = envOf(opts.get('env') ?? IMap());
    const limits = limitsOf(opts.get('limits'));

    const load = this.hook.call({ method: Runtime$Client.methods[0]!, paramsFunc: (p: any) => { p._initWasm(wasm.length).copyBuffer(wasm); } });
    const exec = load.pipelineHook([{ field: 0 }]);
    const spawn = exec.call({
      method: Executor$Client.methods[0]!,
      paramsFunc: (p: any) => {
        const a = p._initArgs(argv.length); argv.forEach((x, i) => a.set(i, x));
        const e = p._initEnv(env.length); env.forEach((x, i) => e.set(i, x));
        writeExports(p._initCaps(caps.length), caps);
        if (limits.size) { const l = p._initLimits(); for (const [k, v] of limits) l[k] = v; }
      },
    });
    const proc = spawn.pipelineHook([{ field: 0 }]);
    try {
      const s = await proc.call({ method: Process$Client.methods[3]! }).struct();
      return $.utils.getAs(Process_Wait$Results, s).exitCode;
    } catch (e) {
      throw toGlia(e, 'Runtime :run');
    }
  }
}

capValueClasses.set(Runtime$Client.interfaceId, RuntimeCap);

function strings(v: unknown, what: string): string[] {
  return toArray(v as any).map((x) => {
    if (typeof x !== 'string') fail('type-mismatch', `${what} holds strings, got ${prStr(x)}`);
    return x;
  });
}

/** {"K" "v"} or ["K=v" ...] as KEY=VALUE strings. */
function envOf(v: unknown): string[] {
  if (IMap.isMap(v)) {
    return [...(v as IMap<unknown, unknown>)].map(([k, x]) => {
      if (typeof k !== 'string' || typeof x !== 'string') fail('type-mismatch', `:env maps strings to strings, got ${prStr(k)} ${prStr(x)}`);
      return `${k}=${x}`;
    });
  }
  return strings(v, ':env');
}

function capsOf(v: unknown, bridge: GliaBridge): ExportSpec[] {
  if (!IMap.isMap(v)) fail('type-mismatch', `:caps is a map of grant name to capability, got ${typeName(v)}`, null, '{"host" (attenuate host [:id])}');
  return [...(v as IMap<unknown, unknown>)].map(([name, cap]) => {
    if (typeof name !== 'string') fail('type-mismatch', `grant names are strings, got ${prStr(name)}`);
    if (!(cap instanceof CapabilityBase)) fail('type-mismatch', `grant ${name} must be a capability, got ${typeName(cap)}`);
    return { name, cap: bridge.hookOf(cap), interfaceId: bridge.interfaceIdOf(cap) };
  });
}

/** {:wall-clock-ms 200 ...} as Limits fields. */
function limitsOf(v: unknown): Map<'wallClockMs' | 'cpuMs' | 'memoryBytes' | 'outputBytes', bigint> {
  const out = new Map<'wallClockMs' | 'cpuMs' | 'memoryBytes' | 'outputBytes', bigint>();
  if (v === undefined || v === null) return out;
  if (!IMap.isMap(v)) fail('type-mismatch', `:limits is a map, got ${typeName(v)}`, null, '{:wall-clock-ms 1000 :memory-bytes 16777216}');
  for (const [k, x] of v as IMap<unknown, unknown>) {
    const f = k instanceof Keyword && k.ns === null ? LIMIT_FIELDS[k.name] : undefined;
    if (!f) fail('type-mismatch', `unknown limit ${prStr(k)}`, null, `limits are ${Object.keys(LIMIT_FIELDS).map((n) => ':' + n).join(' ')}`);
    const n = typeof x === 'bigint' ? x : typeof x === 'number' && Number.isSafeInteger(x) ? BigInt(x) : null;
    if (n === null || n < 0n) fail('type-mismatch', `limit ${prStr(k)} is a non-negative integer, got ${prStr(x)}`);
    out.set(f, n);
  }
  return out;
}
