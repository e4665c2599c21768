// `ww build [PATH]`: compiles the Glia cell project in PATH (default: the
// current folder) to bin/<name>.wasm and prints its CID. Progress goes to
// stderr; the one stdout line is `<cid>  <path>` for scripts.
import { join, relative, resolve } from 'node:path';
import { buildEngine, buildProject } from '../cell/build/build.js';
import { BuildError } from '../cell/build/errors.js';
import { parse, UsageError } from './args.js';
import { errStyle, outStyle, paintHelp, paintFormatted } from './colour.js';
import type { Io } from './io.js';

export const BUILD_HELP = `Usage: ww build [PATH]
       ww build --engine [PATH]

Compiles the Glia cell project in PATH (default: .) into a WebAssembly
component, bin/<name>.wasm, and prints its CID and path. The project is a
folder with a cell.edn:

  {:name "hello" :mode :http :entry "hello.glia"
   :grants {host [:id :addrs :peers]}}

An http cell defines (handle req) and returns {:status :headers :body}; a raw
cell defines (main args) and uses stdin and stdout. 'ww init NAME' makes a
project that builds as-is. componentize-js takes some seconds and about 1 GB
of memory. An :entry ending in .wat is a raw WASM cell in the text format,
made into a component in seconds (no Glia, no componentize-js).

Options:
      --engine  build the shared Glia engine instead, PATH/bin/glia-engine.wasm:
                no program of its own; each spawn's first argument is the
                program (Glia source), so a cell is its source, KB-scale
  -q, --quiet   no progress on stderr
  -h, --help    show this help

Exit status: 0 when built; 1 with error[build/...] on stderr otherwise.`;

export async function buildCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('build', args, { quiet: { type: 'boolean', short: 'q' }, engine: { type: 'boolean' } });
  if (values.help) { io.out(paintHelp(BUILD_HELP, outStyle(io)) + '\n'); return 0; }
  if (positionals.length > 1) throw new UsageError("ww build takes at most one PATH\nrun 'ww build --help' for usage");
  const path = positionals[0] ?? '.';
  const say = (s: string) => { if (!values.quiet) io.err(s); };
  try {
    const progress = {
      step: (step: string, detail: string) => say(`${step.padStart(12)}  ${detail}\n`),
      tick: (ms: number) => say(`${''.padStart(12)}  ${Math.round(ms / 1000)} s\n`),
      // Shown with --quiet too: it is about the component, not the progress.
      warn: (code: string, message: string) => io.err(`warning[${code}]: ${message}\n`),
    };
    const r = values.engine ? await buildEngine(join(resolve(path), 'bin', 'glia-engine.wasm'), progress) : await buildProject(path, progress);
    const shown = relative(process.cwd(), r.out) || r.out;
    // A .wat project is made without componentize-js, and is KB-scale.
    const size = r.bytes < 1024 * 1024 ? `${(r.bytes / 1024).toFixed(1)} KiB` : `${(r.bytes / 1024 / 1024).toFixed(1)} MiB`;
    say(`${'built'.padStart(12)}  ${shown}  ${size}${r.project.entry.endsWith('.wat') ? '' : `  (componentize-js ${(r.componentizeMs / 1000).toFixed(1)} s)`}\n`);
    io.out(`${r.cid}  ${shown}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof BuildError)) throw e;
    io.err(paintFormatted(e.format(), errStyle(io)) + '\n');
    return 1;
  }
}
