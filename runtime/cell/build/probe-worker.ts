// The probe's worker thread (probe.ts): step 1 of `ww build` (compile the
// cell and run its top level), then, for an http cell, its `handle` asked
// for `GET /` as the build-time warm-up will ask it (runtime/cell/guest/
// warm-up.ts). It reports each phase as it ends, so the build knows which
// one did not finish when it has to end this thread.
import '../../polyfill.js';
import { parentPort, workerData } from 'node:worker_threads';
import { compileCheck } from './compile-check.js';
import { BuildError } from './errors.js';
import { cellFunction, callGlia, type CellConfig } from '../guest/engine.js';
import { requestMap, cgiResponse } from '../guest/http.js';

export type ProbeMessage =
  | { phase: 'checked' }
  | { phase: 'answered' }
  | { phase: 'failed'; error: { code: BuildError['code']; message: string; hint?: string; report?: string } };

const cfg = workerData as CellConfig;
const post = (m: ProbeMessage) => parentPort!.postMessage(m);

let session;
try {
  session = compileCheck(cfg);
} catch (e) {
  if (!(e instanceof BuildError)) throw e;
  post({ phase: 'failed', error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}), ...(e.report ? { report: e.report } : {}) } });
  process.exit(0);
}
post({ phase: 'checked' });
if (cfg.mode === 'http' && !cfg.engine) {
  // What warm-up.ts does in its scratch session; a failure here is ignored
  // there too (the cell is then only slower on its first request).
  try {
    const handle = cellFunction(session, 'handle');
    cgiResponse(callGlia(session, handle, [requestMap(new Map([['REQUEST_METHOD', 'GET']]), new Uint8Array(0))]));
  } catch { /* see above */ }
  post({ phase: 'answered' });
}
