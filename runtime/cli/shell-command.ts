// `ww shell [ADDR] [--local] [--eval EXPR] [--identity PATH]`: Glia
// evaluated in this process (on a thread of its own) with a node's
// capabilities bound by name (doc/shell.md). On a terminal it starts the
// terminal app (runtime/shell/app.ts); with piped stdin or --eval it runs
// the plain line mode (runtime/shell/line-mode.ts). `ww shell --mcp` is
// `ww mcp` (main.ts sends it there).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { openSession } from '../session/open-session.js';
import type { Session } from '../session/session.js';
import { outStyle, paintHelp } from './colour.js';
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';
import type { Tier } from '../../glia/eval/session.js';

export const SHELL_HELP = `Usage: ww shell [ADDR] [options]

Evaluates Glia with a node's capabilities (host, routing, runtime, ipfs,
identity, and http-client when granted) bound by name. Definitions persist
from one entry to the next; Ctrl-C stops a running evaluation.

Which node:
  ADDR                 dial this node (a multiaddr ending in /p2p/ID) and log in
  (none)               the node running on this machine, from its host-state file
  --local              no node: only ww eval's local effects (:load, :stdout, :import, :exit)

On a terminal, ww shell is an interactive app (type help in it). With stdin
piped, or with --eval, it reads forms as they balance, prints each value
with pr-str on a line of its own and errors on stderr, and exits 1 if any
form failed ((exit n) exits n).

Options:
  -e, --eval EXPR      evaluate EXPR, print its values and exit
      --identity PATH  the identity to log in with (env WW_IDENTITY; default ~/.ww/identity)
      --tier TIER      auto (default) or resumable (every function on the effect tier)
      --mcp            serve MCP on stdio instead (the same as ww mcp)
  -h, --help           show this help`;

export async function shellCommand(args: string[], io: Io, stdin: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin): Promise<number> {
  const { values, positionals } = parse('shell', args, {
    local: { type: 'boolean' },
    eval: { type: 'string', short: 'e' },
    identity: { type: 'string' },
    tier: { type: 'string' },
  });
  if (values.help) { io.out(paintHelp(SHELL_HELP, outStyle(io)) + '\n'); return 0; }
  if (positionals.length > 1) throw new UsageError(`ww shell takes at most one ADDR, got ${positionals.length} arguments (quote an expression given to --eval)`);
  if (values.local && positionals.length) throw new UsageError('give either ADDR or --local, not both');
  const tier = (values.tier ?? 'auto') as Tier;
  if (tier !== 'auto' && tier !== 'resumable') throw new UsageError(`--tier must be auto or resumable, not ${JSON.stringify(tier)}`);

  // The session's thread starts first (openSession loads nothing of Glia on
  // this thread, nor does this module): on a terminal, Ink, React and the
  // app then load here while that thread starts on another core, not after.
  let session: Session;
  const opening = openSession({
    ...(values.local ? { local: true } : {}),
    ...(positionals[0] !== undefined ? { addr: positionals[0] } : {}),
    ...(values.identity !== undefined ? { identityPath: values.identity } : {}),
    tier,
    name: 'shell',
  });
  if (stdin.isTTY && values.eval === undefined) void import('../shell/app.js').then((a) => a.preloadShellApp()).catch(() => {});
  try {
    session = await opening;
  } catch (e) {
    // No node, a refused login, an unreadable identity: one coded message, never a stack.
    const err = e as { format?: () => string; message?: string };
    io.err(`${typeof err.format === 'function' ? err.format() : `error[shell]: ${err.message ?? String(e)}`}\n`);
    return 1;
  }
  // The line mode loads only when it runs (not on the terminal app's way to its prompt).
  const lineMode = () => import('../shell/line-mode.js');
  try {
    if (values.eval !== undefined) return await (await lineMode()).evalOnce(session, values.eval, io);
    if (!stdin.isTTY) return await (await lineMode()).runLineMode(session, stdin as AsyncIterable<Uint8Array>, io);
    let app: typeof import('../shell/app.js');
    try {
      app = await import('../shell/app.js');
    } catch (e) {
      io.err(`note: the terminal app could not load (${(e as Error).message}); reading lines instead\n`);
      return await (await lineMode()).runLineMode(session, stdin as AsyncIterable<Uint8Array>, io);
    }
    return await app.runShellApp(session, { historyPath: join(homedir(), '.ww', 'history') });
  } finally {
    await session.close();
  }
}
