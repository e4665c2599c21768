// Smoke test of the RPC benchmark (bench/rpc.ts), so it cannot rot
// silently: the quick mode's workloads run once on both implementations
// (ours and capnp-es's patched Conn) over both transports, and every value
// is checked. Speed is not asserted; `npm run bench -- rpc` measures it.
import { describe, it, expect } from 'vitest';
import { IMPLS, TRANSPORTS, WORKLOADS, open, main } from '../../bench/rpc.js';
import { benchLines } from './bench-lines.js';

const QUICK = { calls: 200, chains: 50 };

describe('bench rpc workloads', () => {
  for (const impl of IMPLS) {
    for (const kind of TRANSPORTS) {
      it(`${impl} over ${kind}: every workload returns the right values`, async () => {
        for (const w of WORKLOADS) {
          const n = w.unit === 'chains' ? QUICK.chains : QUICK.calls;
          const side = await open(impl, kind, n);
          try {
            expect(await w.run(side.bench, n), w.name).toBe(w.expected(n));
          } finally {
            await side.close();
          }
        }
      });
    }
  }

  it('`--quick --in-process` prints one line per workload and transport, with both figures and a ratio', async () => {
    const { code, lines } = await benchLines(main, ['--quick', '--in-process']);
    expect(code).toBe(0);
    const results = lines.filter((l) => l.startsWith('bench rpc '));
    expect(results).toHaveLength(WORKLOADS.length * TRANSPORTS.length);
    for (const l of results) {
      expect(l).toMatch(/ ours_ms=\d/);
      expect(l).toMatch(/ capnp_es_ms=\d/);
      expect(l).toMatch(/ ratio=\d+\.\d\d( |$)/);
    }
  });
});
