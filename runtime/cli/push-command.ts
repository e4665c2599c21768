// `ww push [DIR]`: DIR (default .) as one UnixFS folder, its root CID alone
// on stdout (so `ww run /ipfs/$(ww push img)` works), progress on stderr.
// The DAG is built here (runtime/node/push-dag.ts), then handed to Kubo,
// the running node, or the repo (runtime/node/push.ts says which and why).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NodeError } from '../node/errors.js';
import { buildDag } from '../node/push-dag.js';
import { sendDag, type PushTarget } from '../node/push.js';
import { hostStatePath, readHostState } from '../node/host-state.js';
import { controlSocketPath } from '../node/control.js';
import { outStyle, paintHelp } from './colour.js';
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';

export const PUSH_HELP = `Usage: ww push [DIR] [options]

Adds DIR (default: the current folder) to IPFS as one UnixFS folder
(CIDv1, raw leaves) and prints its CID, alone, on stdout. Progress goes to
stderr. Boot it anywhere with: ww run /ipfs/CID

Where it goes:
  1. with --ipfs-url (or IPFS_API): into Kubo, pinned there;
  2. else, when a node runs here (its host-state file names a live process):
     through that node, which checks every block, pins the folder and
     announces it, so its peers can fetch it at once;
  3. else into the repo ww run serves (--ipfs-repo), pinned; a node started
     on that repo serves it.

Symbolic links are followed while they stay inside DIR; links out of it, or
to nothing, are skipped and named on stderr.

Options:
      --ipfs-url URL     Kubo's RPC API (env IPFS_API)
      --ipfs-repo DIR    the repo to write when no node runs (default ~/.ww/ipfs)
  -q, --quiet            no progress on stderr (errors still)
  -h, --help             show this help

Files: the host-state file ($WW_HOST_STATE_PATH, else $XDG_RUNTIME_DIR/ww/host.json,
else ~/.ww/run/host.json) and the node's control socket host.sock beside it.`;

export async function pushCommand(args: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parse('push', args, {
    'ipfs-url': { type: 'string' },
    'ipfs-repo': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (values.help) { io.out(paintHelp(PUSH_HELP, outStyle(io)) + '\n'); return 0; }
  if (positionals.length > 1) throw new UsageError(`ww push takes one folder, got ${positionals.length}: ${positionals.join(' ')}\nrun 'ww push --help' for usage`);
  const dir = positionals[0] ?? '.';
  const say = values.quiet ? () => {} : (line: string) => io.err(line + '\n');

  try {
    const target = chooseTarget(values['ipfs-url'] ?? env.IPFS_API ?? null, values['ipfs-repo'] ?? null, env);
    // A big folder takes a while: a progress line at most once a second.
    let last = performance.now();
    const dag = await buildDag(dir, (p) => {
      const now = performance.now();
      if (now - last >= 1000) { last = now; say(`adding: ${p.files} files, ${size(p.bytes)} (${p.path})`); }
    });
    for (const s of dag.skipped) say(`skipped ${s.path}: ${s.why}`);
    say(`added ${dir}: ${dag.files} files, ${size(dag.bytes)} in ${dag.blocks.length} blocks`);
    last = performance.now();
    await sendDag(target, dag, (n) => {
      const now = performance.now();
      if (now - last >= 1000) { last = now; say(`sending: ${size(n)} of about ${size(dag.blockBytes)}`); }
    });
    say(`pushed to ${describe(target)}`);
    io.out(dag.root.toString() + '\n');
    return 0;
  } catch (e) {
    if (!(e instanceof NodeError)) throw e;
    io.err(e.format() + '\n');
    return 1;
  }
}

function chooseTarget(kuboUrl: string | null, repo: string | null, env: NodeJS.ProcessEnv): PushTarget {
  if (kuboUrl) return { kind: 'kubo', url: kuboUrl };
  const statePath = hostStatePath(env);
  const state = readHostState(statePath);
  if (state) return { kind: 'node', socket: controlSocketPath(statePath), state };
  return { kind: 'repo', dir: repo ?? join(env.HOME || homedir(), '.ww', 'ipfs') };
}

function describe(t: PushTarget): string {
  switch (t.kind) {
    case 'node': return `the running node ${t.state.peer_id} (pid ${t.state.pid}): pinned and announced`;
    case 'repo': return `the repo ${t.dir}: pinned (no node runs; one started on this repo serves it)`;
    case 'kubo': return `Kubo at ${t.url}: pinned there`;
  }
}

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}
