// A WetwareNode in this process (its real boot: identity, repo, swarm on
// 127.0.0.1, embedded IPFS, an empty image, the membrane) and Glia
// sessions grafted onto its membrane over a real Cap'n Proto connection
// (a pipe), as a login's session is. For the StateRef tests; not a test
// file itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WetwareNode } from '../../../node/node.js';
import { graftMembrane, type GraftedSession } from '../cap-session.js';
import { silentLogger } from '../../../node/log.js';
import '../../../membrane/host-cap.js';

export type StateSession = GraftedSession;

export interface StateNode { node: WetwareNode; home: string; graft(): Promise<StateSession>; stop(): Promise<void> }

/** Boots a node in `home` (a new temporary folder unless given); with `ipfsUrl`, on that Kubo. */
export async function startStateNode(home = mkdtempSync(join(tmpdir(), 'ww-state-')), ipfsUrl: string | null = null): Promise<StateNode> {
  const image = mkdtempSync(join(tmpdir(), 'ww-state-image-'));
  const node = await WetwareNode.start({
    layers: [image], listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], identityPath: join(home, 'identity'),
    httpListen: null, httpTimeoutMs: 10_000, adminListen: null, ipfsUrl, ipfsRepo: join(home, 'ipfs'),
    mdns: false, httpDial: [], hostStatePath: null, log: silentLogger, cacheDir: join(home, 'cache'),
  });
  const sessions: StateSession[] = [];
  return {
    node, home,
    graft: async () => {
      const s = await graftMembrane(node.membrane);
      sessions.push(s);
      return s;
    },
    stop: async () => {
      for (const s of sessions) s.close();
      await node.stop();
      rmSync(image, { recursive: true, force: true });
    },
  };
}
