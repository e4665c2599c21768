// `ww run [LAYER...]`: boots a Wetware node (runtime/node/node.ts) and
// keeps it up until SIGINT or SIGTERM, then stops it within 5 s and exits 0.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { WetwareNode, type NodeOptions } from '../node/node.js';
import { NodeError } from '../node/errors.js';
import { defaultIdentityPath } from '../node/identity.js';
import { hostStatePath } from '../node/host-state.js';
import { createLogger, type LogFormat } from '../node/log.js';
import { DEFAULT_EPOCH_POLL_MS, MIN_EPOCH_POLL_MS } from '../node/epochs/ipns.js';
import { parseStemFlags, type StemOptions } from '../node/epochs/chain-options.js';
import { outStyle, paintHelp } from './colour.js';
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';

export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/2025', '/ip6/::/tcp/2025'];

export const RUN_HELP = `Usage: ww run [LAYER...] [options]

Boots a Wetware node: a libp2p peer with embedded IPFS, a cell host and a
WAGI gateway. Its image merges the LAYERs in order (a later one wins per
file; folders are unioned); each is a local folder, /ipfs/CID[/sub] or
/ipns/NAME. With none, it boots the built-in std image, which serves
/status. Then etc/init.d/*.glia of the image run in order, each checked
first. SIGINT or SIGTERM stops the node.

Options:
      --listen MA            swarm address (repeat; env WW_LISTEN, comma-separated;
                             default ${DEFAULT_LISTEN.join(' and ')})
      --bootstrap MA         a peer to join, /.../p2p/ID (repeat)
      --identity PATH        node key (env WW_IDENTITY; default ~/.ww/identity,
                             created 0600 on first run)
      --authorized-keys PATH keys besides the node's own that may log in through its
                             Terminal, one peer id per line (env WW_AUTHORIZED_KEYS;
                             default authorized_keys beside the identity)
      --http-listen ADDR     WAGI address, HOST:PORT (default 127.0.0.1:2080); off disables it
      --http-timeout-ms N    WAGI gateway timeout (default 30000)
      --with-http-admin ADDR admin HTTP (metrics, host info), conventionally 127.0.0.1:2026
      --ipfs-url URL         use Kubo's RPC at URL instead of the embedded IPFS (env IPFS_API)
      --ipfs-repo DIR        the embedded IPFS store (default ~/.ww/ipfs)
      --no-mdns              do not discover peers on the LAN
      --layer-timeout-ms N   how long an /ipfs/ or /ipns/ layer may take to fetch
                             before the node gives up with node/not-found (default 60000)
      --http-dial HOST       a host the http-client capability may reach: exact,
                             *.domain or * (repeat); without it, no http-client
      --epoch-ipns NAME      follow an IPNS name (self: this node's own): each new
                             path it resolves to is a new epoch, whose image is that
                             path under the LAYERs
      --epoch-poll-ms N      how often --epoch-ipns is resolved (default 30000, at least 100)
      --stem ADDRESS         follow an Atom contract on chain: boot from its head() and
                             adopt each later head as a new epoch (needs --rpc-url)
      --rpc-url URL          the chain's HTTP(S) JSON-RPC endpoint, for --stem
      --ws-url URL           its WebSocket endpoint: new blocks are pushed, not polled
      --confirmation-depth N blocks deep a head must be before it is adopted (default 6)
      --log-format FORMAT    text (default) or json, one event per line on stderr
  -h, --help                 show this help

Files: the host-state file ($WW_HOST_STATE_PATH, else $XDG_RUNTIME_DIR/ww/host.json,
else ~/.ww/run/host.json) tells local tools where the node is; it is removed at exit.`;

export async function runCommand(args: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parse('run', args, {
    listen: { type: 'string', multiple: true },
    bootstrap: { type: 'string', multiple: true },
    identity: { type: 'string' },
    'authorized-keys': { type: 'string' },
    'http-listen': { type: 'string' },
    'http-timeout-ms': { type: 'string' },
    'layer-timeout-ms': { type: 'string' },
    'with-http-admin': { type: 'string' },
    'ipfs-url': { type: 'string' },
    'ipfs-repo': { type: 'string' },
    'no-mdns': { type: 'boolean' },
    'http-dial': { type: 'string', multiple: true },
    'epoch-ipns': { type: 'string' },
    'epoch-poll-ms': { type: 'string' },
    stem: { type: 'string' },
    'rpc-url': { type: 'string' },
    'ws-url': { type: 'string' },
    'confirmation-depth': { type: 'string' },
    'log-format': { type: 'string' },
  });
  if (values.help) { io.out(paintHelp(RUN_HELP, outStyle(io)) + '\n'); return 0; }
  const format = (values['log-format'] ?? 'text') as LogFormat;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--log-format must be text or json, not ${JSON.stringify(values['log-format'])}\nrun 'ww run --help' for usage`);
  const timeout = values['http-timeout-ms'] ?? '30000';
  if (!/^\d+$/.test(timeout) || Number(timeout) === 0) throw new UsageError(`--http-timeout-ms takes a whole number of milliseconds above 0, not ${JSON.stringify(timeout)}\nrun 'ww run --help' for usage`);
  const layerTimeout = values['layer-timeout-ms'] ?? '60000';
  if (!/^\d+$/.test(layerTimeout) || Number(layerTimeout) === 0) throw new UsageError(`--layer-timeout-ms takes a whole number of milliseconds above 0, not ${JSON.stringify(layerTimeout)}\nrun 'ww run --help' for usage`);
  const pollMs = values['epoch-poll-ms'] ?? String(DEFAULT_EPOCH_POLL_MS);
  if (!/^\d+$/.test(pollMs) || Number(pollMs) < MIN_EPOCH_POLL_MS || !Number.isSafeInteger(Number(pollMs))) {
    throw new UsageError(`--epoch-poll-ms takes a whole number of milliseconds, at least ${MIN_EPOCH_POLL_MS}, not ${JSON.stringify(pollMs)}\nrun 'ww run --help' for usage`);
  }
  if (values['epoch-poll-ms'] !== undefined && !values['epoch-ipns']) throw new UsageError(`--epoch-poll-ms is how often --epoch-ipns is resolved; give --epoch-ipns NAME too\nrun 'ww run --help' for usage`);
  if (values['epoch-ipns'] !== undefined && !values['epoch-ipns'].replace(/^\/ipns\//, '')) throw new UsageError(`--epoch-ipns takes an IPNS name, such as /ipns/12D3KooW...\nrun 'ww run --help' for usage`);
  // The on-chain flags are checked here, so that a typo is one coded line before anything boots.
  let stem: StemOptions | null;
  try { stem = parseStemFlags(values); }
  catch (e) { if (e instanceof NodeError) { io.err(e.format() + '\n'); return 1; } throw e; }
  const httpListen = values['http-listen'] ?? '127.0.0.1:2080';
  const envListen = env.WW_LISTEN ? env.WW_LISTEN.split(',').map((s) => s.trim()).filter(Boolean) : null;
  const log = createLogger(format, (line) => io.err(line));

  const opts: NodeOptions = {
    layers: positionals,
    listen: values.listen ?? envListen ?? DEFAULT_LISTEN,
    bootstrap: values.bootstrap ?? [],
    identityPath: values.identity ?? defaultIdentityPath(env),
    ...((values['authorized-keys'] ?? env.WW_AUTHORIZED_KEYS) ? { authorizedKeysPath: values['authorized-keys'] ?? env.WW_AUTHORIZED_KEYS } : {}),
    httpListen: httpListen === 'off' ? null : httpListen,
    httpTimeoutMs: Number(timeout),
    adminListen: values['with-http-admin'] ?? null,
    ipfsUrl: values['ipfs-url'] ?? env.IPFS_API ?? null,
    ipfsRepo: values['ipfs-repo'] ?? join(homedir(), '.ww', 'ipfs'),
    mdns: !values['no-mdns'],
    httpDial: values['http-dial'] ?? [],
    hostStatePath: hostStatePath(env),
    layerTimeoutMs: Number(layerTimeout),
    epochIpns: values['epoch-ipns'] ?? null,
    epochPollMs: Number(pollMs),
    ...(stem ? { stem } : {}),
    log,
  };

  // A fault in a peer's stream or a library's background task is logged;
  // it must not take the node down.
  const onRejection = (e: unknown) => log.warn(`unhandled: ${(e as Error)?.message ?? String(e)}`);
  process.on('unhandledRejection', onRejection);

  // Listening before the boot: a signal during it stops the node once it is up.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

  let node: WetwareNode;
  try {
    node = await WetwareNode.start(opts);
  } catch (e) {
    process.off('unhandledRejection', onRejection);
    if (e instanceof NodeError) { io.err(e.format() + '\n'); return 1; }
    throw e;
  }

  const signal = await signalled;
  log.info(`${signal}: stopping`);
  // Whatever hangs in shutdown, the node exits within 5 s.
  const deadline = setTimeout(() => { log.warn('shutdown took over 5 s; exiting anyway'); process.exit(0); }, 5000);
  deadline.unref();
  await node.stop();
  clearTimeout(deadline);
  log.info('stopped');
  process.off('unhandledRejection', onRejection);
  // Libraries may leave handles open (sockets in TIME_WAIT, timers); the node is done.
  setImmediate(() => process.exit(0)).unref();
  return 0;
}
