// `(perform host :method args...)`: which capability a perform targets and
// what the schema says about its methods, from the capability-signature
// table (glia/compile/capabilities.ts) and the conveniences Glia layers on
// it (`host :listen`, glia/compile/conveniences.ts), never from a running
// node.
import {
  capabilityInterfaceForBinding, methodSignature, gliaMethods, gliaMethod, type CapabilityInterface, type GliaMethod,
} from '../glia/index.js';
import type { FileAnalysis } from './file-analysis.js';
import { childIndexAt, enclosingCall, type Enclosing } from './syntax.js';

export interface PerformContext {
  call: Enclosing;
  iface: CapabilityInterface;
  /** The child index the cursor is on: 2 is the method. */
  index: number;
  method?: GliaMethod;
}

/**
 * The capability perform the cursor is in, when its target is a grafted
 * name (`host`, `http-client`, ...) that no local shadows.
 */
export function performAt(file: FileAnalysis, offset: number): PerformContext | undefined {
  const call = enclosingCall(file, offset);
  if (!call || call.open !== '(') return undefined;
  const [head, target, method] = call.children;
  if (!head || head.text !== 'perform' || !target || target.kind !== 'symbol') return undefined;
  if (target.end === -1 || offset <= target.end) return undefined;
  const occ = file.occurrenceAt(target.offset);
  if (occ && (occ.role === 'local' || occ.role === 'binding') && occ.offset === target.offset) return undefined;
  const iface = capabilityInterfaceForBinding(target.text);
  if (!iface) return undefined;
  const index = childIndexAt(call, offset);
  const m = method && method.kind === 'keyword' && (index > 2 || offset > method.end) ? gliaMethod(iface, method.text) : undefined;
  return { call, iface, index, ...(m ? { method: m } : {}) };
}

export function methodsOf(iface: CapabilityInterface): readonly GliaMethod[] {
  return gliaMethods(iface);
}

export function methodMarkdown(iface: CapabilityInterface, m: GliaMethod): string {
  // The schema signature as the table prints it: `listen [cell :Executor, prefix :Text] -> ()`.
  const parts = ['```glia\n' + `${iface.binding} :${methodSignature(m)}` + '\n```'];
  parts.push(m.convenience ? `*${m.interfaceName}* (Glia convenience method)` : `*${m.interfaceName}.${m.schemaName}* (capability method)`);
  if (m.doc) parts.push(m.doc);
  const params = m.params.filter((p) => p.doc);
  if (params.length) parts.push(params.map((p) => `- \`${p.name}\` — ${p.doc}`).join('\n'));
  return parts.join('\n\n');
}

/** `(perform host :listen cell prefix)`: the call as signature help shows it. */
export function methodCallLabel(iface: CapabilityInterface, m: GliaMethod): { label: string; params: string[] } {
  const params = m.params.map((p) => p.name);
  return { label: `(perform ${iface.binding} :${m.name}${params.map((p) => ' ' + p).join('')})`, params };
}

/** A method of the interface by its keyword (`:listen`), schema or convenience. */
export function methodNamed(iface: CapabilityInterface, keyword: string): GliaMethod | undefined {
  return gliaMethod(iface, keyword);
}
