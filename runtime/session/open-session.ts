// openSession: the one way `ww shell` and `ww mcp` get a Session. It picks
// the node (an ADDR, the local node from its host-state file, or none with
// `local`) and starts the evaluation.
import type { Tier } from '../../glia/eval/session.js';
import { makeContext } from '../../glia/compile/contexts.js';
import { Evaluator } from './evaluator.js';
import type { EvalOptions, EvalOutcome, Session } from './session.js';

export interface OpenSessionOptions {
  /** No node: only the local effects of `ww eval`. */
  local?: boolean;
  /** A node's multiaddr with /p2p/ID; without it, the local node from the host-state file. */
  addr?: string;
  /** The identity to log in with (default ~/.ww/identity, or $WW_IDENTITY). */
  identityPath?: string;
  /** The host-state file (default: where `ww run` writes it). */
  hostStatePath?: string;
  /** Where :load and :import of relative paths start (default: the working folder). */
  baseDir?: string;
  tier?: Tier;
  /** How evaluated texts are named in errors: `shell` gives `<shell 3>`. */
  name?: string;
}

/** The session: in-process for now (runtime/session/worker-session.ts moves it off the main thread). */
export async function openSession(opts: OpenSessionOptions = {}): Promise<Session> {
  return new InProcessSession(new Evaluator({
    baseDir: opts.baseDir ?? process.cwd(),
    ...(opts.tier ? { tier: opts.tier } : {}),
    context: makeContext({ name: 'eval' }),
    ...(opts.name ? { name: opts.name } : {}),
  }));
}

/** A Session evaluating on the calling thread: no cancellation of code that never yields. */
export class InProcessSession implements Session {
  readonly label = 'local';
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly evaluator: Evaluator, private readonly names: string[] = []) {}

  capabilityNames(): string[] { return [...this.names]; }

  evaluate(source: string, opts: EvalOptions = {}): Promise<EvalOutcome> {
    // One evaluation at a time, in the order asked.
    const run = this.queue.then(() => this.evaluator.evaluate(source, opts.onStdout));
    this.queue = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> { await this.queue; }
}
