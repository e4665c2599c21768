// `ww doctor`: checks this machine for running a node, one line each.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runChecks } from '../node/doctor.js';
import { statusCellPath } from '../node/std-image.js';
import { defaultIdentityPath } from '../node/identity.js';
import { hostStatePath } from '../node/host-state.js';
import { outStyle, paintHelp } from './colour.js';
import { parseHttpAddr } from '../node/http-addr.js';
import { NodeError } from '../node/errors.js';
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';

export const DOCTOR_HELP = `Usage: ww doctor [options]

Checks what a node needs from this machine and prints one line each, ok,
warn or fail: Node.js, the identity, the IPFS repo, the host-state file,
ports 2025 (swarm) and 2080 (WAGI), the capnp compiler (needed only to
change schemas), Kubo (with --ipfs-url or IPFS_API), the cell toolchain, and
what ww perform install set up (~/.ww, the user service, the MCP entry).
Exits 1 only when a required check fails.

Options:
      --identity PATH       the identity to check (env WW_IDENTITY; default ~/.ww/identity)
      --ipfs-repo DIR       the repo to check (default ~/.ww/ipfs)
      --ipfs-url URL        a Kubo RPC endpoint to check (env IPFS_API)
      --swarm-port N        the swarm port to check (default 2025)
      --http-listen ADDR    the WAGI address to check (default 127.0.0.1:2080)
  -h, --help                show this help`;

export async function doctorCommand(args: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parse('doctor', args, {
    identity: { type: 'string' }, 'ipfs-repo': { type: 'string' }, 'ipfs-url': { type: 'string' },
    'swarm-port': { type: 'string' }, 'http-listen': { type: 'string' },
  });
  if (values.help) { io.out(paintHelp(DOCTOR_HELP, outStyle(io)) + '\n'); return 0; }
  if (positionals.length) throw new UsageError(`ww doctor takes no arguments, got ${positionals[0]}\nrun 'ww doctor --help' for usage`);
  const swarm = values['swarm-port'] ?? '2025';
  if (!/^\d+$/.test(swarm) || Number(swarm) > 65535) throw new UsageError(`--swarm-port takes a port number, not ${JSON.stringify(swarm)}\nrun 'ww doctor --help' for usage`);
  let http;
  try { http = parseHttpAddr(values['http-listen'] ?? '127.0.0.1:2080', '--http-listen'); }
  catch (e) { if (e instanceof NodeError) throw new UsageError(`${e.message}\nrun 'ww doctor --help' for usage`); throw e; }
  const ports = [{ what: 'swarm', host: '0.0.0.0', port: Number(swarm) }];
  if (http) ports.push({ what: 'WAGI', host: http.host, port: http.port });
  const results = await runChecks({
    identityPath: values.identity ?? defaultIdentityPath(env),
    ipfsRepo: values['ipfs-repo'] ?? join(homedir(), '.ww', 'ipfs'),
    hostStatePath: hostStatePath(env),
    ports,
    ipfsUrl: values['ipfs-url'] ?? env.IPFS_API ?? null,
    statusCell: statusCellPath(),
  });
  const width = Math.max(...results.map((r) => r.name.length));
  for (const r of results) io.out(`${r.status.padEnd(4)}  ${r.name.padEnd(width)}  ${r.detail}\n`);
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
