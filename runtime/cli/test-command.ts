// `ww test [FILES]`: loads each file (its deftests register themselves),
// then runs ww/test's run-tests once and exits 1 on any failure or error.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Map as IMap } from 'immutable';
import { Session } from '../../glia/eval/session.js';
import { kw } from '../../glia/values/keyword.js';
import { SessionExit } from '../../glia/eval/ops.js';
import { localEffects } from '../host/local-effects.js';
import { formatError } from './report.js';
import { parse, UsageError } from './args.js';
import { readSource, InputError, ioReason } from './read-input.js';
import { errStyle, outStyle, paintHelp, paintWarning, type Style } from './colour.js';
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
    try { st = await stat(p); }
    catch (e) { if (explicit) throw new InputError('io', `cannot read ${p}: ${ioReason(e)}`); return; }
    if (st.isDirectory()) {
      let entries: string[];
      try { entries = (await readdir(p)).sort(); }
      catch (e) { throw new InputError('io', `cannot read the folder ${p}: ${ioReason(e)}`); }
      for (const e of entries) {
        if (e === 'node_modules' || e.startsWith('.')) continue;
        const child = join(p, e);
        const cs = await stat(child).catch(() => null);
        if (cs?.isDirectory()) await walk(child, false);
        else if (cs?.isFile() && e.endsWith('_test.glia')) out.push(child);
      }
    } else out.push(p);
  };
  for (const p of paths) await walk(p, true);
  return out;
}

/**
 * The report lines ww/test's run-tests prints (FAIL in ..., ERROR in ...,
 * the summary), coloured; anything else the tests print passes unchanged.
 */
function paintReport(text: string, s: Style): string {
  if (!s.enabled) return text;
  if (/^(FAIL|ERROR) in /.test(text)) return text.replace(/^(FAIL|ERROR)/, (w) => s.fail(w));
  const m = /^(\d+) tests, \d+ assertions passed, (\d+) failed, (\d+) errors$/m.exec(text);
  if (m && m.index === 0) {
    const ok = Number(m[1]) > 0 && m[2] === '0' && m[3] === '0';
    return (ok ? s.pass(m[0]) : s.fail(m[0])) + text.slice(m[0].length);
  }
  return text;
}

export async function testCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('test', args, {});
  if (values.help) { io.out(paintHelp(TEST_HELP, outStyle(io)) + '\n'); return 0; }
  const err = errStyle(io);
  const out = outStyle(io);
  if (!positionals.length && !(await stat('test').then((st) => st.isDirectory(), () => false))) {
    throw new UsageError(`there is no test folder in ${process.cwd()}; with no arguments, ww test runs every *_test.glia under ./test\ngive the test files or folders to run, as in: ww test path/to/math_test.glia`);
  }
  let files: string[];
  try { files = await collect(positionals.length ? positionals : ['test']); }
  catch (e) { if (!(e instanceof InputError)) throw e; io.err(formatError(e, new Map(), err) + '\n'); return 1; }
  if (!files.length) throw new UsageError(`no test files found in ${positionals.length ? positionals.join(', ') : 'test'} (looked for *_test.glia)`, undefined, 1);
  const session = new Session(localEffects(process.cwd(), (t) => io.out(paintReport(t, out))));
  const sources = new Map<string, string>();
  try {
    await session.evalString('(import "ww/test" :as ww-test)', '<ww test>');
    for (const f of files) {
      const src = (await readSource(f)).text;
      sources.set(f, src);
      session.registry.current = session.registry.ensure('user');
      session.currentFile = f;
      await session.evalString(src, f);
    }
    const result = await session.evalString('(ww.test/run-tests)', '<ww test>');
    for (const w of session.warnings) io.err(paintWarning(w, err) + '\n');
    const n = (k: string) => (IMap.isMap(result) ? Number((result as IMap<any, any>).get(kw(k)) ?? 0) : 0);
    return n('fail') + n('error') > 0 || n('test') === 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof SessionExit) return e.code;
    io.err(formatError(e, sources, err) + '\n');
    return 1;
  }
}
