// `ww mcp [ADDR] [--local] [--identity PATH]` (also `ww shell --mcp`): an
// MCP server on stdio over one Glia session (runtime/mcp/server.ts). The
// node is chosen as `ww shell` chooses it (runtime/session/open-session.ts).
// stdout carries only protocol messages; everything else goes to stderr.
import { openSession } from '../session/open-session.js';
import { serveStdio, claimStdout } from '../mcp/server.js';
import { outStyle, paintHelp } from './colour.js';
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';

const VERSION = '0.1.0';

export const MCP_HELP = `Usage: ww mcp [ADDR] [options]

Serves the Model Context Protocol on stdin/stdout, so an LLM agent (Claude
Code, or any MCP client) can write and run Glia. Tools: eval (definitions
persist; :stdout captured; a timeout stops runaway code), check (the effect
checker, nothing runs), describe (the session's capabilities) and doc.
Resources: the language reference and the capability schemas. Logs go to
stderr; the server exits 0 when stdin closes. doc/mcp.md has the details.

The node is chosen as ww shell chooses it: ADDR (a multiaddr ending in
/p2p/ID), else the node running on this machine (its host-state file),
else nothing unless --local.

Options:
      --local           no node: only the local effects of ww eval
      --identity PATH   the identity to log in with (env WW_IDENTITY; default ~/.ww/identity)
  -h, --help            show this help

Set up with Claude Code:  claude mcp add wetware -- ww mcp   (or: ww perform install)`;

export async function mcpCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('mcp', args, { local: { type: 'boolean' }, identity: { type: 'string' } });
  if (values.help) { io.out(paintHelp(MCP_HELP, outStyle(io)) + '\n'); return 0; }
  if (positionals.length > 1) throw new UsageError(`ww mcp takes at most one ADDR, got ${positionals.length} arguments`);
  if (values.local && positionals.length) throw new UsageError('give either ADDR or --local, not both');

  let session;
  try {
    session = await openSession({
      ...(values.local ? { local: true } : {}),
      ...(positionals[0] !== undefined ? { addr: positionals[0] } : {}),
      ...(values.identity !== undefined ? { identityPath: values.identity } : {}),
      name: 'mcp',
    });
  } catch (e) {
    // No node, a refused login: one coded line on stderr (the client shows the server's stderr).
    const err = e as { format?: () => string; message?: string };
    io.err(`${typeof err.format === 'function' ? err.format() : `error[mcp]: ${err.message ?? String(e)}`}\n`);
    return 1;
  }
  // Someone typed `ww mcp` at a terminal: say what it is waiting for (on stderr, as always).
  if (process.stdin.isTTY) io.err('ww mcp speaks the Model Context Protocol on stdin/stdout; an MCP client starts it (doc/mcp.md). Ctrl-D ends it.\n');
  const { protocol, release } = claimStdout();
  try {
    await serveStdio(session, { stdin: process.stdin, stdout: protocol, log: (line) => io.err(line + '\n'), version: VERSION });
  } finally {
    release();
  }
  // The client is gone. A connection to a node may keep the event loop
  // alive for a while; it has nothing more to do, so do not wait for it.
  setTimeout(() => process.exit(0), 2000).unref();
  return 0;
}
