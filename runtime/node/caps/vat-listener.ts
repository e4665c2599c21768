// VatListener (system.capnp): serve(cap, name, interfaceId) offers a
// capability on /ww/0.1.0/vat/NAME, and listen(cell, name) starts a
// vat-mode cell per connection and offers its bootstrap.
//
// A served capability is guarded by the epoch of the registration, so its
// remote holders see `stale-epoch` once the epoch ends, and it answers
// Typed.interfaceId. Its attenuation travels with it: what is exported is
// the policy-wrapped hook, never what is inside. The registry holds one
// reference; each connection holds its own, so cancelling stops new dials
// while the connections made go on.
import { VatListener$Server } from '../../../schema/generated/system.js';
import { capOfPointer } from '../../rpc/hooks.js';
import { OwningCap, probeInterface } from './vat-client.js';
import { Policy, attenuate } from '../../membrane/policy.js';
import { spawnCell } from '../../cell/cell-session.js';
import { CellError } from '../../cell/errors.js';
import { acceptVat } from '../p2p/vat-protocol.js';
import { TypedHook } from '../p2p/typed.js';
import type { P2pContext } from '../p2p/context.js';
import { readLocalCell, grantsFor } from './cell-spec.js';
import { registrationClient } from './registration.js';
import { guarded } from './guard.js';
import { protocolOf } from '../p2p/protocols.js';

export function vatListenerServer(ctx: P2pContext): VatListener$Server {
  return new VatListener$Server({
    serve: guarded(async (p, r) => {
      protocolOf('vat', p.name); // a bad name fails before anything is held
      // The wrapper keeps a reference of its own to the capability in the params.
      const served = new TypedHook(attenuate(capOfPointer(p.cap), new Policy(null, [ctx.epoch.guard()])), p.interfaceId);
      let reg;
      try {
        reg = await ctx.registry.register('vat', p.name, (stream, connection) => {
          acceptVat(stream, served.dup());
          ctx.log.info(`vat ${p.name}: connection from ${connection.remotePeer}`);
        });
      } catch (e) { served.close(); throw e; }
      const protocol = reg.protocol;
      // A self-dial's reference, made for the dial's results: floating, released by its holder.
      const entry = { open: async () => ({ cap: new OwningCap(served.dup()), interfaceId: p.interfaceId }), alive: () => reg.alive() };
      ctx.served.set(protocol, entry);
      const end = () => { if (ctx.served.get(protocol) === entry) ctx.served.delete(protocol); served.close(); };
      const off = ctx.epoch.onAdvance(() => { if (!reg.alive()) { off(); end(); } });
      r.registration = registrationClient(reg, () => { off(); end(); });
    }),
    listen: guarded(async (p, r) => {
      protocolOf('vat', p.name);
      if (!p._hasCell()) throw new CellError('cell/bad-spawn', 'listen needs a CellSpec', {}, 'pass (cell wasm grants)');
      const cell = await readLocalCell(p.cell, ctx.runtime, 'VatListener.listen');
      // A vat-mode cell with its grants; `end` releases the grants once.
      const start = () => {
        const grants = grantsFor(cell);
        try {
          const session = spawnCell(cell.executor, { args: cell.args, env: [...cell.env, ['WW_CELL_MODE', 'vat']], grants, limits: cell.limits, epoch: ctx.epoch });
          let ended = false;
          return { session, end: () => { if (!ended) { ended = true; for (const g of grants) g.cap.close(); } } };
        } catch (e) {
          for (const g of grants) g.cap.close();
          throw e;
        }
      };
      let reg;
      try {
        reg = await ctx.registry.register('vat', p.name, (stream, connection) => {
          let started;
          try { started = start(); } catch (e) {
            stream.abort(e as Error);
            ctx.log.warn(`vat ${p.name}: the cell did not start: ${(e as Error).message}`);
            return;
          }
          const { session, end } = started;
          const conn = acceptVat(stream, session.bootstrap().dup());
          void session.process.result().then(() => { conn.close(); end(); });
          void conn.closed.then(() => session.process.kill('its connection closed'));
          ctx.log.info(`vat ${p.name}: cell ${cell.executor.cid} for ${connection.remotePeer}`);
        });
      } catch (e) { cell.release(); throw e; }
      // This node's own dial gets a cell of its own, as another node's does,
      // without libp2p: its bootstrap, which ends the cell when released.
      const protocol = reg.protocol;
      const entry = {
        alive: () => reg.alive(),
        open: async () => {
          const { session, end } = start();
          // Logged: the one sign outside the node that a released self-dial ended its cell.
          void session.process.result().then((s) => {
            end();
            ctx.log.info(`vat ${p.name}: cell ${cell.executor.cid} for this node ended: ${'error' in s ? s.error.message : `exit ${s.code}`}`);
          });
          const boot = session.bootstrap().dup();
          ctx.log.info(`vat ${p.name}: cell ${cell.executor.cid} for this node`);
          return { cap: new OwningCap(boot, () => session.process.kill('its last reference was released')), interfaceId: await probeInterface(boot) };
        },
      };
      ctx.served.set(protocol, entry);
      const forget = () => { if (ctx.served.get(protocol) === entry) ctx.served.delete(protocol); };
      const off = ctx.epoch.onAdvance(() => { if (!reg.alive()) { off(); forget(); cell.release(); } });
      r.registration = registrationClient(reg, () => { off(); forget(); cell.release(); });
    }),
  });
}
