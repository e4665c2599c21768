// The translator's thread: runs translate() (jco's transpiler and the
// memory guard) on component bytes the node was handed, so a large or
// hostile component keeps this thread busy, not the node's event loop.
import { parentPort } from 'node:worker_threads';
import { CellError } from './errors.js';
import { translate } from './translate.js';
import type { TranslateReply, TranslateRequest } from './translator.js';

const port = parentPort!;
port.on('message', async (m: TranslateRequest) => {
  let reply: TranslateReply;
  try {
    reply = { id: m.id, artifacts: await translate(m.bytes) };
  } catch (e) {
    reply = { id: m.id, error: e instanceof CellError ? e.toData() : { code: 'cell/host-failure', message: `translation failed: ${(e as Error)?.message ?? e}` } };
  }
  port.postMessage(reply, 'artifacts' in reply ? reply.artifacts.cores.map((c) => c.bytes.buffer as ArrayBuffer) : []);
});
