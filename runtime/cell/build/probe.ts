// Running a cell's code at build time without letting it hang the build.
// Step 1 runs the cell's top level; an http cell's build-time warm-up
// (runtime/cell/guest/warm-up.ts) then asks its `handle` for `GET /`
// inside componentize-js, where nothing can stop it. Both are tried first
// here, on a worker thread that can be ended: a top level that does not
// finish is a build error, and a `handle` that does not answer in time is
// built without that warm-up (the cell is then slower on its first
// request), with a warning. The limits are wall-clock time and generous,
// since a loaded machine slows honest code too.
import { Worker } from 'node:worker_threads';
import { workerEntryNextTo } from '../worker-url.js';
import { BuildError } from './errors.js';
import type { CellConfig } from '../guest/engine.js';
import type { ProbeMessage } from './probe-worker.js';

export interface ProbeLimits {
  /** For compiling the cell and running its top level. */
  topLevelMs: number;
  /** For an http cell's `handle` to answer `GET /`, after the top level. */
  handleMs: number;
}

export const PROBE_LIMITS: ProbeLimits = { topLevelMs: 60_000, handleMs: 10_000 };

export interface ProbeResult {
  /** An http cell's `handle` answered (or threw) in time: the build-time warm-up may ask it. */
  handleAnswers: boolean;
}

export async function probeCell(cfg: CellConfig, limits: ProbeLimits = PROBE_LIMITS): Promise<ProbeResult> {
  const entry = await workerEntryNextTo(new URL('./probe-worker.js', import.meta.url));
  const worker = new Worker(entry, { workerData: cfg, stdout: true, stderr: true });
  const asksHandle = cfg.mode === 'http' && !cfg.engine;
  try {
    return await new Promise<ProbeResult>((resolve, reject) => {
      let timer = setTimeout(() => reject(topLevelTimeout(cfg, limits.topLevelMs)), limits.topLevelMs);
      worker.on('message', (m: ProbeMessage) => {
        if (m.phase === 'failed') { clearTimeout(timer); reject(new BuildError(m.error.code, m.error.message, m.error.hint, m.error.report)); }
        else if (m.phase === 'checked') {
          clearTimeout(timer);
          if (!asksHandle) { resolve({ handleAnswers: false }); return; }
          timer = setTimeout(() => resolve({ handleAnswers: false }), limits.handleMs);
        } else { clearTimeout(timer); resolve({ handleAnswers: true }); }
      });
      worker.on('error', (e) => { clearTimeout(timer); reject(new BuildError('build/compile', `checking ${cfg.file} failed: ${e.message}`)); });
      worker.on('exit', () => { clearTimeout(timer); reject(new BuildError('build/compile', `checking ${cfg.file} ended before its top level had run`)); });
    });
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}

function topLevelTimeout(cfg: CellConfig, ms: number): BuildError {
  return new BuildError('build/compile', `${cfg.file}'s top level did not finish within ${ms / 1000} s at build time`,
    'a cell runs its top level when it is built; a loop there never ends the build. Do long work in the entry function instead');
}
