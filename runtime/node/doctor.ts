// `ww doctor`: what a node needs from this machine, checked one line at a
// time (ok, warn or fail). Only a failed required check makes it exit 1;
// a warning is something a user may want to know (a port taken by another
// program, no capnp compiler for changing schemas).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { readIdentity } from './identity.js';
import { readHostState, type HostState } from './host-state.js';
import { NodeError } from './errors.js';
import { packageDir } from '../cell/build/package-dir.js';
import { installChecks } from '../install/state.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';
export interface CheckResult { name: string; status: CheckStatus; detail: string }

export interface DoctorOptions {
  identityPath: string;
  ipfsRepo: string;
  hostStatePath: string;
  /** TCP ports to check: the swarm's and WAGI's, with the host each binds. */
  ports: Array<{ what: string; host: string; port: number }>;
  ipfsUrl: string | null;
  /** The std image's built status cell. */
  statusCell: string;
}

const MIN_NODE = [20, 11];

export async function runChecks(o: DoctorOptions): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const add = (name: string, status: CheckStatus, detail: string) => out.push({ name, status, detail });

  const [maj, min] = process.versions.node.split('.').map(Number) as [number, number];
  add('node', maj > MIN_NODE[0]! || (maj === MIN_NODE[0] && min >= MIN_NODE[1]!) ? 'ok' : 'fail',
    `Node.js ${process.versions.node} (${MIN_NODE.join('.')} or newer is required)`);

  if (!existsSync(o.identityPath)) add('identity', 'warn', `${o.identityPath} does not exist yet; ww run creates it (or: ww keygen --output ${o.identityPath})`);
  else {
    try {
      const id = await readIdentity(o.identityPath);
      const mode = statSync(o.identityPath).mode & 0o777;
      add('identity', mode & 0o077 ? 'warn' : 'ok', `${o.identityPath}: ${id.peerId.toString()}${mode & 0o077 ? `; its mode is 0${mode.toString(8)}, others can read the key: chmod 600 ${o.identityPath}` : ''}`);
    } catch (e) { add('identity', 'fail', e instanceof NodeError ? `${e.message}; ${e.hint ?? ''}` : String(e)); }
  }

  if (!existsSync(o.ipfsRepo)) add('repo', 'warn', `${o.ipfsRepo} does not exist yet; ww run creates it`);
  else {
    try { accessSync(o.ipfsRepo, constants.W_OK | constants.R_OK); add('repo', 'ok', `${o.ipfsRepo} is readable and writable`); }
    catch { add('repo', 'fail', `${o.ipfsRepo} is not writable by this user; fix its permissions or pass --ipfs-repo DIR`); }
  }

  const state = readHostState(o.hostStatePath);
  if (state) add('host-state', 'ok', `${o.hostStatePath}: node ${state.peer_id} runs as pid ${state.pid}`);
  else if (existsSync(o.hostStatePath)) add('host-state', 'warn', `${o.hostStatePath} is stale (its process is gone); the next ww run replaces it`);
  else add('host-state', 'ok', `no node running (${o.hostStatePath} absent)`);

  for (const p of o.ports) out.push(await portCheck(p, state));

  const capnp = spawnSync('capnp', ['--version'], { encoding: 'utf8' });
  if (capnp.status === 0) add('capnp', 'ok', `${capnp.stdout.trim()} (used only to change schema/*.capnp)`);
  else add('capnp', 'warn', 'the Cap\'n Proto compiler is not installed; it is needed only to change schema/*.capnp (apt-get install capnproto)');

  if (o.ipfsUrl) out.push(await kuboCheck(o.ipfsUrl));

  const componentize = packageDir('@bytecodealliance/componentize-js');
  const jco = packageDir('@bytecodealliance/jco');
  if (componentize && jco) add('cell toolchain', 'ok', 'jco and componentize-js are installed (ww build, ww cell run)');
  else add('cell toolchain', 'fail', `${!jco ? 'jco' : 'componentize-js'} is missing; run npm install`);
  if (existsSync(o.statusCell)) add('status cell', 'ok', `${o.statusCell} is built`);
  else add('status cell', 'warn', `${o.statusCell} is not built, so the std image cannot serve /status; run npm run build:std`);
  // What ww perform install set up (~/.ww, the user service, the MCP entry).
  out.push(...installChecks());
  return out;
}

async function portCheck(p: { what: string; host: string; port: number }, state: HostState | null): Promise<CheckResult> {
  const name = `port ${p.port}`;
  const free = await new Promise<boolean | string>((resolve) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    s.listen(p.port, p.host, () => s.close(() => resolve(true)));
  });
  if (free === true) return { name, status: 'ok', detail: `${p.what} ${p.host}:${p.port} is free` };
  if (free === 'EADDRINUSE') {
    if (state) return { name, status: 'ok', detail: `${p.what} ${p.host}:${p.port} is held, and a ww node (pid ${state.pid}) runs: likely it` };
    return { name, status: 'warn', detail: `${p.what} ${p.host}:${p.port} is held by another program; stop it, or pass another address to ww run` };
  }
  return { name, status: 'warn', detail: `${p.what} ${p.host}:${p.port} cannot be bound here (${free})` };
}

async function kuboCheck(url: string): Promise<CheckResult> {
  try {
    const r = await fetch(new URL('/api/v0/version', url), { method: 'POST', signal: AbortSignal.timeout(3000) });
    if (!r.ok) return { name: 'kubo', status: 'fail', detail: `${url} answered ${r.status} to /api/v0/version; is it Kubo's RPC API?` };
    const v = await r.json() as { Version?: string };
    return { name: 'kubo', status: 'ok', detail: `Kubo ${v.Version ?? '(unknown version)'} at ${url}` };
  } catch (e) {
    const c = (e as { cause?: { code?: string; message?: string } }).cause;
    const cause = c?.code ?? c?.message ?? (e as Error).message;
    return { name: 'kubo', status: 'fail', detail: `Kubo at ${url} does not answer (${cause}); start it (ipfs daemon) or fix --ipfs-url / IPFS_API` };
  }
}
