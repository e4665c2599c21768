// The Chevrotain grammar of Glia. It is written so that no input can make it
// fail: closers are optional (a missing one is reported by the reader), a
// stray closer at the top level is its own alternative, and every other
// token is some form. So the parser needs no error recovery.
//
// The reader (read.ts) does not run this parser: it follows these rules one
// function per rule over Chevrotain's token vector and builds forms as it
// goes, which costs about half of what building the CST and visiting it did
// (doc/performance.md, "The reader"). The grammar stays the specification
// of that descent, and glia/test/grammar.test.ts runs Chevrotain's
// validations on it (LL(1), no ambiguity); the differential test
// test/property/reader-equivalence.test.ts checks the reader against the
// CST reader that ran it (bench/read-baseline/).
import { CstParser } from 'chevrotain';
import * as T from './lexer.js';

/** Set by the grammar test: build a parser that runs Chevrotain's grammar validations. */
let VALIDATE = false;
export function validatingParser(): CstParser { VALIDATE = true; try { return new GliaParser(); } finally { VALIDATE = false; } }

class GliaParser extends CstParser {
  constructor() {
    // The grammar is LL(1) (every alternative starts with its own token), so
    // one token of lookahead suffices; deeper lookahead analysis costs
    // ~200 ms at start-up. Grammar validations run in the tests
    // (glia/test/grammar.test.ts) rather than on every start.
    super(T.allTokens, { recoveryEnabled: false, nodeLocationTracking: 'full', maxLookahead: 1, skipValidations: !VALIDATE });
    const $ = this as any;

    $.RULE('document', () => {
      $.MANY(() => $.OR([
        { ALT: () => $.SUBRULE($.form) },
        { ALT: () => $.SUBRULE($.strayClose) },
      ]));
    });

    $.RULE('strayClose', () => {
      $.OR([
        { ALT: () => $.CONSUME(T.RParen) },
        { ALT: () => $.CONSUME(T.RBracket) },
        { ALT: () => $.CONSUME(T.RBrace) },
      ]);
    });

    $.RULE('form', () => {
      $.OR([
        { ALT: () => $.SUBRULE($.list) },
        { ALT: () => $.SUBRULE($.vector) },
        { ALT: () => $.SUBRULE($.map) },
        { ALT: () => $.SUBRULE($.set) },
        { ALT: () => $.SUBRULE($.anonFn) },
        { ALT: () => $.SUBRULE($.prefixed) },
        { ALT: () => $.SUBRULE($.meta) },
        { ALT: () => $.SUBRULE($.bytes) },
        { ALT: () => $.CONSUME(T.Num) },
        { ALT: () => $.CONSUME(T.Str) },
        { ALT: () => $.CONSUME(T.Kw) },
        { ALT: () => $.CONSUME(T.Sym) },
        { ALT: () => $.CONSUME(T.SymbolicValue) },
        { ALT: () => $.CONSUME(T.UnterminatedStr) },
        { ALT: () => $.CONSUME(T.BadDispatch) },
        { ALT: () => $.CONSUME(T.Unknown) },
      ]);
    });

    const closer = () => $.OPTION(() => $.OR([
      { ALT: () => $.CONSUME(T.RParen, { LABEL: 'close' }) },
      { ALT: () => $.CONSUME(T.RBracket, { LABEL: 'close' }) },
      { ALT: () => $.CONSUME(T.RBrace, { LABEL: 'close' }) },
    ]));
    const collection = (name: string, open: any) => $.RULE(name, () => {
      $.CONSUME(open, { LABEL: 'open' });
      $.MANY(() => $.SUBRULE($.form));
      closer();
    });
    collection('list', T.LParen);
    collection('vector', T.LBracket);
    collection('map', T.LBrace);
    collection('set', T.SetOpen);
    collection('anonFn', T.AnonFnOpen);

    $.RULE('prefixed', () => {
      $.OR([
        { ALT: () => $.CONSUME(T.Quote, { LABEL: 'op' }) },
        { ALT: () => $.CONSUME(T.SyntaxQuote, { LABEL: 'op' }) },
        { ALT: () => $.CONSUME(T.UnquoteSplicing, { LABEL: 'op' }) },
        { ALT: () => $.CONSUME(T.Unquote, { LABEL: 'op' }) },
        { ALT: () => $.CONSUME(T.Deref, { LABEL: 'op' }) },
        { ALT: () => $.CONSUME(T.Discard, { LABEL: 'op' }) },
      ]);
      $.OPTION(() => $.SUBRULE($.form));
    });

    $.RULE('meta', () => {
      $.CONSUME(T.Meta);
      $.OPTION(() => $.SUBRULE($.form, { LABEL: 'meta' }));
      $.OPTION2(() => $.SUBRULE2($.form, { LABEL: 'target' }));
    });

    $.RULE('bytes', () => {
      $.CONSUME(T.BytesTag);
      $.OPTION(() => $.CONSUME(T.Str));
    });

    this.performSelfAnalysis();
  }
}
