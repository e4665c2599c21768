// Step 1 of `ww build`: the cell's source compiled and its top level run in
// Node, as the cell will do inside componentize-js, so mistakes come back
// with code frames before the slow step. It runs on the probe's worker
// thread (probe.ts), because a top level that never ends must not hang
// the build.
import { StaticError } from '../../../glia/eval/session.js';
import { GliaError } from '../../../glia/values/errors.js';
import { formatReport, spanOfError, toReport } from '../../cli/report.js';
import { cellSession, cellFunction, cellCapability, ENTRY_FN, type CellConfig } from '../guest/engine.js';
import type { Session } from '../../../glia/eval/session.js';
import { BuildError } from './errors.js';

/** The cell's session after its top level ran; throws BuildError for what the cell would fail on. */
export function compileCheck(cfg: CellConfig): Session {
  const session = cellSession(cfg, { stdout: () => null, stdin: () => '', exit: () => null });
  session.currentFile = cfg.file;
  try {
    session.runSync(cfg.source, cfg.file);
  } catch (e) {
    if (!(e instanceof GliaError)) throw e;
    const report = formatReport(toReport(e), new Map([[cfg.file, cfg.source]]), spanOfError(e));
    const what = e instanceof StaticError ? 'does not compile' : 'fails while its top level runs (at build time)';
    throw new BuildError('build/compile', `${cfg.file} ${what}`, undefined, `${report}\nerror[build/compile]: ${cfg.file} ${what}`);
  }
  if (cfg.mode === 'vat') {
    if (!cellCapability(session, cfg.export!)) {
      throw new BuildError('build/no-export', `${cfg.file} defines no capability ${cfg.export}, which cell.edn names as the cell's :export`,
        `add (defcap ${cfg.export} :method (fn [x] ...))`);
    }
    return session;
  }
  const fn = ENTRY_FN[cfg.mode];
  if (!cellFunction(session, fn)) {
    const shape = cfg.mode === 'http' ? '(defn handle [req] {:status 200 :body "hi"})' : '(defn main [args] (println "hi"))';
    throw new BuildError('build/no-entry-fn', `${cfg.file} defines no ${fn} function, which a ${cfg.mode} cell needs`, `add ${shape}`);
  }
  return session;
}

