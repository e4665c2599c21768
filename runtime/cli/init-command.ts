// `ww init NAME [--mode MODE]`: scaffolds a Glia cell project in ./NAME
// that builds and runs as-is: cell.edn, NAME.glia (a cell of that mode,
// http by default), README.md, .gitignore.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BuildError } from '../cell/build/errors.js';
import { scaffold, INIT_MODES, type InitMode } from '../cell/build/template.js';
import { parse, UsageError } from './args.js';
import { errStyle, outStyle, paintHelp, paintFormatted } from './colour.js';
import type { Io } from './io.js';

export const INIT_HELP = `Usage: ww init NAME [--mode MODE]

Creates ./NAME, a Glia cell project that builds and runs as-is:

  ww build NAME
  ww cell run NAME/bin/NAME.wasm --mode http --request "GET /"

NAME is lower-case letters, digits and dashes; it names the folder and the
component (bin/NAME.wasm).

Options:
      --mode MODE   the kind of cell (default http):
                    http  (handle req) answers HTTP requests (WAGI)
                    raw   (main args) with stdin and stdout as plain streams
                    pid0  (main args) with its grants over stdin and stdout
                    vat   serves a defcap (:export) to its peer over Cap'n Proto
  -h, --help        show this help`;

/** How to run each mode's scaffold once built. */
const RUN: Record<InitMode, (name: string) => string> = {
  http: (n) => `ww cell run ${n}/bin/${n}.wasm --mode http --request "GET /"`,
  raw: (n) => `ww cell run ${n}/bin/${n}.wasm --arg you`,
  pid0: (n) => `ww cell run ${n}/bin/${n}.wasm --arg a   # main alone; a node hands it its grants`,
  vat: (n) => `ww cell run ${n}/bin/${n}.wasm --mode vat   # Cap'n Proto on stdio: for a peer`,
};

export async function initCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('init', args, { mode: { type: 'string' } });
  if (values.help) { io.out(paintHelp(INIT_HELP, outStyle(io)) + '\n'); return 0; }
  if (positionals.length !== 1) throw new UsageError("ww init needs one NAME\nrun 'ww init --help' for usage");
  const name = positionals[0]!;
  const mode = (values.mode ?? 'http') as InitMode;
  if (!INIT_MODES.includes(mode)) {
    throw new UsageError(`--mode must be ${INIT_MODES.join(', ')}, not ${JSON.stringify(values.mode)}\nrun 'ww init --help' for usage`);
  }
  try {
    if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(name)) {
      throw new BuildError('init/bad-name', `${JSON.stringify(name)} is not a cell name`, 'use lower-case letters, digits and dashes, starting with a letter, such as hello-cell');
    }
    const dir = resolve(name);
    if (existsSync(dir)) throw new BuildError('init/exists', `${name} already exists`, 'choose another name, or remove it first');
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(scaffold(name, mode))) writeFileSync(join(dir, file), text);
    io.out(`created ${name}/ (cell.edn, ${name}.glia, README.md): a${mode === 'http' ? 'n' : ''} ${mode} cell\n\n  ww build ${name}\n  ${RUN[mode](name)}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof BuildError)) throw e;
    io.err(paintFormatted(e.format(), errStyle(io)) + '\n');
    return 1;
  }
}
