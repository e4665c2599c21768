// A Glia session bound to a node's capabilities, as `ww shell` and `ww mcp`
// use it: which node (an ADDR, the local node from its host-state file, or
// none with --local), the capabilities grafted from it bound by name, and
// evaluation that keeps definitions between calls. The Ink app, the plain
// line mode and the MCP server are three faces of this one interface.

/** How a session names what went wrong, as the diagnostic catalogs do. */
export interface SessionError {
  code: string;
  message: string;
  /** 1-based line and column in the evaluated text, when known. */
  span: { line: number; col: number; endLine: number; endCol: number } | null;
  hint: string | null;
  /** The whole diagnostic, rendered with its code frame (no colour). */
  rendered: string;
}

export type EvalOutcome =
  | { ok: true; /** pr-str of each form's value, in order */ values: string[];
      /** The code ran (exit n): the forms after it did not run; a shell ends with this status. */
      exit?: number;
      /** Compiler and run-time warnings of this evaluation, each one line. */
      warnings?: string[] }
  | { ok: false; error: SessionError; /** pr-str of the forms that ran before the failure */ values: string[];
      /** The evaluation did not stop when asked, so its thread was ended and a fresh one started: every definition is gone. */
      definitionsLost?: boolean;
      warnings?: string[] };

export interface EvalOptions {
  /** Stops the evaluation (Ctrl-C, an MCP timeout); the session survives. */
  signal?: AbortSignal;
  /** Receives what the code writes with :stdout, as it is written. */
  onStdout?: (text: string) => void;
}

export interface Session {
  /** `12D3KooW...` of the node, or `local`. */
  readonly label: string;
  /** Names of the capabilities bound in this session (`host`, `routing`, ...). */
  capabilityNames(): string[];
  /** Reads, checks and runs one or more forms. Never throws for bad code. */
  evaluate(source: string, opts?: EvalOptions): Promise<EvalOutcome>;
  close(): Promise<void>;
}
