// The Ipfs capability a node serves (schema/system.capnp): read a file by
// path and add bytes, through the node's IpfsStore (embedded Helia or
// Kubo). `/ipfs/...`, `/ipns/...` and bare CIDs go to the store; any other
// path goes to the resolver the node plugs in (the merged image tree, so
// `(perform ipfs :read "/etc/init.d/05-status.glia")` reads the layers),
// and without one it is refused naming what is accepted.
import { Ipfs$Server } from '../../../schema/generated/system.js';
import { toHook, type Hook } from '../../rpc/hooks.js';
import { NodeError } from '../errors.js';
import { tooLarge, type IpfsStore } from '../ipfs.js';
import { guarded, MAX_RESULT_BYTES } from './guard.js';

/** Reads a path the store does not take (one of the image tree); null when it names nothing. */
export type PathResolver = (path: string, maxBytes: number) => Promise<Uint8Array | null>;

export interface IpfsServerOptions {
  store: IpfsStore;
  resolve?: PathResolver;
  /** The largest file `read` returns (default: what fits in one RPC message). */
  maxBytes?: number;
}

/** True for the paths the store itself answers. */
export function isContentPath(path: string): boolean {
  if (path.startsWith('/ipfs/') || path.startsWith('/ipns/')) return true;
  if (path.startsWith('/')) return false;
  // A bare CID, maybe with a sub path: Qm... (v0) or a multibase CIDv1.
  return /^(Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{20,}|[zkfFuUmM][0-9A-Za-z_-]{20,})(\/|$)/.test(path);
}

export function ipfsHook(opts: IpfsServerOptions): Hook {
  const max = Math.min(opts.maxBytes ?? MAX_RESULT_BYTES, MAX_RESULT_BYTES);
  return toHook(new Ipfs$Server({
    read: guarded(async (p, r) => {
      const path = p.path;
      let data: Uint8Array;
      if (isContentPath(path)) data = await opts.store.cat(path, { maxBytes: max });
      else {
        const got = opts.resolve ? await opts.resolve(path, max) : null;
        if (!got) {
          throw new NodeError(opts.resolve ? 'node/not-found' : 'node/bad-key', `${JSON.stringify(path)} names no file${opts.resolve ? ' in the image' : ''}`,
            opts.resolve ? 'read /ipfs/<cid>/..., /ipns/<name>/..., a bare CID, or a file of the image such as /etc/init.d/05-status.glia' : 'read /ipfs/<cid>/..., /ipns/<name>/... or a bare CID');
        }
        if (got.length > max) throw tooLarge(path, got.length, max);
        data = got;
      }
      r._initData(data.length).copyBuffer(data);
    }),
    add: guarded(async (p, r) => {
      r.cid = await opts.store.addBytes(new Uint8Array(p.data.toUint8Array()));
    }),
  }))!;
}
