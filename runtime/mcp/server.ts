// `ww mcp`: an MCP server on stdio (@modelcontextprotocol/sdk) over one
// Glia session (runtime/session/session.ts), so an LLM agent can write and
// run Glia against a node's capabilities. The tools are in tools.ts, the
// resources in resources.ts.
//
// stdout carries the protocol and nothing else. The server writes to a
// stream of its own on file descriptor 1, and process.stdout.write is
// pointed at stderr for as long as it serves, so a stray console.log or
// a library's banner lands in the log instead of corrupting a message.
// The server ends when stdin closes (the client went away): it closes
// the session and resolves, and `ww mcp` exits 0.
import { Writable, type Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Session } from '../session/session.js';
import { registerTools } from './tools.js';
import { registerResources, LANGUAGE_URI } from './resources.js';
import { languageReferencePath } from './reference-files.js';

export const SERVER_NAME = 'wetware';

export function createMcpServer(session: Session, version: string): McpServer {
  const server = new McpServer({ name: SERVER_NAME, title: 'Wetware (Glia)', version }, {
    capabilities: { tools: {}, resources: {} },
    instructions: `Wetware runs Glia, a small Clojure-like language in which capabilities are values and every side effect is a perform. `
      + `This session is ${session.label === 'local' ? 'local (no node attached)' : `attached to node ${session.label}`}. `
      + `Read ${LANGUAGE_URI} before writing Glia; call describe to see the capabilities you can perform on, doc for a name, `
      + `check to find problems without running anything, and eval to run code (definitions persist between calls).`,
  });
  registerTools(server, session, () => readFileSync(languageReferencePath(), 'utf8'));
  registerResources(server);
  return server;
}

export interface StdioOptions {
  stdin: Readable;
  /** Where protocol messages go (file descriptor 1 in `ww mcp`). */
  stdout: Writable;
  log: (line: string) => void;
  version: string;
}

/** Serves `session` until stdin ends, then closes the server and the session. */
export async function serveStdio(session: Session, opts: StdioOptions): Promise<void> {
  const server = createMcpServer(session, opts.version);
  const transport = new StdioServerTransport(opts.stdin, opts.stdout);
  const ended = new Promise<void>((resolve) => {
    opts.stdin.once('end', resolve);
    opts.stdin.once('close', resolve);
    transport.onclose = () => resolve();
  });
  transport.onerror = (e) => opts.log(`mcp: ${e.message}`);
  await server.connect(transport);
  opts.log(`mcp: serving Glia session ${session.label} on stdio`);
  await ended;
  await server.close().catch(() => {});
  await session.close().catch((e: Error) => opts.log(`mcp: closing the session: ${e.message}`));
}

/**
 * A stream on file descriptor 1 for protocol messages, while every other
 * write to process.stdout goes to stderr. The returned function undoes it.
 */
export function claimStdout(): { protocol: Writable; release: () => void } {
  const out = process.stdout;
  const original = out.write;
  const write = original.bind(out) as (chunk: unknown, cb?: (e?: Error | null) => void) => boolean;
  const protocol = new Writable({
    write(chunk, _enc, cb) { write(chunk, (e) => cb(e ?? null)); },
  });
  out.write = ((chunk: unknown, ...rest: unknown[]) => (process.stderr.write as (...a: unknown[]) => boolean)(chunk, ...rest)) as typeof out.write;
  return { protocol, release: () => { out.write = original; } };
}
