// A Glia session in another vat holding capabilities the test serves:
// the exports go through a real Membrane graft over a Cap'n Proto
// connection (a pipe), as a script's grants do.
import { Session } from '../../../glia/index.js';
import { Connection } from '../../rpc/conn.js';
import { pipePair } from '../../rpc/transport.js';
import { Membrane, readGraft } from '../../membrane/membrane.js';
import { GliaBridge, bindGraft } from '../../membrane/glia-cap.js';
import { Membrane$Client } from '../../../schema/generated/membrane.js';
import type { Hook } from '../../rpc/hooks.js';
import type { Epoch } from '../../membrane/epoch.js';
import '../../membrane/routing-cap.js';

export interface GraftedSession {
  session: Session;
  /** Evaluates and prints the value, as the REPL would. */
  eval(src: string): Promise<string>;
  close(): void;
}

export async function graftedSession(exports: Array<{ name: string; interfaceId: bigint; cap: Hook }>, epoch?: Epoch): Promise<GraftedSession> {
  return graftMembrane(new Membrane(() => exports, epoch));
}

/** A session grafted onto `membrane` over a pipe, as a login's session is. */
export async function graftMembrane(membrane: Membrane): Promise<GraftedSession> {
  const [a, b] = pipePair();
  const server = new Connection(a, { bootstrap: membrane.server() });
  const client = new Connection(b);
  const m = new Membrane$Client(await client.bootstrapClient());
  const grafted = readGraft(await m.graft().promise());
  const bridge = new GliaBridge();
  const session = new Session({ capabilities: bindGraft(bridge, grafted) });
  bridge.session = session;
  const { prStr } = await import('../../../glia/index.js');
  return {
    session,
    eval: async (src) => prStr(await session.evalString(src)),
    close: () => { client.close(); server.close(); },
  };
}
