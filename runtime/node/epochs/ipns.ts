// The IPNS epoch source (`ww run --epoch-ipns NAME`): the node resolves
// NAME through its own IPFS store (the embedded Helia's IPNS, or Kubo's)
// every `--epoch-poll-ms`, and a path it has not adopted becomes a new
// epoch whose image is that path. At boot it resolves once, so the node
// boots from the name's image; a name that does not resolve yet is logged
// and picked up by a later poll.
//
// Polls never overlap (the next is timed from the end of the last), a
// failed resolution is logged and tried again at the next poll, and an
// image that did not load is tried again at the next poll too (adopt
// rejects then). stop() clears the timer and aborts a poll in flight.
import { NodeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { EpochEvent, EpochSource } from './source.js';

export const DEFAULT_EPOCH_POLL_MS = 30_000;
export const MIN_EPOCH_POLL_MS = 100;

export interface IpnsSourceOptions {
  /** The name as given: `/ipns/NAME` or `NAME`. */
  name: string;
  pollMs?: number;
  /** The node's IPNS resolution: `/ipns/NAME` to `/ipfs/CID...`. */
  resolve: (name: string, signal: AbortSignal) => Promise<string>;
  log: Logger;
  /** How long the boot-time resolution may take (default 60 s). */
  initialTimeoutMs?: number;
}

export class IpnsEpochSource implements EpochSource {
  readonly name: string;
  private readonly path: string;
  private readonly pollMs: number;
  /** The path adopted last (or booted from): a poll that resolves to it does nothing. */
  private last: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private readonly aborter = new AbortController();
  private stopped = false;

  constructor(private readonly opts: IpnsSourceOptions) {
    this.path = opts.name.startsWith('/ipns/') ? opts.name : `/ipns/${opts.name}`;
    this.name = `ipns ${this.path}`;
    this.pollMs = opts.pollMs ?? DEFAULT_EPOCH_POLL_MS;
    if (!Number.isSafeInteger(this.pollMs) || this.pollMs < MIN_EPOCH_POLL_MS) {
      throw new NodeError('node/epoch', `the IPNS poll interval must be a whole number of ms, at least ${MIN_EPOCH_POLL_MS}, not ${String(opts.pollMs)}`, 'such as --epoch-poll-ms 30000');
    }
  }

  async initial(signal?: AbortSignal): Promise<string | null> {
    const timeout = AbortSignal.timeout(this.opts.initialTimeoutMs ?? 60_000);
    const both = signal ? AbortSignal.any([signal, timeout, this.aborter.signal]) : AbortSignal.any([timeout, this.aborter.signal]);
    try {
      this.last = await this.opts.resolve(this.path, both);
      this.opts.log.info(`epoch source ${this.name}: resolves to ${this.last}`, { epoch_source: 'ipns', epoch_image: this.last });
      return this.last;
    } catch (e) {
      // A name that does not parse is a mistake in the flag: the boot fails on it.
      if (e instanceof NodeError && e.code === 'node/bad-key') {
        throw new NodeError('node/bad-key', `--epoch-ipns ${this.opts.name}: ${e.message}`, 'give the name as /ipns/<peer id or key CID>, such as this node\'s own /ipns/12D3KooW...');
      }
      this.warn('does not resolve yet', e);
      return null;
    }
  }

  start(adopt: (event: EpochEvent) => Promise<void>): void {
    if (this.stopped || this.timer || this.inFlight) return;
    const schedule = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.inFlight = this.poll(adopt).finally(() => { this.inFlight = null; schedule(); });
      }, this.pollMs);
    };
    schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.aborter.abort();
    await this.inFlight;
  }

  private async poll(adopt: (event: EpochEvent) => Promise<void>): Promise<void> {
    let path: string;
    try {
      path = await this.opts.resolve(this.path, this.aborter.signal);
    } catch (e) {
      if (!this.stopped) this.warn('did not resolve; trying again at the next poll', e);
      return;
    }
    if (this.stopped || path === this.last) return;
    try {
      await adopt({ source: 'ipns', reason: `${this.path} now points at ${path}`, image: path });
      this.last = path;
    } catch {
      // The node logged why (node/epoch); the same path is tried again at the next poll.
    }
  }

  private warn(what: string, e: unknown): void {
    const code = e instanceof NodeError ? e.code : 'node/ipns';
    this.opts.log.warn(`epoch source ${this.name} ${what}: error[${code}]: ${(e as Error)?.message ?? e}`, { code, epoch_source: 'ipns' });
  }
}
