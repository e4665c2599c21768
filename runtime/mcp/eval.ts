// The `eval` tool's work: one evaluation at a time in the session (an
// MCP client may send calls concurrently; definitions must land in the
// order the calls came), :stdout captured into the result — never written
// to the process's stdout, which carries the protocol — and a time limit.
// At the limit the session's AbortSignal fires; the session stops the code
// (a runaway loop included) and says so, and the server goes on serving.
// Should a session ever fail to stop within a grace period, the call is
// answered anyway and later calls are refused as busy until it ends,
// rather than queueing behind it forever.
import type { Session, SessionError } from '../session/session.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_TIMEOUT_MS = 10 * 60_000;
/** How long after the abort the session may take to report that it stopped. */
const GRACE_MS = 5_000;
/** Output beyond this is cut, so one chatty loop cannot flood the model's context. */
export const MAX_STDOUT_CHARS = 1 << 20;

export interface EvalSuccess {
  /** pr-str of the last form's value. */
  value: string;
  /** pr-str of every top-level form's value, in order. */
  values: string[];
  /** What the code printed with :stdout. */
  stdout: string;
  warnings: string[];
}

/** `{code, message, span, hint}` of a read, compile or run-time error. */
export type EvalFailure = Pick<SessionError, 'code' | 'message' | 'span' | 'hint'>;

export type EvalToolResult =
  | { isError: false; text: string; structured: EvalSuccess }
  | { isError: true; text: string; structured: EvalFailure };

export class EvalRunner {
  private tail: Promise<unknown> = Promise.resolve();
  /** An evaluation that outlived its timeout and grace period, still running. */
  private stuck: Promise<unknown> | null = null;

  constructor(private readonly session: Session) {}

  run(expression: string, timeoutMs: number): Promise<EvalToolResult> {
    const next = this.tail.then(() => this.runNow(expression, timeoutMs));
    this.tail = next.catch(() => {});
    return next;
  }

  private async runNow(expression: string, timeoutMs: number): Promise<EvalToolResult> {
    if (this.stuck) {
      return failure({
        code: 'busy', message: 'an earlier evaluation did not stop at its timeout and still runs in this session', span: null,
        hint: 'wait and try again, or restart the MCP server (its session and definitions are lost)',
      }, '');
    }
    let stdout = '';
    let cut = false;
    const onStdout = (text: string) => {
      if (stdout.length + text.length <= MAX_STDOUT_CHARS) { stdout += text; return; }
      stdout += text.slice(0, Math.max(0, MAX_STDOUT_CHARS - stdout.length));
      cut = true;
    };
    const printed = () => (cut ? `${stdout}\n[output cut at ${MAX_STDOUT_CHARS} characters]\n` : stdout);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; controller.abort(new Error(`timeout after ${timeoutMs} ms`)); }, timeoutMs);
    const evaluation = this.session.evaluate(expression, { signal: controller.signal, onStdout });
    let graceTimer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'gave-up'>((resolve) => {
      controller.signal.addEventListener('abort', () => { graceTimer = setTimeout(() => resolve('gave-up'), GRACE_MS); }, { once: true });
    });
    try {
      const outcome = await Promise.race([evaluation, gaveUp]);
      if (outcome === 'gave-up') {
        this.stuck = evaluation.finally(() => { this.stuck = null; });
        return failure({
          code: 'timeout', message: `the evaluation ran longer than timeout-ms (${timeoutMs} ms) and did not stop when asked`, span: null,
          hint: 'later calls are refused until it ends; restart the MCP server to get a fresh session',
        }, printed());
      }
      if (outcome.ok) {
        const values = outcome.values;
        return {
          isError: false,
          text: `${withNewline(printed())}=> ${values.length ? values[values.length - 1] : 'nil'}`,
          structured: { value: values.length ? values[values.length - 1]! : 'nil', values, stdout: printed(), warnings: outcome.warnings ?? [] },
        };
      }
      const e = outcome.error;
      let rendered = e.rendered;
      if (timedOut) {
        rendered = `stopped: the evaluation ran longer than timeout-ms (${timeoutMs} ms); the server goes on serving.\n${rendered}`;
      }
      if (outcome.definitionsLost) rendered += '\nnote: the session had to be restarted to stop it, so every earlier definition is gone.';
      return failure({ code: e.code, message: e.message, span: e.span, hint: e.hint }, printed(), rendered);
    } finally {
      clearTimeout(timer);
      clearTimeout(graceTimer);
    }
  }
}

function failure(f: EvalFailure, stdout: string, rendered?: string): EvalToolResult {
  const body = rendered ?? `error[${f.code}]: ${f.message}${f.hint ? `\n  = hint: ${f.hint}` : ''}`;
  return { isError: true, text: `${withNewline(stdout)}${body}`, structured: f };
}

/** Printed output, ended by a newline so what follows starts its own line. */
function withNewline(text: string): string {
  return text && !text.endsWith('\n') ? text + '\n' : text;
}
