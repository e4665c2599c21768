// Shared by the node tests: swarms on 127.0.0.1 with ports from 0 (mDNS
// off), joined through the first one, and a bounded wait.
import { createSwarm, type Swarm, type SwarmLog, type SwarmOptions } from '../../node/swarm.js';

/** Polls `cond` every 20 ms; fails naming `what` after `ms`. Never a timing assertion: only a bound. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function collectLog(): SwarmLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push('info ' + m), warn: (m) => lines.push('warn ' + m) };
}

/** `n` swarms; every one after the first bootstraps from the first. Both DHTs have each peer in their tables on return. */
export async function swarmNet(n: number, extra: SwarmOptions = {}): Promise<Swarm[]> {
  const first = await createSwarm({ ...extra, listen: ['/ip4/127.0.0.1/tcp/0'] });
  const boot = first.getMultiaddrs()[0]!.toString();
  const rest = await Promise.all(Array.from({ length: n - 1 }, () => createSwarm({ ...extra, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [boot] })));
  const all = [first, ...rest];
  for (const s of all) {
    await waitFor('DHT routing tables', () =>
      (s.services.dht as any).routingTable.size >= 1 && (s.services.lanDht as any).routingTable.size >= 1);
  }
  return all;
}
