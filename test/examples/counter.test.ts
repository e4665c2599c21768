// examples/counter, run as its README says: `ww build` makes the Glia
// cell, a real node serves it at /counter with the node's StateRef
// "counter" granted; GET reads the count, POST adds one through dosync
// (four at once lose nothing and all answer), DELETE is refused with 405;
// the node is stopped and started again on the same home, and GET still
// answers the count. The image without its build
// output gets a log line naming the `ww build` to run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, type NodeProcess } from '../../runtime/test/node/ww-node.js';
import { ROOT, ww } from '../../runtime/test/ww-process.js';
import { ReadmeCommands } from './readme-commands.js';
import { curl, said, wagiAddr, wwRun, expectUnbuiltHint } from './example-node.js';

const readme = new ReadmeCommands(join(ROOT, 'examples', 'counter', 'README.md'));
const unbuilt = mkdtempSync(join(tmpdir(), 'ww-counter-unbuilt-'));
let node: NodeProcess | undefined, bare: NodeProcess;
let home: string;

const GET = 'curl -s http://$WAGI/counter';
const POST = 'curl -s -X POST http://$WAGI/counter';
const serving = said('10-counter.glia', 'serving /counter');

beforeAll(async () => {
  cpSync(join(ROOT, 'examples', 'counter'), unbuilt, { recursive: true, filter: (src) => !src.includes(join('counter', 'bin')) });
  bare = wwRun(['ww', 'run', unbuilt]);
  const [cmd, ...args] = readme.take('ww build examples/counter');
  expect(cmd).toBe('ww');
  const built = await ww(args, { cwd: ROOT, timeoutMs: 150_000 });
  expect(built.stderr).not.toMatch(/error\[/);
  expect(built.code).toBe(0);
  node = wwRun(readme.take('ww run examples/counter'));
  home = node.home;
  await node.waitFor(serving, 90_000, 'the script serving /counter');
}, 240_000);

afterAll(async () => {
  await cleanup(bare);
  if (node && node.child.exitCode === null) { node.child.kill('SIGKILL'); await node.exited; }
  if (home) rmSync(home, { recursive: true, force: true });
  rmSync(unbuilt, { recursive: true, force: true });
  readme.assertAllRun();
});

/** A request, asked again while the cold 25 MB cell's first start runs out of its wall clock (504). */
async function ask(command: string, WAGI: string) {
  for (let i = 0; ; i++) {
    const r = await curl(readme.take(command, { WAGI }));
    if (r.status !== 504 || i >= 4) return r;
  }
}

describe('examples/counter', () => {
  it('GET reads the count, POST adds one through dosync, another method is 405', async () => {
    const WAGI = await wagiAddr(node!);
    const first = await ask(GET, WAGI);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(first.body).toBe('{"count":0}\n');
    for (const n of [1, 2, 3]) expect((await ask(POST, WAGI)).body).toBe(`{"count":${n}}\n`);
    expect((await ask(GET, WAGI)).body).toBe('{"count":3}\n');
    // Four POSTs at once: their transactions conflict and retry (waiting in the cell between
    // tries), and every one answers; the counts they give are 4 to 7, each once.
    const together = await Promise.all([0, 1, 2, 3].map(() => curl(readme.take(POST, { WAGI }))));
    expect(together.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(together.map((r) => r.body).sort()).toEqual([4, 5, 6, 7].map((n) => `{"count":${n}}\n`));
    expect((await ask(GET, WAGI)).body).toBe('{"count":7}\n');
    const del = await curl(readme.take('curl -si -X DELETE http://$WAGI/counter', { WAGI }));
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, POST');
    expect(del.body).toBe('method not allowed: GET reads the count, POST adds one\n');
  }, 150_000);

  it('the count survives a restart of the node', async () => {
    expect((await node!.stop('SIGINT')).code).toBe(0);
    node = wwRun(readme.take('ww run examples/counter'), { home });
    await node.waitFor(serving, 90_000, 'the script serving /counter again');
    const WAGI = await wagiAddr(node);
    expect((await ask(GET, WAGI)).body).toBe('{"count":7}\n');
    expect((await ask(POST, WAGI)).body).toBe('{"count":8}\n');
  }, 150_000);

  it('without bin/counter.wasm the log names the ww build to run, and the node stays up', async () => {
    await expectUnbuiltHint(bare, '10-counter.glia', 'counter.wasm', unbuilt);
  }, 100_000);
});
