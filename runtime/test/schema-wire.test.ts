// The TypeScript generated from schema/*.capnp speaks the real wire format:
// messages built with capnp-es decode with the reference `capnp decode`,
// and messages the reference `capnp encode` writes read back with capnp-es.
// Those need `capnp`: without it they skip with the reason printed, unless
// WW_REQUIRE_CAPNP=1 (.ci/run) makes them mandatory (capnp-available.ts).
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as $ from 'capnp-es';
import { PeerInfo } from '../../schema/generated/routing.js';
import { Limits } from '../../schema/generated/system.js';
import { skipWithoutCapnp } from './capnp-available.js';

const schemaDir = join(dirname(fileURLToPath(import.meta.url)), '../../schema');

function capnp(args: string[], input: Buffer | string): Buffer {
  return execFileSync('capnp', args, { input, cwd: schemaDir });
}

const files = ['membrane.capnp', 'system.capnp', 'routing.capnp', 'auth.capnp', 'http.capnp', 'shell.capnp', 'glia.capnp'];

describe.skipIf(skipWithoutCapnp('compiler', 'schema-wire.test.ts against capnp encode/decode'))("Cap'n Proto wire format against the reference tools", () => {
  it('a PeerInfo built with capnp-es decodes with capnp decode', () => {
    const msg = new $.Message();
    const info = msg.initRoot(PeerInfo);
    info.peerId = '12D3KooWexample';
    const addrs = info._initAddrs(2);
    addrs.set(0, '/ip4/127.0.0.1/tcp/2025');
    addrs.set(1, '/ip6/::1/tcp/2025');
    const bytes = Buffer.from(msg.toArrayBuffer());
    const text = capnp(['decode', '--short', 'routing.capnp', 'PeerInfo'], bytes).toString('utf8').trim();
    expect(text).toBe('(peerId = "12D3KooWexample", addrs = ["/ip4/127.0.0.1/tcp/2025", "/ip6/::1/tcp/2025"])');
  });

  it('Limits written by capnp encode read back with capnp-es, 64-bit fields intact', () => {
    const bytes = capnp(['encode', 'system.capnp', 'Limits'],
      '(wallClockMs = 5000, cpuMs = 2500, memoryBytes = 9007199254740993, outputBytes = 1048576)');
    const limits = new $.Message(bytes, false).getRoot(Limits);
    expect(limits.wallClockMs).toBe(5000n);
    expect(limits.cpuMs).toBe(2500n);
    expect(limits.memoryBytes).toBe(9007199254740993n);
    expect(limits.outputBytes).toBe(1048576n);
  });

  it('every schema compiles', () => {
    expect(capnp(['compile', '-o-', ...files], '').length).toBeGreaterThan(0);
  });
});

describe('the schemas', () => {
  it('document every interface, struct, method and field', () => {
    const missing: string[] = [];
    for (const f of files) {
      const lines = readFileSync(join(schemaDir, f), 'utf8').split('\n');
      lines.forEach((line, i) => {
        // Declarations: interface/struct heads, methods (name @N (...)), fields (name @N :Type;).
        if (!/^\s*(interface|struct)\s+\w+|^\s*\w+\s+@\d+\s*[(:]/.test(line)) return;
        // capnp doc comments follow the declaration; a multi-line method
        // signature ends at its closing line.
        let j = i;
        while (j < lines.length && !/[;{]\s*$/.test(lines[j]!)) j++;
        const next = lines.slice(j + 1).find((l) => l.trim() !== '');
        if (!next || !next.trim().startsWith('#')) missing.push(`${f}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(missing).toEqual([]);
  });
});
