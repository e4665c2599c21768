// openSession: the one way `ww shell` and `ww mcp` get a Session. It picks
// the node (an ADDR, the local node from its host-state file, or none with
// `local`) and starts the thread that evaluates (worker-session.ts).
// Nothing of the Glia compiler loads on this thread to open a session: the
// worker loads its own, and `ww shell` starts it before it loads anything
// else (the in-process session loads the evaluator on its first use).
import type { Tier } from '../../glia/eval/session.js';
import type { Evaluator } from './evaluator.js';
import { WorkerSession } from './worker-session.js';
import type { EvalOptions, EvalOutcome, Session } from './session.js';

export interface OpenSessionOptions {
  /** No node: only the local effects of `ww eval`. */
  local?: boolean;
  /** A node's multiaddr with /p2p/ID; without it, the local node from the host-state file. */
  addr?: string;
  /** The identity to log in with (default $WW_IDENTITY, else ~/.ww/identity). */
  identityPath?: string;
  /** The host-state file (default: where `ww run` writes it: $WW_HOST_STATE_PATH, ...). */
  hostStatePath?: string;
  /** Where :load and :import of relative paths start (default: the working folder). */
  baseDir?: string;
  tier?: Tier;
  /** How evaluated texts are named in errors: `shell` gives `<shell 3>`. `mcp` also picks the mcp context. */
  name?: string;
  /** The checker context of each evaluation, and so its local effects: `shell` (default) or `mcp` (no :load, no :exit). */
  context?: 'shell' | 'mcp';
}

/**
 * A session on its own thread. Throws a NodeError (with `format()`) when
 * no node is found or the login fails: node/no-node, node/dial-failed,
 * node/login-refused, node/identity, ...
 */
export async function openSession(opts: OpenSessionOptions = {}): Promise<Session> {
  const name = opts.name ?? 'shell';
  const context = opts.context ?? (name === 'mcp' ? 'mcp' : 'shell');
  const base = { baseDir: opts.baseDir ?? process.cwd(), name, context, ...(opts.tier ? { tier: opts.tier } : {}) } as const;
  if (opts.local) return WorkerSession.open({ ...base, node: null, label: 'local' });
  // The session's thread starts at once and loads while this thread dials and logs in.
  let short: (peerId: string) => string = (id) => id;
  const linking = import('./node-link.js').then(({ connectNode, shortPeerId }) => {
    short = shortPeerId;
    return connectNode({
      ...(opts.addr !== undefined ? { addr: opts.addr } : {}),
      ...(opts.identityPath !== undefined ? { identityPath: opts.identityPath } : {}),
      ...(opts.hostStatePath !== undefined ? { hostStatePath: opts.hostStatePath } : {}),
    });
  });
  try {
    return await WorkerSession.open({ ...base, node: linking, label: (node) => short(node.peerId) });
  } catch (e) {
    // The link is closed if it was made (the thread failed); a failed link is the error itself.
    await linking.then((node) => node.close(), () => {});
    throw e;
  }
}

/**
 * A Session evaluating on the calling thread, with no node: for embeddings
 * that cannot start threads. Nothing stops code that never yields.
 */
export function inProcessSession(opts: Pick<OpenSessionOptions, 'baseDir' | 'tier' | 'name' | 'context'> = {}): Session {
  const baseDir = opts.baseDir ?? process.cwd();
  return new InProcessSession(import('./evaluator.js').then(({ Evaluator, sessionContext }) => new Evaluator({
    baseDir,
    ...(opts.tier ? { tier: opts.tier } : {}),
    context: sessionContext(opts.context ?? 'shell', []),
    ...(opts.name ? { name: opts.name } : {}),
  })));
}

class InProcessSession implements Session {
  readonly label = 'local';
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly evaluator: Promise<Evaluator>) {}

  capabilityNames(): string[] { return []; }

  evaluate(source: string, opts: EvalOptions = {}): Promise<EvalOutcome> {
    const run = this.queue.then(async () => (await this.evaluator).evaluate(source, opts.onStdout));
    this.queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> { await this.queue; }
}
