// Epochs. Every capability a graft hands out is guarded by the epoch it was
// issued in; advancing the epoch (a new head adopted, a policy change)
// makes every one of them fail `stale-epoch`, and grafting again yields
// fresh ones. The check happens in the PolicyHook on every call.
import { RpcError } from '../rpc/errors.js';
import type { Guard } from './policy.js';

export interface EpochInfo { seq: bigint; head: string; previousHead: string; source: string; reason: string; adoptedAtMs: number }

export class Epoch {
  private info: EpochInfo;
  private readonly listeners = new Set<(now: EpochInfo) => void>();
  constructor(head = '', source = 'boot') {
    this.info = { seq: 0n, head, previousHead: '', source, reason: 'initial epoch', adoptedAtMs: Date.now() };
  }
  get seq(): bigint { return this.info.seq; }
  get current(): EpochInfo { return this.info; }
  /** Moves to the next epoch; every capability issued before stops working. */
  advance(head: string, reason: string, source = 'local', adoptedAtMs = Date.now()): EpochInfo {
    this.info = { seq: this.info.seq + 1n, head, previousHead: this.info.head, source, reason, adoptedAtMs };
    for (const f of [...this.listeners]) { try { f(this.info); } catch { /* a listener's failure is its own */ } }
    return this.info;
  }

  /** Calls `f` after each advance (registrations end with their epoch); returns the unsubscribe. */
  onAdvance(f: (now: EpochInfo) => void): () => void {
    this.listeners.add(f);
    return () => { this.listeners.delete(f); };
  }

  /** A guard that passes only while this epoch is still `seq`. */
  guard(): Guard {
    const issued = this.info.seq;
    return {
      kind: 'epoch',
      check: () => (this.info.seq === issued ? null
        : new RpcError('stale-epoch', `this capability was issued in epoch ${issued}; the current epoch is ${this.info.seq}. Graft again for fresh capabilities`)),
    };
  }
}
