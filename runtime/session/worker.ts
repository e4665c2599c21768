// The thread a shell or MCP session evaluates on. Evaluation is here, not
// on the thread that reads keys or protocol messages, so that code which
// never yields (`(loop [] (recur))` on the pure tier) can still be
// stopped: the session sets the shared interrupt flag, which compiled
// loops and the effect driver poll, and if that is not enough (a JS
// builtin running long) it terminates this thread and starts another.
//
// With a node, the thread grafts the Membrane that the session serves on
// `rpcPort` (it forwards the node's capabilities, as init.d workers graft
// the node's own), and binds what the graft gives by name. After an
// evaluation that failed `stale-epoch` (the node's epoch advanced) or
// `disconnected`, it grafts again, so the next evaluation has fresh
// capabilities; the error says whether that worked.
import '../polyfill.js';
import { parentPort, workerData } from 'node:worker_threads';
import type { SessionWorkerData, SessionRequest, SessionEvent } from './protocol.js';
import type { EvalOutcome } from './session.js';

const data = workerData as SessionWorkerData;
const port = parentPort!;
const post = (e: SessionEvent) => port.postMessage(e);

const { Evaluator, sessionContext } = await import('./evaluator.js');

/** Grafts over the session's connection; null without a node. */
let graft: (() => Promise<Record<string, unknown>>) | null = null;
let names: string[] = [];
try {
  if (data.rpcPort) {
    const { Connection } = await import('../rpc/conn.js');
    const { portTransport } = await import('../rpc/transport.js');
    const { Membrane$Client } = await import('../../schema/generated/membrane.js');
    const { readGraft } = await import('../membrane/membrane.js');
    const { GliaBridge, bindGraft } = await import('../membrane/glia-cap.js');
    // Value classes with Glia conveniences (runtime :run, host :listen) register on import,
    // and the generated clients of identity and http-client (a call cannot be built without them).
    await import('../membrane/runtime-cap.js');
    await import('../membrane/host-cap.js');
    await import('../membrane/routing-cap.js');
    await import('../../schema/generated/auth.js');
    await import('../../schema/generated/http.js');
    const conn = new Connection(portTransport(data.rpcPort));
    const membrane = new Membrane$Client(await conn.bootstrapClient() as any);
    const bridge = new GliaBridge();
    graft = async () => bindGraft(bridge, readGraft(await membrane.graft().promise()));
    const caps = await graft();
    names = Object.keys(caps);
    start(caps, bridge);
  } else {
    start({}, null);
  }
} catch (e) {
  post({ t: 'start-failed', message: (e as Error)?.message ?? String(e) });
}

function start(caps: Record<string, unknown>, bridge: { session: unknown } | null): void {
  // The context's capabilities are the ones the node granted.
  const context = sessionContext(data.context, names);
  const evaluator = new Evaluator({
    baseDir: data.baseDir, name: data.name, context, interrupt: data.interrupt, capabilities: caps,
    ...(data.tier ? { tier: data.tier } : {}),
  });
  if (bridge) bridge.session = evaluator.glia;

  let queue: Promise<void> = Promise.resolve();
  port.on('message', (m: SessionRequest) => {
    if (m.t !== 'eval') return;
    queue = queue.then(async () => {
      let outcome: EvalOutcome;
      try {
        outcome = await evaluator.evaluate(m.source, (text) => post({ t: 'stdout', id: m.id, text }));
      } catch (e) {
        // evaluate() turns bad code into outcomes; this is a bug in the session itself.
        const message = `internal error: ${(e as Error)?.stack ?? String(e)}`;
        outcome = { ok: false, values: [], error: { code: 'internal', message, span: null, hint: null, rendered: `error[internal]: ${message}` } };
      }
      if (!outcome.ok && graft && (outcome.error.code === 'stale-epoch' || outcome.error.code === 'disconnected')) {
        outcome = { ...outcome, error: await regrafted(outcome.error) };
      }
      post({ t: 'outcome', id: m.id, outcome });
    });
  });
  post({ t: 'ready', names });

  /** Grafts again after a stale or lost capability, and says in the error's hint how that went. */
  async function regrafted(error: Extract<EvalOutcome, { ok: false }>['error']) {
    let hint: string;
    try {
      evaluator.rebind(await graft!());
      hint = error.code === 'stale-epoch'
        ? 'the node moved to a new epoch; the session grafted again, so the next evaluation has fresh capabilities'
        : 'the connection to the node was lost; the session connected and grafted again, so the next evaluation has fresh capabilities';
    } catch (e) {
      const why = ((e as Error)?.message ?? String(e)).replace(/^failed: /, '');
      hint = `the node is gone (${why}); its capabilities no longer work here. Start it again (ww run) and open a new shell, or use --local`;
    }
    const rendered = error.hint && error.rendered.includes(`hint: ${error.hint}`)
      ? error.rendered.replace(`hint: ${error.hint}`, `hint: ${hint}`) : `${error.rendered}\nhint: ${hint}`;
    return { ...error, hint, rendered };
  }
}
