// What one `ww eval --json` run means for the user: a value to show, or an
// error. Pure (it reads the process's output), so it is unit-tested.

export type EvalOutcome = (
  | { ok: true; value: string }
  | { ok: false; message: string; detail: string }
) & {
  /** What the code printed (println, prn...) before the result. */
  output: string;
  /** What `ww` wrote to stderr: warnings, or the reason it failed. */
  log: string;
};

/** The error object of `ww eval --json` (runtime/cli/report.ts ErrorReport). */
interface ErrorReport {
  code: string;
  message: string;
  file?: string;
  line?: number;
  col?: number;
  hint?: string;
  stack?: string[];
}

/**
 * `stdout` holds what the code printed and then one JSON line,
 * `{"value": ..., "error": ...}`. A run that ends without it exited through
 * `(exit n)`, crashed or was stopped; `stderr` then says why.
 */
export function parseEvalOutput(stdout: string, stderr: string, exitCode: number | null, signal: string | null = null): EvalOutcome {
  const log = stderr.trim();
  // The JSON line is the last thing printed; it may follow output that did
  // not end with a newline, so look for its start rather than a line break.
  const trimmed = stdout.replace(/\n+$/, '');
  const at = trimmed.lastIndexOf('{"value":');
  let json: { value: unknown; error: ErrorReport | null } | undefined;
  if (at >= 0 && !trimmed.slice(at).includes('\n')) {
    try { json = JSON.parse(trimmed.slice(at)); } catch { json = undefined; }
  }
  if (json) {
    const output = trimmed.slice(0, at);
    if (json.error) return { ok: false, ...describe(json.error), output, log };
    if (typeof json.value === 'string') return { ok: true, value: json.value, output, log };
  }
  const message = signal ? `ww eval was stopped (${signal})`
    : log ? log.split('\n')[0]!
    : `ww eval ended with status ${exitCode} and no value (did the code call exit?)`;
  return { ok: false, message, detail: log, output: stdout, log };
}

function describe(e: ErrorReport): { message: string; detail: string } {
  const where = e.line !== undefined ? ` (line ${e.line}${e.col !== undefined ? `, column ${e.col}` : ''})` : '';
  const message = `error[${e.code}]: ${e.message}${where}`;
  const lines = [message];
  if (e.hint) lines.push(`hint: ${e.hint}`);
  if (e.stack?.length) lines.push('stack:', ...e.stack.map((s) => `  ${s}`));
  return { message, detail: lines.join('\n') };
}
