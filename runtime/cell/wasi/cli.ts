// wasi:cli for a cell: the arguments and environment the spawn passed and
// nothing else, stdio on the cell's rings, exit, and terminals that are
// never there (a cell's stdio is a byte stream, not a terminal).
import type { InputStream, OutputStream } from './io.js';

/** Thrown by exit to unwind the cell; an Error, so jco's glue lets it through to the worker. */
export class CellExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'CellExit';
  }
}

/** wasi:cli/terminal-input and terminal-output: resources no cell ever receives. */
export class TerminalInput { private constructor() {} }
export class TerminalOutput { private constructor() {} }

export interface CliContext {
  args: readonly string[];
  env: ReadonlyArray<readonly [string, string]>;
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Records the status and unwinds the cell. */
  exit(code: number): never;
}

export function cliInterfaces(c: CliContext): Record<string, Record<string, unknown>> {
  return {
    'wasi:cli/environment': {
      // Fresh copies: the glue lowers them into guest memory, and nothing the guest does reaches ours.
      getArguments: () => [...c.args],
      getEnvironment: () => c.env.map(([k, v]) => [k, v]),
      initialCwd: () => undefined,
    },
    'wasi:cli/exit': {
      exit: (status: { tag: 'ok' | 'err' }) => c.exit(status?.tag === 'ok' ? 0 : 1),
      exitWithCode: (code: number) => c.exit(code & 0xff),
    },
    'wasi:cli/stdin': { getStdin: () => c.stdin },
    'wasi:cli/stdout': { getStdout: () => c.stdout },
    'wasi:cli/stderr': { getStderr: () => c.stderr },
    'wasi:cli/terminal-input': { TerminalInput },
    'wasi:cli/terminal-output': { TerminalOutput },
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined },
  };
}
