// The language configuration (vscode-extension/language-configuration.json):
// its word pattern, compiled as VS Code compiles it, finds whole Glia
// symbols and keywords; comments toggle with `;;`; brackets pair up.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const config = JSON.parse(readFileSync(join(root, 'vscode-extension/language-configuration.json'), 'utf8'));

/** The words VS Code sees in `text`, as getWordAtPosition scans with the pattern. */
function words(text: string): string[] {
  return [...text.matchAll(new RegExp(config.wordPattern, 'g'))].map((m) => m[0]);
}

describe('Glia language configuration', () => {
  it('takes whole symbols, namespaced symbols and keywords as words', () => {
    expect(words('(swap! state update-in [:a :b] ->> inc)')).toEqual(['swap!', 'state', 'update-in', ':a', ':b', '->>', 'inc']);
    expect(words('(str/join ", " xs) :glia.error/type ::ns/kw')).toEqual(['str/join', 'xs', ':glia.error/type', '::ns/kw']);
    expect(words('(let [x# 1 *dyn* 2 a->b? 3] nil)')).toEqual(['let', 'x#', '1', '*dyn*', '2', 'a->b?', '3', 'nil']);
  });

  it('leaves reader macros and brackets out of words', () => {
    expect(words("'quoted `(a ~b ~@cs) @atom ^:meta #{s} #(f %)")).toEqual(['quoted', 'a', 'b', 'cs', 'atom', ':meta', 's', 'f', '%']);
  });

  it('takes numbers whole', () => {
    expect(words('[-7 2.5 0xff 42N]')).toEqual(['-7', '2.5', '0xff', '42N']);
  });

  it('toggles comments with ;; and pairs the three brackets', () => {
    expect(config.comments).toEqual({ lineComment: ';;' });
    expect(config.brackets).toEqual([['(', ')'], ['[', ']'], ['{', '}']]);
    const pairs = config.autoClosingPairs.map((p: any) => p.open + p.close);
    expect(pairs).toEqual(['()', '[]', '{}', '""']);
    // A quote is a reader macro in Glia, never a pair.
    expect(pairs).not.toContain("''");
  });
});
