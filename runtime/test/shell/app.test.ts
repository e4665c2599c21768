// The shell's terminal app under a real pseudo-terminal (tmux): the prompt,
// evaluation, a multi-line form, completion, history shared by two
// sessions, Ctrl-C during a runaway loop, an error with its frame in
// colour, and Ctrl-D. Each test starts its own `ww shell --local` in a
// pane with HOME in a temporary folder, so ~/.ww/history is the test's.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt } from '../ww-process.js';
import { Pane, Tmux, lastLine, lines, shellCommand, tempHome } from './pty.js';

const tmux = new Tmux(`ww-shell-app-${process.pid}`);
const PROMPT = 'local=> ';
let home: ReturnType<typeof tempHome>;
let panes: Pane[] = [];
let n = 0;

beforeAll(() => { assertBuilt(); });
afterEach(() => {
  for (const p of panes) p.kill();
  panes = [];
  home?.remove();
});
afterAll(() => { tmux.killServer(); });

async function shell(opts: { env?: Record<string, string>; reuseHome?: boolean } = {}): Promise<Pane> {
  if (!opts.reuseHome) home = tempHome();
  const p = Pane.start(tmux, `s${n++}`, shellCommand(['--local']), { home: home.dir, ...(opts.env ? { env: opts.env } : {}) });
  panes.push(p);
  await p.waitForPromptLine(PROMPT);
  return p;
}

/** Types a line and presses Enter. */
function enter(p: Pane, text: string): void { p.type(text); p.press('Enter'); }

describe('ww shell in a terminal', { timeout: 120_000 }, () => {
  it('shows the session in its prompt and evaluates a form', async () => {
    const p = await shell();
    expect(lastLine(p.screen())).toBe(PROMPT.trimEnd());
    enter(p, '(+ 1 2)');
    const s = await p.waitFor((s) => lines(s).includes('3'), 'the value 3');
    expect(lines(s)).toContain(`${PROMPT}(+ 1 2)`);
    await p.waitForPromptLine(PROMPT);
  });

  it('Enter on an open form opens a new line; the form runs once it balances', async () => {
    const p = await shell();
    enter(p, '(defn sq [x]');
    // A continuation line, indented under the open form, and nothing evaluated.
    await p.waitFor((s) => /^\s*\.\.\.$/.test(lines(s).filter((l) => l).pop() ?? ''), 'a continuation line');
    expect(p.screen()).not.toContain("#'user/sq");
    enter(p, '(* x x))');
    await p.waitFor("#'user/sq");
    enter(p, '(sq 7)');
    await p.waitFor((s) => lines(s).includes('49'), 'the value 49');
  });

  it('Tab completes a capability method after (perform cap :, and a symbol', async () => {
    const p = await shell();
    p.type('(perform host :pe');
    p.press('Tab');
    await p.waitForPromptLine(PROMPT, '(perform host :peers');
    p.press('C-u');
    await p.waitForPromptLine(PROMPT);
    // Two methods share the prefix: the common part is inserted and both are listed.
    p.type('(perform host :li');
    p.press('Tab');
    const s = await p.waitFor((s) => lines(s).some((l) => l.startsWith(':listen-stream')), 'the candidates');
    expect(lines(s)).toContain(`${PROMPT}(perform host :listen`);
    expect(lines(s).some((l) => /^:listen\s/.test(l) || l === ':listen')).toBe(true);
    p.press('C-u');
    // A name this session defined, and one of glia.core.
    p.press('C-c');
    enter(p, '(def zebra-count 3)');
    await p.waitFor("#'user/zebra-count");
    p.type('(inc zebra-c');
    p.press('Tab');
    await p.waitForPromptLine(PROMPT, '(inc zebra-count');
    p.type(')');
    p.press('Enter');
    await p.waitFor((s) => lines(s).includes('4'), 'the value 4');
  });

  it('keeps history in ~/.ww/history, shared by the next session (Up, Ctrl-R)', async () => {
    const p = await shell();
    enter(p, '(def marker-one 41)');
    await p.waitFor("#'user/marker-one");
    enter(p, '(str "second"\n"entry")');
    await p.waitFor('"secondentry"');
    p.press('C-d');
    await p.waitFor('[exited 0]');
    const file = readFileSync(join(home.dir, '.ww', 'history'), 'utf8');
    expect(file.trim().split('\n').map((l) => JSON.parse(l))).toEqual(['(def marker-one 41)', '(str "second"\n  "entry")']);

    const q = await shell({ reuseHome: true });
    q.press('Up');
    // The newest entry comes back whole, both of its lines.
    await q.waitFor((s) => lines(s).some((l) => l === `${PROMPT}(str "second"`), 'the newest entry');
    q.press('Up');
    await q.waitForPromptLine(PROMPT, '(def marker-one 41)');
    q.press('C-u');
    q.press('C-r');
    q.type('marker');
    await q.waitFor((s) => lastLine(s).includes("`marker': (def marker-one 41)"), 'the search');
    q.press('Enter');
    await q.waitFor((s) => (s.match(/#'user\/marker-one/g) ?? []).length === 1 && lastLine(s) === PROMPT.trimEnd(), 'the entry evaluated');
    enter(q, '(inc marker-one)');
    await q.waitFor((s) => lines(s).includes('42'), 'the value 42');
  });

  it('Ctrl-C stops (loop [] (recur)) and the session goes on; on a line, it clears it', async () => {
    const p = await shell();
    enter(p, '(def kept 5)');
    await p.waitFor("#'user/kept");
    enter(p, '(loop [] (recur))');
    await p.waitFor('evaluating… Ctrl-C stops it');
    p.press('C-c');
    await p.waitFor((s) => /error\[[^\]]+\]/.test(s) && lastLine(s) === PROMPT.trimEnd(), 'an error and the prompt');
    // The live 'evaluating' line went with the evaluation; it is not left in the scrollback.
    expect(p.screen()).not.toContain('evaluating…');
    enter(p, '(+ kept 1)');
    await p.waitFor((s) => lines(s).includes('6'), 'the value 6');
    p.type('(this is abandoned');
    p.press('C-c');
    await p.waitFor((s) => lines(s).some((l) => l.endsWith('(this is abandoned ^C')) && lastLine(s) === PROMPT.trimEnd(), 'the line cleared');
  });

  it('shows an error with its code, message and code frame, in colour', async () => {
    const p = await shell();
    enter(p, '(let [x 1]\n(/ x 0))');
    const s = await p.waitFor('error[arithmetic]: divide by zero', 'the error');
    const ls = lines(s);
    const at = ls.findIndex((l) => l.startsWith('error[arithmetic]: divide by zero'));
    expect(ls[at]).toMatch(/--> <shell[^>]*>:2:/);
    expect(ls.slice(at + 1, at + 4).join('\n')).toMatch(/\|\n2 \|\s+\(\/ x 0\)\)\n\s+\|\s+\^/);
    expect(ls.some((l) => l.startsWith('hint:'))).toBe(true);
    // The label red and bold, as ww eval colours it.
    const coloured = p.screen(true).split('\n').find((l) => l.includes('error[arithmetic]'))!;
    expect(coloured).toMatch(/\x1b\[[0-9;]*(31|1)[0-9;]*merror\[arithmetic\]/);
  });

  it('prints :stdout above the prompt as it happens, pretty-prints and folds long values', async () => {
    const p = await shell();
    enter(p, '(do (println "hello from stdout") (range 2000))');
    const s = await p.waitFor(':more shows the whole value');
    const ls = lines(s);
    expect(ls.indexOf('hello from stdout')).toBeGreaterThan(ls.indexOf(`${PROMPT}(do (println "hello from stdout") (range 2000))`));
    expect(ls.some((l) => l.startsWith('(0 1 2 3'))).toBe(true);
    enter(p, ':more');
    await p.waitFor((s) => lines(s).some((l) => l.trimEnd().endsWith('1999)')), 'the whole value');
  });

  it('(doc f) prints the docstring; help prints the keys', async () => {
    const p = await shell();
    enter(p, '(defn twice "Doubles x." [x] (* 2 x))');
    await p.waitFor("#'user/twice");
    enter(p, '(doc twice)');
    await p.waitFor((s) => lines(s).includes('Doubles x.'), 'the docstring, unquoted');
    enter(p, 'help');
    await p.waitFor('Ctrl-R');
  });

  it('Ctrl-D on an empty line exits with status 0; on text it deletes', async () => {
    const p = await shell();
    p.type('(+ 1 2)');
    p.press('Home');
    p.press('C-d');
    await p.waitForPromptLine(PROMPT, '+ 1 2)');
    p.press('C-u', 'C-e', 'C-u');
    await p.waitForPromptLine(PROMPT);
    p.press('C-d');
    await p.waitFor('[exited 0]');
  });
});
