// Host effects for running Glia locally (`ww eval`, `ww test`): :stdout
// writes to the process, :load reads files relative to the running script,
// :import of a path loads a .glia file, :exit ends the session.
import { dirname, resolve, isAbsolute } from 'node:path';
import { StaticError, type SessionOptions, type Session } from '../../glia/eval/session.js';
import { readInput, readSource, InputError, LOAD_LIMIT } from '../cli/read-input.js';
import { gliaError } from '../../glia/values/errors.js';
import { diagnostic } from '../../glia/diagnostics.js';
import { pointSpan } from '../../glia/reader/read.js';
import { prStr } from '../../glia/values/printer.js';
import { SessionExit } from '../../glia/eval/ops.js';


/** Resolves `path` against the directory of the file that asked for it. */
export function resolveFrom(path: string, fromFile: string, baseDir: string): string {
  if (isAbsolute(path)) return path;
  const dir = fromFile.startsWith('<') ? baseDir : dirname(resolve(baseDir, fromFile));
  return resolve(dir, path);
}

/** :exit code: ends the session (a script, a `ww eval`) with an integer from 0 to 255; nil is 0. */
export function exitEffect(code: any): never {
  const n = typeof code === 'bigint' ? Number(code) : code === null || code === undefined ? 0 : code;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 255) {
    throw gliaError('type-mismatch', `:exit takes an integer from 0 to 255, got ${prStr(code)}`, null, '(exit 0) for success, (exit 1) for failure');
  }
  throw new SessionExit(n);
}

export function localEffects(baseDir: string, write: (s: string) => void): SessionOptions {
  return {
    effects: {
      stdout: (data) => { write(typeof data === 'string' ? data : prStr(data)); return null; },
      load: async (path: any, session: Session) => {
        if (typeof path !== 'string') throw gliaError('type-mismatch', `:load expects a path string, got ${prStr(path)}`);
        const full = resolveFrom(path, session.currentFile, baseDir);
        try { return new Uint8Array(await readInput(full, LOAD_LIMIT)); }
        catch (e) {
          if (!(e instanceof InputError)) throw e;
          // Say it with the path as the program wrote it, not the resolved one.
          const why = e.message.startsWith(`cannot read ${full}: `) ? e.message.slice(`cannot read ${full}: `.length) : e.message.replaceAll(full, path);
          throw gliaError(e.code === 'io' ? 'cap-call-failed' : 'limit', `cannot load ${path}: ${why}`, { path }, e.hint);
        }
      },
      exit: exitEffect,
    },
    loadSource: async (path: string, fromFile: string) => {
      const file = resolveFrom(path.endsWith('.glia') ? path : `${path}.glia`, fromFile, baseDir);
      try { return { source: (await readSource(file)).text, file }; }
      catch (e) {
        if (!(e instanceof InputError)) throw e;
        // Bad UTF-8 is a read error at its place in the module, like any other.
        if (e.diagnostic) throw new StaticError([e.diagnostic]);
        if (e.code === 'read/too-large') throw new StaticError([diagnostic(e.code, pointSpan(file, 1, 1, 0), e.message, e.hint)]);
        const why = e.message.startsWith(`cannot read ${file}: `) ? e.message.slice(`cannot read ${file}: `.length) : e.message;
        throw gliaError('unknown-module', `cannot import ${path}: ${why}`, { path }, e.hint);
      }
    },
  };
}
