// examples/agent, run as its README says: a real `ww run examples/agent`
// on loopback (runtime/test/node/ww-node.ts adds ports from 0, a temporary
// home and --no-mdns), and `ww mcp` driven by the MCP SDK's own client over
// stdio, as an agent's client drives it, replaying examples/agent/session.json
// call by call and checking each result against what the transcript
// expects.
//
// Real `claude` cannot run here (no network, no account): the test checks
// that the README's `claude mcp add` registers the command `ww mcp` and that
// its JSON entry names the same command, then runs that command itself.
// `ww mcp` finds the node through its host-state file and logs in with the
// node's key, as on a machine where both use ~/.ww: the test's node keeps
// its key in its temporary home, so the server is given it as WW_IDENTITY.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../runtime/test/ww-process.js';
import { cleanup, type NodeProcess } from '../../runtime/test/node/ww-node.js';
import { startServer, call, CALL_TIMEOUT_MS, type Server } from '../../runtime/test/mcp/mcp-client.js';
import { ReadmeCommands } from './readme-commands.js';
import { wwRun, said } from './example-node.js';

const DIR = join(ROOT, 'examples/agent');
const readme = new ReadmeCommands(join(DIR, 'README.md'));

interface Step {
  why: string;
  tool: 'eval' | 'check' | 'describe' | 'doc';
  arguments: Record<string, unknown>;
  expect: { value?: string; isError?: boolean; code?: string; errors?: number; codes?: string[]; effects?: string[] };
}
const session = JSON.parse(readFileSync(join(DIR, 'session.json'), 'utf8')) as { about: string; calls: Step[] };

let node: NodeProcess | undefined;
let server: Server | undefined;

afterAll(async () => {
  await server?.close();
  await cleanup(node);
});

describe('examples/agent', () => {
  beforeAll(async () => {
    node = wwRun(readme.take('ww run examples/agent'));
    await node.waitFor(said('10-notes.glia', 'serving vat notes with :read and :append'), 90_000, 'the notes vat served');
  }, 120_000);

  it('the README registers `ww mcp` with Claude Code and in the JSON entry; that command serves the node', async () => {
    const add = readme.take('claude mcp add wetware -- ww mcp');
    const serverCommand = add.slice(add.indexOf('--') + 1);
    expect(serverCommand).toEqual(['ww', 'mcp']);
    const json = /```json\n([\s\S]*?)```/.exec(readFileSync(join(DIR, 'README.md'), 'utf8'))![1]!;
    const entry = JSON.parse(json).mcpServers.wetware;
    expect([entry.command, ...entry.args]).toEqual(serverCommand);
    // startServer runs `ww mcp` (bin/ww.js under node) with the words after it: none here.
    server = await startServer(serverCommand.slice(2), node!.home, { WW_HOST_STATE_PATH: node!.hostState, WW_IDENTITY: join(node!.home, 'identity') })
      .catch((e) => { throw new Error(`ww mcp did not start: ${e}; the node's log:\n${node!.stderr()}`); });
    const tools = (await server.client.listTools()).tools.map((t) => t.name).sort();
    expect(tools).toEqual(['check', 'describe', 'doc', 'eval']);
  }, 2 * CALL_TIMEOUT_MS);

  it('replays session.json: each check and eval gives what the transcript expects', async () => {
    expect(session.calls.length).toBeGreaterThanOrEqual(8);
    for (const [i, step] of session.calls.entries()) {
      const r = await call(server!, step.tool, step.arguments);
      const what = `call ${i + 1} (${step.tool}: ${step.why}) gave ${r.text}`;
      const e = step.expect;
      expect(Boolean(r.isError), what).toBe(Boolean(e.isError));
      if (e.value !== undefined) expect(r.structured?.value, what).toBe(e.value);
      if (e.code !== undefined) expect(r.structured?.code, what).toBe(e.code);
      if (e.errors !== undefined) expect(r.structured?.errors, what).toBe(e.errors);
      if (e.codes !== undefined) expect(r.structured?.diagnostics.filter((d: any) => d.severity === 'error').map((d: any) => d.code), what).toEqual(e.codes);
      if (e.effects !== undefined) expect(r.structured?.effects, what).toEqual(expect.arrayContaining(e.effects));
    }
    // Nothing refused wrote: the notes hold exactly what the allowed calls wrote.
    const after = await call(server!, 'eval', { expression: '(count (perform notes :read))' });
    expect(after.structured.value).toBe('2');
    readme.assertAllRun();
  }, 20 * CALL_TIMEOUT_MS);
});
