// `ww cell run`, end to end: the real bin over dist/ (run `npm run build`
// first), with real components on its stdin and stdout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, BIN } from '../ww-process.js';
import { watFixtures } from './wat-fixtures.js';

let dir: string;
let cache: string;
beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'ww-cell-cli-'));
  cache = mkdtempSync(join(tmpdir(), 'ww-cell-cli-cache-'));
  for (const [name, bytes] of await watFixtures()) writeFileSync(join(dir, `${name}.wasm`), bytes);
  writeFileSync(join(dir, 'garbage.wasm'), 'not wasm at all');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

interface Run { code: number | null; stdout: Buffer; stderr: string }

function cellRun(args: string[], stdin: Uint8Array | string = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, WW_CACHE_DIR: cache, NO_COLOR: '1' };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['--stack-size=3800', BIN, 'cell', 'run', ...args], { cwd: dir, env });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.end(stdin);
  });
}

describe.concurrent('ww cell run', { timeout: 45_000 }, () => {
  it('raw: stdin and stdout pass straight through, binary included, exit 0', async ({ expect }) => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) & 0xff);
    const r = await cellRun(['echo.wasm'], bytes);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Buffer.from(bytes).equals(r.stdout)).toBe(true);
  });

  it('--arg and --env reach the cell, and only they; argv[0] is the file name', async ({ expect }) => {
    const r = await cellRun(['argv-env.wasm', '--arg', 'one two', '--arg', '', '--env', 'K=v=w', '--env', 'EMPTY=']);
    expect(r.code).toBe(0);
    const [args, env] = r.stdout.toString().split('\x01');
    expect(args!.split('\0').slice(0, -1)).toEqual(['argv-env.wasm', 'one two', '']);
    expect(env!.split('\0').slice(0, -1)).toEqual(['K=v=w', 'EMPTY=', 'WW_CELL_MODE=raw']);
  });

  it("the cell's exit code becomes ww's", async ({ expect }) => {
    const r = await cellRun(['exit.wasm', '--arg', 'seven..']);
    expect(r.code).toBe(7);
    expect(r.stderr).toBe('bye');
  });

  it('a limit prints the structured error and exits 1', async ({ expect }) => {
    const loop = await cellRun(['loop.wasm', '--timeout-ms', '300']);
    expect(loop.code).toBe(1);
    expect(loop.stdout.toString()).toBe('spinning\n');
    expect(loop.stderr).toMatch(/^error\[cell\/timeout\]: the cell ran past its wall-clock budget of 300 ms/);
    const grow = await cellRun(['grow.wasm', '--memory-mb', '4']);
    expect(grow.code).toBe(1);
    expect(grow.stderr).toMatch(/^error\[cell\/memory\]/);
  });

  it('a denied import prints the structured error naming it, and exits 1', async ({ expect }) => {
    const r = await cellRun(['socket.wasm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[cell\/denied-import\]: .*wasi:sockets\/tcp-create-socket@0\.2\.12 \(create-tcp-socket\)/);
    expect(r.stderr).toMatch(/\nhint: /);
  });

  it('http: --request sends the request (body from stdin) and prints the CGI response', async ({ expect }) => {
    const r = await cellRun(['cgi.wasm', '--mode', 'http', '--request', 'POST /items/7?full=1'], 'a body');
    expect(r.code).toBe(0);
    const text = r.stdout.toString();
    expect(text).toMatch(/^HTTP\/1\.1 201 Created\r\nContent-Type: text\/plain\r\nX-Cell: wat\r\n\r\n/);
    expect(text).toContain('REQUEST_METHOD=POST\n');
    expect(text).toContain('PATH_INFO=/items/7\n');
    expect(text).toContain('QUERY_STRING=full=1\n');
    expect(text.endsWith('--\na body')).toBe(true);
  });

  it('vat mode: stdio passes straight through (the caller is the cell\'s Cap\'n Proto peer), WW_CELL_MODE=vat', async ({ expect }) => {
    const echo = await cellRun(['echo.wasm', '--mode', 'vat'], 'frames go both ways');
    expect(echo.code).toBe(0);
    expect(echo.stdout.toString()).toBe('frames go both ways');
    const env = await cellRun(['argv-env.wasm', '--mode', 'vat']);
    expect(env.stdout.toString()).toContain('WW_CELL_MODE=vat');
  });

  it('bad input: garbage, a missing file, an unknown mode and bad options, each with its own message', async ({ expect }) => {
    const garbage = await cellRun(['garbage.wasm']);
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toMatch(/^error\[cell\/invalid\]: not WebAssembly/);
    const missing = await cellRun(['nope.wasm']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error\[io\]: cannot read nope\.wasm: no such file/);
    const warp = await cellRun(['echo.wasm', '--mode', 'warp']);
    expect(warp.code).toBe(2);
    expect(warp.stderr).toMatch(/^error\[usage\]: --mode must be raw, http or vat, not "warp"\nrun 'ww cell --help' for usage\n$/);
    const bad = await cellRun(['echo.wasm', '--timeout-ms', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--timeout-ms takes a whole number, not "soon"\nrun 'ww cell --help' for usage\n$/);
  });

  it('bad input: /dev/zero, a FIFO with no writer and a component over 64 MiB are refused before anything is read', async ({ expect }) => {
    // Each once grew ww to gigabytes or blocked it for ever. A killed run has code null.
    const zero = await cellRun(['/dev/zero']);
    expect(zero.code, zero.stderr).toBe(1);
    expect(zero.stderr).toBe('error[io]: cannot read /dev/zero: it is a device, not a regular file\n');
    execFileSync('mkfifo', [join(dir, 'fifo.wasm')]);
    const fifo = await cellRun(['fifo.wasm']);
    expect(fifo.code, fifo.stderr).toBe(1);
    expect(fifo.stderr).toBe('error[io]: cannot read fifo.wasm: it is a named pipe (FIFO), not a regular file\n');
    writeFileSync(join(dir, 'huge.wasm'), '');
    truncateSync(join(dir, 'huge.wasm'), 65 * 1024 * 1024); // sparse: no disk used
    const huge = await cellRun(['huge.wasm']);
    expect(huge.code, huge.stderr).toBe(1);
    expect(huge.stderr).toBe('error[cell/invalid]: huge.wasm is 65 MiB; a component is at most 64 MiB (67,108,864 bytes)\n');
    const folder = await cellRun(['.']);
    expect(folder.stderr).toMatch(/^error\[io\]: cannot read \.: it is a directory, not a regular file\n/);
    expect(folder.stderr).not.toMatch(/EISDIR|ENOENT|ELOOP/);
  });
});

