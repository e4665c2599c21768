// What `ww doctor` says about `ww perform install`: whether ~/.ww is laid
// out, whether the user service file is there, and whether Claude Code
// knows the MCP server. Read-only; it only looks (and asks claude, when
// it is on PATH, with a short time limit).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { layout, tilde, WW_FOLDERS, MCP_NAME } from './layout.js';
import { enableCommand } from './service.js';
import { onPath, runProgram } from './commands.js';

export interface InstallCheck { name: string; status: 'ok' | 'warn'; detail: string }

export function installChecks(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): InstallCheck[] {
  const l = layout(env, platform);
  const t = (p: string) => tilde(p, env);
  const out: InstallCheck[] = [];
  const missing = WW_FOLDERS.filter((f) => !existsSync(join(l.home, f)));
  out.push(missing.length ? { name: 'install', status: 'warn', detail: `${t(l.home)} lacks ${missing.join(', ')}; ww perform install sets it up` }
    : { name: 'install', status: 'ok', detail: `${t(l.home)} is set up (${WW_FOLDERS.join(', ')})` });
  if (l.service) {
    let text: string | null = null;
    try { text = readFileSync(l.service.path, 'utf8'); } catch { /* none */ }
    out.push(text === null ? { name: 'service', status: 'warn', detail: `no user service (${t(l.service.path)}); ww perform install writes one` }
      : { name: 'service', status: 'ok', detail: `${t(l.service.path)} is installed${text.includes(l.ww) ? '' : ' (for another ww; ww perform install updates it)'}; enabled with: ${enableCommand(l)}` });
  }
  if (!onPath('claude', env)) out.push({ name: 'mcp', status: 'ok', detail: `claude is not on PATH; other MCP clients run: ${l.ww} mcp (doc/mcp.md)` });
  else {
    const r = runProgram(['claude', 'mcp', 'get', MCP_NAME], env, 10_000);
    out.push(r.ok ? { name: 'mcp', status: 'ok', detail: `Claude Code has the '${MCP_NAME}' MCP server` }
      : { name: 'mcp', status: 'warn', detail: `Claude Code has no '${MCP_NAME}' MCP server; ww perform install adds it` });
  }
  return out;
}
