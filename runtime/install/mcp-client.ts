// Wiring `ww mcp` into MCP clients. Claude Code has a command for it
// (`claude mcp add`), run when `claude` is on PATH; the entry goes in the
// user scope, so the server is there in every project, and an earlier
// entry of the same name is removed first, so installing again replaces
// it. Other clients read a JSON snippet, printed for the user to paste.
import type { Layout } from './layout.js';
import { MCP_NAME } from './layout.js';

export function claudeAdd(l: Layout): string[] {
  return ['claude', 'mcp', 'add', '--scope', 'user', MCP_NAME, '--', l.ww, 'mcp'];
}

export function claudeRemove(): string[] {
  return ['claude', 'mcp', 'remove', '--scope', 'user', MCP_NAME];
}

/** The `mcpServers` entry most MCP clients (Claude Desktop, Cursor, ...) read. */
export function clientSnippet(l: Layout): string {
  return JSON.stringify({ mcpServers: { [MCP_NAME]: { command: l.ww, args: ['mcp'] } } }, null, 2);
}
