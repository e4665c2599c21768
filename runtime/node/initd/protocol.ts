// The messages between the node and an init.d script's worker. Capability
// calls do not pass here: they go over the Cap'n Proto connection on
// `rpcPort`, through the node's membrane, like any other vat's.
import type { MessagePort } from 'node:worker_threads';

export interface ScriptWorkerData {
  /** The script's path in the image (`etc/init.d/05-status.glia`). */
  file: string;
  source: string;
  /** Every `lib/**.glia` of the image, by image path, for :import and the checker. */
  modules: Record<string, string>;
  /** The capability names the graft will bind (http-client only with --http-dial). */
  grants: string[];
  rpcPort: MessagePort;
}

/** Worker to node. */
export type ScriptEvent =
  | { t: 'stdout'; text: string }
  | { t: 'load'; id: number; path: string }
  | { t: 'diagnostics'; items: ScriptDiagnostic[] }
  | { t: 'started' }
  | { t: 'done'; value: string }
  | { t: 'failed'; code: string; message: string; line?: number; col?: number; hint?: string }
  | { t: 'exit'; code: number };

/** Node to worker: the answer to a `load`. */
export type LoadAnswer = { t: 'loaded'; id: number; data: Uint8Array } | { t: 'load-failed'; id: number; message: string; hint?: string };

export interface ScriptDiagnostic {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  line: number;
  col: number;
  hint?: string;
}
