// A Host capability for cell tests: a TypeScript server for schema/system.capnp's Host.
import { toHook, type Hook } from '../../rpc/hooks.js';
import { Host$Server } from '../../../schema/generated/system.js';

export function hostHook(peerId = '12D3KooWnode'): Hook {
  return toHook(new Host$Server({
    id: async (_p, r) => { r.peerId = peerId; },
    addrs: async (_p, r) => { const l = r._initAddrs(1); l.set(0, '/ip4/127.0.0.1/tcp/2025'); },
    peers: async (_p, r) => { r._initPeers(2); },
    network: async () => { throw new Error('not in this test'); },
    stateRef: async () => { throw new Error('not in this test'); },
  }))!;
}
