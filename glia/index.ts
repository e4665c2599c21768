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
