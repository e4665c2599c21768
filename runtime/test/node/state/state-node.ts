// A WetwareNode in this process (its real boot: identity, repo, swarm on
// 127.0.0.1, embedded IPFS, an empty image, the membrane) and Glia
// sessions grafted onto its membrane over a real Cap'n Proto connection
// (a pipe), as a login's session is. For the StateRef tests; not a test
// file itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session, prStr } from '../../../../glia/index.js';
import { Connection } from '../../../rpc/conn.js';
import { pipePair } from '../../../rpc/transport.js';
import { readGraft } from '../../../membrane/membrane.js';
import { GliaBridge, bindGraft } from '../../../membrane/glia-cap.js';
import { Membrane$Client } from '../../../../schema/generated/membrane.js';
import { WetwareNode } from '../../../node/node.js';
import { silentLogger } from '../../../node/log.js';
import '../../../membrane/host-cap.js';

export interface StateSession {
  session: Session;
  /** Evaluates and prints the value, as the REPL would. */
  eval(src: string): Promise<string>;
  close(): void;
}

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
      const [a, b] = pipePair();
      const server = new Connection(a, { bootstrap: node.membrane.server() });
      const client = new Connection(b);
      const m = new Membrane$Client(await client.bootstrapClient());
      const grafted = readGraft(await m.graft().promise());
      const bridge = new GliaBridge();
      const session = new Session({ capabilities: bindGraft(bridge, grafted) });
      bridge.session = session;
      const s: StateSession = {
        session,
        eval: async (src) => prStr(await session.evalString(src)),
        close: () => { client.close(); server.close(); },
      };
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
