// mDNS discovery between two swarms, in a child process inside a fresh
// network namespace (`unshare -n`) whose only interface is loopback with a
// multicast route: the queries never reach a real network. mDNS is never
// turned on outside such a namespace in the tests.
import { it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./fixtures/mdns-pair.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url));

it('two swarms with mDNS find and dial each other (in a network namespace of their own)', () => {
  const inner = `ip link set lo up && ip route add 224.0.0.0/4 dev lo && exec ${JSON.stringify(process.execPath)} --import ${JSON.stringify(tsx)} ${JSON.stringify(script)}`;
  const r = spawnSync('unshare', ['-n', 'sh', '-c', inner], { encoding: 'utf8', timeout: 60_000 });
  expect(r.error, String(r.error)).toBeUndefined();
  const last = r.stdout.trim().split('\n').pop() ?? '';
  expect(r.status, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  const res = JSON.parse(last);
  expect(res.ok).toBe(true);
  expect(res.aPeers).toContain(res.b);
  expect(res.bPeers).toContain(res.a);
}, 90_000);
