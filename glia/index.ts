// The public surface of the Glia language package. Embeddings (the ww CLI,
// the REPL, cells, the language server) import from here.
export { Session, StaticError, type SessionOptions, type Tier, type EffectHandler } from './eval/session.js';
export { read, type ReadResult } from './reader/read.js';
export { prStr, printStr, str } from './values/printer.js';
export { equals, hash } from './values/equality.js';
export { kw, Keyword } from './values/keyword.js';
export { sym, Sym } from './values/symbol.js';
export { GliaError, errorType, messageOf } from './values/errors.js';
export { CATALOG, type Diagnostic } from './diagnostics.js';
export { SessionExit } from './eval/ops.js';
export type { Span } from './span.js';
// Editor queries (the language server builds on these).
export { splitTopLevel, type Chunk } from './analysis/chunks.js';
export { tokenize, type SourceToken, type TokenKind } from './analysis/tokens.js';
export { indexSymbols, type SymbolIndex, type Occurrence, type OccurrenceRole, type LocalBinding, type Definition, type ImportSpec, type MacroEnv } from './analysis/symbols.js';
export { SOURCES } from './generated/sources.js';
export { SPECIAL_FORMS } from './compile/analyzer.js';
export { FN_INFO, type FnInfo } from './values/fn.js';
// The checker (`ww check`, and the language server's diagnostics and hovers):
//   checkSource(text, { file, context, loadModule }) -> { diagnostics, context, symbols }
//     reads, analyses and effect-checks a document without running it; the
//     context comes from `context` (a name such as 'init.d', or makeContext's
//     result), else a `;; glia: context=...` header, else the file's folder.
//   symbolAt(result, offset) -> the name under the cursor with its signature
//     (arity list or schema signature), docstring and inferred effects.
// The capability-signature table (completion after `(perform host :`, hovers):
//   capabilityInterfaceForBinding('host'), gliaMethods(iface), methodSignature(m), ...
export { checkSource, symbolAt, checkWorld, CheckWorld, type CheckOptions, type CheckResult, type SymbolInfo, type LoadedModule } from './compile/check.js';
export { FormCache } from './compile/form-cache.js';
export { makeContext, contextForPath, parseHeader, ContextError, CONTEXT_NAMES, GRAFTED, type Context, type ContextSpec } from './compile/contexts.js';
export { formatEffects, type EffectSet } from './compile/effects.js';
export {
  allCapabilityInterfaces, capabilityInterface, capabilityInterfaceById, capabilityInterfaceForBinding,
  capabilityMethod, capabilityMethods, capabilityStruct, methodSignature, kebabCase,
  type CapabilityInterface, type CapabilityMethod, type CapabilityField, type CapabilityStruct, type CapnpType,
} from './compile/capabilities.js';
export { gliaMethods, gliaMethod, type GliaMethod } from './compile/conveniences.js';
export { cellContextFor, readCellProject, CELL_PROJECT_FILE } from './compile/cell-project.js';
