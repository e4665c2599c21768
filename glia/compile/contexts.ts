// Contexts: where a unit of Glia runs, and so which effects it may perform
// and which capabilities it finds bound by name. The checker compares each
// unit's inferred effects with its context (doc/language.md, "Effect
// checking").
//
//   init.d  a boot script: the grafted capabilities (host, runtime, routing,
//           identity, http-client, ipfs) bound as globals with every
//           method, plus :load, :stdout, :import, :sleep and :exit
//   mcp     an MCP session: the same names bound, and by default every
//           method of them, :stdout and :import (no files, no exit); the
//           MCP server configures its own set with makeContext
//   shell   a `ww shell` session: the same names bound (those the node
//           grants), every method of them, and ww eval's :load, :stdout,
//           :import and :exit
//   pure    a module: nothing at all; its functions are checked too
//   cell    a Glia cell: exactly its declared grants; functions checked too
//   eval    what `ww eval -f` and `ww test` give: :load, :stdout, :import
//           and :exit, no capabilities (the default)
//
// A unit's context comes from, strongest first: the caller (`ww check
// --context NAME`), a `;; glia: context=NAME` header line before the first
// form, the file's location (a folder named init.d), and otherwise eval.
// The header may add to the set: `allow=:my/event,host/:id` allows more
// effects, and `grants=host/:id,store:Ipfs` binds and allows capabilities
// (NAME, NAME/:method, NAME/*, and NAME:Interface when the name is not the
// interface's own kebab-case name).
import { capabilityInterface, capabilityInterfaceForBinding } from './capabilities.js';
import { effectOwner, effectMethod, UNKNOWN_EFFECT } from './effects.js';

export interface Context {
  name: string;
  /** How messages name it: "an init.d script". */
  title: string;
  /** Capability names bound as globals, with their schema interface. */
  capabilities: ReadonlyMap<string, string>;
  /** Allowed keyword effects, by their name without the colon. */
  keywords: ReadonlySet<string>;
  /** Allowed methods per bound capability; null allows every method. */
  methods: ReadonlyMap<string, ReadonlySet<string> | null>;
  /** Check each top-level function's own effects, not only what top-level forms perform:
   *  a module's or a cell's functions are its entry points, called from elsewhere. */
  checkDefinitions: boolean;
  /** Top-level import forms are allowed without :import: a module's imports
   *  run while its importer imports it, under the importer's permission. */
  importsAtTopLevel: boolean;
}

export const GRAFTED = ['host', 'runtime', 'routing', 'identity', 'http-client', 'ipfs'] as const;
export const CONTEXT_NAMES = ['init.d', 'mcp', 'shell', 'pure', 'cell', 'eval'] as const;

/**
 * Grafted names a node grants only when started so (runtime/node/node.ts,
 * doc/node.md): when one is unbound, this says why, rather than suggesting
 * the file is in the wrong context.
 */
export const GRAFT_CONDITIONS: Readonly<Record<string, string>> = {
  'http-client': 'http-client is granted only when the node is started with --http-dial HOST (such as ww run IMAGE --http-dial api.example.com; doc/node.md)',
};

/** Whether a built-in context binds the grafted names (init.d, mcp, shell): a grafted name unbound there is one the node did not grant. */
export function bindsGrafted(contextName: string): boolean {
  return BUILTIN[contextName]?.grants === GRAFTED;
}
export const DEFAULT_CONTEXT = 'eval';

export interface ContextSpec {
  name: string;
  title?: string;
  /** Capability entries to bind and allow: `host`, `host/:id`, `store:Ipfs/:read`. */
  grants?: readonly string[];
  /** Effects to allow: `:stdout`, `host/:id`, `host` (every method). */
  allow?: readonly string[];
  checkDefinitions?: boolean;
  importsAtTopLevel?: boolean;
}

export class ContextError extends Error {
  constructor(message: string, readonly hint?: string) { super(message); }
}

const GRANT_HINT = 'a grant is name, name/:method, name/* or name:Interface (such as store:Ipfs/:read), with an interface of schema/*.capnp';

const BUILTIN: Record<string, Required<Pick<ContextSpec, 'title' | 'grants' | 'allow' | 'checkDefinitions' | 'importsAtTopLevel'>>> = {
  'init.d': { title: 'an init.d script', grants: GRAFTED, allow: [':load', ':stdout', ':import', ':sleep', ':exit'], checkDefinitions: false, importsAtTopLevel: false },
  'mcp': { title: 'an MCP session', grants: GRAFTED, allow: [':stdout', ':import'], checkDefinitions: false, importsAtTopLevel: false },
  'shell': { title: 'a ww shell session', grants: GRAFTED, allow: [':load', ':stdout', ':import', ':exit'], checkDefinitions: false, importsAtTopLevel: false },
  'pure': { title: 'a pure module', grants: [], allow: [], checkDefinitions: true, importsAtTopLevel: true },
  'cell': { title: 'a cell', grants: [], allow: [], checkDefinitions: true, importsAtTopLevel: true },
  'eval': { title: 'ww eval', grants: [], allow: [':load', ':stdout', ':import', ':exit'], checkDefinitions: false, importsAtTopLevel: false },
};

/** A built-in context by name, extended by `extra` grants and allowed effects. Throws ContextError. */
export function makeContext(spec: ContextSpec): Context {
  const base = BUILTIN[spec.name];
  const capabilities = new Map<string, string>();
  const methods = new Map<string, Set<string> | null>();
  const keywords = new Set<string>();
  const grant = (entry: string) => {
    const m = /^([a-z][a-z0-9-]*)(?::([A-Z][A-Za-z0-9]*))?(?:\/(\*|:[a-z][a-z0-9-]*))?$/.exec(entry);
    if (!m) throw new ContextError(`'${entry}' is not a capability grant`, GRANT_HINT);
    const [, name, ifaceName, method] = m;
    const iface = ifaceName ? capabilityInterface(ifaceName) : capabilityInterfaceForBinding(name!);
    if (!iface) {
      throw new ContextError(ifaceName ? `no capability interface ${ifaceName} in the schemas`
        : `'${name}' names no capability interface; say which one: ${name}:Interface`, GRANT_HINT);
    }
    capabilities.set(name!, iface.name);
    allowMethod(name!, method && method !== '*' ? method.slice(1) : null);
  };
  const allowMethod = (name: string, method: string | null) => {
    const cur = methods.get(name);
    if (method === null) { methods.set(name, null); return; }
    if (cur === null) return;
    const set = cur ?? new Set<string>();
    set.add(method);
    methods.set(name, set);
  };
  const allow = (entry: string) => {
    if (entry.startsWith(':')) {
      if (!/^:[^\s/:][^\s]*$/.test(entry)) throw new ContextError(`'${entry}' is not a keyword effect`, 'allow= takes :keyword, name or name/:method, comma-separated');
      keywords.add(entry.slice(1));
      return;
    }
    const m = /^([a-z][a-z0-9-]*)(?:\/(\*|:[a-z][a-z0-9-]*))?$/.exec(entry);
    if (!m) throw new ContextError(`'${entry}' is not an effect`, 'allow= takes :keyword, name or name/:method, comma-separated');
    if (!capabilities.has(m[1]!)) grant(entry);
    else allowMethod(m[1]!, m[2] && m[2] !== '*' ? m[2].slice(1) : null);
  };
  if (!base) throw new ContextError(`no context named '${spec.name}'`, `the contexts are ${CONTEXT_NAMES.join(', ')}`);
  for (const g of spec.grants ?? base.grants) grant(g);
  for (const a of base.allow) allow(a);
  if (spec.grants && spec.grants !== base.grants) for (const g of base.grants) if (!capabilities.has(g)) grant(g);
  for (const a of spec.allow ?? []) allow(a);
  return {
    name: spec.name,
    title: spec.title ?? base.title,
    capabilities,
    keywords,
    methods,
    checkDefinitions: spec.checkDefinitions ?? base.checkDefinitions,
    importsAtTopLevel: spec.importsAtTopLevel ?? base.importsAtTopLevel,
  };
}

export type Verdict = 'allowed' | 'denied' | 'unknown';

/**
 * Whether the context allows an effect. A capability obtained through
 * another one (`Executor/:spawn`) is allowed: getting it took a call that
 * was checked, and the membrane confines what it returns. `?` and a
 * method the checker cannot name on a partly allowed capability are
 * unknown: the run-time checks decide.
 */
export function verdict(ctx: Context, effect: string): Verdict {
  if (effect === UNKNOWN_EFFECT) return 'unknown';
  if (effect.startsWith(':')) return ctx.keywords.has(effect.slice(1)) ? 'allowed' : 'denied';
  const owner = effectOwner(effect);
  if (owner === null) return 'unknown';
  if (/^[A-Z]/.test(owner)) return 'allowed';
  if (!ctx.methods.has(owner)) return 'denied';
  const allowed = ctx.methods.get(owner)!;
  if (allowed === null) return 'allowed';
  const method = effectMethod(effect);
  if (method === null) return allowed.size ? 'unknown' : 'denied';
  return allowed.has(method) ? 'allowed' : 'denied';
}

/** What the context allows, for messages: `:load, :stdout, host, routing/:resolve`. */
export function describeAllowed(ctx: Context): string {
  const parts = [...ctx.keywords].sort().map((k) => `:${k}`);
  for (const [name, ms] of ctx.methods) parts.push(ms === null ? name : [...ms].sort().map((m) => `${name}/:${m}`).join(', '));
  return parts.length ? parts.join(', ') : 'no effects';
}

export interface Header {
  spec: ContextSpec;
  /** Offsets of the header line in the source, end exclusive. */
  offset: number;
  end: number;
  line: number;
}

/**
 * The `;; glia: key=value ...` header: a comment line before the first form.
 * Returns null without one; throws ContextError (with the line) for a
 * malformed one.
 */
export function parseHeader(source: string): Header | null {
  let offset = 0;
  let line = 1;
  while (offset < source.length) {
    let end = source.indexOf('\n', offset);
    if (end < 0) end = source.length;
    const text = source.slice(offset, end).trim();
    if (text !== '' && !text.startsWith(';')) return null;
    const m = /^;+\s*glia:\s*(.*)$/.exec(text);
    if (m) {
      const spec: { name?: string; grants?: string[]; allow?: string[] } = {};
      for (const part of m[1]!.split(/\s+/).filter(Boolean)) {
        const eq = part.indexOf('=');
        const key = eq < 0 ? part : part.slice(0, eq);
        const value = eq < 0 ? '' : part.slice(eq + 1);
        const list = () => value.split(',').map((x) => x.trim()).filter(Boolean);
        if (key === 'context' && value) spec.name = value;
        else if (key === 'allow') spec.allow = list();
        else if (key === 'grants') spec.grants = list();
        else throw Object.assign(new ContextError(`unknown header setting '${part}'`, 'the header takes context=NAME, allow=... and grants=..., such as ;; glia: context=cell grants=host/:id'), { header: { offset, end, line } });
      }
      if (!spec.name) throw Object.assign(new ContextError('the glia: header needs context=NAME', `the contexts are ${CONTEXT_NAMES.join(', ')}`), { header: { offset, end, line } });
      return { spec: spec as ContextSpec, offset, end, line };
    }
    offset = end + 1;
    line++;
  }
  return null;
}

/** The context a file's location implies: a folder named init.d makes it an init.d script. */
export function contextForPath(file: string): string | null {
  const parts = file.split(/[\\/]+/);
  return parts.slice(0, -1).includes('init.d') ? 'init.d' : null;
}
