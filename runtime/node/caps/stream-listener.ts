// StreamListener (system.capnp): listen(cell, protocol) accepts
// /ww/0.1.0/stream/NAME and starts a fresh raw-mode cell per inbound
// stream, with the stream on its stdin and stdout (p2p/cell-stream.ts).
// The registration ends on cancel() or with its epoch; cells already
// running go on until they end.
import { StreamListener$Server } from '../../../schema/generated/system.js';
import { spawnCell } from '../../cell/cell-session.js';
import { CellError } from '../../cell/errors.js';
import { pipeCellToStream } from '../p2p/cell-stream.js';
import { protocolOf } from '../p2p/protocols.js';
import type { P2pContext } from '../p2p/context.js';
import { readLocalCell, grantsFor } from './cell-spec.js';
import { registrationClient } from './registration.js';
import { guarded } from './guard.js';

export function streamListenerServer(ctx: P2pContext): StreamListener$Server {
  return new StreamListener$Server({
    listen: guarded(async (p, r) => {
      const name = p.protocol;
      protocolOf('stream', name);
      if (!p._hasCell()) throw new CellError('cell/bad-spawn', 'listen needs a CellSpec', {}, 'pass (cell wasm grants)');
      const cell = await readLocalCell(p.cell, ctx.runtime, 'StreamListener.listen');
      let reg;
      try {
        reg = await ctx.registry.register('stream', name, (stream, connection) => {
          const grants = grantsFor(cell);
          let session;
          try {
            session = spawnCell(cell.executor, { args: cell.args, env: cell.env, mode: 'raw', grants, limits: cell.limits, epoch: ctx.epoch });
          } catch (e) {
            for (const g of grants) g.cap.close();
            stream.abort(e as Error);
            ctx.log.warn(`stream ${name}: the cell did not start: ${(e as Error).message}`);
            return;
          }
          pipeCellToStream(session.process, stream);
          void session.process.result().then(() => { for (const g of grants) g.cap.close(); });
          ctx.log.info(`stream ${name}: cell ${cell.executor.cid} for ${connection.remotePeer}`);
        });
      } catch (e) { cell.release(); throw e; }
      const off = ctx.epoch.onAdvance(() => { if (!reg.alive()) { off(); cell.release(); } });
      r.registration = registrationClient(reg, () => { off(); cell.release(); });
    }),
  });
}
