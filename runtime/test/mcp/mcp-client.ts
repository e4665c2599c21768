// Starts a real `ww mcp` (bin/ww.js, the built dist/) under the MCP SDK's
// own client over stdio, as an agent does, for the MCP tests. Not a test
// file itself.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { join } from 'node:path';
import { ROOT, BIN, assertBuilt } from '../ww-process.js';

/** A call that does not come back in this time has hung the server: the test fails instead of waiting. */
export const CALL_TIMEOUT_MS = 45_000;

export interface Server { client: Client; stderr: () => string; errors: Error[]; close: () => Promise<void> }

export function serverEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, HOME: home, NO_COLOR: '1', WW_HOST_STATE_PATH: join(home, 'no-node.json') };
}

export async function startServer(args: string[], home: string, env: Record<string, string> = {}): Promise<Server> {
  assertBuilt();
  const transport = new StdioClientTransport({
    command: process.execPath, args: ['--stack-size=3800', BIN, 'mcp', ...args],
    env: { ...serverEnv(home), ...env }, cwd: ROOT, stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (b: Buffer) => { stderr += b.toString('utf8'); });
  const errors: Error[] = [];
  const client = new Client({ name: 'ww-test', version: '1.0.0' });
  client.onerror = (e) => { errors.push(e); };
  await client.connect(transport, { timeout: CALL_TIMEOUT_MS });
  return { client, stderr: () => stderr, errors, close: () => client.close() };
}

type Text = { type: 'text'; text: string };
export async function call(s: Server, name: string, args: Record<string, unknown>) {
  const r = await s.client.callTool({ name, arguments: args }, undefined, { timeout: CALL_TIMEOUT_MS });
  return { ...r, text: (r.content as Text[]).map((c) => c.text).join('\n'), structured: r.structuredContent as any };
}

