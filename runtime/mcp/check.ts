// The `check` tool: the effect checker (glia/compile/check.ts, as `ww
// check` and the language server call it) over a text a model proposes,
// as structured JSON, without running any of it. By default the text is
// checked as this session would run it: the `mcp` context
// (glia/compile/contexts.ts) with only the capabilities the session has
// bound, so `(perform host :id)` in a --local session is reported before
// it fails at run time.
import { checkSource } from '../../glia/compile/check.js';
import { makeContext, describeAllowed, CONTEXT_NAMES, ContextError, GRAFTED, GRAFT_CONDITIONS } from '../../glia/compile/contexts.js';
// The context the session itself checks each evaluation against, so check and eval agree.
import { sessionContext } from '../session/evaluator.js';
import type { Diagnostic } from '../../glia/diagnostics.js';
import { diagnosticReport, formatReport } from '../cli/report.js';

export const CHECK_FILE = '<check>';

export interface CheckDiagnostic {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  /** 1-based lines and columns, end exclusive, as the code frames show them. */
  span: { line: number; col: number; endLine: number; endCol: number };
  hint: string | null;
}

export interface CheckReport {
  /** The context checked against, and what it allows. */
  context: string;
  allowed: string;
  errors: number;
  warnings: number;
  diagnostics: CheckDiagnostic[];
  /** Every effect the text performs (keywords such as `:stdout`, capability methods such as `host/:id`). */
  effects: string[];
}

/** Checks `source`; `context` is a context name (see CONTEXT_NAMES), else the session's. Throws ContextError for an unknown name. */
export function checkForModel(source: string, context: string | undefined, bound: readonly string[]): { report: CheckReport; text: string } {
  if (context !== undefined && !(CONTEXT_NAMES as readonly string[]).includes(context)) {
    throw new ContextError(`no context named '${context}'`, `the contexts are ${CONTEXT_NAMES.join(', ')}; leave context out to check as this session runs code`);
  }
  const asSession = context === undefined || context === 'mcp';
  const ctx = asSession ? sessionContext('mcp', bound) : makeContext({ name: context! });
  const result = checkSource(source, { file: CHECK_FILE, context: ctx });
  const found = asSession ? result.diagnostics.map((d) => unboundHere(d, bound)) : result.diagnostics;
  const diagnostics = found.map(toJson);
  const effects = [...new Set(result.forms.flatMap((f) => f.effects))].sort();
  const report: CheckReport = {
    context: ctx.name,
    allowed: describeAllowed(ctx),
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    diagnostics,
    effects,
  };
  const sources = new Map([[CHECK_FILE, source]]);
  const framed = found.map((d) => formatReport(diagnosticReport(d), sources, d.span));
  const summary = `${report.errors} error${report.errors === 1 ? '' : 's'}, ${report.warnings} warning${report.warnings === 1 ? '' : 's'} `
    + `(context ${report.context}, which allows ${report.allowed}); performs ${effects.length ? effects.join(', ') : 'nothing'}`;
  return { report, text: [...framed, summary].join('\n\n') };
}

/** A grafted name this session lacks: say why, in this session's words rather than a file's. */
function unboundHere(d: Diagnostic, bound: readonly string[]): Diagnostic {
  const name = d.code === 'unbound-symbol' ? /^unable to resolve symbol '([^']+)'$/.exec(d.message)?.[1] : undefined;
  if (!name || !(GRAFTED as readonly string[]).includes(name) || bound.includes(name)) return d;
  const condition = GRAFT_CONDITIONS[name];
  return {
    ...d,
    hint: bound.length ? `this session's node grants ${bound.join(', ')}, not ${name}${condition ? `; ${condition}` : ''}`
      : `this session has no node (ww mcp --local), so no capability such as ${name} is bound; serve a node's session (ww mcp, with ww run going) to use it`,
  };
}

function toJson(d: Diagnostic): CheckDiagnostic {
  const s = d.span;
  return {
    code: d.code, severity: d.severity, message: d.message,
    span: { line: s.line, col: s.col, endLine: s.endLine, endCol: s.endCol }, hint: d.hint ?? null,
  };
}
