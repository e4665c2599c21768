// End-to-end tests of the `ww` command line: each test spawns the real bin
// (bin/ww.js over the compiled dist/, so run `npm run build` first) in a
// temporary copy of runtime/test/fixtures/cli and checks its exit status,
// stdout and stderr. A ww process costs about a second of start-up, so
// each test spawns one and checks everything it can about that run.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, describeRun, removeDir, tempDir, ww, TEST_TIMEOUT_MS, type WwResult } from './ww-process.js';

let dir: string;
let elsewhere: string;

beforeAll(() => {
  assertBuilt();
  dir = tempDir('cli', true);
  // A working directory that is not the scripts' directory, with decoys:
  // if :load or :import resolved against the working directory instead of
  // the script, they would find these files.
  elsewhere = tempDir('cli-cwd');
  writeFileSync(join(elsewhere, 'data.txt'), 'decoy from the working directory\n');
  mkdirSync(join(elsewhere, 'lib'));
  writeFileSync(join(elsewhere, 'lib', 'util.glia'), '(defn f [x] :decoy)\n');
});

afterAll(() => {
  removeDir(dir);
  removeDir(elsewhere);
});

/** The JSON document on the last non-empty line of stdout. */
function lastJson(r: WwResult): any {
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  return JSON.parse(lines[lines.length - 1] ?? 'null');
}

/**
 * The code frame under an error header: the source line shown for `line`
 * and the column (1-based, in that source line) of the first caret under it.
 */
function codeFrame(stderr: string, line: number): { text: string; caretCol: number } | undefined {
  const lines = stderr.split('\n');
  const i = lines.findIndex((l) => new RegExp(`^\\s*${line} \\| `).test(l));
  if (i < 0 || i + 1 >= lines.length) return undefined;
  const srcLine = lines[i]!;
  const bar = srcLine.indexOf('| ') + 2;
  const caret = lines[i + 1]!.indexOf('^');
  if (caret < 0) return undefined;
  return { text: srcLine.slice(bar), caretCol: caret - bar + 1 };
}

describe.concurrent('ww eval EXPR', { timeout: TEST_TIMEOUT_MS }, () => {
  it('prints the pr-str of the last value and nothing else', async ({ expect }) => {
    const r = await ww(['eval', '(+ 1 2)'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('3\n');
    expect(r.stderr).toBe('');
  });

  it(':stdout output (println, print, prn, perform) appears as it happens, then the readable last value', async ({ expect }) => {
    const program = [
      '(println "hello" 1 :k)',
      '(print "no newline ")',
      '(prn "quoted")',
      '(perform :stdout "raw tëxt ✓\\n")',
      '(def x 1)',
      '[x "a\\"b" (str "one" "\\n" "two") :k nil 2.5 {:m #{}} (list 1 2) "ü"]',
    ].join(' ');
    const r = await ww(['eval', program], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe(
      'hello 1 :k\n' +
      'no newline "quoted"\n' +
      'raw tëxt ✓\n' +
      '[1 "a\\"b" "one\\ntwo" :k nil 2.5 {:m #{}} (1 2) "ü"]\n');
    expect(r.stderr).toBe('');
  });

  it('imports ww/string', async ({ expect }) => {
    const r = await ww(['eval', '(import "ww/string" :as s) [(s/upper-case "abc") (s/join "," [1 2 3])]'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('["ABC" "1,2,3"]\n');
    expect(r.stderr).toBe('');
  });

  it('runs the bin directly through its shebang', async ({ expect }) => {
    const r = await ww(['eval', '(* 6 7)'], { cwd: dir, direct: true });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('42\n');
  });
});

describe.concurrent('ww eval -f FILE', { timeout: TEST_TIMEOUT_MS }, () => {
  it('prints println output before the value', async ({ expect }) => {
    const r = await ww(['eval', '-f', 'print-then-value.glia'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('first\nsecond :third\n{:last [1 "two"]}\n');
    expect(r.stderr).toBe('');
  });

  it(':load reads a file relative to the script, not the working directory', async ({ expect }) => {
    // load.glia is (bytes->string (load "data.txt")); the cwd has a decoy data.txt.
    const r = await ww(['eval', '-f', join(dir, 'load.glia')], { cwd: elsewhere });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('"fixture data\\n"\n');
    expect(r.stderr).toBe('');
  });

  it('imports a relative module file, relative to the script, and calls into it', async ({ expect }) => {
    // import.glia is (import "./lib/util.glia" :as u) (u/f 1); the cwd has a decoy lib/util.glia.
    const r = await ww(['eval', '-f', join(dir, 'import.glia')], { cwd: elsewhere });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('42\n');
    expect(r.stderr).toBe('');
  });

  it(':load of a missing file is an error naming the file', async ({ expect }) => {
    const r = await ww(['eval', '(load "no-such-file.txt")'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[[^\]]+\]: .*no-such-file\.txt/);
  });

  it('an unknown module is an error naming it', async ({ expect }) => {
    const r = await ww(['eval', '(import "./lib/missing.glia" :as m) 1'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[[^\]]+\]: .*missing/);
  });

  it('a missing script file is an error naming it', async ({ expect }) => {
    const r = await ww(['eval', '-f', 'no-such-script.glia'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[[^\]]+\]: .*no-such-script\.glia/);
  });
});

describe.concurrent('module resolution (:import and :load from modules)', { timeout: TEST_TIMEOUT_MS }, () => {
  it('a module that declares its own (ns ...) is reachable through the alias', async ({ expect }) => {
    const r = await ww(['eval', '-f', 'ns-module.glia'], { cwd: join(dir, 'modules') });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('20\n');
  });

  it('a module imports a sibling by a path relative to itself', async ({ expect }) => {
    const r = await ww(['eval', '-f', join(dir, 'modules', 'nested-import.glia')], { cwd: elsewhere });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('300\n');
  });

  it('two modules importing different files with the same relative path get their own files', async ({ expect }) => {
    const r = await ww(['eval', '-f', 'same-name.glia'], { cwd: join(dir, 'modules') });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('[:a :b]\n');
  });

  it('a top-level :load in a module resolves relative to the module file', async ({ expect }) => {
    const r = await ww(['eval', '-f', join(dir, 'modules', 'module-load.glia')], { cwd: elsewhere });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toBe('"module data\\n"\n');
  });
});

describe.concurrent('exit', { timeout: TEST_TIMEOUT_MS }, () => {
  it('(exit 3) makes ww exit with status 3 and prints no value', async ({ expect }) => {
    const r = await ww(['eval', '(exit 3)'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
  });

  it('keeps output printed before the exit and runs nothing after it', async ({ expect }) => {
    const r = await ww(['eval', '-f', 'exit3.glia'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(3);
    expect(r.stdout).toBe('before\n');
    expect(r.stderr).toBe('');
  });

  it('exit is not an error that try can catch, and finally still runs', async ({ expect }) => {
    const r = await ww(['eval', '(try (exit 4) (catch _ e (println "caught")) (finally (println "finally")))'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(4);
    expect(r.stdout).toBe('finally\n');
  });
});

describe.concurrent('error reports', { timeout: TEST_TIMEOUT_MS }, () => {
  it('an unknown symbol in an expression: error[code]: message  --> <expr>:1:col, frame, hint, exit 1', async ({ expect }) => {
    const r = await ww(['eval', '(prinln "x")'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[unbound-symbol\]: [^\n]*prinln[^\n]*  --> <expr>:1:2\n/);
    expect(codeFrame(r.stderr, 1)).toEqual({ text: '(prinln "x")', caretCol: 2 });
    expect(r.stderr).toMatch(/\nhint: .*println/);
  });

  it('a compile error on line 3 of a file: header, code frame and hint point at it', async ({ expect }) => {
    const r = await ww(['eval', '-f', 'err3.glia'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    const [header] = r.stderr.split('\n');
    expect(header).toMatch(/^error\[unbound-symbol\]: .*nope.*  --> err3\.glia:3:7$/);
    // The frame shows line 3 itself with the caret under `nope`.
    expect(codeFrame(r.stderr, 3)).toEqual({ text: '(+ a (nope b))', caretCol: 7 });
    expect(r.stderr).toMatch(/\nhint: /);
  });

  it('a runtime error on line 3 of a file: location and code frame', async ({ expect }) => {
    const r = await ww(['eval', '-f', 'runtime3.glia'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[arithmetic\]: divide by zero  --> runtime3\.glia:3:10\n/);
    expect(codeFrame(r.stderr, 3)).toEqual({ text: '(println (/ (count xs) n))', caretCol: 10 });
  });

  it('an error inside a function points at the failing call and shows the Glia stack', async ({ expect }) => {
    const r = await ww(['eval', '-f', 'nested-error.glia'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/^error\[arithmetic\]: divide by zero  --> nested-error\.glia:2:3\n/);
    expect(codeFrame(r.stderr, 2)).toEqual({ text: '  (/ x 0))', caretCol: 3 });
    // Innermost first: g (where it failed), h (its caller), then the top level.
    expect(r.stderr).toMatch(/\n\s+at g \(nested-error\.glia:2:3\)\n\s+at h \(nested-error\.glia:3:\d+\)\n\s+at <top level> \(nested-error\.glia:4:1\)/);
  });

  it('a read error reports a read/ code, location and frame', async ({ expect }) => {
    const r = await ww(['eval', '(+ 1 2'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[read\/[\w-]+\]: .*  --> <expr>:1:1\n/);
    expect(codeFrame(r.stderr, 1)?.text).toBe('(+ 1 2');
  });

  it('an unhandled effect is an error; output printed before it stays on stdout', async ({ expect }) => {
    const r = await ww(['eval', '(println "partial") (perform :no-such-effect 1)'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('partial\n');
    expect(r.stderr).toMatch(/^error\[unhandled-effect\]: .*no-such-effect/);
  });
});

describe.concurrent('ww eval --json', { timeout: TEST_TIMEOUT_MS }, () => {
  it('success: {"value": "<pr-str>", "error": null} and nothing else', async ({ expect }) => {
    const r = await ww(['eval', '--json', '(+ 1 2)'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toEqual({ value: '3', error: null });
  });

  it('success with -f FILE: println output, then the JSON line with the pr-str value', async ({ expect }) => {
    const r = await ww(['eval', '--json', '-f', 'print-then-value.glia'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.startsWith('first\nsecond :third\n')).toBe(true);
    expect(lastJson(r)).toEqual({ value: '{:last [1 "two"]}', error: null });
  });

  it('compile error: {"value": null, "error": {code, message, file, line, col, hint}}, exit 1', async ({ expect }) => {
    const r = await ww(['eval', '--json', '-f', 'err3.glia'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).not.toContain('error[');
    const doc = JSON.parse(r.stdout);
    expect(doc.value).toBeNull();
    expect(doc.error).toMatchObject({ code: 'unbound-symbol', file: 'err3.glia', line: 3, col: 7 });
    expect(doc.error.message).toContain('nope');
    expect(doc.error.hint).toEqual(expect.any(String));
  });

  it('runtime error: location, code and hint in the error object', async ({ expect }) => {
    const r = await ww(['eval', '--json', '-f', 'runtime3.glia'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.value).toBeNull();
    expect(doc.error).toMatchObject({ code: 'arithmetic', message: 'divide by zero', file: 'runtime3.glia', line: 3, col: 10 });
    expect(doc.error.hint).toEqual(expect.any(String));
  });

  it('a missing script file is reported as JSON too', async ({ expect }) => {
    const r = await ww(['eval', '--json', '-f', 'no-such-script.glia'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    const doc = JSON.parse(r.stdout || 'null');
    expect(doc?.value, describeRun(r)).toBeNull();
    expect(doc?.error?.message).toContain('no-such-script.glia');
  });
});

describe.concurrent('ww test', { timeout: TEST_TIMEOUT_MS }, () => {
  const suites = () => join(dir, 'suites');

  it('a passing suite exits 0 with a summary', async ({ expect }) => {
    const r = await ww(['test', 'test/pass_test.glia'], { cwd: suites() });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/2 tests, 3 assertions passed, 0 failed, 0 errors/);
    expect(r.stdout).not.toMatch(/FAIL|ERROR/);
  });

  it('with no arguments runs every *_test.glia under ./test, recursively, and nothing else', async ({ expect }) => {
    // test/helper.glia does not parse; it must not be loaded.
    const r = await ww(['test'], { cwd: suites() });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/3 tests, 4 assertions passed, 0 failed, 0 errors/);
    expect(r.stderr).toBe('');
  });

  it('a failing suite exits 1 and prints each failure', async ({ expect }) => {
    const r = await ww(['test', 'failing/fail_test.glia'], { cwd: suites() });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toContain('FAIL in broken-math: (+ 2 2)');
    expect(r.stdout).toMatch(/expected: 5\n\s+actual: 4/);
    expect(r.stdout).toContain('one is not two');
    expect(r.stdout).toMatch(/ERROR in throws: \(\/ 1 0\)\n\s+error: divide by zero/);
    expect(r.stdout).toMatch(/2 tests, 0 assertions passed, 2 failed, 1 errors/);
  });

  it('one failing file among passing ones still exits 1', async ({ expect }) => {
    const r = await ww(['test', 'test/pass_test.glia', 'failing/fail_test.glia'], { cwd: suites() });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toMatch(/4 tests, 3 assertions passed, 2 failed, 1 errors/);
  });

  it('an error while loading a test file is reported with its location, exit 1', async ({ expect }) => {
    const r = await ww(['test', 'failing/broken_test.glia'], { cwd: suites() });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/^error\[unbound-symbol\]: .*nope.*  --> failing\/broken_test\.glia:4:2\n/);
  });

  it('a missing file or directory is an error', async ({ expect }) => {
    const r = await ww(['test', 'no/such/dir'], { cwd: suites() });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/^error\[[^\]]+\]: .*no\/such\/dir/);
  });

  it(':load inside a deftest resolves relative to that test file', async ({ expect }) => {
    // loadrel/a and loadrel/b each have a data.txt and a test that loads it.
    const r = await ww(['test', 'loadrel'], { cwd: suites() });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/2 tests, 2 assertions passed, 0 failed, 0 errors/);
  });

  it('with no arguments in a folder without test/, says so (not an error about a path never given)', async ({ expect }) => {
    const r = await ww(['test'], { cwd: elsewhere });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toBe(`error[usage]: there is no test folder in ${elsewhere}; with no arguments, ww test runs every *_test.glia under ./test\n`
      + `give the test files or folders to run, as in: ww test path/to/math_test.glia\nrun 'ww test --help' for usage\n`);
    expect(r.stderr).not.toMatch(/error\[io\]/);
  });
});

describe.concurrent('help and usage', { timeout: TEST_TIMEOUT_MS }, () => {
  it('ww --help prints the command list and exits 0', async ({ expect }) => {
    const r = await ww(['--help'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ww <command>/);
    expect(r.stdout).toMatch(/\n\s+eval\b/);
    expect(r.stdout).toMatch(/\n\s+test\b/);
    expect(r.stderr).toBe('');
  });

  it('ww eval --help describes eval and its options, and evaluates nothing', async ({ expect }) => {
    const r = await ww(['eval', '(println "evaluated")', '--help'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ww eval/);
    for (const opt of ['-f, --file', '--json', '--help']) expect(r.stdout).toContain(opt);
    expect(r.stdout).not.toContain('evaluated\n');
    expect(r.stderr).toBe('');
  });

  it('ww test --help describes test', async ({ expect }) => {
    const r = await ww(['test', '--help'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ww test/);
    expect(r.stdout).toContain('_test.glia');
    expect(r.stderr).toBe('');
  });

  it('an unknown command exits 2 with a hint', async ({ expect }) => {
    const r = await ww(['frobnicate'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).toContain('ww --help');
  });

  it('an unknown option exits 2 and points at the subcommand help', async ({ expect }) => {
    const r = await ww(['eval', '--bogus', '1'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/^error\[usage\]: .*--bogus/);
    expect(r.stderr).toContain('ww eval --help');
  });
});
