// The host-state file: how local tools (`ww push`, `ww shell`) find the
// node running on this machine. `$WW_HOST_STATE_PATH`, else
// `$XDG_RUNTIME_DIR/ww/host.json`, else `~/.ww/run/host.json`. It holds
// {pid, peer_id, addrs, updated_at_unix_ms}, is written atomically with
// mode 0600, lists only loopback and private addresses (it is for this
// machine and its LAN, not an announcement), and is removed at shutdown.
import { BlockList, isIP } from 'node:net';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { NodeError } from './errors.js';

export interface HostState {
  pid: number;
  peer_id: string;
  addrs: string[];
  updated_at_unix_ms: number;
}

export function hostStatePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WW_HOST_STATE_PATH) return env.WW_HOST_STATE_PATH;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'ww', 'host.json');
  return join(homedir(), '.ww', 'run', 'host.json');
}

const local = new BlockList();
local.addSubnet('127.0.0.0', 8, 'ipv4');
local.addSubnet('10.0.0.0', 8, 'ipv4');
local.addSubnet('172.16.0.0', 12, 'ipv4');
local.addSubnet('192.168.0.0', 16, 'ipv4');
local.addSubnet('169.254.0.0', 16, 'ipv4');
local.addAddress('::1', 'ipv6');
local.addSubnet('fc00::', 7, 'ipv6');
local.addSubnet('fe80::', 10, 'ipv6');

/** True for a multiaddr on a loopback or private (RFC 1918, ULA, link-local) IP address. */
export function isLocalMultiaddr(ma: string): boolean {
  const m = /^\/(ip4|ip6)\/([^/]+)/.exec(ma);
  if (!m) return false;
  const ip = m[2]!;
  const family = isIP(ip);
  if (family === 0) return false;
  return local.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** Writes the state atomically (temporary file, then rename), mode 0600. */
export function writeHostState(path: string, state: Omit<HostState, 'addrs'> & { addrs: readonly string[] }): HostState {
  const s: HostState = { pid: state.pid, peer_id: state.peer_id, addrs: state.addrs.filter(isLocalMultiaddr), updated_at_unix_ms: state.updated_at_unix_ms };
  try {
    writeFileAtomic(path, JSON.stringify(s, null, 2) + '\n');
  } catch (e) {
    throw new NodeError('node/host-state', `cannot write the host-state file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'set WW_HOST_STATE_PATH to a writable file');
  }
  return s;
}

/** Removes the file if it is still ours (another node may have taken the path since). */
export function removeHostState(path: string, pid = process.pid): void {
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as Partial<HostState>;
    if (s.pid === pid) rmSync(path, { force: true });
  } catch { /* gone or unreadable: nothing of ours to remove */ }
}

/**
 * The running node's state, or null when there is no file or its process
 * is gone (a node that crashed leaves a stale file; it is not trusted).
 */
export function readHostState(path: string = hostStatePath()): HostState | null {
  let text: string;
  try {
    // Only a regular file: a FIFO or device put there would block or flood the reader.
    const st = statSync(path);
    if (!st.isFile() || st.size > 1024 * 1024) return null;
    text = readFileSync(path, 'utf8');
  } catch { return null; }
  let s: HostState;
  try { s = JSON.parse(text); } catch { return null; }
  if (typeof s?.pid !== 'number' || typeof s.peer_id !== 'string' || !Array.isArray(s.addrs)) return null;
  try { process.kill(s.pid, 0); } catch (e) { if ((e as NodeJS.ErrnoException).code === 'ESRCH') return null; }
  return s;
}
