// `ww mcp` against a real node: a `ww run` on 127.0.0.1 (ports from 0, no
// mDNS; runtime/test/node/ww-node.ts), found through its host-state file
// as `ww shell` finds it, logged in with the node's own identity. The
// session's `host` is the node's: `(perform host :id)` is its peer id.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { startNode, cleanup, type NodeProcess } from '../node/ww-node.js';
import { startServer, call, CALL_TIMEOUT_MS, type Server } from './mcp-client.js';

let node: NodeProcess;
let s: Server | undefined;
beforeAll(async () => {
  node = startNode();
  await node.addrs();
  s = await startServer(['--identity', join(node.home, 'identity')], node.home, { WW_HOST_STATE_PATH: node.hostState });
}, 120_000);
afterAll(async () => {
  await s?.close();
  await cleanup(node);
});

describe('ww mcp attached to a running node', () => {
  it('binds the node\'s capabilities, and (perform host :id) is the node\'s peer id', async () => {
    const id = await node.peerId();
    const r = await call(s!, 'eval', { expression: '(perform host :id)' });
    expect(r.isError, r.text).toBeFalsy();
    expect(r.structured.value).toBe(JSON.stringify(id));
    const all = await call(s!, 'describe', {});
    const names = all.structured.capabilities.map((c: any) => c.name);
    expect(names).toContain('host');
    expect(all.structured.capabilities.find((c: any) => c.name === 'host').bound).toBe(true);
    // The checker knows the session has host now.
    const checked = await call(s!, 'check', { source: '(perform host :id)' });
    expect(checked.structured).toMatchObject({ errors: 0, effects: ['host/:id'] });
  }, 2 * CALL_TIMEOUT_MS);

  it('refuses :load before anything runs, though the expression also performs on a capability an earlier eval defined', async () => {
    const def = await call(s!, 'eval', { expression: '(def notes (perform host :state-ref "mcp-notes"))' });
    expect(def.isError, def.text).toBeFalsy();
    const r = await call(s!, 'eval', { expression: '(println "ran") (def head-seen (perform notes :head)) (load "/etc/passwd")' });
    expect(r.isError).toBe(true);
    expect(r.structured).toMatchObject({ code: 'effect-not-allowed', span: { line: 1, col: 55 } });
    expect(r.text).toContain('which an MCP session does not allow');
    expect(r.text).toMatch(/^error\[effect-not-allowed\]/); // nothing printed before it
    expect((await call(s!, 'eval', { expression: 'head-seen' })).structured.code).toBe('unbound-symbol');
    // Without the load, the same capability call runs.
    const ok = await call(s!, 'eval', { expression: '(:seq (perform notes :head))' });
    expect(ok.isError, ok.text).toBeFalsy();
  }, 4 * CALL_TIMEOUT_MS);
});
