// Errors of `ww build` and `ww init`: a code (build/...), a one-line
// message, and where we know them a hint and a formatted report (Glia
// compile errors come with their code frame).
export type BuildErrorCode =
  | 'build/no-project' | 'build/bad-project' | 'build/no-entry' | 'build/compile'
  | 'build/no-entry-fn' | 'build/no-export' | 'build/bad-grant' | 'build/componentize' | 'build/write'
  | 'init/bad-name' | 'init/exists';

export class BuildError extends Error {
  constructor(readonly code: BuildErrorCode, message: string, readonly hint?: string, readonly report?: string) {
    super(message);
  }

  /** What `ww build` prints on stderr. */
  format(): string {
    if (this.report) return this.report;
    return `error[${this.code}]: ${this.message}${this.hint ? `\nhint: ${this.hint}` : ''}`;
  }
}
