// Where `ww push` puts the DAG it built (runtime/node/push-dag.ts), in the
// order it looks:
//   kubo  --ipfs-url / IPFS_API given: Kubo's dag/import, pinned there;
//   node  a node runs here (its host-state file names a live pid): a CAR
//         to its control socket (runtime/node/control.ts), which checks,
//         stores, pins and announces it, so peers can fetch it at once;
//   repo  otherwise the on-disk repo `ww run` serves (--ipfs-repo), opened
//         while no node holds it, pinned there; a node started on it later
//         serves it.
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { createHeliaLight, type Helia } from 'helia';
import type { CID } from 'multiformats/cid';
import { NodeError, NODE_ERROR_CODES, type NodeErrorCode } from './errors.js';
import { carStream, type Block } from './car.js';
import { openRepo, storeDag } from './ipfs-helia.js';
import { createKuboStore } from './ipfs-kubo.js';
import type { HostState } from './host-state.js';

export type PushTarget =
  | { kind: 'node'; socket: string; state: HostState }
  | { kind: 'repo'; dir: string }
  | { kind: 'kubo'; url: string };

export interface DagToSend {
  root: CID;
  blocks: readonly Block[];
}

/** Sends the DAG to the target; resolves once it is stored and pinned there. `sent` counts bytes as they go. */
export async function sendDag(target: PushTarget, dag: DagToSend, sent?: (bytes: number) => void): Promise<void> {
  switch (target.kind) {
    case 'node': return toNode(target, dag, sent);
    case 'repo': return toRepo(target.dir, dag);
    case 'kubo': {
      // An upload takes time with its size: 30 s, and 1 s more per MiB.
      const bytes = dag.blocks.reduce((n, b) => n + b.bytes.length, 0);
      const kubo = await createKuboStore({ url: target.url, timeoutMs: 30_000 + Math.ceil(bytes / 1048576) * 1000 });
      await kubo.importDag(dag.root, blocksOf(dag));
      return;
    }
  }
}

async function* blocksOf(dag: DagToSend): AsyncIterable<Block> { yield* dag.blocks; }

/** How long the control socket may stay silent during a push. */
const IDLE_MS = 60_000;

/** The CAR over the control socket; the node's coded answer becomes the same NodeError here. */
function toNode(target: Extract<PushTarget, { kind: 'node' }>, dag: DagToSend, sent?: (bytes: number) => void): Promise<void> {
  const who = `the node ${target.state.peer_id} (pid ${target.state.pid})`;
  return new Promise((resolve, reject) => {
    let n = 0;
    async function* counted() {
      for await (const c of carStream(dag.root, dag.blocks)) { n += c.length; sent?.(n); yield c; }
    }
    const req = request({ socketPath: target.socket, method: 'POST', path: '/v0/push', headers: { 'content-type': 'application/vnd.ipld.car' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => reject(unreachable(who, target.socket, e)));
      res.on('end', () => {
        let body: { cid?: string; code?: string; message?: string; hint?: string };
        try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch {
          return reject(new NodeError('node/control', `${who} answered the push with HTTP ${res.statusCode} and no JSON`, 'check the node\'s log'));
        }
        if (res.statusCode === 200 && body.cid === dag.root.toString()) return resolve();
        if (res.statusCode === 200) return reject(new NodeError('node/control', `${who} stored ${body.cid}, not the pushed root ${dag.root}`, 'check the node\'s log'));
        const code = (body.code && body.code in NODE_ERROR_CODES ? body.code : 'node/control') as NodeErrorCode;
        reject(new NodeError(code, `${who} refused the push: ${body.message ?? `HTTP ${res.statusCode}`}`, body.hint));
      });
    });
    req.on('error', (e) => reject(unreachable(who, target.socket, e)));
    // A node that stops reading or answering must not hold the push for ever.
    req.setTimeout(IDLE_MS, () => {
      reject(new NodeError('node/control', `${who} went ${IDLE_MS / 1000} s without reading or answering the push`, 'check the node\'s log; it may be stuck or overloaded'));
      req.destroy();
    });
    Readable.from(counted()).on('error', (e) => req.destroy(e)).pipe(req);
  });
}

function unreachable(who: string, socket: string, e: unknown): NodeError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ECONNREFUSED') {
    return new NodeError('node/control', `${who} runs, but its control socket ${socket} does not answer (${code})`,
      'restart the node (a node of this version opens it at boot), or stop it and push into its repo');
  }
  return new NodeError('node/control', `the push to ${who} over ${socket} failed: ${code ?? (e as Error)?.message ?? String(e)}`, 'check the node\'s log');
}

/** Into the on-disk repo through an offline Helia on it: blocks stored, root pinned. */
async function toRepo(dir: string, dag: DagToSend): Promise<void> {
  const repo = await openRepo(dir);
  let helia: Helia | null = null;
  try {
    helia = createHeliaLight({ blockstore: repo.blockstore, datastore: repo.datastore }) as unknown as Helia;
    try { await helia.start(); } catch (e) {
      throw new NodeError('node/ipfs', `cannot open the IPFS repo at ${dir}: ${(e as Error).message}`, 'move it aside, or pass --ipfs-repo DIR');
    }
    await storeDag(helia, dag.root, blocksOf(dag));
  } finally {
    try { await helia?.stop(); } finally { await repo.close(); }
  }
}
