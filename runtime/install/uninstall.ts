// `ww perform uninstall`: undoes install. It stops and removes the user
// service and the Claude Code entry without asking (both are only wiring),
// but ~/.ww holds the node's identity — its peer id, which others may know
// it by — and its IPFS repo, so it is deleted only on an explicit yes:
// --yes, or "y" typed at a terminal. With neither, ~/.ww stays.
import { existsSync, rmSync } from 'node:fs';
import { layout, tilde, MCP_NAME } from './layout.js';
import { stopCommands } from './service.js';
import { claudeRemove } from './mcp-client.js';
import { onPath, runProgram, shellLine } from './commands.js';
import type { Step } from './install.js';

export interface UninstallOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Delete ~/.ww without asking. */
  yes: boolean;
  /** Asks a yes/no question; null when nobody can answer (stdin is not a terminal). */
  ask: (question: string) => Promise<boolean | null>;
  report: (s: Step) => void;
}

export async function uninstall(o: UninstallOptions): Promise<Step[]> {
  const env = o.env ?? process.env;
  const l = layout(env, o.platform);
  const t = (p: string) => tilde(p, env);
  const steps: Step[] = [];
  const add = (s: Step) => { steps.push(s); o.report(s); };

  // The service: stop it first, so no node runs from a folder about to go.
  if (!l.service) add({ step: 'service', status: 'skipped', detail: `no user service on ${o.platform ?? process.platform}` });
  else if (!existsSync(l.service.path)) add({ step: 'service', status: 'skipped', detail: `not installed (${t(l.service.path)} absent)` });
  else {
    const { before, after } = stopCommands(l, process.getuid?.() ?? 0);
    const notes: string[] = [];
    for (const argv of before) {
      if (!onPath(argv[0]!, env)) { notes.push(`${argv[0]} is not on PATH, so it could not be stopped`); continue; }
      const r = runProgram(argv, env);
      if (!r.ok) notes.push(`${shellLine(argv)}: ${r.output.split('\n')[0] || `exit ${r.status}`}`);
    }
    try { rmSync(l.service.path, { force: true }); }
    catch (e) { add({ step: 'service', status: 'failed', detail: `cannot remove ${t(l.service.path)}: ${(e as NodeJS.ErrnoException).code}` }); return steps; }
    for (const argv of after) if (onPath(argv[0]!, env)) runProgram(argv, env);
    add({ step: 'service', status: 'done', detail: `stopped and removed ${t(l.service.path)}${notes.length ? ` (${notes.join('; ')})` : ''}` });
  }

  if (!onPath('claude', env)) add({ step: 'mcp', status: 'skipped', detail: `claude (Claude Code) is not on PATH; remove '${MCP_NAME}' from other MCP clients' configuration by hand` });
  else {
    const r = runProgram(claudeRemove(), env);
    add(r.ok ? { step: 'mcp', status: 'done', detail: `removed '${MCP_NAME}' from Claude Code` }
      : { step: 'mcp', status: 'skipped', detail: `Claude Code has no '${MCP_NAME}' entry${r.output ? ` (${r.output.split('\n')[0]})` : ''}` });
  }

  if (!existsSync(l.home)) { add({ step: 'folder', status: 'skipped', detail: `${t(l.home)} is not there` }); return steps; }
  const what = `${t(l.home)}, with the node identity${existsSync(l.identity) ? ` (${t(l.identity)})` : ''}, its logs and its IPFS repo`;
  const yes = o.yes || await o.ask(`Delete ${what}? The peer id is lost for good. [y/N] `);
  if (yes === null) add({ step: 'folder', status: 'skipped', detail: `kept ${t(l.home)} and the identity: nobody answered (stdin is not a terminal); pass --yes to delete it` });
  else if (!yes) add({ step: 'folder', status: 'skipped', detail: `kept ${t(l.home)} and the identity (answered no)` });
  else {
    try { rmSync(l.home, { recursive: true, force: true }); }
    catch (e) { add({ step: 'folder', status: 'failed', detail: `cannot delete ${t(l.home)}: ${(e as NodeJS.ErrnoException).code}` }); return steps; }
    add({ step: 'folder', status: 'done', detail: `deleted ${what}` });
  }
  return steps;
}
