// examples/oracle, run as its README says: the cell built with `ww build`,
// the oracle's node serving it over WAGI, as a vat and in the DHT, with a
// price source of the test's own (node:http on 127.0.0.1, a port from 0,
// reached through --http-dial 127.0.0.1, in a layer written by the
// README's own shell line), and a consumer node that finds it by routing
// through --bootstrap and asks it from there. Both nodes are real `ww run`
// processes on loopback (runtime/test/node/ww-node.ts adds ports from 0,
// a temporary home and --no-mdns).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../runtime/test/ww-process.js';
import { startNode, cleanup, get, type NodeProcess, type LogLine } from '../../runtime/test/node/ww-node.js';
import { wwRun, curl, loopbackAddr, wagiAddr } from './example-node.js';
import { builtCell } from '../../runtime/test/build/built-cells.js';
import { ReadmeCommands } from './readme-commands.js';

const readme = new ReadmeCommands(join(ROOT, 'examples/oracle/README.md'));
const PRICES: Record<string, string> = { BTC: '97000.12', ETH: '3600.5' };

let priceServer: Server;
let priceUrl: string;
const asked: string[] = [];
let source: string;
let oracle: NodeProcess | undefined;
let consumer: NodeProcess | undefined;

beforeAll(async () => {
  // The price source: Coinbase's spot price shape, 404 for a pair it does not know.
  priceServer = createServer((req, res) => {
    asked.push(req.url ?? '');
    const m = /^\/v2\/prices\/([A-Z0-9]+)-([A-Z0-9]+)\/spot$/.exec(req.url ?? '');
    const amount = m ? PRICES[m[1]!] : undefined;
    res.writeHead(amount ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(amount ? { data: { amount, base: m![1], currency: m![2] } } : { errors: [{ id: 'not_found' }] }));
  });
  await new Promise<void>((resolve) => priceServer.listen(0, '127.0.0.1', resolve));
  const port = (priceServer.address() as { port: number }).port;
  priceUrl = `http://127.0.0.1:${port}/v2/prices/{pair}/spot`;
  source = mkdtempSync(join(tmpdir(), 'ww-oracle-source-'));
}, 30_000);

afterAll(async () => {
  await cleanup(consumer);
  await cleanup(oracle);
  priceServer?.close();
  rmSync(source, { recursive: true, force: true });
});

const said = (n: NodeProcess, what: string, ms = 150_000) =>
  n.waitFor((l: LogLine) => typeof l.msg === 'string' && l.msg.includes(what), ms, `"${what}"`);

describe('examples/oracle', () => {
  it('builds, serves prices over WAGI and as a vat found in the DHT by another node', async () => {
    // `ww build examples/oracle`: the real ww build, on a copy of the
    // project, kept under the hash of its inputs (built-cells.ts), so a
    // run after an unchanged one does not wait a minute for componentize.
    expect(readme.take('ww build examples/oracle')).toEqual(['ww', 'build', 'examples/oracle']);
    const built = await builtCell(join(ROOT, 'examples/oracle'), 'oracle');
    mkdirSync(join(ROOT, 'examples/oracle/bin'), { recursive: true });
    copyFileSync(built.path, join(ROOT, 'examples/oracle/bin/oracle.wasm'));

    // The layer with the price source, by the README's own shell line.
    const layerLine = 'mkdir -p $SOURCE/etc/oracle && echo "$PRICE_URL" > $SOURCE/etc/oracle/source';
    readme.take(layerLine, { SOURCE: source, PRICE_URL: priceUrl });
    execFileSync('sh', ['-c', layerLine], { env: { PATH: process.env.PATH, SOURCE: source, PRICE_URL: priceUrl } });
    expect(readFileSync(join(source, 'etc/oracle/source'), 'utf8').trim()).toBe(priceUrl);

    oracle = wwRun(readme.take('ww run examples/oracle $SOURCE --http-dial $PRICE_HOST', { SOURCE: source, PRICE_HOST: '127.0.0.1' }));
    await said(oracle, 'oracle serving /oracle and vat oracle');

    // curl -s "http://$WAGI/oracle/BTC-USD", as fetch.
    const wagi = await wagiAddr(oracle);
    const r = await curl(readme.take('curl -s http://$WAGI/oracle/BTC-USD', { WAGI: wagi }));
    expect(r.status, r.body).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ pair: 'BTC-USD', price: '97000.12', currency: 'USD', source: priceUrl.replace('{pair}', 'BTC-USD') });
    expect(asked).toContain('/v2/prices/BTC-USD/spot');
    // The WAGI cell's refusals: a pair the source lacks, something that is not a pair, another method.
    const unknown = await get(`http://${wagi}/oracle/NOPE-USD`, 60_000);
    expect([unknown.status, JSON.parse(unknown.body).error]).toEqual([404, 'oracle/unknown-pair']);
    const bad = await get(`http://${wagi}/oracle/btc..usd`, 60_000);
    expect([bad.status, JSON.parse(bad.body).error]).toEqual([400, 'oracle/bad-pair']);
    const post = await fetch(`http://${wagi}/oracle/BTC-USD`, { method: 'POST', signal: AbortSignal.timeout(60_000) });
    expect(post.status).toBe(405);

    // The consumer, on another node that knows only the oracle's address.
    consumer = wwRun(readme.take('ww run examples/oracle/consumer --bootstrap $ADDR', { ADDR: await loopbackAddr(oracle) }));
    const found = await said(consumer, 'found the oracle at');
    expect(found.msg).toContain(await oracle.peerId());
    const prices = async (pair: string) => (await said(consumer!, `price {"currency":"USD","pair":"${pair}"`)).msg;
    expect(await prices('BTC-USD')).toContain('"price":"97000.12"');
    expect(await prices('ETH-USD')).toContain('"price":"3600.5"');
    const refused = await said(consumer, 'price error[');
    expect(refused.msg).toContain('error[:oracle/unknown-pair]: the price source knows no pair NOPE-USD');
    // The vat's cell ran on the oracle's node, which asked the source.
    await said(oracle, 'vat oracle: cell');
    expect(asked).toContain('/v2/prices/ETH-USD/spot');

    readme.assertAllRun();
  }, 300_000);

  it('without its build, the node says which command to run', async () => {
    // A copy of the project without bin/: what a checkout holds before `ww build`.
    const image = mkdtempSync(join(tmpdir(), 'ww-oracle-unbuilt-'));
    let n: NodeProcess | undefined;
    try {
      cpSync(join(ROOT, 'examples/oracle'), image, { recursive: true, filter: (p) => !p.split('/').includes('bin') });
      expect(existsSync(join(image, 'bin'))).toBe(false);
      n = startNode({ args: [image, source, '--http-dial', '127.0.0.1'] });
      const line = await n.waitFor((l: LogLine) => l.script === 'etc/init.d/10-oracle.glia' && l.level === 'error', 60_000, 'the script\'s error');
      expect(line.msg).toContain('/bin/oracle.wasm is not in the image');
      expect(line.hint).toContain(`ww build ${image}`);
    } finally {
      await cleanup(n);
      rmSync(image, { recursive: true, force: true });
    }
  }, 90_000);
});
