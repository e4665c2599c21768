// Signature help inside a call: the arglists of the function (or macro,
// or special form) in head position, with the parameter the cursor is on.
// Inside `(perform host :method ...)` it is the schema method's parameters.
import type { ParameterInformation, SignatureHelp, SignatureInformation } from 'vscode-languageserver/node';
import { tokenize } from '../../glia/index.js';
import type { FileAnalysis } from '../file-analysis.js';
import type { Resolver } from '../resolve.js';
import { arglistsOf, docOf } from '../describe.js';
import { methodCallLabel, performAt } from '../capabilities.js';
import { childIndexAt, enclosingCall } from '../syntax.js';

export async function signatureHelp(file: FileAnalysis, offset: number, resolver: Resolver): Promise<SignatureHelp | null> {
  const call = enclosingCall(file, offset);
  const head = call?.children[0];
  if (!call || !head || head.kind !== 'symbol') return null;
  const index = childIndexAt(call, offset);
  if (index === 0) return null;

  const perform = performAt(file, offset);
  if (perform?.method && perform.index >= 3) {
    const { label, params } = methodCallLabel(perform.iface, perform.method);
    const sig: SignatureInformation = { label, parameters: paramRanges(label, params, label.indexOf(`:${perform.method.name}`) + perform.method.name.length + 1) };
    if (perform.method.doc) sig.documentation = perform.method.doc;
    return { signatures: [sig], activeSignature: 0, activeParameter: Math.min(perform.index - 3, Math.max(0, params.length - 1)) };
  }

  const occ = file.occurrenceAt(head.offset);
  if (!occ || occ.offset !== head.offset) return null;
  const target = await resolver.resolve(file, occ);
  const arglists = arglistsOf(target);
  if (!arglists.length) return null;
  const arg = index - 1;
  const doc = docOf(target);
  const signatures = arglists.map((a): SignatureInformation & { fixed: number; rest: number } => {
    const params = topLevelItems(a);
    const amp = params.indexOf('&');
    const prefix = `(${head.text}`;
    const label = `${prefix}${params.map((p) => ' ' + p).join('')})`;
    // '&' is not a parameter: after it, the rest parameter takes its index.
    return {
      label, parameters: paramRanges(label, params, prefix.length).filter((_, i) => params[i] !== '&'),
      fixed: amp < 0 ? params.length : amp, rest: amp < 0 ? -1 : amp,
      ...(doc ? { documentation: doc } : {}),
    };
  });
  let active = signatures.findIndex((s) => arg < s.fixed || (s.rest >= 0 && arg >= s.fixed));
  if (active < 0) active = signatures.length - 1;
  const s = signatures[active]!;
  const activeParameter = arg < s.fixed ? arg : s.rest >= 0 ? s.rest : arg;
  return {
    signatures: signatures.map((x): SignatureInformation => ({ label: x.label, parameters: x.parameters!, ...(x.documentation ? { documentation: x.documentation } : {}) })),
    activeSignature: active,
    activeParameter,
  };
}

/** The items of a vector as written: `[x {:keys [a]} & more]` -> `x`, `{:keys [a]}`, `&`, `more`. */
export function topLevelItems(vector: string): string[] {
  const inner = vector.replace(/^\[/, '').replace(/\]$/, '');
  const out: string[] = [];
  let depth = 0, start = -1, prefix = -1;
  for (const t of tokenize(inner)) {
    if (t.kind === 'comment') continue;
    if (depth === 0 && t.kind === 'macro-char') { if (prefix < 0) prefix = t.offset; continue; }
    if (t.kind === 'open') { if (depth === 0) start = prefix >= 0 ? prefix : t.offset; depth++; prefix = -1; continue; }
    if (t.kind === 'close') { depth--; if (depth === 0 && start >= 0) { out.push(inner.slice(start, t.end)); start = -1; } continue; }
    if (depth === 0) { out.push(inner.slice(prefix >= 0 ? prefix : t.offset, t.end)); prefix = -1; }
  }
  return out;
}

/** Offsets of each parameter in the label, searched left to right after `from`. */
function paramRanges(label: string, params: string[], from: number): ParameterInformation[] {
  const out: ParameterInformation[] = [];
  let at = from;
  for (const p of params) {
    const i = label.indexOf(p, at);
    if (i < 0) { out.push({ label: p }); continue; }
    out.push({ label: [i, i + p.length] });
    at = i + p.length;
  }
  return out;
}
