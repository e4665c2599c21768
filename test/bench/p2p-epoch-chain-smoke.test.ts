// Smoke test of the on-chain epoch bench (bench/p2p-epoch-chain.ts), so it
// cannot rot silently: one run per transport on the EDR dev chain, and its
// one line has every figure. Speed is not asserted; the bench measures it.
import { describe, it, expect } from 'vitest';
import { main } from '../../bench/p2p-epoch-chain.js';
import { benchLines } from './bench-lines.js';

describe('bench p2p-epoch-chain', () => {
  it('prints one line with the WebSocket and polling figures', async () => {
    const { code, lines } = await benchLines(main, ['--runs', '1']);
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bench p2p-epoch-chain adopt_ms_p50=\d+\.\d adopt_ms_max=\d+\.\d runs=1 depth=6 transport=ws http_poll_4000ms_adopt_ms_p50=\d+\.\d http_runs=1$/);
  }, 60_000);

  it('refuses a bad --runs', async () => {
    const err = console.error;
    console.error = () => {};
    try { expect(await main(['--runs', '0'])).toBe(2); } finally { console.error = err; }
  });
});
