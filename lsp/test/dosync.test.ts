// The checker's dosync-effect through a real language server: a dosync
// body that performs a capability call is reported at the call, with the
// code, the effect in the message and the hint; a pure body is not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, textOf } from './lsp-client.js';

let client: LspClient;
beforeAll(async () => { client = await LspClient.start(); });
afterAll(async () => { await client?.stop(); });

describe('dosync-effect in the editor', { timeout: 30_000 }, () => {
  it('marks a capability call in a dosync body, and nothing in a pure one', async () => {
    const text = [
      ';; glia: context=init.d',
      '(import "ww/state" :as st)',
      '(def counter (perform host :state-ref "counter"))',
      '(st/dosync counter (st/alter! [:n] (fnil inc 0)))',
      '(st/dosync counter (st/assoc! [:by] (perform host :id)))',
      '',
    ].join('\n');
    const uri = await client.open('dosync.glia', text);
    const ds = (await client.diagnostics(uri)).filter((d) => d.severity === 1);
    expect(ds.map((d) => d.code)).toEqual(['dosync-effect']);
    expect(textOf(text, ds[0]!.range)).toBe('(perform host :id)');
    expect(ds[0]!.message).toContain('a dosync body may not perform host :id');
    expect(ds[0]!.message).toContain('before or after the dosync');
  });
});
