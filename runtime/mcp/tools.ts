// The MCP tools a model calls: eval, check, describe and doc. Each has a
// description written for a model (what it is for, what comes back, what
// to do first) and an input schema; each answers with text for the model
// and the same facts as structuredContent, declared by an outputSchema.
// A tool that cannot do what was asked answers isError: true with a coded
// message, never a protocol error, so the model can read it and retry.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Session } from '../session/session.js';
import { ContextError, CONTEXT_NAMES } from '../../glia/compile/contexts.js';
import { EvalRunner, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from './eval.js';
import { checkForModel } from './check.js';
import { describeCapability, describeSession, describeText, interfaceNames } from './describe.js';
import { DocIndex, docText, SYMBOL_RE } from './doc.js';

const span = z.object({ line: z.number(), col: z.number(), endLine: z.number(), endCol: z.number() });
const field = z.object({ name: z.string(), type: z.string(), doc: z.string(), optional: z.boolean().optional() });
const method = z.object({
  name: z.string(), signature: z.string(), call: z.string(), doc: z.string(), convenience: z.boolean(),
  params: z.array(field), results: z.array(field),
});
const capability = z.object({
  name: z.string(), interface: z.string(), schema: z.string(), doc: z.string(), bound: z.boolean(), methods: z.array(method),
});

/**
 * An isError result the model can read: a coded line and a hint. No
 * structuredContent: clients check it against the tool's outputSchema,
 * which describes the tool's answer, not a refusal.
 */
function refusal(code: string, message: string, hint: string) {
  return { isError: true, content: [{ type: 'text' as const, text: `error[${code}]: ${message}\n  = hint: ${hint}` }] };
}

export function registerTools(server: McpServer, session: Session, reference: () => string): void {
  const runner = new EvalRunner(session);
  let docs: DocIndex | null = null;
  const docIndex = () => (docs ??= new DocIndex(reference()));

  server.registerTool('eval', {
    title: 'Evaluate Glia',
    description: `Evaluates one or more Glia forms (a Clojure-like language; read the resource wetware://doc/language.md first) in a persistent session ${session.label === 'local' ? 'with no node attached (--local)' : `attached to the Wetware node ${session.label}`}. `
      + 'Definitions (def, defn, defmacro) persist across calls. Capabilities bound in the session are called with (perform CAP :method args...); call describe to see them. '
      + 'Returns the printed (pr-str) value of the last form as "=> value", after anything the code printed with println/prn (:stdout). '
      + 'A read, compile or run-time error comes back with isError true: the text is the diagnostic with a code frame, and structuredContent is {code, message, span, hint}. '
      + `Code that runs longer than timeout-ms (default ${DEFAULT_TIMEOUT_MS} ms) is stopped and reported as an error; the session survives. Use check first to find problems without running anything.`,
    inputSchema: {
      expression: z.string().describe('Glia source: one or more forms, such as (+ 1 2) or (defn sq [x] (* x x)) (sq 4).'),
      'timeout-ms': z.number().int().positive().max(MAX_TIMEOUT_MS).optional()
        .describe(`Stop the evaluation after this many milliseconds (default ${DEFAULT_TIMEOUT_MS}).`),
    },
    outputSchema: {
      value: z.string().optional().describe('pr-str of the last form\'s value'),
      values: z.array(z.string()).optional().describe('pr-str of each form\'s value'),
      stdout: z.string().optional().describe('what the code printed'),
      warnings: z.array(z.string()).optional(),
      code: z.string().optional().describe('on an error: its code, such as unbound-symbol or arity-mismatch'),
      message: z.string().optional(),
      span: span.nullable().optional().describe('on an error: where in the expression (1-based, end exclusive)'),
      hint: z.string().nullable().optional(),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
  }, async (args) => {
    const r = await runner.run(args.expression, args['timeout-ms'] ?? DEFAULT_TIMEOUT_MS);
    return { isError: r.isError, content: [{ type: 'text', text: r.text }], structuredContent: { ...r.structured } };
  });

  server.registerTool('check', {
    title: 'Check Glia without running it',
    description: 'Runs the Glia effect checker over source without running any of it: read and compile errors, unbound names, wrong argument counts, '
      + 'effects the context does not allow, capability calls that do not match the schemas (unknown methods, argument counts, literal types). '
      + 'Returns the diagnostics with code frames as text, and as structuredContent {context, allowed, errors, warnings, diagnostics: [{code, severity, message, span, hint}], effects}. '
      + `By default the source is checked as this session would run it; context may name another: ${CONTEXT_NAMES.join(', ')}. `
      + 'Names defined by earlier eval calls are not known to the checker and show as unbound-symbol.',
    inputSchema: {
      source: z.string().describe('Glia source to check.'),
      context: z.string().optional().describe(`One of ${CONTEXT_NAMES.join(', ')}; default: this session (mcp, with the capabilities it has).`),
    },
    outputSchema: {
      context: z.string(), allowed: z.string(), errors: z.number(), warnings: z.number(),
      diagnostics: z.array(z.object({ code: z.string(), severity: z.enum(['error', 'warning']), message: z.string(), span, hint: z.string().nullable() })),
      effects: z.array(z.string()),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async (args) => {
    try {
      const { report, text } = checkForModel(args.source, args.context, session.capabilityNames());
      return { content: [{ type: 'text', text }], structuredContent: { ...report } };
    } catch (e) {
      if (e instanceof ContextError) return refusal('unknown-context', e.message, e.hint ?? '');
      throw e;
    }
  });

  server.registerTool('describe', {
    title: 'Describe capabilities',
    description: 'Lists the capabilities this session has bound by name (such as host, routing, runtime, ipfs, identity), each method with how to call it, '
      + 'its parameters and results (Cap\'n Proto types) and the schema\'s documentation. With capability, describes that one only; it may also name an '
      + 'interface reached through another capability (executor, process). Call this before writing code that uses (perform CAP :method ...).',
    inputSchema: {
      capability: z.string().optional().describe('A bound name (host) or an interface (executor, Executor). Leave out for every bound capability.'),
    },
    outputSchema: { capabilities: z.array(capability) },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async (args) => {
    const bound = session.capabilityNames();
    if (args.capability !== undefined) {
      const d = describeCapability(args.capability, bound);
      if (!d) {
        return refusal('unknown-capability', `no capability named '${args.capability}' in this session or the schemas`,
          `bound here: ${bound.length ? bound.join(', ') : 'none (--local)'}; interfaces: ${interfaceNames().join(', ')}`);
      }
      return { content: [{ type: 'text', text: describeText(d) }], structuredContent: { capabilities: [d] } };
    }
    const all = describeSession(bound);
    const text = all.length ? all.map(describeText).join('\n\n')
      : 'This session has no capabilities bound (it runs with --local, without a node). Glia itself and :stdout work; (perform host ...) does not.';
    return { content: [{ type: 'text', text }], structuredContent: { capabilities: all } };
  });

  server.registerTool('doc', {
    title: 'Document a Glia name',
    description: 'Gives the call forms and documentation of a Glia name: a core function or macro (map, assoc-in, defn), a special form (if, let, perform, try), '
      + 'a std module name (ww.test/is), a capability method ("host :id"), or a var defined in this session with a docstring. '
      + 'Returns text and structuredContent {symbol, kind, ns, signatures, doc, effects?, see?}.',
    inputSchema: { symbol: z.string().describe('The name, such as reduce, ww.string/join, or "host :id" for a capability method.') },
    outputSchema: {
      symbol: z.string(), kind: z.string(), ns: z.string().nullable(), signatures: z.array(z.string()), doc: z.string(),
      effects: z.array(z.string()).optional(), see: z.string().optional(),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async (args) => {
    const symbol = args.symbol.trim();
    const found = docIndex().lookup(symbol, session.capabilityNames());
    if (found) return { content: [{ type: 'text', text: docText(found) }], structuredContent: { ...found } };
    // Not in the reference or the prelude: perhaps a var this session defined. (doc (var x)) only reads it.
    if (SYMBOL_RE.test(symbol)) {
      const r = await runner.run(`(doc (var ${symbol}))`, 5_000);
      if (!r.isError) {
        const doc = r.structured.value === 'nil' ? '' : parseString(r.structured.value);
        const d = { symbol, kind: 'var', ns: null, signatures: [], doc };
        return { content: [{ type: 'text', text: `${symbol} — defined in this session\n\n${doc || '(no docstring)'}` }], structuredContent: d };
      }
    }
    return refusal('unknown-symbol', `no Glia name '${symbol}' is known here`,
      'core functions are listed in doc/language.md §12 (resource wetware://doc/language.md); a capability method is written "host :id"');
  });
}

/** The text of a printed string (`"a\nb"`), or the printed value itself when it is not one. */
function parseString(printed: string): string {
  try { const v = JSON.parse(printed); return typeof v === 'string' ? v : printed; } catch { return printed; }
}
