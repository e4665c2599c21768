// Over a socket, a connection hands the transport the messages of a whole
// turn at once (conn.ts, "coalesce"): Returns that settle at different
// promise depths, and a Finish made a few microtasks before the next Call,
// leave in one write. Real TCP on 127.0.0.1; the writes each socket makes
// are counted.
import { describe, it, expect } from 'vitest';
import { createServer, connect, type Socket, type AddressInfo } from 'node:net';
import { Connection } from '../rpc/conn.js';
import { streamTransport } from '../rpc/transport.js';
import * as vats from './fixtures/generated/vats.js';
import { pingService } from './fixtures/ping-service.js';

const gen: any = vats;

const service = pingService;

/** Counts the writes made on a socket. */
function countWrites(s: Socket): { n: number } {
  const c = { n: 0 };
  const write = s.write.bind(s) as (...a: unknown[]) => boolean;
  (s as any).write = (...a: unknown[]) => { c.n++; return write(...a); };
  return c;
}

describe('coalescing a turn\'s messages over TCP', () => {
  it('answers a pipelined chain in one write, and the caller\'s Finish rides with its next Call', async () => {
    let accepted!: (s: Socket) => void;
    const got = new Promise<Socket>((res) => { accepted = res; });
    const listener = createServer((s) => accepted(s));
    await new Promise<void>((res) => listener.listen(0, '127.0.0.1', res));
    const client = connect((listener.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((res) => client.once('connect', res));
    const server = await got;
    const serverWrites = countWrites(server), clientWrites = countWrites(client);
    const serverConn = new Connection(streamTransport(server), { bootstrap: service() });
    const clientConn = new Connection(streamTransport(client));
    try {
      const svc = new gen.Svc$Client(await clientConn.bootstrapClient());
      const chains = 50;
      const s0 = serverWrites.n, c0 = clientWrites.n;
      for (let i = 0; i < chains; i++) {
        // Two calls: sub() and get() on its promised result, sent together.
        expect((await svc.sub().getSub().get().promise()).v).toBe(7n);
      }
      // One write each way per chain, where a write per message would make
      // two Returns a chain, and a Finish (sub's results hold a capability)
      // apart from the next chain's calls. A little slack for a read that
      // TCP splits.
      expect(serverWrites.n - s0).toBeLessThanOrEqual(chains * 1.2);
      expect(clientWrites.n - c0).toBeLessThanOrEqual(chains * 1.2 + 1);
    } finally {
      clientConn.close();
      serverConn.close();
      listener.close();
    }
  });
});
