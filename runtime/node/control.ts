// The node's local control endpoint: HTTP on a Unix domain socket beside
// the host-state file (`host.sock` in the same folder, mode 0600, removed
// at shutdown), for tools on this machine that act through the running
// node. A Unix socket, not a TCP port, so that only this user (the file's
// mode and its 0700 folder) can reach it, with nothing to configure.
//
// POST /v0/push takes a CAR (runtime/node/car.ts) of a DAG `ww push` built
// locally: every block is hashed against its CID before it is stored, the
// stream is bounded, the root is pinned (a DAG that lacks a block is
// refused) and announced on the DHTs, and the answer is the root CID:
// {"cid": "...", "blocks": N, "bytes": N}. Errors answer
// {"code": "node/...", "message": "...", "hint": "..."}.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { chmodSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NodeError } from './errors.js';
import { readVerifiedCar } from './car.js';
import type { IpfsStore } from './ipfs.js';

/** The control socket of the node whose host-state file is `hostStatePath`. */
export function controlSocketPath(hostStatePath: string): string {
  return join(dirname(hostStatePath), 'host.sock');
}

/** What one push may carry by default, over all its blocks. */
export const DEFAULT_MAX_PUSH_BYTES = 1024 * 1024 * 1024;

export interface ControlOptions {
  socketPath: string;
  ipfs: IpfsStore;
  maxPushBytes?: number;
  log?: { info(m: string): void; warn(m: string): void };
}

export class ControlServer {
  private server: Server | null = null;
  private ino = -1;
  readonly maxPushBytes: number;

  constructor(private readonly opts: ControlOptions) {
    this.maxPushBytes = opts.maxPushBytes ?? DEFAULT_MAX_PUSH_BYTES;
  }

  get path(): string { return this.opts.socketPath; }

  async start(): Promise<void> {
    const path = this.opts.socketPath;
    // A socket left by a node that crashed refuses connections forever; the
    // host-state file beside it is ours now, so the path is too.
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      rmSync(path, { force: true });
    } catch (e) {
      throw new NodeError('node/control', `cannot open the control socket ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'set WW_HOST_STATE_PATH to a file in a writable folder');
    }
    const server = createServer((req, res) => { void this.handle(req, res); });
    // Created 0600 from the start (no window in which another user could
    // connect): the umask holds only for this synchronous bind.
    let old: number | null = null;
    try { old = process.umask(0o177); } catch { /* not settable here (a worker): chmod below still holds */ }
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => { server.off('error', reject); resolve(); });
        if (old !== null) { process.umask(old); old = null; }
      });
    } catch (e) {
      throw new NodeError('node/control', `cannot open the control socket ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        'set WW_HOST_STATE_PATH to a file in a short, writable folder (a socket path must be under 108 bytes)');
    } finally {
      if (old !== null) process.umask(old);
    }
    chmodSync(path, 0o600);
    this.ino = statSync(path).ino;
    this.server = server;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://node');
    if (url.pathname !== '/v0/push') return answer(res, 404, { code: 'not-found', message: `no control route ${url.pathname}` });
    if (req.method !== 'POST') return answer(res, 405, { code: 'method', message: 'POST a CAR to /v0/push' });
    const t0 = performance.now();
    try {
      // Not destroyed when reading stops early, so a refusal can still be answered.
      const body = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>;
      const car = await readVerifiedCar(body, { maxBytes: this.maxPushBytes });
      await this.opts.ipfs.importDag(car.root, car.blocks);
      const ms = Math.round(performance.now() - t0);
      this.opts.log?.info(`pushed ${car.root} (${car.stats.blocks} blocks, ${car.stats.bytes} bytes) in ${ms} ms`);
      answer(res, 200, { cid: car.root.toString(), blocks: car.stats.blocks, bytes: car.stats.bytes });
    } catch (e) {
      const err = e instanceof NodeError ? e : new NodeError('node/ipfs', `push: ${(e as Error)?.message ?? String(e)}`);
      this.opts.log?.warn(`a push was refused: ${err.message}`);
      const status = err.code === 'node/too-large' ? 413 : err.code === 'node/bad-car' || err.code === 'node/bad-block' ? 400 : 500;
      answer(res, status, { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) });
      // The rest of the body is read and dropped, so the client gets to read
      // the answer; a client that keeps sending is cut off after 5 s.
      res.once('finish', () => {
        if (req.complete) return;
        req.resume();
        const t = setTimeout(() => req.destroy(), 5000);
        t.unref();
        req.once('end', () => clearTimeout(t));
      });
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    // Only our own socket: another node may have taken the path since.
    try { if (statSync(this.opts.socketPath).ino === this.ino) rmSync(this.opts.socketPath, { force: true }); } catch { /* gone */ }
  }
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) { res.destroy(); return; }
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
