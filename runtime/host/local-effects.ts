// Host effects for running Glia locally (`ww eval`, `ww test`): :stdout
// writes to the process, :load reads files relative to the running script,
// :import of a path loads a .glia file, :exit ends the session.
import { readFile } from 'node:fs/promises';
import { dirname, resolve, isAbsolute } from 'node:path';
import type { SessionOptions, Session } from '../../glia/eval/session.js';
import { gliaError } from '../../glia/values/errors.js';
import { prStr } from '../../glia/values/printer.js';
import { SessionExit } from '../../glia/eval/ops.js';


/** Resolves `path` against the directory of the file that asked for it. */
export function resolveFrom(path: string, fromFile: string, baseDir: string): string {
  if (isAbsolute(path)) return path;
  const dir = fromFile.startsWith('<') ? baseDir : dirname(resolve(baseDir, fromFile));
  return resolve(dir, path);
}

export function localEffects(baseDir: string, write: (s: string) => void): SessionOptions {
  return {
    effects: {
      stdout: (data) => { write(typeof data === 'string' ? data : prStr(data)); return null; },
      load: async (path: any, session: Session) => {
        if (typeof path !== 'string') throw gliaError('type-mismatch', `:load expects a path string, got ${prStr(path)}`);
        const full = resolveFrom(path, session.currentFile, baseDir);
        try { return new Uint8Array(await readFile(full)); }
        catch (e: any) { throw gliaError('cap-call-failed', `cannot load ${path}: ${e.code ?? e.message}`, { path }); }
      },
      exit: (code: any) => {
        const n = typeof code === 'bigint' ? Number(code) : code === null ? 0 : code;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 255) {
          throw gliaError('type-mismatch', `:exit takes an integer from 0 to 255, got ${prStr(code)}`, null, '(exit 0) for success, (exit 1) for failure');
        }
        throw new SessionExit(n);
      },
    },
    loadSource: async (path: string, fromFile: string) => {
      const file = resolveFrom(path.endsWith('.glia') ? path : `${path}.glia`, fromFile, baseDir);
      try { return { source: await readFile(file, 'utf8'), file }; }
      catch (e: any) { throw gliaError('unknown-module', `cannot import ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, { path }); }
    },
  };
}
