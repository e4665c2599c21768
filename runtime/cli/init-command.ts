// `ww init NAME`: scaffolds a Glia cell project in ./NAME that builds and
// runs as-is: cell.edn, NAME.glia (an http cell), README.md, .gitignore.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BuildError } from '../cell/build/errors.js';
import { scaffold } from '../cell/build/template.js';
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';

export const INIT_HELP = `Usage: ww init NAME

Creates ./NAME, a Glia cell project (http mode) that builds and runs as-is:

  ww build NAME
  ww cell run NAME/bin/NAME.wasm --mode http --request "GET /"

NAME is lower-case letters, digits and dashes; it names the folder and the
component (bin/NAME.wasm).

Options:
  -h, --help   show this help`;

export async function initCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('init', args, {});
  if (values.help) { io.out(INIT_HELP + '\n'); return 0; }
  if (positionals.length !== 1) throw new UsageError("ww init needs one NAME\nrun 'ww init --help' for usage");
  const name = positionals[0]!;
  try {
    if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(name)) {
      throw new BuildError('init/bad-name', `${JSON.stringify(name)} is not a cell name`, 'use lower-case letters, digits and dashes, starting with a letter, such as hello-cell');
    }
    const dir = resolve(name);
    if (existsSync(dir)) throw new BuildError('init/exists', `${name} already exists`, 'choose another name, or remove it first');
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(scaffold(name))) writeFileSync(join(dir, file), text);
    io.out(`created ${name}/ (cell.edn, ${name}.glia, README.md)\n\n  ww build ${name}\n  ww cell run ${name}/bin/${name}.wasm --mode http --request "GET /"\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof BuildError)) throw e;
    io.err(e.format() + '\n');
    return 1;
  }
}
