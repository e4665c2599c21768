// `ww test [FILES]`: loads each file (its deftests register themselves),
// then runs ww/test's run-tests once and exits 1 on any failure or error.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Map as IMap } from 'immutable';
import { Session } from '../../glia/eval/session.js';
import { kw } from '../../glia/values/keyword.js';
import { SessionExit } from '../../glia/eval/ops.js';
import { localEffects } from '../host/local-effects.js';
import { toReport, formatReport, spanOfError } from './report.js';
import { parse } from './args.js';
import type { Io } from './io.js';

export const TEST_HELP = `Usage: ww test [FILES or DIRS...]

Loads each .glia file (default: every *_test.glia under ./test), runs every
test defined with ww/test's deftest, prints failures and a summary, and
exits 1 when any assertion failed or errored.

Options:
  -h, --help   show this help`;

async function collect(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string, explicit: boolean): Promise<void> => {
    let st;
    try { st = await stat(p); } catch { if (explicit) throw new Error(`no such file or directory: ${p}`); return; }
    if (st.isDirectory()) {
      for (const e of (await readdir(p)).sort()) {
        if (e === 'node_modules' || e.startsWith('.')) continue;
        const child = join(p, e);
        const cs = await stat(child);
        if (cs.isDirectory()) await walk(child, false);
        else if (e.endsWith('_test.glia')) out.push(child);
      }
    } else out.push(p);
  };
  for (const p of paths) await walk(p, true);
  return out;
}

export async function testCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('test', args, {});
  if (values.help) { io.out(TEST_HELP + '\n'); return 0; }
  let files: string[];
  try { files = await collect(positionals.length ? positionals : ['test']); }
  catch (e) { io.err(`error[io]: ${(e as Error).message}\n`); return 1; }
  if (!files.length) { io.err('error[usage]: no test files found (looked for *_test.glia)\n'); return 1; }
  const session = new Session(localEffects(process.cwd(), (s) => io.out(s)));
  const sources = new Map<string, string>();
  try {
    await session.evalString('(import "ww/test" :as ww-test)', '<ww test>');
    for (const f of files) {
      const src = await readFile(resolve(f), 'utf8');
      sources.set(f, src);
      session.registry.current = session.registry.ensure('user');
      session.currentFile = f;
      await session.evalString(src, f);
    }
    const result = await session.evalString('(ww.test/run-tests)', '<ww test>');
    for (const w of session.warnings) io.err(w + '\n');
    const n = (k: string) => (IMap.isMap(result) ? Number((result as IMap<any, any>).get(kw(k)) ?? 0) : 0);
    return n('fail') + n('error') > 0 || n('test') === 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof SessionExit) return e.code;
    io.err(formatReport(toReport(e), sources, spanOfError(e)) + '\n');
    return 1;
  }
}
