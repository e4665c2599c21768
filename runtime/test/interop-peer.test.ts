// Validates the C++ interop peer (runtime/test/interop/) on its own: the
// peer's scripted client talks to the peer's server over TCP on 127.0.0.1.
// The TypeScript side is tested against the same peer elsewhere; this test
// makes sure a failure there is not a bug in the peer.
//
// Needs the system Cap'n Proto (capnproto + libcapnp-dev) and g++; without
// them it skips with the reason printed, unless WW_REQUIRE_CAPNP=1 (.ci/run)
// makes it mandatory (capnp-available.ts). The peer is built once by
// interop/build.sh into $WW_INTEROP_BUILD (default <tmpdir>/ww-interop-build);
// later runs reuse it while it is up to date.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { skipWithoutCapnp } from './capnp-available.js';

const INTEROP = fileURLToPath(new URL('./interop', import.meta.url));
const BUILD_DIR = process.env.WW_INTEROP_BUILD ?? join(tmpdir(), 'ww-interop-build');
const BUILD_TIMEOUT_MS = 170_000;
const RUN_TIMEOUT_MS = 30_000;

/** Every line `peer client` prints on success, in order. */
const EXPECTED = [
  'ok add 5',
  'ok add-many 20',
  'ok echo hello, interop \u2713',
  'ok counter 5',
  'ok counter-get 5',
  'ok counter-fresh 0',
  'ok callback 70',
  'ok slow-add-pipelined 1',
  'ok slow-add 42',
  'ok slow-counter 5',
  'ok reflect-order 30',
  'ok fail remote exception: expected failure from the interop peer',
  'ok fail-then-add 2',
  'done 9 ok 0 failed',
];

interface Run { code: number | null; signal: string | null; stdout: string; stderr: string }

function run(file: string, args: string[], timeout: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout,
          stderr: e && typeof e.code !== 'number' && !e.signal ? `${stderr}${e.message}` : stderr,
        });
      });
  });
}

function describeRun(r: Run): string {
  return `exit ${r.code} signal ${r.signal}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}

/** A running `peer serve`, with the port it is listening on. */
interface Server { child: ChildProcessWithoutNullStreams; port: number; stderr: () => string }

function startServer(peer: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    // stdin stays a pipe: the peer exits when it closes, so it cannot
    // outlive this test process.
    const child = spawn(peer, ['serve', '127.0.0.1:0'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`peer serve did not report its port within 10 s\nstdout: ${out}\nstderr: ${err}`));
    }, 10_000);
    child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /^listening 127\.0\.0\.1:(\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), stderr: () => err });
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`peer serve exited early (code ${code}, signal ${signal})\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

function exited(child: ChildProcessWithoutNullStreams, timeoutMs: number): Promise<{ code: number | null; signal: string | null } | 'timeout'> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutMs);
    child.once('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal }); });
  });
}

const noPeer = skipWithoutCapnp('library', 'interop-peer.test.ts (the C++ interop peer)');
let peer: string;
let server: Server | undefined;

beforeAll(async () => {
  if (noPeer) return;
  const build = await run('sh', [join(INTEROP, 'build.sh'), BUILD_DIR], BUILD_TIMEOUT_MS);
  if (build.code !== 0) throw new Error(`interop/build.sh failed: ${describeRun(build)}`);
  peer = build.stdout.trim().split('\n').pop()!;
  server = await startServer(peer);
}, 180_000);

afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGTERM');
    if ((await exited(server.child, 5_000)) === 'timeout') server.child.kill('SIGKILL');
  }
});

describe.skipIf(noPeer)('C++ interop peer', () => {
  it('peer client passes every step against peer serve', async () => {
    const r = await run(peer, ['client', `127.0.0.1:${server!.port}`], RUN_TIMEOUT_MS);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines, describeRun(r)).toEqual(EXPECTED);
    expect(r.code, describeRun(r)).toBe(0);
  }, 60_000);

  it('peer client reports failures and exits 1 when there is no server', async () => {
    // A port that was just free: bind port 0 with a throwaway server, stop it.
    const spare = await startServer(peer);
    spare.child.kill('SIGKILL');
    await exited(spare.child, 5_000);
    const r = await run(peer, ['client', `127.0.0.1:${spare.port}`, 'add', 'echo'], RUN_TIMEOUT_MS);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout, describeRun(r)).toMatch(/^FAIL add: .*\nFAIL echo: .*\ndone 0 ok 2 failed\n$/);
  }, 60_000);

  it('peer serve exits when its stdin closes', async () => {
    const s = await startServer(peer);
    s.child.stdin.end();
    const result = await exited(s.child, 10_000);
    if (result === 'timeout') s.child.kill('SIGKILL');
    expect(result, s.stderr()).toEqual({ code: 0, signal: null });
  }, 60_000);
});
