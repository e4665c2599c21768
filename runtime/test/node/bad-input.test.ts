// `ww run` and `ww keygen` on bad input: each gives one coded line naming
// the fix (no JS stack trace) and exits 1, or, where the node can go on (an
// unreachable bootstrap peer), a warning while it stays up.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, cleanup, type NodeProcess } from './ww-node.js';
import { ww, TEST_TIMEOUT_MS } from '../ww-process.js';

let dir: string;
let running: NodeProcess;

/** `ww run` that is expected to fail at boot: its exit code and what it printed. */
async function runFails(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const n = startNode({ home: mkdtempSync(join(dir, 'home-')), args: [...args] });
  const code = await Promise.race([n.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
  if (code === 'hung') { n.child.kill('SIGKILL'); throw new Error(`ww run ${args.join(' ')} did not exit:\n${n.stderr()}`); }
  return { code, stderr: n.stderr() };
}

/** One error line in our words, and a hint, never a stack. */
function expectOneCodedError(stderr: string, code: string, message: RegExp): void {
  const lines = stderr.split('\n').filter((l) => l.startsWith('error['));
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error\\[${code.replace('/', '\\/')}\\]: `));
  expect(lines[0]).toMatch(message);
  expect(stderr).toMatch(/\n\s+hint: /);
  expect(stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ww-bad-'));
  running = startNode();
  await running.http();
  await running.addrs();
}, 60_000);

afterAll(async () => { await cleanup(running); rmSync(dir, { recursive: true, force: true }); });

describe('ww run refuses bad input with one clear line', () => {
  it('a swarm port another process holds', async () => {
    const port = /\/tcp\/(\d+)\//.exec((await running.addrs())[0]!)![1]!;
    const r = await runFails(['--listen', `/ip4/127.0.0.1/tcp/${port}`, '--http-listen', 'off']);
    expect(r.code).toBe(1);
    expectOneCodedError(r.stderr, 'node/port-in-use', new RegExp(`tcp/${port}.*in use`));
  }, TEST_TIMEOUT_MS);

  it('a WAGI port another process holds', async () => {
    const hostPort = (await running.http()).replace('http://', '');
    const r = await runFails(['--http-listen', hostPort]);
    expect(r.code).toBe(1);
    expectOneCodedError(r.stderr, 'node/port-in-use', new RegExp(hostPort.replace('.', '\\.')));
  }, TEST_TIMEOUT_MS);

  it('a multiaddr that does not parse', async () => {
    const r = await runFails(['--listen', '/ip4/nope/tcp/1']);
    expect(r.code).toBe(1);
    expectOneCodedError(r.stderr, 'node/bad-multiaddr', /--listen "\/ip4\/nope\/tcp\/1" is not a multiaddr/);
  }, TEST_TIMEOUT_MS);

  it('a corrupt identity, and one that is not a file', async () => {
    const bad = join(dir, 'corrupt-identity');
    writeFileSync(bad, 'this is not base58btc!\n');
    const r = await runFails(['--identity', bad]);
    expect(r.code).toBe(1);
    expectOneCodedError(r.stderr, 'node/identity', /not usable: it is not base58btc text/);
    expect(readFileSync(bad, 'utf8')).toBe('this is not base58btc!\n');
    const short = join(dir, 'short-identity');
    writeFileSync(short, '3mJr7AoUXx2Wqd\n');
    expectOneCodedError((await runFails(['--identity', short])).stderr, 'node/identity', /holds \d+ bytes, an Ed25519 seed has 32/);
    expectOneCodedError((await runFails(['--identity', dir])).stderr, 'node/identity', /not a regular file/);
  }, TEST_TIMEOUT_MS * 2);

  it('a layer that is a file, one that does not exist, and a bare CID', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expectOneCodedError((await runFails([file])).stderr, 'node/layer', /is a file, not a folder/);
    expectOneCodedError((await runFails([join(dir, 'no-such-folder')])).stderr, 'node/layer', /is not a folder, \/ipfs\/CID or \/ipns\/NAME/);
    const cid = 'bafkreibbglha6zewk6iwouuqpc4v3axfo7ubocfty3t6fohephtj6m5boe';
    const r = await runFails([cid]);
    expectOneCodedError(r.stderr, 'node/layer', new RegExp(cid));
    expect(r.stderr).toMatch(new RegExp(`hint: to use a CID, write /ipfs/${cid}`));
  }, TEST_TIMEOUT_MS * 2);

  it('a Kubo URL that refuses', async () => {
    const r = await runFails(['--ipfs-url', 'http://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expectOneCodedError(r.stderr, 'node/kubo-unreachable', /127\.0\.0\.1:1.*refused/);
  }, TEST_TIMEOUT_MS);

  it('usage errors: an unknown log format, a zero timeout', async () => {
    const a = await ww(['run', '--log-format', 'xml']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--log-format must be text or json, not "xml"[\s\S]*run 'ww run --help'/);
    const b = await ww(['run', '--http-timeout-ms', '0']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--http-timeout-ms takes a whole number/);
  }, TEST_TIMEOUT_MS);
});

describe('ww run goes on where it can', () => {
  it('warns about a bootstrap peer it cannot reach, naming it, and stays up', async () => {
    const peer = await running.peerId();
    const n = startNode({ home: mkdtempSync(join(dir, 'home-')), args: ['--http-listen', 'off', '--bootstrap', `/ip4/127.0.0.1/tcp/1/p2p/${peer}`] });
    try {
      const warn = await n.waitFor((l) => l.level === 'warn' && /bootstrap/i.test(l.msg), 60_000, 'a bootstrap warning');
      expect(warn.msg).toContain(peer);
      expect(n.child.exitCode).toBe(null);
      expect((await n.stop()).code).toBe(0);
    } finally { await cleanup(n); }
  }, 90_000);
});

describe('ww keygen', () => {
  it('writes base58btc of a 32-byte seed with mode 0600, prints the peer id on stderr, and refuses to overwrite', async () => {
    const out = join(dir, 'key');
    const a = await ww(['keygen', '--output', out]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe('');
    expect(a.stderr).toMatch(/^Peer ID: 12D3KooW[1-9A-HJ-NP-Za-km-z]+\n$/);
    expect(readFileSync(out, 'utf8')).toMatch(/^[1-9A-HJ-NP-Za-km-z]{43,44}\n$/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const before = readFileSync(out, 'utf8');
    const b = await ww(['keygen', '--output', out]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/^error\[node\/identity-exists\]: .* already exists/);
    expect(readFileSync(out, 'utf8')).toBe(before);
    const c = await ww(['keygen', '--output', out, '--force']);
    expect(c.code).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toBe(before);
  }, TEST_TIMEOUT_MS);

  it('prints the identity on stdout without --output, and a node started with it has that peer id', async () => {
    const a = await ww(['keygen']);
    expect(a.code).toBe(0);
    const peer = /Peer ID: (\S+)/.exec(a.stderr)![1]!;
    const file = join(dir, 'stdout-key');
    writeFileSync(file, a.stdout);
    const n = startNode({ home: mkdtempSync(join(dir, 'home-')), args: ['--identity', file, '--http-listen', 'off'] });
    try {
      expect(await n.peerId()).toBe(peer);
    } finally { await cleanup(n); }
  }, 60_000);
});
