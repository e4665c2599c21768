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
export function parseEvalOutput(stdout: string, stderr: string, exitCode: number | null, signal: string | null = null,
  filePosition: (p: { line: number; col: number }) => { line: number; col: number } = (p) => p): EvalOutcome {
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
    if (json.error) return { ok: false, ...describe(json.error, filePosition), output, log };
    if (typeof json.value === 'string') return { ok: true, value: json.value, output, log };
  }
  const message = signal ? `ww eval was stopped (${signal})`
    : log ? log.split('\n')[0]!
    : `ww eval ended with status ${exitCode} and no value (did the code call exit?)`;
  return { ok: false, message, detail: log, output: stdout, log };
}

/** The error as the user reads it; a position in the evaluated text is shown as its place in the file. */
function describe(e: ErrorReport, filePosition: (p: { line: number; col: number }) => { line: number; col: number }): { message: string; detail: string } {
  let where = '';
  if (e.line !== undefined && e.file === '<expr>') {
    const p = filePosition({ line: e.line, col: e.col ?? 1 });
    where = ` (line ${p.line}, column ${p.col})`;
  } else if (e.line !== undefined && e.file) {
    where = ` (${e.file}:${e.line}${e.col !== undefined ? `:${e.col}` : ''})`;
  }
  const message = `error[${e.code}]: ${e.message}${where}`;
  const lines = [message];
  if (e.hint) lines.push(`hint: ${e.hint}`);
  if (e.stack?.length) lines.push('stack:', ...e.stack.map((s) => `  ${s}`));
  return { message, detail: lines.join('\n') };
}
