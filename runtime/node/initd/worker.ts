// One init.d script, in a worker thread of its own: the script may loop
// for ever, or spin without performing, and the node stays up (it
// terminates the worker on shutdown). The script is effect-checked first
// under the init.d context; if it has errors nothing of it runs. Then it
// grafts the node's membrane over a Cap'n Proto connection on its port,
// exactly as a remote vat would, and runs with the grafted capabilities
// bound by name. It stays up after the script ends (see the end). Local effects: :load reads the image (through the node),
// :import reads lib/ of the image, :stdout goes to the node's log, :sleep
// pauses, :exit ends the script.
import '../../polyfill.js';
import { parentPort, workerData } from 'node:worker_threads';
import type { ScriptWorkerData, ScriptEvent, LoadAnswer, ScriptDiagnostic } from './protocol.js';

const data = workerData as ScriptWorkerData;
const port = parentPort!;
const post = (e: ScriptEvent) => port.postMessage(e);

const { checkSource, makeContext } = await import('../../../glia/index.js');
const { Session } = await import('../../../glia/eval/session.js');
const { SessionExit } = await import('../../../glia/eval/ops.js');
const { prStr } = await import('../../../glia/values/printer.js');
const { gliaError } = await import('../../../glia/values/errors.js');
const { toReport, spanOfError } = await import('../../cli/report.js');
const { exitEffect } = await import('../../host/local-effects.js');
const { Connection } = await import('../../rpc/conn.js');
const { portTransport } = await import('../../rpc/transport.js');
const { Membrane$Client } = await import('../../../schema/generated/membrane.js');
const { readGraft } = await import('../../membrane/membrane.js');
const { GliaBridge, bindGraft } = await import('../../membrane/glia-cap.js');
// Value classes with Glia conveniences (runtime :run, host :listen) register on import.
await import('../../membrane/runtime-cap.js');
await import('../../membrane/host-cap.js');
await import('../../membrane/routing-cap.js');
// The generated clients of the other interfaces a graft hands out (identity,
// http-client) register on import too; without them a call on those cannot be built.
await import('../../../schema/generated/auth.js');
await import('../../../schema/generated/http.js');

/** An image path for a module named by (import "name"): lib/name.glia, or as written when absolute. */
function modulePath(name: string, fromFile: string): string {
  const withExt = name.endsWith('.glia') ? name : `${name}.glia`;
  if (withExt.startsWith('/')) return withExt.slice(1);
  if (withExt.startsWith('./') || withExt.startsWith('../')) {
    const dir = fromFile.includes('/') ? fromFile.slice(0, fromFile.lastIndexOf('/')) : '';
    const parts = [...(dir ? dir.split('/') : []), ...withExt.split('/')];
    const out: string[] = [];
    for (const p of parts) { if (p === '..') out.pop(); else if (p !== '.') out.push(p); }
    return out.join('/');
  }
  return `lib/${withExt}`;
}
const findModule = (name: string, fromFile: string) => {
  const file = modulePath(name, fromFile);
  const source = data.modules[file];
  return source === undefined ? undefined : { source, file };
};

// 1. Check: the init.d context, with the capabilities this node grants.
const base = makeContext({ name: 'init.d' });
const granted = new Set(data.grants);
const context = {
  ...base,
  capabilities: new Map([...base.capabilities].filter(([name]) => granted.has(name))),
  methods: new Map([...base.methods].filter(([name]) => granted.has(name))),
};
const checked = checkSource(data.source, { file: data.file, context, loadModule: findModule });
const diagnostics: ScriptDiagnostic[] = checked.diagnostics.map((d) => ({
  severity: d.severity === 'error' ? 'error' : 'warning', code: d.code, message: d.message,
  line: d.span.line, col: d.span.col, ...(d.hint ? { hint: d.hint } : {}),
}));
if (diagnostics.length) post({ t: 'diagnostics', items: diagnostics });
if (diagnostics.some((d) => d.severity === 'error')) process.exit(0);

// 2. Graft the node's membrane.
const conn = new Connection(portTransport(data.rpcPort));
const membrane = new Membrane$Client(await conn.bootstrapClient() as any);
const grafted = readGraft(await membrane.graft().promise());
const bridge = new GliaBridge();

// 3. Run.
let nextLoad = 0;
const loads = new Map<number, { path: string; resolve: (d: Uint8Array) => void; reject: (e: unknown) => void }>();
port.on('message', (m: LoadAnswer) => {
  const w = loads.get(m.id);
  if (!w) return;
  loads.delete(m.id);
  if (m.t === 'loaded') w.resolve(m.data);
  else w.reject(gliaError('cap-call-failed', m.message, { path: w.path }, m.hint ?? 'a path in the image, such as /bin/app.wasm (the image root is /)'));
});

const session = new Session({
  capabilities: bindGraft(bridge, grafted),
  effects: {
    stdout: (d) => { post({ t: 'stdout', text: typeof d === 'string' ? d : prStr(d) }); return null; },
    load: (path) => {
      if (typeof path !== 'string') throw gliaError('type-mismatch', `:load expects a path in the image, got ${prStr(path)}`, null, '(load "/bin/app.wasm")');
      const id = nextLoad++;
      post({ t: 'load', id, path });
      return new Promise<Uint8Array>((resolve, reject) => loads.set(id, { path, resolve, reject }));
    },
    sleep: (ms) => {
      const n = typeof ms === 'bigint' ? Number(ms) : ms;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw gliaError('type-mismatch', `:sleep takes milliseconds, a number from 0 up, got ${prStr(ms)}`, null, '(perform :sleep 1000)');
      return new Promise((resolve) => setTimeout(() => resolve(null), Math.min(n, 2 ** 31 - 1)));
    },
    exit: exitEffect,
  },
  loadSource: (name, fromFile) => {
    const m = findModule(name, fromFile);
    if (!m) throw gliaError('unknown-module', `cannot import ${name}: the image has no ${modulePath(name, fromFile)}`, { path: name }, 'modules of an image live under lib/ (lib/NAME.glia for (import "NAME"))');
    return m;
  },
});
bridge.session = session;
session.currentFile = data.file;
post({ t: 'started' });
try {
  const value = await session.evalString(data.source, data.file);
  let printed: string;
  try { printed = prStr(value); } catch { printed = '#<unprintable>'; }
  post({ t: 'done', value: printed });
} catch (e) {
  if (e instanceof SessionExit) post({ t: 'exit', code: e.code });
  else {
    const r = toReport(e);
    const span = spanOfError(e);
    post({ t: 'failed', code: r.code, message: r.message, ...(span ? { line: span.line, col: span.col } : {}), ...(r.hint ? { hint: r.hint } : {}) });
  }
}
// The worker stays: capabilities the script handed out (a cell's grants
// on a WAGI route, a served vat) are this vat's exports, and they live as
// long as its connection does. The node ends the worker when it stops.
