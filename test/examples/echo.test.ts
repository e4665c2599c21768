// examples/echo, run as its README says: `ww build` makes the WAT cell a
// component, a real node serves it as the stream "echo", and a second node
// booted from the client image with --bootstrap dials it, writes a line
// and prints what came back. The same image without its build output gets
// a log line naming the `ww build` to run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, type NodeProcess } from '../../runtime/test/node/ww-node.js';
import { ROOT, ww } from '../../runtime/test/ww-process.js';
import { cidOf } from '../../runtime/cell/cid.js';
import { ReadmeCommands } from './readme-commands.js';
import { loopbackAddr, said, wwRun, expectUnbuiltHint } from './example-node.js';

const readme = new ReadmeCommands(join(ROOT, 'examples', 'echo', 'README.md'));
const unbuilt = mkdtempSync(join(tmpdir(), 'ww-echo-unbuilt-'));
let server: NodeProcess, client: NodeProcess, bare: NodeProcess;
let built: { code: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  // The image as it is in git, without bin/: booted at once, beside the build.
  cpSync(join(ROOT, 'examples', 'echo'), unbuilt, { recursive: true, filter: (src) => !src.includes(`${join('echo', 'bin')}`) });
  bare = wwRun(['ww', 'run', unbuilt]);
  const [cmd, ...args] = readme.take('ww build examples/echo');
  expect(cmd).toBe('ww');
  built = await ww(args, { cwd: ROOT, timeoutMs: 60_000 });
  expect(built.stderr).not.toMatch(/error\[/);
  expect(built.code).toBe(0);
  server = wwRun(readme.take('ww run examples/echo'));
  await server.waitFor(said('10-echo.glia', 'serving /ww/0.1.0/stream/echo'), 90_000, 'the server serving echo');
  const ADDR = await loopbackAddr(server);
  client = wwRun(readme.take('ww run examples/echo/client --bootstrap $ADDR', { ADDR }));
}, 150_000);

afterAll(async () => {
  for (const n of [server, client, bare]) await cleanup(n);
  rmSync(unbuilt, { recursive: true, force: true });
  readme.assertAllRun();
});

describe('examples/echo', () => {
  it('ww build makes a component of echo.wat and prints its CID', () => {
    const bytes = readFileSync(join(ROOT, 'examples', 'echo', 'bin', 'echo.wasm'));
    expect(built.stdout.trim()).toBe(`${cidOf(bytes)}  examples/echo/bin/echo.wasm`);
    // A component (layer 1), not a core module; small, since no engine is inside.
    expect([...bytes.subarray(0, 8)]).toEqual([0, 0x61, 0x73, 0x6d, 0x0d, 0, 0x01, 0]);
    expect(bytes.length).toBeLessThan(64 * 1024);
  });

  it('the client node dials the stream, and the cell echoes its line', async () => {
    const line = await client.waitFor((l) => l.script === 'etc/init.d/10-client.glia' && /echoed|error/.test(l.msg), 90_000, 'the client\'s answer');
    expect(line.msg).toBe('10-client.glia: echoed: hello, echo');
  }, 100_000);

  it('without bin/echo.wasm the log names the ww build to run, and the node stays up', async () => {
    await expectUnbuiltHint(bare, '10-echo.glia', 'echo.wasm', unbuilt);
  }, 100_000);
});
