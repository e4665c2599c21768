// Where `ww perform install` puts things: the ~/.ww folder a node runs
// from, the user service that runs it, and the `ww` it runs. One place, so
// install, uninstall and `ww doctor` agree.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const WW_FOLDERS = ['bin', 'etc/init.d', 'etc/ns', 'logs', 'ipfs'] as const;
export const SERVICE_NAME = 'ww.service';
export const LAUNCHD_LABEL = 'io.wetware.ww';
/** The name the MCP entry goes under in a client's configuration. */
export const MCP_NAME = 'wetware';

export interface Layout {
  /** ~/.ww */
  home: string;
  identity: string;
  statusScript: string;
  statusCell: string;
  /** The service file: a systemd user unit, or a launchd agent's plist; null where neither exists. */
  service: { kind: 'systemd' | 'launchd'; path: string } | null;
  /** The absolute path of the `ww` being run (bin/ww.js), for the service and the MCP entry. */
  ww: string;
  /** The Node.js that runs it (a service has no PATH to find `node` on). */
  node: string;
}

export function layout(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Layout {
  const userHome = env.HOME || homedir();
  const home = join(userHome, '.ww');
  const configHome = env.XDG_CONFIG_HOME || join(userHome, '.config');
  const service = platform === 'linux' ? { kind: 'systemd' as const, path: join(configHome, 'systemd', 'user', SERVICE_NAME) }
    : platform === 'darwin' ? { kind: 'launchd' as const, path: join(userHome, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`) }
    : null;
  return {
    home,
    identity: join(home, 'identity'),
    statusScript: join(home, 'etc', 'init.d', '05-status.glia'),
    statusCell: join(home, 'bin', 'status.wasm'),
    service,
    ww: resolve(process.argv[1] ?? 'ww'),
    node: process.execPath,
  };
}

/** A path under the user's home as ~/..., for status lines. */
export function tilde(path: string, env: NodeJS.ProcessEnv = process.env): string {
  const h = env.HOME || homedir();
  return path === h ? '~' : path.startsWith(h + '/') ? '~' + path.slice(h.length) : path;
}
