// What the network capabilities of one node share: its libp2p node, the
// registry of served names, the epoch, the cell runtime, and the vats it
// serves (so that a dial to this node's own peer id is answered here:
// libp2p does not dial itself).
import type { Libp2p } from '@libp2p/interface';
import type { Epoch } from '../../membrane/epoch.js';
import type { Hook } from '../../rpc/hooks.js';
import type { CellRuntime } from '../../cell/runtime.js';
import type { Logger } from '../log.js';
import type { P2pRegistry } from './registry.js';

export interface ServedVat {
  /**
   * What a dial from this node itself gets, as a dial from another node
   * would: the served capability (a reference of its own), or for a
   * listened cell a fresh cell's bootstrap, which ends the cell when
   * released.
   */
  open(): Promise<{ cap: Hook; interfaceId: bigint }>;
  alive(): boolean;
}

export interface P2pContext {
  node: Libp2p;
  registry: P2pRegistry;
  epoch: Epoch;
  runtime: CellRuntime;
  log: Pick<Logger, 'info' | 'warn'>;
  /** Served vats by protocol. */
  served: Map<string, ServedVat>;
  /** How long a dial may take, lookup included (30 s by default). */
  dialTimeoutMs?: number;
}
