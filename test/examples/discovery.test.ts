// examples/discovery, run as its README says: a real node serves a greeter
// vat and provides it in the DHT; a second node, joined with --bootstrap,
// finds it by routing (retrying with growing delays while it is not found),
// dials the vat and calls it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cleanup, type NodeProcess } from '../../runtime/test/node/ww-node.js';
import { ROOT } from '../../runtime/test/ww-process.js';
import { ReadmeCommands } from './readme-commands.js';
import { loopbackAddr, said, wwRun } from './example-node.js';

const readme = new ReadmeCommands(join(ROOT, 'examples', 'discovery', 'README.md'));
let server: NodeProcess, client: NodeProcess;

beforeAll(async () => {
  server = wwRun(readme.take('ww run examples/discovery'));
  // The client starts as soon as the server's address is known, before its
  // script has served and provided: finding is what the backoff waits for.
  const ADDR = await loopbackAddr(server);
  client = wwRun(readme.take('ww run examples/discovery/client --bootstrap $ADDR', { ADDR }));
}, 120_000);

afterAll(async () => {
  for (const n of [server, client]) await cleanup(n);
  readme.assertAllRun();
});

const script = (l: { script?: unknown }) => l.script === 'etc/init.d/10-find.glia';

describe('examples/discovery', () => {
  it('the server serves the greeter and provides it', async () => {
    await server.waitFor(said('10-greeter.glia', 'serving greeter, provided as ww-example/greeter'), 90_000, 'the greeter served');
  }, 100_000);

  it('the client finds the greeter by routing, dials it and calls it', async () => {
    const greeted = await client.waitFor((l) => script(l) && (/greeted|error/.test(l.msg) || l.level === 'error'), 120_000, 'the client\'s calls');
    const out = client.lines.filter(script).map((l) => l.msg);
    expect(greeted.msg).toBe('10-find.glia: greeted 1 so far');
    expect(out).toContain(`10-find.glia: found a greeter at ${await server.peerId()}`);
    expect(out).toContain('10-find.glia: hello, discovery, from a greeter found by routing');
    // Each retry, if any, waited twice as long as the one before.
    const waits = out.flatMap((m) => /trying again in (\d+) ms/.exec(m)?.[1] ?? []).map(Number);
    waits.forEach((w, i) => expect(w).toBe(Math.min(8000, 250 * 2 ** i)));
  }, 130_000);
});
