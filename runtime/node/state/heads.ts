// Where a node keeps the head of each StateRef: one record per name in
// the node's datastore (the one in --ipfs-repo that libp2p and Helia
// share, under `datastore/`), so heads survive a restart. A record is
// the JSON {"cid": "<cid>", "seq": "<n>"}; a ref never written has none.
// The key is /ww/state/head/<name in base32>, so that any name is one
// safe file name on disk.
import { Key, type Datastore } from 'interface-datastore';
import { base32 } from 'multiformats/bases/base32';
import { NodeError } from '../errors.js';

export interface Head { cid: string; seq: bigint }

export const EMPTY_HEAD: Head = { cid: '', seq: 0n };

export class HeadStore {
  constructor(private readonly ds: Datastore) {}

  key(name: string): Key {
    return new Key(`/ww/state/head/${base32.baseEncode(new TextEncoder().encode(name))}`);
  }

  /** The stored head of `name`, or the empty head. */
  async get(name: string): Promise<Head> {
    const key = this.key(name);
    let bytes: Uint8Array;
    try {
      if (!(await this.ds.has(key))) return EMPTY_HEAD;
      bytes = await this.ds.get(key);
    } catch (e) {
      throw new NodeError('node/ipfs', `cannot read the head of state ref ${JSON.stringify(name)} from the datastore: ${(e as Error).message}`);
    }
    try {
      const r = JSON.parse(new TextDecoder().decode(bytes)) as { cid?: unknown; seq?: unknown };
      if (typeof r.cid !== 'string' || r.cid === '' || typeof r.seq !== 'string' || !/^[1-9]\d*$/.test(r.seq)) throw new Error('not {"cid", "seq"}');
      return { cid: r.cid, seq: BigInt(r.seq) };
    } catch (e) {
      throw new NodeError('node/state-corrupt', `the head record of state ref ${JSON.stringify(name)} (datastore key ${key}) is corrupt: ${(e as Error).message}`,
        'the node\'s IPFS repo is damaged; remove that key\'s file under <ipfs-repo>/datastore to start the ref empty');
    }
  }

  async set(name: string, head: Head): Promise<void> {
    try {
      await this.ds.put(this.key(name), new TextEncoder().encode(JSON.stringify({ cid: head.cid, seq: head.seq.toString() })));
    } catch (e) {
      throw new NodeError('node/ipfs', `cannot write the head of state ref ${JSON.stringify(name)} to the datastore: ${(e as Error).message}`);
    }
  }
}
