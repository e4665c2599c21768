// The Routing capability a node serves (schema/routing.capnp), over the
// swarm's content routing, which spans both DHTs (the public one and the
// LAN one), and IPNS through the node's IpfsStore.
//
// A key is a CID used as it is, or any other text, hashed to the CIDv1
// (raw, sha2-256) of its UTF-8 bytes, which is what `hash` gives for those
// bytes: `(perform routing :provide "my-service")` on one node and
// `(perform routing :find "my-service")` on another meet.
import * as $ from 'capnp-es';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import type { Libp2p } from '@libp2p/interface';
import { Routing$Server, ProviderSink$Client } from '../../../schema/generated/routing.js';
import { toHook, type Hook } from '../../rpc/hooks.js';
import { NodeError } from '../errors.js';
import { withDeadline, type IpfsStore } from '../ipfs.js';
import { noDhtPeers, type SwarmLog } from '../swarm.js';
import { guarded } from './guard.js';

export interface RoutingServerOptions {
  swarm: Libp2p;
  ipfs: IpfsStore;
  log?: SwarmLog;
  /** How long provide may take before it fails node/timeout (default 30 s). */
  provideTimeoutMs?: number;
  /** How long a provider search runs before it ends with what it found (default 20 s). */
  findTimeoutMs?: number;
}

/** The CIDv1 (raw, sha2-256) of `data`: Routing.hash, and the key of any non-CID text. */
export async function rawCid(data: Uint8Array): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(data));
}

/** A routing key: a CID as it is, any other text hashed. */
export async function routingKey(key: string): Promise<CID> {
  if (typeof key !== 'string' || key === '') throw new NodeError('node/bad-key', 'a routing key is empty', 'give a CID or any non-empty text');
  try { return CID.parse(key); } catch { return rawCid(new TextEncoder().encode(key)); }
}

export function routingHook(opts: RoutingServerOptions): Hook {
  const { swarm, ipfs } = opts;
  const provideMs = opts.provideTimeoutMs ?? 30_000;
  const findMs = opts.findTimeoutMs ?? 20_000;
  const providerSink = ProviderSink$Client.methods[0]!;
  const sinkDone = ProviderSink$Client.methods[1]!;

  return toHook(new Routing$Server({
    provide: guarded(async (p) => {
      const cid = await routingKey(p.key);
      const announce = (signal?: AbortSignal) => swarm.contentRouting.provide(cid, { signal });
      if (noDhtPeers(swarm)) {
        // The DHTs record the key now and announce it when their first peer
        // joins; waiting here would only wait for that peer.
        void announce().catch((e) => opts.log?.info(`providing ${cid} failed: ${(e as Error).message}`));
        return;
      }
      await withDeadline(provideMs, undefined,
        () => new NodeError('node/timeout', `announcing ${p.key} on the DHT took over ${provideMs / 1000} s`, 'retry; the DHT peers may be slow or gone'),
        announce);
    }),

    findProviders: guarded(async (p) => {
      const cid = await routingKey(p.key);
      const sink = $.utils.isNull($.utils.getPointer(1, p)) ? null : toHook(p.sink);
      if (!sink) throw new NodeError('node/bad-key', 'findProviders needs a sink to stream the providers to', 'pass a ProviderSink, or use (perform routing :find key) in Glia');
      const seen = new Set<string>();
      const search = new AbortController();
      const deadline = setTimeout(() => search.abort(), findMs);
      try {
        if (!noDhtPeers(swarm)) {
          for await (const prov of swarm.contentRouting.findProviders(cid, { signal: search.signal })) {
            const id = prov.id.toString();
            if (seen.has(id)) continue;
            seen.add(id);
            const addrs = prov.multiaddrs.map(String);
            // A failing sink stops the search (the schema's contract), as does its caller going away.
            await sink.call({
              method: providerSink,
              paramsFunc: (q: any) => {
                const info = q._initInfo();
                info.peerId = id;
                const l = info._initAddrs(addrs.length);
                addrs.forEach((a, i) => l.set(i, a));
              },
            }).struct();
          }
        }
      } catch (e) {
        // The deadline ends a search normally, with what it found.
        if (!search.signal.aborted) throw e;
      } finally {
        clearTimeout(deadline);
        search.abort();
      }
      await sink.call({ method: sinkDone }).struct();
    }),

    hash: guarded(async (p, r) => {
      r.key = (await rawCid(new Uint8Array(p.data.toUint8Array()))).toString();
    }),

    resolve: guarded(async (p, r) => {
      r.path = await ipfs.resolveName(p.name);
    }),

    publish: guarded(async (p) => {
      await ipfs.publishName(p.name, p.path);
    }),
  }))!;
}
