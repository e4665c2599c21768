// The plain line mode of `ww shell` (doc/shell.md): for scripts, pipes
// and tests, with no terminal app. It reads lines, evaluates the text
// gathered so far as soon as its forms balance (balance.ts: the reader's
// verdict, as the terminal app's Enter uses it), prints the pr-str of each
// value on a line of its own, :stdout as it happens, and errors, rendered
// with their code frame, on stderr. The status is 1 if any evaluation
// failed, or n after (exit n), which ends the run.
import type { Session, EvalOutcome } from '../session/session.js';
import { balance } from './balance.js';
import { errStyle, paintWarning } from '../cli/colour.js';
import type { Io } from '../cli/io.js';

export interface LineModeResult {
  /** 0, 1 when any evaluation failed, or the code of (exit n). */
  status: number;
}

/** Evaluates one text and prints what it gave. Returns the exit code asked for, or whether it failed. */
async function evaluateAndPrint(session: Session, text: string, io: Io): Promise<{ failed: boolean; exit?: number }> {
  const out: EvalOutcome = await session.evaluate(text, { onStdout: (t) => io.out(t) });
  for (const v of out.values) io.out(v + '\n');
  for (const w of out.warnings ?? []) io.err(paintWarning(w, errStyle(io)) + '\n');
  if (!out.ok) {
    io.err(out.error.rendered + '\n');
    return { failed: true };
  }
  return out.exit !== undefined ? { failed: false, exit: out.exit } : { failed: false };
}

/** `ww shell --eval EXPR`: evaluates EXPR (one or more forms) and prints each value. */
export async function evalOnce(session: Session, expr: string, io: Io): Promise<number> {
  const r = await evaluateAndPrint(session, expr, io);
  return r.exit ?? (r.failed ? 1 : 0);
}

/**
 * Reads `input` to its end, evaluating forms as they balance. Text still
 * open at the end is evaluated too, so an unclosed form is reported (as
 * read/unclosed) rather than dropped.
 */
export async function runLineMode(session: Session, input: AsyncIterable<string | Uint8Array>, io: Io): Promise<number> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let partial = '';
  let failed = false;
  const take = async (line: string): Promise<number | undefined> => {
    pending += line;
    const b = balance(pending);
    if (b === 'incomplete') return undefined;
    const text = pending;
    pending = '';
    if (b === 'empty') return undefined;
    const r = await evaluateAndPrint(session, text, io);
    if (r.failed) failed = true;
    return r.exit;
  };
  for await (const chunk of input) {
    partial += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl + 1);
      partial = partial.slice(nl + 1);
      const exit = await take(line);
      if (exit !== undefined) return exit;
    }
  }
  partial += decoder.decode();
  if (partial) { const exit = await take(partial); if (exit !== undefined) return exit; }
  if (pending.trim()) {
    // Still open at the end of the input: evaluating it reports what is unclosed.
    const r = await evaluateAndPrint(session, pending, io);
    if (r.failed) failed = true;
    if (r.exit !== undefined) return r.exit;
  }
  return failed ? 1 : 0;
}
