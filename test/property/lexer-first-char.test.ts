// Property: the lexer's first-character table (glia/reader/lexer.ts gives
// `start_chars_hint` for the patterns Chevrotain cannot analyse, and is
// built with `ensureOptimizations`) changes which patterns are tried, never
// what is matched. The oracle is the same token set lexed in Chevrotain's
// safe mode, which tries every pattern at every position.
import { it, expect } from 'vitest';
import { Lexer } from 'chevrotain';
import { allTokens, glialexer } from '../../glia/reader/lexer.js';

const safeLexer = new Lexer(allTokens, { positionTracking: 'full', safeMode: true });

function show(src: string, lexer: Lexer): string {
  const r = lexer.tokenize(src);
  return [...r.tokens, ...(r.groups['comments'] ?? [])]
    .map((t) => `${t.tokenType.name}@${t.startOffset}-${t.endOffset}:${t.startLine}.${t.startColumn}-${t.endLine}.${t.endColumn}`).join(' ');
}

it('lexes every UTF-16 code unit, alone and inside tokens, as the lexer without the table does', () => {
  let checked = 0;
  for (let c = 0; c < 0x10000; c++) {
    const ch = String.fromCharCode(c);
    for (const src of [ch, `a${ch}b`, `(:k${ch}1)`, `#${ch}"s${ch}"`, `1${ch}`, `'${ch}`]) {
      const a = show(src, safeLexer), b = show(src, glialexer);
      if (a !== b) expect(b, `U+${c.toString(16)} in ${JSON.stringify(src)}`).toBe(a);
      checked++;
    }
  }
  expect(checked).toBe(6 * 0x10000);
});

