// The Chevrotain grammar of Glia, which is also the reader's parser: its
// actions build the forms as the rules match (an EmbeddedActionsParser, no
// CST), with atoms.ts saying what each form is.
//
// It is written so that no input can make it fail: closers are optional (a
// missing one is reported by the collection's action), a stray closer at
// the top level is its own alternative, and every other token is some form.
// So the parser needs no error recovery, and read() needs no fallback for
// parse errors (its one fallback is for a stack overflow, read.ts).
//
// Two rules look past the form at hand, through the parser's state: a `#_`
// whose form is itself a `#_` discards one more sibling (`pending`), and
// the metadata of a `^` with no target is not reported at all, so its
// diagnostics are held until the target is seen (`held`).
//
// Chevrotain runs every rule once at construction to record the grammar
// (the "recording phase"): CONSUME and SUBRULE then return placeholders, so
// the actions build nothing while `RECORDING_PHASE` is set.
import { EmbeddedActionsParser, type IToken, type IOrAlt } from 'chevrotain';
import * as T from './lexer.js';
import { type Diagnostic } from '../diagnostics.js';
import * as A from './atoms.js';
import { Coll, NOTHING, type Say } from './atoms.js';

const DISCARD = T.Discard.tokenTypeIdx!;
const KIND: Coll[] = [];
KIND[T.LParen.tokenTypeIdx!] = Coll.List;
KIND[T.LBracket.tokenTypeIdx!] = Coll.Vector;
KIND[T.LBrace.tokenTypeIdx!] = Coll.Map;
KIND[T.SetOpen.tokenTypeIdx!] = Coll.Set;
KIND[T.AnonFnOpen.tokenTypeIdx!] = Coll.AnonFn;

/** Set by the grammar test: build a parser that runs Chevrotain's grammar validations. */
let VALIDATE = false;
export function validatingParser(): GliaParser { VALIDATE = true; try { return new GliaParser(); } finally { VALIDATE = false; } }

class GliaParser extends EmbeddedActionsParser {
  private file = '<input>';
  private report: Say = () => {};
  /** `#_ #_ a b` discards both a and b: each extra #_ claims one more sibling. */
  private pending = 0;
  /** Diagnostics held back until it is known whether they count (see `meta`). */
  private held: Diagnostic[] | null = null;
  private readonly say: Say = (d) => { if (this.held) this.held.push(d); else this.report(d); };

  constructor() {
    // The grammar is LL(1) (every alternative starts with its own token), so
    // one token of lookahead suffices; deeper lookahead analysis costs
    // ~200 ms at start-up. Grammar validations run in the tests
    // (glia/test/grammar.test.ts) rather than on every start.
    super(T.allTokens, { recoveryEnabled: false, maxLookahead: 1, skipValidations: !VALIDATE });
    this.performSelfAnalysis();
  }

  /** Reads a token vector (the lexer's, comments apart) into forms, reporting diagnostics as it meets them. */
  parse(tokens: IToken[], file: string, report: Say): any[] {
    this.input = tokens;
    this.file = file;
    this.report = report;
    this.pending = 0;
    this.held = null;
    try {
      return this.document();
    } finally {
      this.report = () => {};
      this.input = [];
    }
  }

  // The alternatives of the ORs that run for every form are built once (in
  // fields below): an OR written inline allocates them at every call.

  private readonly document = this.RULE('document', () => {
    const out: any[] = [];
    this.MANY(() => this.OR([
      { ALT: () => this.element(out, null) },
      { ALT: () => this.SUBRULE(this.strayClose) },
    ]));
    this.pending = 0;
    return out;
  });

  private readonly strayClose = this.RULE('strayClose', () => {
    const t = this.OR(this.closers);
    if (!this.RECORDING_PHASE) A.strayClose(this.file, t, this.say);
  });

  private readonly closers: IOrAlt<IToken>[] = [
    { ALT: () => this.CONSUME(T.RParen) },
    { ALT: () => this.CONSUME(T.RBracket) },
    { ALT: () => this.CONSUME(T.RBrace) },
  ];

  private readonly formAlts: IOrAlt<any>[] = [
    { ALT: () => this.SUBRULE(this.collection) },
    { ALT: () => this.SUBRULE(this.prefixed) },
    { ALT: () => this.SUBRULE(this.meta) },
    { ALT: () => this.SUBRULE(this.bytes) },
    { ALT: () => this.atom(this.CONSUME(T.Num)) },
    { ALT: () => this.atom(this.CONSUME(T.Str)) },
    { ALT: () => this.atom(this.CONSUME(T.Kw)) },
    { ALT: () => this.atom(this.CONSUME(T.Sym)) },
    { ALT: () => this.atom(this.CONSUME(T.SymbolicValue)) },
    { ALT: () => this.atom(this.CONSUME(T.UnterminatedStr)) },
    { ALT: () => this.atom(this.CONSUME(T.BadDispatch)) },
    { ALT: () => this.atom(this.CONSUME(T.Unknown)) },
  ];

  private readonly form = this.RULE('form', () => this.OR(this.formAlts));

  private atom(t: IToken): any {
    return this.RECORDING_PHASE ? NOTHING : A.atom(this.file, t, this.say);
  }

  /**
   * One form among siblings, kept in `into` (with its first and last token
   * in `ranges`, for the diagnostics of maps and sets). A form that an
   * earlier `#_ #_` claimed is read, for its diagnostics, and dropped; it
   * claims no siblings itself (Clojure's reader fails on `#_ #_ a (` too;
   * the formatter, which keeps discarded forms, relies on it).
   *
   * The form is the `form` rule inlined (`OR9` over its alternatives; no
   * rule here uses that occurrence index otherwise): a subrule call costs
   * four more stack frames per level of nesting, and the 512 levels the
   * reader accepts must fit in Node's default stack.
   */
  private element(into: any[], ranges: IToken[] | null): void {
    const skip = this.pending > 0;
    if (skip) this.pending--;
    const pending = this.pending;
    const first = this.LA(1);
    const v = this.OR9(this.formAlts);
    if (skip) this.pending = pending;
    else if (v !== NOTHING) { into.push(v); ranges?.push(first, this.LA(0)); }
  }

  private readonly openers: IOrAlt<IToken>[] = [
    { ALT: () => this.CONSUME(T.LParen) },
    { ALT: () => this.CONSUME(T.LBracket) },
    { ALT: () => this.CONSUME(T.LBrace) },
    { ALT: () => this.CONSUME(T.SetOpen) },
    { ALT: () => this.CONSUME(T.AnonFnOpen) },
  ];

  private readonly closer = () => this.OR2(this.closers);

  /** A list, vector, map, set or `#(...)`: the opener says which. */
  private readonly collection = this.RULE('collection', () => {
    const open = this.OR(this.openers);
    const kind = KIND[open.tokenTypeIdx]!;
    const items: any[] = [];
    const ranges: IToken[] | null = kind === Coll.Map || kind === Coll.Set ? [] : null;
    const saved = this.pending;
    this.pending = 0;
    this.MANY(() => this.element(items, ranges));
    this.pending = saved;
    const close = this.OPTION(this.closer);
    return this.RECORDING_PHASE ? NOTHING : A.collection(this.file, kind, open, items, ranges, close, this.LA(0), this.say);
  });

  private readonly prefixOps: IOrAlt<IToken>[] = [
    { ALT: () => this.CONSUME(T.Quote) },
    { ALT: () => this.CONSUME(T.SyntaxQuote) },
    { ALT: () => this.CONSUME(T.UnquoteSplicing) },
    { ALT: () => this.CONSUME(T.Unquote) },
    { ALT: () => this.CONSUME(T.Deref) },
    { ALT: () => this.CONSUME(T.Discard) },
  ];
  private readonly optionalForm = () => this.SUBRULE(this.form);

  /** `'x` `` `x `` `~x` `~@x` `@x` and `#_x`; a discard reads its form for its diagnostics, then drops it. */
  private readonly prefixed = this.RULE('prefixed', () => {
    const op = this.OR(this.prefixOps);
    const innerIsDiscard = this.LA(1).tokenTypeIdx === DISCARD;
    const inner = this.OPTION(this.optionalForm);
    if (this.RECORDING_PHASE) return NOTHING;
    if (inner === undefined) return A.missingForm(this.file, op, this.say);
    if (op.tokenTypeIdx === DISCARD) {
      if (innerIsDiscard) this.pending++;
      return NOTHING;
    }
    return A.prefixed(this.file, op, inner, this.LA(0));
  });

  /** `^meta target`. The metadata's own diagnostics count only if a target follows. */
  private readonly meta = this.RULE('meta', () => {
    const caret = this.CONSUME(T.Meta);
    const outer = this.held;
    const held: Diagnostic[] = [];
    this.held = held;
    const pending = this.pending;
    const metaFirst = this.LA(1);
    const m = this.OPTION(() => this.SUBRULE(this.form, { LABEL: 'meta' }));
    const metaLast = this.LA(0);
    this.held = outer;
    const target = this.OPTION2(() => {
      for (const d of held) this.say(d);
      return this.SUBRULE2(this.form, { LABEL: 'target' });
    });
    if (this.RECORDING_PHASE) return NOTHING;
    if (m === undefined) return A.metaWithoutTarget(this.file, caret, caret, this.say);
    if (target === undefined) {
      this.pending = pending;
      return A.metaWithoutTarget(this.file, caret, metaLast, this.say);
    }
    return A.withMeta(this.file, m, metaFirst, metaLast, target, this.say);
  });

  private readonly hexString = () => this.CONSUME(T.Str);
  private readonly bytes = this.RULE('bytes', () => {
    const tag = this.CONSUME(T.BytesTag);
    const s = this.OPTION(this.hexString);
    return this.RECORDING_PHASE ? NOTHING : A.bytes(this.file, tag, s, this.say);
  });
}

let shared: GliaParser | null = null;
let busy = false;

/**
 * Forms of a token vector. The parser is built on first use (recording the
 * grammar takes some milliseconds) and reused; a read inside a read (none
 * today) gets a parser of its own.
 */
export function parseForms(tokens: IToken[], file: string, report: Say): any[] {
  if (busy) return new GliaParser().parse(tokens, file, report);
  shared ??= new GliaParser();
  busy = true;
  try {
    return shared.parse(tokens, file, report);
  } finally {
    busy = false;
  }
}
