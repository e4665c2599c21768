// The vat and stream names this node serves, each a libp2p protocol
// handler. A registration lasts until it is cancelled or the epoch it was
// made in ends; then its protocol is unhandled, so new dials are refused
// at protocol negotiation, while connections and cells already running
// carry on (a served vat's capability is itself epoch-guarded). A name
// whose registration has ended may be registered again, as init.d does
// when it re-runs in a new epoch; a live one may not (node/name-taken).
import type { Libp2p, Stream, Connection as Libp2pConnection } from '@libp2p/interface';
import type { Epoch } from '../../membrane/epoch.js';
import { NodeError } from '../errors.js';
import { protocolOf, type P2pKind } from './protocols.js';

export interface P2pRegistration {
  readonly kind: P2pKind;
  readonly name: string;
  readonly protocol: string;
  /** Serving: not cancelled and its epoch is current. */
  alive(): boolean;
  /** Stops accepting; idempotent. */
  cancel(): Promise<void>;
}

export type InboundHandler = (stream: Stream, connection: Libp2pConnection) => void;

/** Inbound streams at once per connection, per protocol (libp2p's default is 32). */
const MAX_INBOUND_STREAMS = 64;

export class P2pRegistry {
  private readonly byProtocol = new Map<string, P2pRegistration>();
  private readonly offAdvance: (() => void) | null;

  constructor(private readonly node: Libp2p, private readonly epoch: Epoch | null = null) {
    // Unhandle at once when the epoch moves on, so dials fail at negotiation.
    this.offAdvance = epoch ? epoch.onAdvance(() => { for (const r of [...this.byProtocol.values()]) if (!r.alive()) void r.cancel(); }) : null;
  }

  async register(kind: P2pKind, name: string, onStream: InboundHandler): Promise<P2pRegistration> {
    const protocol = protocolOf(kind, name);
    const existing = this.byProtocol.get(protocol);
    if (existing?.alive()) {
      throw new NodeError('node/name-taken', `this node already serves the ${kind} ${JSON.stringify(name)} (${protocol})`,
        'cancel that registration first, or pick another name');
    }
    if (existing) await existing.cancel();
    const epoch = this.epoch;
    const issued = epoch?.seq;
    let cancelled = false;
    const reg: P2pRegistration = {
      kind, name, protocol,
      alive: () => !cancelled && (epoch === null || epoch.seq === issued),
      cancel: async () => {
        if (cancelled) return;
        cancelled = true;
        if (this.byProtocol.get(protocol) === reg) {
          this.byProtocol.delete(protocol);
          await this.node.unhandle(protocol).catch(() => {});
        }
      },
    };
    const handler: InboundHandler = (stream, connection) => {
      // Between the epoch's end and the unhandle, a stream may still arrive.
      if (!reg.alive()) { stream.abort(new Error(`${protocol} is no longer served`)); return; }
      onStream(stream, connection);
    };
    this.byProtocol.set(protocol, reg);
    await this.node.handle(protocol, handler, { force: true, maxInboundStreams: MAX_INBOUND_STREAMS });
    return reg;
  }

  /** Cancels every registration (the node is stopping). */
  async close(): Promise<void> {
    this.offAdvance?.();
    await Promise.all([...this.byProtocol.values()].map((r) => r.cancel()));
  }
}
