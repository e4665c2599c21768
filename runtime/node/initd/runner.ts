// Runs a node's boot scripts, `etc/init.d/*.glia` of its image, in
// lexicographic order, each in a worker thread of its own (worker.ts says
// why). A script that ends quickly ends before the next starts; one that
// keeps running past `settleMs` (a service loop) goes on in the
// background while the next starts, so no script holds up the boot. A
// script's worker outlives the script: what it handed out (the grants of
// a cell it serves) is served from its vat until the node stops. A
// script that fails to read, check or run is logged with its name, code
// and location, and the others still run.
import { MessageChannel, Worker } from 'node:worker_threads';
import { Connection } from '../../rpc/conn.js';
import { portTransport } from '../../rpc/transport.js';
import type { Membrane } from '../../membrane/membrane.js';
import { workerEntryNextTo } from '../../cell/worker-url.js';
import { decodeSource } from '../../../glia/reader/utf8.js';
import type { Image } from '../image.js';
import type { Logger } from '../log.js';
import type { ScriptEvent, ScriptWorkerData, LoadAnswer } from './protocol.js';

export interface InitScriptsOptions {
  image: Image;
  /** The membrane each script grafts (every script gets its own connection to it). */
  membrane: Membrane;
  /** The capability names the graft binds. */
  grants: string[];
  log: Logger;
  /** How long a script runs before the next one starts beside it (default 1000 ms). */
  settleMs?: number;
  /** Heap ceiling of each script's worker, in MiB (default 512). */
  heapMb?: number;
}

export type ScriptState = 'starting' | 'running' | 'finished' | 'failed' | 'skipped' | 'stopped';

interface Running {
  file: string; worker: Worker; conn: Connection; state: ScriptState;
  /** The script's top level ended (returned, exited or failed), or its worker did. */
  scriptEnded: Promise<void>;
  /** The worker exited. */
  ended: Promise<void>;
}

const MAX_MODULE_BYTES = 1024 * 1024;
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

export class InitScripts {
  private readonly running: Running[] = [];
  private stopping = false;
  readonly states = new Map<string, ScriptState>();

  constructor(private readonly opts: InitScriptsOptions) {}

  /** Starts every script in order. Resolves once each has ended or settled into the background. */
  async start(): Promise<void> {
    const scripts = this.opts.image.initScripts();
    if (!scripts.length) { this.opts.log.info('init.d: no scripts in etc/init.d/'); return; }
    const modules = await this.modules();
    const entry = await workerEntryNextTo(new URL('./worker.js', import.meta.url));
    for (const file of scripts) {
      if (this.stopping) break;
      await this.runOne(file, modules, entry);
    }
  }

  /**
   * Ends every script still running (their workers are terminated). With
   * `graceMs`, a script whose top level still runs gets that long to end
   * by itself first (after an epoch advance, to see `stale-epoch` and wind
   * down); a script that has ended is stopped at once.
   */
  async stop(graceMs = 0): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running.map(async (r) => {
      if (graceMs > 0 && (r.state === 'running' || r.state === 'starting')) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([r.scriptEnded, new Promise<void>((res) => { timer = setTimeout(res, graceMs); })]);
        clearTimeout(timer);
      }
      if (r.state === 'running' || r.state === 'starting') this.states.set(r.file, (r.state = 'stopped'));
      r.conn.close();
      await r.worker.terminate();
      await r.ended;
    }));
  }

  private async runOne(file: string, modules: Record<string, string>, entry: URL): Promise<void> {
    const { log, image } = this.opts;
    const name = file.slice('etc/init.d/'.length);
    let bytes: Uint8Array;
    try { bytes = await image.read(file, MAX_SOURCE_BYTES); }
    catch (e) { return this.skip(file, `init.d ${name}: cannot read it: ${(e as Error).message}`, { code: 'node/init' }); }
    const decoded = decodeSource(bytes, file);
    if (!decoded.ok) {
      const d = decoded.diagnostic;
      return this.skip(file, `init.d ${name}:${d.span.line}:${d.span.col}: error[${d.code}]: ${d.message}; skipped`, { code: d.code, ...(d.hint ? { hint: d.hint } : {}) });
    }

    const { port1, port2 } = new MessageChannel();
    const conn = new Connection(portTransport(port1), { bootstrap: this.opts.membrane.server() });
    const data: ScriptWorkerData = { file, source: decoded.text, modules, grants: this.opts.grants, rpcPort: port2 };
    const worker = new Worker(entry, {
      workerData: data, transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: this.opts.heapMb ?? 512, stackSizeMb: 16 },
      stdout: false, stderr: false,
    });
    let settle!: () => void;
    const settled = new Promise<void>((r) => { settle = r; });
    let failed = false;
    let endScript!: () => void;
    const r: Running = { file, worker, conn, state: 'starting', scriptEnded: new Promise<void>((res) => { endScript = res; }), ended: Promise.resolve() };
    this.states.set(file, 'starting');
    this.running.push(r);
    const set = (s: ScriptState) => { r.state = s; this.states.set(file, s); };
    const started = Date.now();

    worker.on('message', (m: ScriptEvent) => {
      switch (m.t) {
        case 'stdout':
          for (const line of m.text.replace(/\n$/, '').split('\n')) log.info(`${name}: ${line}`, { script: file });
          break;
        case 'load':
          void image.read(m.path).then(
            (d) => { const copy = d.slice(); worker.postMessage({ t: 'loaded', id: m.id, data: copy } satisfies LoadAnswer, [copy.buffer]); },
            (e) => {
              // The image's hint (what builds a missing cell) goes with the error to the script's log line.
              const hint = (e as { hint?: unknown }).hint;
              worker.postMessage({ t: 'load-failed', id: m.id, message: `cannot load ${m.path}: ${(e as Error).message}`, ...(typeof hint === 'string' ? { hint } : {}) } satisfies LoadAnswer);
            },
          );
          break;
        case 'diagnostics':
          for (const d of m.items) {
            const text = `init.d ${name}:${d.line}:${d.col}: ${d.severity}[${d.code}]: ${d.message}`;
            const fields = { script: file, code: d.code, line: d.line, col: d.col, ...(d.hint ? { hint: d.hint } : {}) };
            if (d.severity === 'error') { failed = true; log.error(text, fields); } else log.warn(text, fields);
          }
          if (failed) log.error(`init.d ${name}: not run: it has errors`, { script: file });
          break;
        case 'started':
          set('running');
          break;
        case 'done':
          set('finished');
          log.info(`init.d ${name}: finished in ${Date.now() - started} ms`, { script: file, value: m.value });
          endScript();
          settle();
          break;
        case 'exit':
          set(m.code === 0 ? 'finished' : 'failed');
          (m.code === 0 ? log.info : log.warn)(`init.d ${name}: exited with ${m.code}`, { script: file, exit_code: m.code });
          endScript();
          settle();
          break;
        case 'failed': {
          set('failed');
          const at = m.line ? `:${m.line}:${m.col}` : '';
          log.error(`init.d ${name}${at}: error[${m.code}]: ${m.message}`, { script: file, code: m.code, ...(m.hint ? { hint: m.hint } : {}) });
          endScript();
          settle();
          break;
        }
      }
    });
    r.ended = new Promise<void>((resolve) => {
      worker.once('error', (e) => {
        if (this.stopping) return;
        set('failed');
        const what = /heap|memory/i.test(e.message) ? 'it ran out of memory' : e.message;
        log.error(`init.d ${name}: error[node/init]: the script's worker failed: ${what}`, { script: file, code: 'node/init' });
      });
      worker.once('exit', () => {
        if (r.state === 'starting' || r.state === 'running') set(failed ? 'skipped' : this.stopping ? 'stopped' : 'finished');
        conn.close();
        endScript();
        settle();
        resolve();
      });
    });
    const timer = setTimeout(() => {
      if (r.state === 'running' || r.state === 'starting') log.info(`init.d ${name}: keeps running in the background`, { script: file });
      settle();
    }, this.opts.settleMs ?? 1000);
    await settled;
    clearTimeout(timer);
  }

  private skip(file: string, message: string, fields: Record<string, unknown>): void {
    this.states.set(file, 'skipped');
    this.opts.log.error(message, { script: file, ...fields });
  }

  /** Every lib/**.glia of the image, as text: what scripts may import (bounded). */
  private async modules(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    let total = 0;
    for (const path of this.opts.image.files.keys()) {
      if (!path.startsWith('lib/') || !path.endsWith('.glia')) continue;
      try {
        const bytes = await this.opts.image.read(path, MAX_MODULE_BYTES);
        total += bytes.length;
        if (total > MAX_SOURCE_BYTES) { this.opts.log.warn(`init.d: lib/ holds over ${MAX_SOURCE_BYTES} bytes of modules; the rest cannot be imported`); break; }
        const d = decodeSource(bytes, path);
        if (d.ok) out[path] = d.text;
        else this.opts.log.warn(`init.d: ${path} cannot be imported: ${d.diagnostic.message}`, { code: d.diagnostic.code });
      } catch (e) {
        this.opts.log.warn(`init.d: ${path} cannot be imported: ${(e as Error).message}`);
      }
    }
    return out;
  }
}
