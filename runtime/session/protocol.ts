// The messages between a session (runtime/session/worker-session.ts, on
// the shell's or MCP server's thread) and the worker thread that evaluates
// (worker.ts). Capability calls do not pass here: they go over the Cap'n
// Proto connection on `rpcPort`, through the Membrane the session serves,
// like any other vat's. Interrupts do not either: the session sets the
// shared `interrupt` flag, which the running code polls.
import type { MessagePort } from 'node:worker_threads';
import type { Tier } from '../../glia/eval/session.js';
import type { EvalOutcome } from './session.js';

export interface SessionWorkerData {
  baseDir: string;
  tier?: Tier;
  /** How evaluated texts are named: `shell` gives `<shell 3>`. */
  name: string;
  /** The checker context each evaluation runs under: `shell` or `mcp`. */
  context: 'shell' | 'mcp';
  /** Element 0 non-zero: stop the running evaluation (glia/eval/interrupt.ts). On a SharedArrayBuffer. */
  interrupt: Int32Array;
  /** The connection to graft the node's capabilities over; absent with no node. */
  rpcPort?: MessagePort;
}

/** Session to worker. */
export type SessionRequest = { t: 'eval'; id: number; source: string };

/** Worker to session. */
export type SessionEvent =
  | { t: 'ready'; names: string[] }
  | { t: 'start-failed'; message: string }
  | { t: 'stdout'; id: number; text: string }
  | { t: 'outcome'; id: number; outcome: EvalOutcome };
