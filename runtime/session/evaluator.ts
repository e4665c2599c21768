// The core of a shell or MCP session: one Glia Session with `ww eval`'s
// local effects (plus whatever capabilities were grafted), evaluating one
// text at a time and turning every outcome into plain data (EvalOutcome).
// It runs where the evaluation runs: in the session's worker thread
// (worker.ts), or in-process for tests. Nothing here writes to the
// process's streams: :stdout goes to the sink of the evaluation running.
import { Session as GliaSession, type Tier } from '../../glia/eval/session.js';
import { SessionExit } from '../../glia/eval/ops.js';
import { prStr } from '../../glia/values/printer.js';
import { checkSource, type SessionNames } from '../../glia/compile/check.js';
import { makeContext, GRAFTED, type Context } from '../../glia/compile/contexts.js';
import type { Diagnostic } from '../../glia/diagnostics.js';
import type { Span } from '../../glia/span.js';
import { localEffects } from '../host/local-effects.js';
import { toReport, diagnosticReport, formatReport, spanOfError, type ErrorReport } from '../cli/report.js';
import type { EvalOutcome, SessionError } from './session.js';

export interface EvaluatorOptions {
  /** Where :load and :import of relative paths start (the shell's working folder). */
  baseDir: string;
  tier?: Tier;
  /** Grafted capabilities, bound by name. */
  capabilities?: Record<string, unknown>;
  /** The checker's context for each evaluation (contexts.ts `shell`); none skips the check. */
  context?: Context;
  /** Polled by compiled code; a non-zero value stops the evaluation (glia SessionOptions.interrupt). */
  interrupt?: Int32Array;
  /** How evaluated texts are named in spans and code frames: `<shell 3>`. */
  name?: string;
}

/** The checker context of a session (`shell` or `mcp`) with only the capabilities the node granted. */
export function sessionContext(name: 'shell' | 'mcp', granted: readonly string[]): Context {
  const base = makeContext({ name });
  const has = new Set(granted);
  return {
    ...base,
    capabilities: new Map([...base.capabilities].filter(([n]) => has.has(n))),
    methods: new Map([...base.methods].filter(([n]) => has.has(n))),
  };
}

/** How many earlier texts are kept for the code frames of errors raised inside functions they defined. */
const KEPT_SOURCES = 256;

export class Evaluator {
  readonly glia: GliaSession;
  private sink: ((text: string) => void) | null = null;
  private count = 0;
  private readonly sources = new Map<string, string>();

  constructor(private readonly opts: EvaluatorOptions) {
    const local = localEffects(opts.baseDir, (s) => this.sink?.(s));
    // Only the local effects the context allows (an MCP session has no :load
    // or :exit), so what runs matches what the checker says.
    const allowed = opts.context?.keywords;
    const effects = {
      effects: Object.fromEntries(Object.entries(local.effects!).filter(([k]) => !allowed || allowed.has(k))),
      ...(!allowed || allowed.has('import') ? { loadSource: local.loadSource! } : {}),
    };
    this.glia = new GliaSession({
      ...effects,
      ...(opts.tier ? { tier: opts.tier } : {}),
      ...(opts.capabilities ? { capabilities: opts.capabilities } : {}),
      ...(opts.interrupt ? { interrupt: opts.interrupt } : {}),
    });
  }

  /** Binds capabilities by name in the user namespace, replacing those of an earlier graft. */
  rebind(capabilities: Record<string, unknown>): void {
    const user = this.glia.registry.ensure('user');
    for (const [name, cap] of Object.entries(capabilities)) user.intern(name).set(cap);
  }

  /** Reads, checks and runs `source`. Never throws for bad code. */
  async evaluate(source: string, onStdout?: (text: string) => void): Promise<EvalOutcome> {
    const file = `<${this.opts.name ?? 'shell'} ${++this.count}>`;
    this.remember(file, source);
    const values: string[] = [];
    const warnMark = this.glia.warnings.length;
    const warnings = () => this.glia.warnings.slice(warnMark);
    const blocked = this.check(source, file);
    if (blocked) return { ok: false, error: fromDiagnostic(blocked, this.sources, file), values, warnings: warnings() };
    this.sink = onStdout ?? null;
    this.glia.currentFile = file;
    try {
      await this.glia.evalString(source, file, (v) => values.push(printable(v)));
      return { ok: true, values, warnings: warnings() };
    } catch (e) {
      if (e instanceof SessionExit) return { ok: true, values, exit: e.code, warnings: warnings() };
      return { ok: false, error: fromError(e, this.sources, file), values, warnings: warnings() };
    } finally {
      this.sink = null;
    }
  }

  /**
   * The first effect the context does not allow, or a capability name the
   * node did not grant (its hint says why), or null. The checker is
   * told the names earlier evaluations defined (sessionNames): what uses
   * them is left to the run-time checks, and the rest of the text is
   * checked. A name still unbound is one the session lacks too (its
   * compile error stops the text before anything runs), or one this text
   * defines in a way the checker cannot follow: the run-time checks decide.
   */
  private check(source: string, file: string): Diagnostic | null {
    if (!this.opts.context) return null;
    let diagnostics: Diagnostic[];
    try { diagnostics = checkSource(source, { file, context: this.opts.context, session: this.sessionNames() }).diagnostics; }
    catch { return null; }
    // A capability the node did not grant: the checker's hint says why (the compiler's would only say it is unbound).
    const ungranted = diagnostics.find((d) => d.code === 'unbound-symbol' && (GRAFTED as readonly string[]).includes(/^unable to resolve symbol '([^']+)'$/.exec(d.message)?.[1] ?? ''));
    if (ungranted) return ungranted;
    if (diagnostics.some((d) => d.code === 'unbound-symbol' || d.code === 'unknown-alias')) return null;
    return diagnostics.find((d) => d.code === 'effect-not-allowed' && d.severity === 'error') ?? null;
  }

  /** The vars, macros and aliases of the session's namespace, as earlier evaluations left them. */
  private sessionNames(): SessionNames {
    const ns = this.glia.registry.current;
    const vars: string[] = [];
    const macros: string[] = [];
    for (const [name, v] of ns.vars) (v.macro ? macros : vars).push(name);
    // A std module's namespace is ww.string for ww/string; another module's names are not known to the checker.
    const aliases = new Map<string, string | null>();
    for (const [alias, target] of ns.aliases) aliases.set(alias, target.name.startsWith('ww.') ? target.name.replace(/\./g, '/') : null);
    return { vars, macros, aliases };
  }

  private remember(file: string, source: string): void {
    this.sources.set(file, source);
    if (this.sources.size > KEPT_SOURCES) this.sources.delete(this.sources.keys().next().value!);
  }
}

/** pr-str, or a note saying why the value cannot be printed (too deep, too long). */
export function printable(v: unknown): string {
  try { return prStr(v); } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return /length/i.test(e.message) ? '#<unprintable: longer than the engine allows>' : '#<unprintable: nests too deeply>';
  }
}

function fromError(e: unknown, sources: Map<string, string>, file: string): SessionError {
  const report = toReport(e);
  return sessionError(report, sources, spanOfError(e), file);
}

function fromDiagnostic(d: Diagnostic, sources: Map<string, string>, file: string): SessionError {
  return sessionError(diagnosticReport(d), sources, d.span, file);
}

/** A report as a SessionError: the span only when it lies in the text just evaluated. */
export function sessionError(report: ErrorReport, sources: Map<string, string>, span: Span | undefined, file: string): SessionError {
  const inText = span && span.file === file;
  return {
    code: report.code,
    message: report.message,
    span: inText ? { line: span.line, col: span.col, endLine: span.endLine, endCol: span.endCol }
      : report.file === file && report.line ? { line: report.line, col: report.col ?? 1, endLine: report.line, endCol: (report.col ?? 1) + 1 } : null,
    hint: report.hint ?? null,
    rendered: formatReport(report, sources, span),
  };
}
