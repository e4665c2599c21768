// The runtime inside a Glia cell (bundled into the component by `ww build`).
// `startCell` runs at the component's top level, which componentize-js
// executes at build time: it compiles the cell's source with the Glia
// engine (reader, analyzer, JS emitter), so the snapshot holds the
// compiled functions and a spawn only calls them. The returned object is
// the component's `wasi:cli/run` export.
//
// Protocols, by WW_CELL_MODE (doc/cells.md, "Glia cells"):
//   raw   (main args): args is a vector of the spawn's arguments; stdin and
//         stdout are the stream (:stdin reads the rest of stdin, println
//         writes stdout); an integer result is the exit code.
//   http  (handle req): the CGI request (environment + stdin) as a map
//         {:method :path :query :headers :body :script-name}; the response
//         map {:status :headers :body} becomes a CGI response on stdout;
//         println goes to stderr, since stdout is the response.
//   pid0  (main args) as in raw, but stdin/stdout carry the Cap'n Proto
//         connection to the cell's membrane (the grants are grafted over
//         it), so println goes to stderr and :stdin fails.
//   vat   the defcap the project names in :export is the cell's bootstrap
//         capability (GliaCap) on that same stdio connection; the cell
//         answers the host's calls until the host closes it, then exits 0.
import './init-random.js';
import { restoreRandom } from './init-random.js';
import { getArguments, getEnvironment } from 'wasi:cli/environment@0.2.12';
import { getStdin } from 'wasi:cli/stdin@0.2.12';
import { getStdout } from 'wasi:cli/stdout@0.2.12';
import { getStderr } from 'wasi:cli/stderr@0.2.12';
import { exitWithCode } from 'wasi:cli/exit@0.2.12';
import { SessionExit } from '../../../glia/eval/ops.js';
import { prStr } from '../../../glia/values/printer.js';
import { prepareReader } from '../../../glia/reader/read.js';
import { vectorOf } from '../../../glia/values/seq.js';
import { cellSession, cellFunction, cellCapability, callGlia, callGliaCap, ENTRY_FN, type CellConfig } from './engine.js';
import { requestMap, cgiResponse } from './http.js';
import { errorLine } from './error-line.js';
import { warmUp } from './warm-up.js';
import { nameCounters, saveNameCounters, restoreNameCounters } from '../../../glia/compile/name-counters.js';
import { setGrantCaller } from './grant-cap.js';
import { MembraneLink } from './membrane-link.js';
import type { ByteChannel } from '../sync-vat.js';
import { fail } from '../../../glia/values/errors.js';

type Sink = (bytes: Uint8Array) => void;
const enc = new TextEncoder();
const toStdout: Sink = (b) => writeAll(getStdout(), b);
const toStderr: Sink = (b) => writeAll(getStderr(), b);

function writeAll(s: { blockingWriteAndFlush(b: Uint8Array): void }, bytes: Uint8Array): void {
  // blocking-write-and-flush takes at most 4096 bytes per call (WASI 0.2).
  for (let at = 0; at < bytes.length; at += 4096) s.blockingWriteAndFlush(bytes.subarray(at, at + 4096));
}

/** vat mode: serves the defcap `name` on stdio until the host closes the connection. */
function serveVat(session: ReturnType<typeof cellSession>, name: string): void {
  const cap = cellCapability(session, name);
  if (!cap) {
    toStderr(enc.encode(`error[cell/no-export]: ${name} is not a capability (defcap) this cell defines\n`));
    exitWithCode(2);
    return;
  }
  const link = new MembraneLink(stdioChannel(), { serve: cap, invoke: (c, method, args) => callGliaCap(session, c, method, args) });
  setGrantCaller(link.call);
  link.serve();
}

/** stdin and stdout as one byte channel: the membrane connection of a pid0 or vat cell. */
function stdioChannel(): ByteChannel {
  const input = getStdin();
  return {
    read: (max) => {
      try { return input.blockingRead(BigInt(max)); } catch { return new Uint8Array(0); } // closed: end of stream
    },
    write: toStdout,
  };
}

function readStdin(): Uint8Array {
  const input = getStdin();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: Uint8Array;
    try { chunk = input.blockingRead(65536n); } catch { break; } // closed: end of stream
    parts.push(chunk);
    size += chunk.length;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  return all;
}

export function startCell(cfg: CellConfig): { run(): void } {
  // Where :stdout goes is decided per spawn (raw: stdout; http: stderr).
  let printSink: Sink = toStderr;
  let stdinRead = false;
  let stdioIsRpc = false;
  // Shared with the build-time warm-up's scratch session, which compiles the same code with the same names (warm-up.ts).
  const factories: NonNullable<Parameters<typeof cellSession>[2]> = new Map();
  const names = saveNameCounters();
  const session = cellSession(cfg, {
    stdout: (data) => { printSink(enc.encode(typeof data === 'string' ? data : prStr(data))); return null; },
    stdin: () => {
      if (stdioIsRpc) {
        fail('cell/no-stdin', 'in pid0 mode stdin carries the cell\'s Cap\'n Proto connection; there is no stdin to read', null,
          'run the cell in raw mode to read stdin');
      }
      // The whole of stdin, once: a second read gives "" (end of stream).
      if (stdinRead) return '';
      stdinRead = true;
      return new TextDecoder().decode(readStdin());
    },
    exit: (code) => {
      const n = typeof code === 'bigint' ? Number(code) : code ?? 0;
      throw new SessionExit(Number.isInteger(n) && n >= 0 && n <= 255 ? n : 1);
    },
  }, factories);
  session.currentFile = cfg.file;
  // The shared engine (cfg.engine) compiles nothing now: its program comes
  // with each spawn. It builds the reader's parser now, so that the snapshot
  // holds it and a spawn does not build it again.
  if (!cfg.engine) session.runSync(cfg.source, cfg.file);
  else prepareReader();
  // The paths every spawn runs, run once now so the snapshot has them compiled (warm-up.ts).
  warmUp(session, cfg, () => new MembraneLink({ read: () => new Uint8Array(0), write: () => {} }).call,
    () => {
      const after = saveNameCounters();
      restoreNameCounters(names);
      const s = cellSession(cfg, { stdout: () => null, stdin: () => '', exit: () => { throw new SessionExit(0); } }, factories);
      // Past both sessions' names, for whatever this cell compiles later (the engine's programs).
      return { session: s, done: () => restoreNameCounters({ js: Math.max(after.js, nameCounters.js), id: Math.max(after.id, nameCounters.id), gensym: Math.max(after.gensym, nameCounters.gensym) }) };
    });
  restoreRandom();

  return {
    run() {
      const env = new Map(getEnvironment());
      const mode = env.get('WW_CELL_MODE') ?? 'pid0';
      if (mode === 'vat' && cfg.export && !cfg.engine) {
        stdioIsRpc = true;
        serveVat(session, cfg.export);
        return;
      }
      if (mode !== 'raw' && mode !== 'http' && mode !== 'pid0') {
        toStderr(enc.encode(`error[cell/unsupported-mode]: ${cfg.name} is a Glia cell for raw, http and pid0 modes, not ${mode}\n` +
          (mode === 'vat' ? 'hint: a Glia cell serves a capability in vat mode when its project names one (:mode :vat :export NAME in cell.edn); this one does not\n'
            : 'hint: run it with --mode raw, --mode http, or in pid0 mode\n')));
        exitWithCode(2);
        return;
      }
      let argv = getArguments().slice(1);
      if (cfg.engine) {
        // The program is the first argument: Glia source, compiled here, per spawn.
        const [program, ...rest] = argv;
        argv = rest;
        if (program === undefined) {
          toStderr(enc.encode('error[cell/no-program]: the Glia engine runs the program given as its first argument, and there is none\n'));
          exitWithCode(2);
          return;
        }
        try { session.runSync(program, 'program.glia'); }
        catch (e) {
          toStderr(enc.encode(errorLine(e) + '\n'));
          exitWithCode(1);
          return;
        }
      }
      const f = cellFunction(session, ENTRY_FN[mode]);
      if (!f) {
        toStderr(enc.encode(`error[cell/no-entry-fn]: ${cfg.name} defines no ${ENTRY_FN[mode]} function, so it cannot run in ${mode} mode\n`));
        exitWithCode(2);
        return;
      }
      printSink = mode === 'raw' ? toStdout : toStderr;
      // pid0: the membrane connection is on stdio (stdin and stdout carry Cap'n Proto frames).
      stdioIsRpc = mode === 'pid0';
      // The cell's own capabilities passed to the host run on its session when the host calls them.
      setGrantCaller(new MembraneLink(stdioIsRpc ? stdioChannel() : undefined, { invoke: (c, method, args) => callGliaCap(session, c, method, args) }).call);
      let code = 0;
      try {
        if (mode === 'raw' || mode === 'pid0') {
          const result = callGlia(session, f, [vectorOf(argv)]);
          if (typeof result === 'number' && Number.isInteger(result)) code = result;
        } else {
          const req = requestMap(env, readStdin());
          toStdout(cgiResponse(callGlia(session, f, [req])));
        }
      } catch (e) {
        if (e instanceof SessionExit) code = e.code;
        else {
          toStderr(enc.encode(errorLine(e) + '\n'));
          if (mode === 'http') toStdout(enc.encode('Status: 500\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' + errorLine(e) + '\n'));
          code = 1;
        }
      }
      if (code !== 0) exitWithCode(code);
    },
  };
}
