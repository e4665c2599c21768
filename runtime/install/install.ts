// `ww perform install`: sets this machine up to run a node from ~/.ww and
// to serve Glia to an agent. Each step reports one line — done, already
// there, or skipped and why (failed, when it could not) — and looks
// before it writes, so running it again changes nothing that is in place
// and repairs what is missing.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadOrCreateIdentity } from '../node/identity.js';
import { NodeError } from '../node/errors.js';
import { stdImage, statusCellPath } from '../node/std-image.js';
import { layout, tilde, WW_FOLDERS, MCP_NAME, type Layout } from './layout.js';
import { serviceText, enableCommand } from './service.js';
import { claudeAdd, claudeRemove, clientSnippet } from './mcp-client.js';
import { onPath, runProgram, shellLine } from './commands.js';

export type StepStatus = 'done' | 'already there' | 'skipped' | 'failed';
export interface Step { step: string; status: StepStatus; detail: string; /** Lines printed under the status line (a command, a JSON snippet). */ more?: string[] }

export interface InstallOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Called with each step as it finishes. */
  report: (s: Step) => void;
}

export async function install(o: InstallOptions): Promise<Step[]> {
  const env = o.env ?? process.env;
  const l = layout(env, o.platform);
  const t = (p: string) => tilde(p, env);
  const steps: Step[] = [];
  const add = (s: Step) => { steps.push(s); o.report(s); };

  add(folders(l, t));
  add(await identity(l, t));
  add(await statusScript(l, t));
  add(statusCell(l, t));
  add(service(l, t, o.platform ?? process.platform));
  add(mcp(l, env));
  return steps;
}

function folders(l: Layout, t: (p: string) => string): Step {
  const missing = WW_FOLDERS.filter((f) => !existsSync(join(l.home, f)));
  if (!missing.length) return { step: 'folders', status: 'already there', detail: `${t(l.home)}/{${WW_FOLDERS.join(',')}}` };
  try {
    for (const f of missing) mkdirSync(join(l.home, f), { recursive: true, mode: 0o700 });
  } catch (e) {
    return { step: 'folders', status: 'failed', detail: `cannot create ${t(l.home)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  return { step: 'folders', status: 'done', detail: `created ${missing.map((f) => `${t(l.home)}/${f}`).join(', ')}` };
}

async function identity(l: Layout, t: (p: string) => string): Promise<Step> {
  try {
    const { identity: id, created } = await loadOrCreateIdentity(l.identity);
    return { step: 'identity', status: created ? 'done' : 'already there', detail: `${t(l.identity)}: ${id.peerId.toString()}${created ? ' (new, mode 0600)' : ''}` };
  } catch (e) {
    if (e instanceof NodeError) return { step: 'identity', status: 'failed', detail: `${e.message}; ${e.hint ?? ''}` };
    throw e;
  }
}

/** The std image's status script, copied from its one source (std/image), so the node serves /status. */
async function statusScript(l: Layout, t: (p: string) => string): Promise<Step> {
  if (existsSync(l.statusScript)) return { step: 'status script', status: 'already there', detail: `${t(l.statusScript)} (left as it is)` };
  const source = join((await stdImage()).layer, 'etc', 'init.d', '05-status.glia');
  try {
    mkdirSync(dirname(l.statusScript), { recursive: true });
    writeFileSync(l.statusScript, readFileSync(source, 'utf8'), { flag: 'wx' });
  } catch (e) {
    return { step: 'status script', status: 'failed', detail: `cannot write ${t(l.statusScript)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  return { step: 'status script', status: 'done', detail: `wrote ${t(l.statusScript)} (serves /status on the WAGI port)` };
}

/** The status cell the script loads (/bin/status.wasm): ~/.ww is the node's whole image, so the cell goes in it. */
function statusCell(l: Layout, t: (p: string) => string): Step {
  if (existsSync(l.statusCell)) return { step: 'status cell', status: 'already there', detail: t(l.statusCell) };
  const built = statusCellPath();
  if (!existsSync(built)) return { step: 'status cell', status: 'skipped', detail: `${built} is not built (npm run build:std), so /status will answer 502 until it is` };
  try { mkdirSync(dirname(l.statusCell), { recursive: true }); copyFileSync(built, l.statusCell); }
  catch (e) { return { step: 'status cell', status: 'failed', detail: `cannot copy it to ${t(l.statusCell)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }; }
  return { step: 'status cell', status: 'done', detail: `copied to ${t(l.statusCell)}` };
}

function service(l: Layout, t: (p: string) => string, platform: string): Step {
  if (!l.service) return { step: 'service', status: 'skipped', detail: `no user service manager is supported on ${platform}; run the node with: ${shellLine([l.ww, 'run', l.home])}` };
  const text = serviceText(l);
  const more = [`enable it with: ${enableCommand(l)}`];
  let old: string | null = null;
  try { old = readFileSync(l.service.path, 'utf8'); } catch { /* none yet */ }
  if (old === text) return { step: 'service', status: 'already there', detail: `${t(l.service.path)} runs ww run ${t(l.home)}`, more };
  try {
    mkdirSync(dirname(l.service.path), { recursive: true });
    writeFileSync(l.service.path, text);
  } catch (e) {
    return { step: 'service', status: 'failed', detail: `cannot write ${t(l.service.path)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  return { step: 'service', status: 'done', detail: `${old === null ? 'wrote' : 'updated'} ${t(l.service.path)} (runs ww run ${t(l.home)})`, more };
}

function mcp(l: Layout, env: NodeJS.ProcessEnv): Step {
  const add = claudeAdd(l);
  if (!onPath('claude', env)) {
    return {
      step: 'mcp', status: 'skipped', detail: 'claude (Claude Code) is not on PATH',
      more: [`to wire it later: ${shellLine(add)}`, 'other MCP clients: add this to their configuration', ...clientSnippet(l).split('\n')],
    };
  }
  // Replace, never duplicate: remove an earlier entry (there may be none, so its failure is not one).
  runProgram(claudeRemove(), env);
  const r = runProgram(add, env);
  if (!r.ok) return { step: 'mcp', status: 'failed', detail: `${shellLine(add)} failed${r.output ? `: ${r.output.split('\n')[0]}` : ''}` };
  return { step: 'mcp', status: 'done', detail: `Claude Code runs ${shellLine([l.ww, 'mcp'])} as the MCP server '${MCP_NAME}' (user scope)` };
}
