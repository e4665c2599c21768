// Which node a session uses, and the session's side of its connection:
// the address given (a multiaddr with /p2p/ID), else the node running on
// this machine as its host-state file names it (the file `ww run` writes).
// It logs in with dialNode (runtime/node/dial-node.ts) and serves the
// worker a Membrane of its own over a MessagePort: grafting it hands out
// the node's capabilities (the first graft those of the login, each later
// one a fresh graft of the node's, logging in or dialling again when
// needed), so the worker reaches the node exactly as an init.d script
// reaches its own.
import type { MessagePort } from 'node:worker_threads';
import { Membrane$Server, type Membrane_Graft$Results, type Membrane_Epoch$Results } from '../../schema/generated/membrane.js';
import { Connection } from '../rpc/conn.js';
import { portTransport } from '../rpc/transport.js';
import { RpcError, toRpcError } from '../rpc/errors.js';
import { writeExports } from '../membrane/membrane.js';
import { NodeError } from '../node/errors.js';
import { hostStatePath as defaultHostStatePath, readHostState } from '../node/host-state.js';
import { defaultIdentityPath, readIdentity } from '../node/identity.js';
import { dialNode, type NodeSession } from '../node/dial-node.js';

export interface NodeLinkOptions {
  addr?: string;
  identityPath?: string;
  hostStatePath?: string;
}

export interface NodeLink {
  /** The node's peer id. */
  readonly peerId: string;
  /** The names of the capabilities the node grants (`host`, `routing`, ...). */
  readonly names: string[];
  /** Serves one worker's connection on `port` (its bootstrap is the Membrane). */
  serve(port: MessagePort): Connection;
  close(): Promise<void>;
}

/** `12D3Ko…x7Yz9Q`: enough of a peer id to tell nodes apart in a prompt. */
export function shortPeerId(id: string): string {
  return id.length <= 14 ? id : `${id.slice(0, 6)}…${id.slice(-6)}`;
}

/** The addresses to try: the one given, or the local node's from its host-state file. Throws node/no-node. */
export function nodeAddrs(opts: NodeLinkOptions): string[] {
  if (opts.addr !== undefined) return [opts.addr];
  const path = opts.hostStatePath ?? defaultHostStatePath();
  const state = readHostState(path);
  if (!state) {
    throw new NodeError('node/no-node', `no node is running on this machine (no live host-state file at ${path})`,
      'start one with `ww run`, give a node\'s address (ww shell /ip4/.../tcp/.../p2p/ID), or use --local for no node');
  }
  const addrs = state.addrs.map((a) => (a.includes('/p2p/') ? a : `${a}/p2p/${state.peer_id}`));
  if (!addrs.length) {
    throw new NodeError('node/no-node', `the node in ${path} (pid ${state.pid}) lists no address to reach it`,
      'it listens on no loopback or private address; give its address (ww shell ADDR), or use --local');
  }
  // Loopback first: it is this machine.
  return addrs.sort((a, b) => Number(!/^\/ip[46]\/(127\.|::1\/)/.test(a)) - Number(!/^\/ip[46]\/(127\.|::1\/)/.test(b)));
}

export async function connectNode(opts: NodeLinkOptions): Promise<NodeLink> {
  const addrs = nodeAddrs(opts);
  const identity = await readIdentity(opts.identityPath ?? defaultIdentityPath());
  let node: NodeSession | null = null;
  let last: unknown;
  for (const addr of addrs) {
    try { node = await dialNode(addr, identity); break; } catch (e) { last = e; }
  }
  if (!node) throw last;
  const session = node;
  const conns = new Set<Connection>();
  let fresh = true;
  return {
    peerId: session.peerId,
    names: session.caps.map((c) => c.name),
    serve(port) {
      const server = new Membrane$Server({
        graft: async (_p, r: Membrane_Graft$Results) => {
          let caps;
          try {
            caps = fresh ? session.caps : await session.regraft();
          } catch (e) {
            // The node's words, for the worker to show (a DialNodeError names the step and the reason).
            throw e instanceof RpcError ? e : new RpcError('disconnected', (e as Error)?.message ?? String(e));
          }
          fresh = false;
          writeExports(r._initCaps(caps.length), caps);
        },
        epoch: async (_p, r: Membrane_Epoch$Results) => {
          try {
            const e = await session.epoch();
            const out = r._initEpoch();
            out.seq = e.seq;
            out.head = e.head;
          } catch (e) { throw toRpcError(e); }
        },
      });
      const conn = new Connection(portTransport(port), { bootstrap: server });
      conns.add(conn);
      return conn;
    },
    async close() {
      for (const c of conns) c.close();
      await session.close();
    },
  };
}
